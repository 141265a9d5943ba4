"""Checks for lesson 8, "Capstone: review a deployment".

What a machine can check honestly, and nothing more: numbers recomputed with the package
(:func:`emolab.station.simulate`, :func:`emolab.law.classify`, :func:`emolab.review.gather`), marks
given with the course's rubric compared with the instructor's, and a review document that exists,
has every section filled with some words of the learner's own and every figure with alt text, on
evidence the package recomputes (or, from the learner's own evidence file, evidence made with the
same model that holds together: :func:`emolab.review.evidence_problem`).
Whether a review's arguments are good is for a person to judge with the rubric: no check reads them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from . import NotYet, check, require, require_number
from .lesson06 import close_enough

Q1_PASSENGERS = 60_000
Q1_SECONDS_IN_VIEW = 20.0


@check("q1")
def q1(ns):
    from emolab import station

    got = require_number(ns, "q1_false_per_day")
    inputs = station.StationInputs(station.clip_measurement().rate())
    expected = station.simulate(
        replace(inputs, passengers_per_day=Q1_PASSENGERS, seconds_in_view=Q1_SECONDS_IN_VIEW)
    ).false_alerts
    if close_enough(got, expected):
        return
    only_passengers = station.simulate(replace(inputs, passengers_per_day=Q1_PASSENGERS)).false_alerts
    if close_enough(got, only_passengers):
        raise NotYet(
            "That scales the passengers but keeps 10 seconds in view. Each passenger is in view for "
            "20 seconds on these platforms: more frames, more chances to trip the rule."
        )
    raise NotYet(
        f"`q1_false_per_day` is {got:.4g}, which is not what the simulator gives. Change both "
        "passengers_per_day and seconds_in_view in the station's inputs, then simulate."
    )


@check("q2")
def q2(ns):
    from emolab import law, review

    outcome = require(ns, "q2_outcome", str).strip().lower()
    changed = law.changed(
        review.PROPOSAL.facts, workers_or_learners=True, medical_or_safety=False, public_space=False
    )
    expected = law.classify(changed)["ai_act"]
    if outcome != expected.outcome:
        raise NotYet(
            f"Not '{outcome}'. The cameras now read the station's own staff, at work, for HR's reports, "
            "not for medical or safety reasons: see Art. 5(1)(f) and the Commission's supermarket example."
        )
    article = re.sub(r"\s+", "", require(ns, "q2_article", str).lower().replace("article", "art."))
    if article.replace("art.", "").replace("art", "") != "5(1)(f)":
        raise NotYet("The outcome is right; now name the article that decides it, as the lesson writes it.")


@check("q3")
def q3(ns):
    from emolab import rubric

    marks = require(ns, "q3_marks", dict)
    instructor = rubric.EXAMPLE_MARKS["weak"]
    missing = [c for c in instructor if c not in marks]
    if missing:
        raise NotYet(f"Give a level for every criterion: {', '.join(missing)} missing.")
    wrong = {c: marks[c] for c in instructor if marks[c] not in rubric.LEVELS}
    if wrong:
        raise NotYet(f"Use the rubric's levels ({', '.join(rubric.LEVELS)}); not {wrong}.")
    far = [
        f"{c}: you gave '{marks[c]}', the instructor '{instructor[c]['level']}' ({instructor[c]['comment']})"
        for c in instructor
        if abs(rubric.LEVELS.index(marks[c]) - rubric.LEVELS.index(instructor[c]["level"])) > 1
    ]
    if far:
        raise NotYet(
            "More than one level from the instructor's mark on "
            + "; ".join(far)
            + ". Read the rubric's descriptors for those criteria again."
        )


@check("q4")
def q4(ns):
    from emolab import review

    my_review = require(ns, "my_review", review.Review)
    path = Path(require(ns, "q4_path", str | Path))
    if my_review.missing():
        raise NotYet(f"Some sections are not written yet: {', '.join(my_review.missing())}.")
    if not path.is_file():
        raise NotYet(f"There is no file at {path}. Store what my_review.save(...) returns in `q4_path`.")
    html = path.read_text(encoding="utf-8")
    absent = [title for title in review.SECTIONS.values() if title not in html]
    if absent:
        raise NotYet(f"{path.name} lacks the sections {', '.join(absent)}: save the review again.")
    if re.search(r"<img(?![^>]*\salt=\"[^\"]+\")[^>]*>", html):
        raise NotYet(f"{path.name} has a figure without alt text: save it again with my_review.save().")
    evidence = my_review.evidence
    if evidence.source.startswith("the evidence file"):
        # The learner's own numbers (their lesson 6 inputs, say) cannot be recomputed from the file;
        # what can be checked is that they come from this model and hold together.
        problem = review.evidence_problem(evidence)
        if problem:
            raise NotYet(f"Your evidence file does not hold together: {problem}")
        return
    fresh = review.gather(progress=False)
    for name in ("people", "camera", "alerts", "law"):
        if getattr(evidence, name) != getattr(fresh, name):
            raise NotYet(
                f"The review's {name} evidence is not what the package computes now (made with "
                "another model, or changed by hand?). Run review.gather() and build the review again."
            )
