"""Lesson 7's checks: each passes the worked answer and explains a wrong, missing or `...` one.

The worked answers are computed here as the solution computes them (``law.classify``,
``count_clip`` on the sample clip), never written in.
"""

from __future__ import annotations

import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet

from emolab import deployments, law
from emolab.checks import Grader
from emolab.checks import lesson07 as checks
from emolab.webcam import count_clip


@pytest.fixture(scope="module")
def grader():
    return Grader("07")


def worked_q1() -> dict:
    answers = {}
    for key, facts in checks.Q1_DEPLOYMENTS.items():
        finding = law.classify(law.Facts(**facts))["ai_act"]
        answers[key] = (finding.outcome, finding.deciding.short.removeprefix("AI Act "))
    return answers


def test_q1_passes_the_worked_answer_and_other_spellings_of_the_article(grader):
    answers = worked_q1()
    assert grader.check("q1", {"q1_answers": answers}).passed
    assert {outcome for outcome, _ in answers.values()} == {law.PROHIBITED, law.HIGH_RISK_INFORM, law.OUTSIDE}
    spelled = {
        **answers,
        "a": (law.PROHIBITED, "Article 5 (1)(f) AI Act"),
        "b": (law.HIGH_RISK_INFORM, "Annex III 1(c)"),
    }
    assert grader.check("q1", {"q1_answers": spelled}).passed


def test_q1_explains_each_wrong_outcome():
    answers = worked_q1()
    safety = not_yet(checks.q1, {"q1_answers": {**answers, "b": (law.PROHIBITED, "Art. 5(1)(f)")}})
    assert "Passengers are neither workers nor learners" in safety
    fatigue = not_yet(checks.q1, {"q1_answers": {**answers, "c": (law.PROHIBITED, "Art. 5(1)(f)")}})
    assert "recital 18" in fatigue
    staff = not_yet(checks.q1, {"q1_answers": {**answers, "a": (law.HIGH_RISK_INFORM, "Art. 50(3)")}})
    assert "employees" in staff


def test_q1_a_right_outcome_with_the_wrong_article_fails():
    answers = worked_q1()
    message = not_yet(checks.q1, {"q1_answers": {**answers, "a": (law.PROHIBITED, "Art. 50(3)")}})
    assert "not the provision that decides it" in message
    assert "not the provision" in not_yet(
        checks.q1, {"q1_answers": {**answers, "c": (law.OUTSIDE, "Art. 5(1)(f)")}}
    )


def test_q1_shape_and_filler(grader):
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q1", "q1_answers")
    assert "exactly the keys" in not_yet(checks.q1, {"q1_answers": {"a": (law.PROHIBITED, "Art. 5(1)(f)")}})
    filler = {key: ("prohibited or high-risk", "Art. 5") for key in "abc"}
    assert "not one of the outcomes" in not_yet(checks.q1, {"q1_answers": filler})
    half = {key: (law.PROHIBITED, ...) for key in "abc"}
    assert "a pair" in not_yet(checks.q1, {"q1_answers": half})


def q2_worked() -> dict:
    school = deployments.scenario(checks.Q2_SCENARIO).facts
    station = law.changed(school, workers_or_learners=False, public_space=True, large_scale=True)
    safety = law.changed(school, medical_or_safety=True)
    return {
        "q2_station_ai_act": law.classify(station)["ai_act"].outcome,
        "q2_station_cnil": law.classify(station)["cnil"].outcome,
        "q2_safety_ai_act": law.classify(safety)["ai_act"].outcome,
    }


def test_q2_passes_the_worked_answer_in_any_letter_case(grader):
    answers = q2_worked()
    assert grader.check("q2", answers).passed
    assert grader.check("q2", {name: value.upper() for name, value in answers.items()}).passed


def test_q2_explains_the_common_mistakes(grader):
    answers = q2_worked()
    kept_ban = not_yet(checks.q2, {**answers, "q2_safety_ai_act": law.PROHIBITED})
    assert "medical or safety" in kept_ban
    not_public = not_yet(checks.q2, {**answers, "q2_station_cnil": law.NOT_PUBLIC})
    assert "public space" in not_public
    copied = not_yet(checks.q2, {**answers, "q2_station_ai_act": law.PROHIBITED})
    assert "neither workers nor learners" in copied
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q2", "q2_station_ai_act")


@pytest.fixture(scope="module")
def q3_counter():
    return count_clip(**checks.Q3_SETTINGS)


def test_q3_passes_the_worked_answer_and_two_decimals(grader, q3_counter):
    released = q3_counter.released()
    assert released, "the sample clip shows a face: with k=1 some window is released"
    worked = {"q3_released": len(released), "q3_first_mean": released[0].mean_faces}
    assert grader.check("q3", worked).passed
    assert grader.check("q3", {**worked, "q3_first_mean": round(released[0].mean_faces, 2)}).passed


def test_q3_explains_wrong_counts(grader, q3_counter):
    released = q3_counter.released()
    worked = {"q3_released": len(released), "q3_first_mean": released[0].mean_faces}
    lesson_settings = len(count_clip(window_seconds=1, k=1).released())
    if lesson_settings != len(released):  # the lesson's printout must not answer the question
        assert "Count the released windows" in not_yet(checks.q3, {**worked, "q3_released": lesson_settings})
    assert "Count the released" in not_yet(checks.q3, {**worked, "q3_released": len(released) + 5})
    assert "mean_faces" in not_yet(checks.q3, {**worked, "q3_first_mean": released[0].mean_faces + 0.5})
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q3", "q3_released")


def test_q3_every_window_instead_of_the_released_ones(monkeypatch):
    counter = count_clip(window_seconds=1, k=2)  # one face in the clip: nothing released
    monkeypatch.setattr(checks, "Q3_SETTINGS", {"window_seconds": 1, "k": 2})
    assert not counter.released()
    message = not_yet(checks.q3, {"q3_released": len(counter.windows())})
    assert "released or not" in message
    assert checks.q3({"q3_released": 0}) is None  # nothing released: no mean to ask for


def worked_q4() -> set[str]:
    return {
        key for key, item in deployments.SCENARIOS.items() if "gdpr-35-3-c" in item.classify()["gdpr"].applies
    }


def test_q4_passes_the_worked_answer_as_a_set_or_a_list(grader):
    keys = worked_q4()
    assert 3 <= len(keys) < len(deployments.SCENARIOS)
    assert grader.check("q4", {"q4_keys": keys}).passed
    assert grader.check("q4", {"q4_keys": sorted(keys)}).passed


def test_q4_explains_extra_and_missing_keys(grader):
    keys = worked_q4()
    assert "not a publicly accessible area" in not_yet(checks.q4, {"q4_keys": keys | {"call-centre-staff"}})
    assert "large-scale" in not_yet(checks.q4, {"q4_keys": keys | {"bologna-museum"}})
    assert "missing" in not_yet(checks.q4, {"q4_keys": set(sorted(keys)[1:])})
    assert "not scenario keys" in not_yet(checks.q4, {"q4_keys": keys | {"Milan"}})
    assert_missing_and_placeholder_say_not_yet(grader, {}, "q4", "q4_keys")
