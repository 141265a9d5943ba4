// emolab station explorer (lesson 6): native range sliders with <label>s for the simulator's
// main inputs, and what Python computed for them (a summary and the frequency tree's PNG).
//
// The keys pressed in the explorer stay in it: the arrow keys, Home and End move a slider, not
// the selected cell, and letters typed there never insert or delete cells.

const whole = (v) => Math.round(v).toLocaleString("en-GB");
const oneIn = (v) => (v > 0 ? `1 in ${whole(1 / v)}` : "none");
const percent = (v) => `${Math.round(v * 100)}%`;

// A slider over [min, max, step] (`${name}_range`) or over a list of values (`${name}_choices`:
// the slider moves over their positions, and the model gets the value).
function slider(model, name, labelText, format, note = "") {
  const id = uniqueId(`emolab-station-${name}`);
  const choices = model.get(`${name}_choices`);
  const [min, max, step] = choices ? [0, choices.length - 1, 1] : model.get(`${name}_range`);
  const toValue = (position) => (choices ? choices[Number(position)] : Number(position));
  const toPosition = (value) => {
    if (!choices) return value;
    let best = 0; // the nearest step
    choices.forEach((choice, i) => {
      if (Math.abs(choice - value) < Math.abs(choices[best] - value)) best = i;
    });
    return best;
  };
  const label = element("label", { for: id }, labelText);
  const input = element("input", { id, type: "range", min, max, step });
  const readout = element("output", { for: id, "aria-hidden": "true" });
  const row = element("div", { class: "emolab-station-row" });
  row.append(label, input, readout);
  if (note) {
    const noteId = `${id}-note`;
    const hint = element("span", { id: noteId, class: "emolab-station-note" }, note);
    input.setAttribute("aria-describedby", noteId);
    row.append(hint);
  }
  const describe = (value) => {
    readout.textContent = format(value);
    input.setAttribute("aria-valuetext", readout.textContent);
  };
  const show = () => {
    const value = model.get(name);
    input.value = String(toPosition(value));
    describe(value);
  };
  input.addEventListener("input", () => describe(toValue(input.value)));
  input.addEventListener("change", () => {
    model.set(name, toValue(input.value));
    model.save_changes();
  });
  return { row, show, input };
}

function summaryList(rows) {
  const list = element("dl", { class: "emolab-station-summary" });
  for (const [quantity, value] of rows) {
    list.append(element("dt", {}, String(quantity)), element("dd", {}, String(value)));
  }
  return list;
}

function render({ model, el }) {
  const root = element("div", { class: "emolab-station", role: "group", "aria-label": "Station explorer" });
  const hypothetical = model.get("hypothetical");
  const sliders = [
    slider(model, "passengers", "passengers a day", whole),
    slider(model, "seconds", "seconds in view", (v) => `${v} s`),
    slider(model, "threshold", "threshold", (v) => v.toFixed(2), model.get("threshold_note")),
    slider(model, "frames", "frames in a row (k)", (v) => v.toFixed(0)),
    slider(model, "base_rate", "people who truly need help or intend harm", oneIn, hypothetical),
    slider(model, "sensitivity", "chance the system alerts on them", percent, hypothetical),
    slider(model, "review_seconds", "reviewer seconds per alert", (v) => `${v} s`),
  ];
  const controls = element("div", { class: "emolab-station-controls" });
  controls.append(...sliders.map((s) => s.row));
  // Only the headline is announced as it changes; the summary and the figure are there to read.
  const headline = element("p", { class: "emolab-station-headline", "aria-live": "polite" });
  const details = element("div");
  const image = element("img", { class: "emolab-station-figure" });
  const caption = element("figcaption");
  const figure = element("figure");
  figure.append(image, caption);
  const results = element("div", { class: "emolab-station-results" });
  results.append(headline, details, figure);
  root.append(controls, results);

  let url = null;
  const showResults = () => {
    sliders.forEach((s) => s.show());
    headline.textContent = model.get("headline");
    details.replaceChildren(summaryList(model.get("summary")));
    const png = model.get("figure");
    if (url) URL.revokeObjectURL(url);
    url = png && png.byteLength ? URL.createObjectURL(new Blob([png], { type: "image/png" })) : null;
    if (url) image.setAttribute("src", url);
    image.setAttribute("alt", model.get("alt"));
    caption.textContent = model.get("caption");
  };
  showResults();
  const names = ["passengers", "seconds", "threshold", "frames", "base_rate", "sensitivity", "review_seconds"];
  const stopListening = redrawOnChange(
    model, [...names, "headline", "summary", "figure", "alt", "caption"], showResults
  );
  keepKeysFromJupyterLab(root);
  el.append(root);
  return () => {
    stopListening();
    if (url) URL.revokeObjectURL(url);
  };
}

export default { render };
