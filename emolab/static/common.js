// Shared by every course widget: emolab/widget_files.py puts this file in front of each widget's
// own module, so the helpers below are defined once.

let lastId = 0;

function uniqueId(prefix) {
  lastId += 1;
  return `${prefix}-${lastId}-${Math.random().toString(36).slice(2, 8)}`;
}

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// JupyterLab acts on its shortcuts when a keydown reaches the document; in command mode "a"
// inserts a cell, "d d" deletes one and the arrow keys select another cell. Keys pressed in a
// widget stop at its root, except with Ctrl or Cmd, so Ctrl+S still saves the notebook. (The
// `data-lm-suppress-shortcuts` attribute, on the root, is checked by JupyterLab 4 only after the
// focused element matched a shortcut's selector; on each control it would silence Ctrl+S too.)
function keepKeysFromJupyterLab(root) {
  root.addEventListener("keydown", (event) => {
    if (!event.ctrlKey && !event.metaKey) event.stopPropagation();
  });
}

// Python sets several traits at once: draw once, after the last change of ``names`` has arrived.
// Returns the function that stops listening (for a widget's clean-up).
function redrawOnChange(model, names, draw) {
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      draw();
    });
  };
  const events = names.map((name) => `change:${name}`);
  for (const event of events) model.on(event, schedule);
  return () => events.forEach((event) => model.off(event, schedule));
}
