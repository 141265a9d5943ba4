// emolab threshold explorer: two native range sliders with <label>s, and the results Python
// computed for their values (the alert rule in words, a table of flags, the station estimate).
//
// The keys pressed in the explorer stay in it: the arrow keys move a slider, not the selected
// cell, and letters typed there never insert or delete cells.

function slider(model, name, labelText, format) {
  const id = uniqueId(`emolab-explorer-${name}`);
  const [min, max, step] = model.get(`${name}_range`);
  const label = element("label", { for: id }, labelText);
  const input = element("input", { id, type: "range", min, max, step });
  const readout = element("output", { for: id, "aria-hidden": "true" });
  const show = (value) => {
    input.value = String(value);
    readout.textContent = format(Number(value));
    input.setAttribute("aria-valuetext", readout.textContent);
  };
  input.addEventListener("input", () => {
    readout.textContent = format(Number(input.value));
    input.setAttribute("aria-valuetext", readout.textContent);
  });
  input.addEventListener("change", () => {
    model.set(name, Number(input.value));
    model.save_changes();
  });
  const row = element("div", { class: "emolab-explorer-row" });
  row.append(label, input, readout);
  return { row, show };
}

function resultsTable(rows) {
  const table = element("table", { class: "emolab-explorer-table" });
  const head = element("tr");
  head.append(element("th", { scope: "col" }, "trace"), element("th", { scope: "col" }, "flags (episodes)"));
  table.append(head);
  for (const [name, flags] of rows) {
    const row = element("tr");
    row.append(element("th", { scope: "row" }, String(name)), element("td", {}, String(flags)));
    table.append(row);
  }
  return table;
}

function render({ model, el }) {
  const root = element("div", { class: "emolab-explorer", role: "group", "aria-label": "Alert rule explorer" });
  const threshold = slider(model, "threshold", "threshold", (v) => v.toFixed(2));
  const frames = slider(model, "frames", "frames in a row", (v) => v.toFixed(0));
  // Only the rule and the total are announced as they change; the table and estimate are there to read.
  const summary = element("p", { class: "emolab-explorer-rule", "aria-live": "polite" });
  const details = element("div");
  const results = element("div", { class: "emolab-explorer-results" });
  results.append(summary, details);
  root.append(threshold.row, frames.row, results);
  const showResults = () => {
    threshold.show(model.get("threshold"));
    frames.show(model.get("frames"));
    const rows = model.get("rows");
    const total = rows.reduce((sum, [, flags]) => sum + flags, 0);
    summary.textContent = `${model.get("rule")} ${total} flag episode(s) in all.`;
    const estimate = element("p", { class: "emolab-explorer-estimate" }, model.get("estimate"));
    details.replaceChildren(resultsTable(rows), estimate);
  };
  showResults();
  const stopListening = redrawOnChange(model, ["threshold", "frames", "rule", "rows", "estimate"], showResults);
  keepKeysFromJupyterLab(root);
  el.append(root);
  return stopListening;
}

export default { render };
