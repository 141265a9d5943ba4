"""The law classifier: pick a deployment, answer the law's questions, see where you and the course
differ, and why, with the deciding provision quoted.

Five questions are the learner's (``ASKED``); the other facts come from the scenario's record and
are shown as such. The widget is drawn by ``static/law_classifier.js``: native <select>s with real
<label>s, keys kept from JupyterLab's shortcuts, results announced politely to screen readers.
``course_table()`` is its static form: every scenario's outcome under every regime, the table a
saved notebook or the course website keeps.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from . import law
from .deployments import SCENARIOS, STATUSES, scenario
from .errors import EmolabError
from .widget_files import widget_module

STATIC = Path(__file__).parent / "static"
ASKED = ("infers", "workers_or_learners", "medical_or_safety", "identifies", "public_space")
YES_NO = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]
INFERS_OPTIONS = [
    {"value": "emotions", "label": "Emotions or intentions"},
    {"value": "physical state", "label": "Only a physical state (fatigue, pain)"},
    {"value": "nothing", "label": "Nothing: it counts, or detects an object"},
]


def _options(name: str) -> list[dict]:
    return INFERS_OPTIONS if name == "infers" else YES_NO


def _as_answer(facts: law.Facts, name: str) -> str:
    value = getattr(facts, name)
    return value if name == "infers" else ("yes" if value else "no")


def facts_from_answers(course_facts: law.Facts, answers: dict) -> law.Facts | None:
    """The course's facts with the learner's answers to ``ASKED`` in place; None until all five."""
    if any(answers.get(name) not in {o["value"] for o in _options(name)} for name in ASKED):
        return None
    changes = {name: answers[name] if name == "infers" else answers[name] == "yes" for name in ASKED}
    return law.changed(course_facts, **changes)


def _provision_view(provision) -> dict:
    return {"cite": provision.cite, "says": provision.says, "quote": provision.quote, "flag": provision.flag}


def result_rows(course_facts: law.Facts, learner_facts: law.Facts) -> list[dict]:
    """One row per regime: the outcome each set of answers leads to, and the course's reasons."""
    yours, course = law.classify(learner_facts), law.classify(course_facts)
    return [
        {
            "regime": law.REGIMES[regime],
            "yours": yours[regime].outcome,
            "course": course[regime].outcome,
            "same": yours[regime].outcome == course[regime].outcome,
            "steps": [f"{s.question} {s.answer}" for s in course[regime].steps],
            "deciding": _provision_view(course[regime].deciding),
            "unsettled": list(course[regime].unsettled),
        }
        for regime in law.REGIMES
    ]


def _fixed_facts(facts: law.Facts) -> list[str]:
    return [
        f"{law.QUESTIONS[name]} {'Yes' if getattr(facts, name) else 'No'}"
        for name in law.QUESTIONS
        if name not in ASKED
    ]


class LawClassifier(anywidget.AnyWidget):
    """``scenario`` (a key of ``SCENARIOS``) and ``answers`` (question -> value) are the learner's;
    everything else is computed here from them."""

    _esm = widget_module(STATIC / "law_classifier.js")
    _css = STATIC / "law_classifier.css"

    scenarios = traitlets.List(traitlets.Dict()).tag(sync=True)
    scenario = traitlets.Unicode().tag(sync=True)
    record = traitlets.Dict().tag(sync=True)
    questions = traitlets.List(traitlets.Dict()).tag(sync=True)
    fixed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    answers = traitlets.Dict().tag(sync=True)
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, key: str | None = None, **kwargs):
        first = scenario(key or next(iter(SCENARIOS)))
        super().__init__(
            scenarios=[{"key": s.key, "title": s.title} for s in SCENARIOS.values()],
            questions=[{"name": n, "text": law.QUESTIONS[n], "options": _options(n)} for n in ASKED],
            **kwargs,
        )
        self.scenario = first.key

    @traitlets.observe("scenario")
    def _new_scenario(self, change) -> None:
        chosen = scenario(change["new"])
        record = chosen.record()
        record["title"] = f"{chosen.title} ({chosen.jurisdiction})"
        if chosen.what_happened:
            record["what happened"] = chosen.what_happened
        self.record = record
        self.fixed = _fixed_facts(chosen.facts)
        self.answers = {}
        self.rows = []

    @traitlets.observe("answers")
    def _new_answers(self, change) -> None:
        course_facts = scenario(self.scenario).facts
        learner_facts = facts_from_answers(course_facts, change["new"])
        self.rows = [] if learner_facts is None else result_rows(course_facts, learner_facts)

    def answer(self, **answers) -> None:
        """Answer from code, e.g. ``answer(infers="emotions", public_space="yes")``."""
        unknown = sorted(set(answers) - set(ASKED))
        if unknown:
            raise EmolabError(f"No question called {', '.join(unknown)}.", advice=f"Ask: {', '.join(ASKED)}.")
        self.answers = {**self.answers, **answers}

    def course_answers(self) -> dict:
        """The course's answers to the five questions for the chosen scenario."""
        return {name: _as_answer(scenario(self.scenario).facts, name) for name in ASKED}

    def __repr__(self) -> str:
        # What a notebook run without a browser keeps, and a screen reader's summary.
        lines = [f"Law classifier, scenario: {self.record.get('title', self.scenario)}."]
        answered = ", ".join(f"{k}={v}" for k, v in self.answers.items()) or "none yet"
        lines.append(f"Your answers: {answered}.")
        lines += [f"{r['regime']}: yours '{r['yours']}', the course's '{r['course']}'" for r in self.rows]
        lines.append(
            "(Open the notebook in JupyterLab to use it; law_classifier.course_table() is its static form.)"
        )
        return "\n".join(lines)


def classifier(key: str | None = None) -> LawClassifier:
    """The interactive law classifier (display it by leaving it last in a cell)."""
    return LawClassifier(key)


def course_table():
    """Every scenario's outcome under every regime, as the course classifies it (a pandas table)."""
    import pandas as pd

    rows = {}
    for item in SCENARIOS.values():
        findings = item.classify()
        rows[item.title] = {
            "status": item.status,
            **{law.REGIMES[regime]: finding.outcome for regime, finding in findings.items()},
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scenario"
    return table


def status_legend() -> str:
    return "\n".join(f"- {name}: {meaning}" for name, meaning in STATUSES.items())
