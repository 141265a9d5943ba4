// emolab law classifier: a scenario, five questions (native <select>s with real <label>s), and a
// table of where the learner's answers and the course's lead, with the deciding provision quoted.
// Keys stay in the widget (common.js), so JupyterLab's command-mode shortcuts leave them alone.

function labelledSelect(text, options, unsetLabel) {
  const id = uniqueId("emolab-law");
  const label = element("label", { for: id }, text);
  const select = element("select", { id });
  if (unsetLabel) select.append(element("option", { value: "" }, unsetLabel));
  for (const option of options) select.append(element("option", { value: option.value }, option.label));
  return { label, select };
}

function recordList(record) {
  const list = element("dl", { class: "emolab-law-record" });
  for (const [name, value] of Object.entries(record)) {
    if (name === "title") continue;
    list.append(element("dt", {}, name), element("dd", {}, value));
  }
  return list;
}

function reasons(row) {
  const box = element("div", { class: "emolab-law-reason" });
  box.append(element("h4", {}, `${row.regime}: why the course says "${row.course}"`));
  const steps = element("ol");
  for (const step of row.steps) steps.append(element("li", {}, step));
  box.append(steps);
  const deciding = row.deciding;
  box.append(element("p", {}, `${deciding.says} (${deciding.cite}; ${deciding.flag})`));
  if (deciding.quote) box.append(element("blockquote", {}, `"${deciding.quote}" (${deciding.cite})`));
  for (const note of row.unsettled) box.append(element("p", { class: "emolab-law-unsettled" }, `Unsettled: ${note}`));
  return box;
}

function resultsTable(rows) {
  const table = element("table", { class: "emolab-law-table" });
  table.append(element("caption", {}, "Where your answers lead, regime by regime"));
  const head = element("tr");
  for (const name of ["regime", "your answers lead to", "the course's answers lead to", "same?"]) {
    head.append(element("th", { scope: "col" }, name));
  }
  table.append(head);
  for (const row of rows) {
    const line = element("tr", { class: row.same ? "emolab-law-same" : "emolab-law-differs" });
    line.append(element("th", { scope: "row" }, row.regime), element("td", {}, row.yours));
    line.append(element("td", {}, row.course), element("td", {}, row.same ? "same" : "DIFFERS"));
    table.append(line);
  }
  return table;
}

function render({ model, el }) {
  const root = element("div", { class: "emolab-law", role: "group", "aria-label": "Law classifier" });
  const pick = labelledSelect(
    "Scenario",
    model.get("scenarios").map((s) => ({ value: s.key, label: s.title })),
    "",
  );
  const pickRow = element("div", { class: "emolab-law-row" });
  pickRow.append(pick.label, pick.select);
  const recordBox = element("div", { class: "emolab-law-box" });
  const questionBox = element("fieldset", { class: "emolab-law-questions" });
  questionBox.append(element("legend", {}, "Your answers to the law's questions"));
  const selects = new Map();
  for (const question of model.get("questions")) {
    const { label, select } = labelledSelect(question.text, question.options, "(choose)");
    select.addEventListener("change", () => {
      const answers = { ...model.get("answers") };
      if (select.value) answers[question.name] = select.value;
      else delete answers[question.name];
      model.set("answers", answers);
      model.save_changes();
    });
    const row = element("div", { class: "emolab-law-row" });
    row.append(label, select);
    questionBox.append(row);
    selects.set(question.name, select);
  }
  const fixedBox = element("details", { class: "emolab-law-fixed" });
  const results = element("div", { class: "emolab-law-results", "aria-live": "polite" });
  root.append(pickRow, recordBox, questionBox, fixedBox, results);

  pick.select.addEventListener("change", () => {
    model.set("scenario", pick.select.value);
    model.save_changes();
  });

  const draw = () => {
    pick.select.value = model.get("scenario");
    const record = model.get("record");
    recordBox.replaceChildren(element("h3", {}, record.title || ""), recordList(record));
    const answers = model.get("answers");
    for (const [name, select] of selects) select.value = answers[name] || "";
    fixedBox.replaceChildren(element("summary", {}, "Facts the course takes from the record"));
    const fixedList = element("ul");
    for (const fact of model.get("fixed")) fixedList.append(element("li", {}, fact));
    fixedBox.append(fixedList);
    const rows = model.get("rows");
    if (!rows.length) {
      results.replaceChildren(element("p", {}, "Answer all five questions to see where they lead."));
      return;
    }
    const differing = rows.filter((row) => !row.same).length;
    const summary = differing
      ? `Your answers lead somewhere else under ${differing} of ${rows.length} regimes.`
      : `Your answers lead where the course's do under all ${rows.length} regimes.`;
    results.replaceChildren(element("p", { class: "emolab-law-summary" }, summary), resultsTable(rows));
    for (const row of rows) if (!row.same) results.append(reasons(row));
  };
  draw();
  const stop = redrawOnChange(model, ["scenario", "record", "answers", "rows", "fixed"], draw);
  keepKeysFromJupyterLab(root);
  el.append(root);
  return stop;
}

export default { render };
