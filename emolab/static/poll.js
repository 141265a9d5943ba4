// emolab poll: one native <select> per question, each with its question as its <label>.
//
// The keys pressed in the poll stay in it: "a" chooses "angry" instead of inserting a cell, "d d"
// does not delete the poll's cell, and the arrow keys change the choice, not the selected cell.

function dropDown(question, model) {
  const id = uniqueId("emolab-poll");
  const label = element("label", { for: id }, question);
  const select = element("select", { id });
  select.append(element("option", { value: "" }, model.get("unset_label")));
  for (const choice of model.get("choices")) select.append(element("option", { value: choice }, choice));
  select.addEventListener("change", () => {
    const answers = { ...model.get("answers") };
    if (select.value) answers[question] = select.value;
    else delete answers[question];
    model.set("answers", answers);
    model.save_changes();
  });
  return { label, select };
}

function render({ model, el }) {
  const prompt = model.get("prompt");
  const root = element("div", { class: "emolab-poll", role: "group" });
  if (prompt) {
    const promptId = uniqueId("emolab-poll-prompt");
    root.append(element("p", { id: promptId, class: "emolab-poll-prompt" }, prompt));
    root.setAttribute("aria-labelledby", promptId);
  } else {
    root.setAttribute("aria-label", "Poll");
  }
  const selects = new Map();
  for (const question of model.get("questions")) {
    const { label, select } = dropDown(question, model);
    const row = element("div", { class: "emolab-poll-row" });
    row.append(label, select);
    root.append(row);
    selects.set(question, select);
  }
  const showAnswers = () => {
    const answers = model.get("answers");
    for (const [question, select] of selects) select.value = answers[question] || "";
  };
  showAnswers();
  model.on("change:answers", showAnswers);
  keepKeysFromJupyterLab(root);
  el.append(root);
  return () => model.off("change:answers", showAnswers);
}

export default { render };
