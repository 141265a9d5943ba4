"""Lesson 8's checks: each passes the worked answer and explains a wrong, missing or `...` one.

Expected numbers are computed here as the solution computes them (the station simulator, the law
classifier, the review's evidence), never written in; the peer-review marks come from the rubric.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet

from emolab import law, review, rubric, station
from emolab.checks import Grader
from emolab.checks import lesson08 as checks


@pytest.fixture(scope="module")
def grader():
    return Grader("08")


@pytest.fixture(scope="module")
def inputs():
    return station.StationInputs(station.clip_measurement().rate())


def test_q1_passes_the_worked_answer_and_a_rounding(grader, inputs):
    day = station.simulate(
        replace(inputs, passengers_per_day=checks.Q1_PASSENGERS, seconds_in_view=checks.Q1_SECONDS_IN_VIEW)
    )
    assert grader.check("q1", {"q1_false_per_day": day.false_alerts}).passed
    assert grader.check("q1", {"q1_false_per_day": round(day.false_alerts, 2)}).passed
    assert grader.check("q1", {"q1_false_per_day": float(f"{day.false_alerts:.2g}")}).passed


def test_q1_explains_scaling_the_passengers_only(inputs):
    only = station.simulate(replace(inputs, passengers_per_day=checks.Q1_PASSENGERS)).false_alerts
    assert "20 seconds" in not_yet(checks.q1, {"q1_false_per_day": only})
    lesson6 = station.simulate(inputs).false_alerts  # the lesson's printout does not answer it
    assert "not what the simulator gives" in not_yet(checks.q1, {"q1_false_per_day": lesson6})


def test_q1_missing_and_placeholder(grader):
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q1", "q1_false_per_day")


def q2_worked():
    staff = law.changed(
        review.PROPOSAL.facts, workers_or_learners=True, medical_or_safety=False, public_space=False
    )
    return {"q2_outcome": law.classify(staff)["ai_act"].outcome, "q2_article": "Art. 5(1)(f)"}


def test_q2_passes_the_worked_answer_and_other_spellings(grader):
    assert q2_worked()["q2_outcome"] == law.PROHIBITED
    assert grader.check("q2", q2_worked()).passed
    assert grader.check("q2", {**q2_worked(), "q2_article": "article 5 (1)(f)"}).passed


def test_q2_explains_the_common_mistakes(grader):
    platform = not_yet(checks.q2, {**q2_worked(), "q2_outcome": law.HIGH_RISK_INFORM})
    assert "Art. 5(1)(f)" in platform and "staff" in platform
    assert "name the article" in not_yet(checks.q2, {**q2_worked(), "q2_article": "Art. 50(3)"})
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q2", "q2_outcome")


def test_q3_passes_the_instructors_marks_and_marks_one_level_away(grader):
    instructor = {c: m["level"] for c, m in rubric.EXAMPLE_MARKS["weak"].items()}
    assert grader.check("q3", {"q3_marks": instructor}).passed
    nearby = {c: rubric.LEVELS[min(rubric.LEVELS.index(level) + 1, 3)] for c, level in instructor.items()}
    assert grader.check("q3", {"q3_marks": nearby}).passed


def test_q3_explains_marks_far_from_the_instructors():
    instructor = {c: m["level"] for c, m in rubric.EXAMPLE_MARKS["weak"].items()}
    generous = dict.fromkeys(instructor, "strong")
    message = not_yet(checks.q3, {"q3_marks": generous})
    far = [c for c, level in instructor.items() if rubric.LEVELS.index(level) < 2]
    assert all(c in message for c in far) and rubric.EXAMPLE_MARKS["weak"][far[0]]["comment"] in message
    assert "every criterion" in not_yet(checks.q3, {"q3_marks": {"C1": "partial"}})
    assert "levels" in not_yet(checks.q3, {"q3_marks": {**instructor, "C2": "good"}})


@pytest.fixture(scope="module")
def evidence():
    return review.gather(progress=False)


def test_q4_passes_a_saved_review_with_every_section(grader, evidence, tmp_path):
    mine = review.example("strong", evidence)
    path = mine.save(tmp_path / "my-review")
    assert grader.check("q4", {"my_review": mine, "q4_path": path}).passed
    assert grader.check("q4", {"my_review": mine, "q4_path": str(path)}).passed


def test_q4_explains_what_is_missing(evidence, tmp_path):
    mine = review.example("strong", evidence)
    path = mine.save(tmp_path / "my-review")
    half = review.Review(evidence)
    half.write("purpose", "The purpose is stated but not shown to be needed.")
    assert "not written yet" in not_yet(checks.q4, {"my_review": half, "q4_path": path})
    assert "no file" in not_yet(checks.q4, {"my_review": mine, "q4_path": tmp_path / "nothing.html"})
    no_alt = tmp_path / "no-alt.html"
    no_alt.write_text(path.read_text().replace('alt="', 'data-x="', 1))
    assert "alt text" in not_yet(checks.q4, {"my_review": mine, "q4_path": no_alt})
    lacking = tmp_path / "lacking.html"
    lacking.write_text(path.read_text().replace("Recommendation", "Conclusion"))
    assert "lacks the sections" in not_yet(checks.q4, {"my_review": mine, "q4_path": lacking})


def test_q4_refuses_evidence_the_package_does_not_compute(evidence, tmp_path):
    other = review.Evidence(
        evidence.model, dict(evidence.people), evidence.camera, evidence.alerts, evidence.law
    )
    other.people["points"] = other.people["points"] + 5
    mine = review.example("strong", other)
    path = mine.save(tmp_path / "r")
    assert "not what the package computes" in not_yet(checks.q4, {"my_review": mine, "q4_path": path})


def test_q4_takes_a_learners_own_evidence_file_when_it_holds_together(evidence, tmp_path):
    path = review.save_evidence(evidence, tmp_path / "my-evidence.json")
    own = review.load_evidence(path)
    own.alerts = {**own.alerts, "false_per_day": own.alerts["false_per_day"] * 2}  # their own inputs
    own.alerts["ppv"] = own.alerts["true_per_day"] / (
        own.alerts["true_per_day"] + own.alerts["false_per_day"]
    )
    mine = review.example("strong", own)
    saved = mine.save(tmp_path / "r")
    assert checks.q4({"my_review": mine, "q4_path": saved}) is None
    own.alerts = {**own.alerts, "ppv": 0.5}
    bent = review.example("strong", own)
    message = not_yet(checks.q4, {"my_review": bent, "q4_path": bent.save(tmp_path / "b")})
    assert "does not hold together" in message
