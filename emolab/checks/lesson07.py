"""Checks for lesson 7, "The law and the street".

Every expected answer is recomputed when the check runs: the legal outcomes with
:func:`emolab.law.classify` from facts held here (three deployments described in the exercises
and not in the lesson) or from the course's scenarios changed as the question says; the counts
with :func:`emolab.webcam.count_clip` on the sample clip, with settings the lesson did not use.
The reflection questions, and why a learner answered the law's questions as they did, are not
marked.
"""

from __future__ import annotations

import re

from . import NotYet, check, require, require_close, require_number

# Three deployments the exercises describe in words. The facts are the course's reading of them.
Q1_DEPLOYMENTS = {
    "a": dict(infers="emotions", workers_or_learners=True, medical_or_safety=False, identifies=False,
              public_space=True, private_deployer=True),
    "b": dict(infers="emotions", workers_or_learners=False, medical_or_safety=True, identifies=False,
              public_space=True, large_scale=True),
    "c": dict(infers="physical state", workers_or_learners=True, medical_or_safety=True, identifies=False,
              public_space=False, private_deployer=True),
}  # fmt: skip
Q1_WHY = {
    "a": "The people read are the supermarket's own employees, at work: see Art. 5(1)(f) and the "
    "Commission's supermarket example in the lesson's section 2.1.",
    "b": "Passengers are neither workers nor learners, so Art. 5(1)(f) does not reach them, whatever "
    "the purpose; the medical-or-safety exception only matters at work or in education.",
    "c": "Drowsiness is a physical state, like fatigue: recital 18 puts it outside the Act's 'emotions'.",
}
# The articles a learner may name for each AI Act outcome (normalised: see _article).
ARTICLES = {
    "prohibited": {"art.5(1)(f)"},
    "high-risk; people must be informed": {"art.50(3)", "annexiii1(c)", "art.6(2)", "annexiiipoint1(c)"},
    "high-risk; duty to inform does not apply (crime)": {"art.50(3)", "annexiii1(c)", "art.6(2)"},
    "not emotion recognition": {"recital18", "art.3(39)"},
}
Q2_SCENARIO = "taigusys-schools"
Q3_SETTINGS = dict(window_seconds=2.0, k=1)


def _law():
    from emolab import law

    return law


def _article(text: str) -> str:
    """'Article 5(1)(f)', 'art 5 (1) (f)', 'Art. 5(1)(f) AI Act' -> 'art.5(1)(f)'."""
    text = text.lower().replace("article", "art.").replace("ai act", "").replace(",", "")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"^art\.?", "art.", text)


def _outcome(value, name: str) -> str:
    law = _law()
    if not isinstance(value, str):
        raise NotYet(f"`{name}` should be an outcome, as text: use the names in law.AI_ACT_OUTCOMES.")
    known = {o.lower(): o for o in (*law.AI_ACT_OUTCOMES, *law.CNIL_OUTCOMES)}
    if value.strip().lower() not in known:
        raise NotYet(
            f"`{name}` is {value!r}, which is not one of the outcomes. Use law.PROHIBITED, "
            "law.HIGH_RISK_INFORM, law.HIGH_RISK_NO_NOTICE or law.OUTSIDE (and, for the CNIL, "
            "law.NOT_PUBLIC, law.STATISTICS_ALLOWED or law.NEEDS_LAW)."
        )
    return known[value.strip().lower()]


@check("q1")
def q1(ns):
    law = _law()
    answers = require(ns, "q1_answers", dict)
    if sorted(answers) != ["a", "b", "c"]:
        raise NotYet("`q1_answers` needs exactly the keys 'a', 'b' and 'c', one per deployment.")
    for key, facts in Q1_DEPLOYMENTS.items():
        given = answers[key]
        if not isinstance(given, tuple | list) or len(given) != 2 or given[1] is ...:
            raise NotYet(f"`q1_answers['{key}']` should be a pair: (outcome, article).")
        outcome = _outcome(given[0], f"q1_answers['{key}'][0]")
        expected = law.classify(law.Facts(**facts))["ai_act"].outcome
        if outcome != expected:
            raise NotYet(f"Deployment ({key}): not '{outcome}'. {Q1_WHY[key]}")
        if not isinstance(given[1], str) or _article(given[1]) not in ARTICLES[expected]:
            raise NotYet(
                f"Deployment ({key}): the outcome is right, but {given[1]!r} is not the provision that "
                f"decides it. Write it as the lesson does, e.g. 'Art. 50(3)' or 'recital 18'."
            )


@check("q2")
def q2(ns):
    from emolab.deployments import scenario

    law = _law()
    school = scenario(Q2_SCENARIO).facts
    station = law.changed(school, workers_or_learners=False, public_space=True, large_scale=True)
    safety = law.changed(school, medical_or_safety=True)
    wanted = {
        "q2_station_ai_act": (law.classify(station)["ai_act"].outcome, Q1_WHY["b"]),
        "q2_station_cnil": (
            law.classify(station)["cnil"].outcome,
            "A camera in a station is in public space, and it infers emotions: it is not statistics "
            "only, so the CNIL's position asks for a specific law.",
        ),
        "q2_safety_ai_act": (
            law.classify(safety)["ai_act"].outcome,
            "Art. 5(1)(f) has an exception for systems put in place for medical or safety reasons "
            "(recital 44): the prohibition no longer applies, and what remains is high-risk.",
        ),
    }
    for name, (expected, why) in wanted.items():
        got = _outcome(require(ns, name, str), name)
        if got != expected:
            raise NotYet(f"`{name}` is not '{got}'. {why}")


@check("q3")
def q3(ns):
    from emolab.webcam import count_clip

    released = require(ns, "q3_released", int)
    counter = count_clip(**Q3_SETTINGS)
    windows = counter.released()
    if released == len(counter.windows()) and released != len(windows):
        raise NotYet(
            "That is every window, released or not. Count only the windows whose numbers were "
            "released (at least k faces in view at once)."
        )
    if released != len(windows):
        raise NotYet(
            f"`q3_released` is {released}. Count the released windows of count_clip(window_seconds=2, "
            "k=1) on the sample clip."
        )
    if not windows:
        return
    mean = require_number(ns, "q3_first_mean")
    require_close(
        mean,
        windows[0].mean_faces,
        "q3_first_mean",
        "Take `mean_faces` of the first released window (faces in view, on average over its frames).",
    )


@check("q4")
def q4(ns):
    from emolab.deployments import SCENARIOS

    keys = require(ns, "q4_keys", set | frozenset | list | tuple)
    keys = {str(key) for key in keys}
    unknown = sorted(keys - set(SCENARIOS))
    if unknown:
        raise NotYet(f"{', '.join(unknown)} are not scenario keys: use the keys of deployments.SCENARIOS.")
    expected = {key for key, item in SCENARIOS.items() if "gdpr-35-3-c" in item.classify()["gdpr"].applies}
    for key in sorted(keys - expected):
        facts = SCENARIOS[key].facts
        if not facts.public_space:
            raise NotYet(f"{key}: not a publicly accessible area, so Art. 35(3)(c) does not apply to it.")
        raise NotYet(f"{key}: in public, but the course does not record it as large-scale monitoring.")
    missing = sorted(expected - keys)
    if missing:
        raise NotYet(
            f"{len(missing)} scenario(s) missing. Loop over every scenario in deployments.SCENARIOS."
        )
