"""Lesson 5's checks: each passes the worked answer and explains a wrong, missing or `...` one.

The namespaces are built as the exercise notebook builds them: the lesson's 48 people and the
exercise's face-height sweep with the real detectors and models, run once for this module, so
the expected answers are computed here, never written in. Question 3's sweep of a second
degradation is made from the real face-height results, relabelled (a full-size degradation would
cost this module half a minute more, and the check reads only the sweep's tables); the solution
itself runs a real one (tests/test_solutions_pass_their_checks.py). Where the real data give only
one outcome (all pipelines losing half the faces at the same height, say), small synthetic sweeps
give the others. What the lesson prints (the clean photos' agreement) must fail.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet

from emolab import robustness
from emolab.checks import Grader
from emolab.checks import lesson05 as checks
from emolab.robustness import Sweep

HAAR, FER, ZOO = checks.HAAR, checks.FER, checks.ZOO
HEIGHTS = (32, 30, 28, 27, 26, 25, 24, 22)  # the exercise's plan
VENDOR_PLAN = {"face_height": (32, 24), "motion_blur": (16, 64)}  # the worked answer's


@pytest.fixture(scope="module")
def grader():
    return Grader("05")


@pytest.fixture(scope="module")
def photos():
    return robustness.people(progress=False)


@pytest.fixture(scope="module")
def height_sweep(photos):
    return robustness.sweep(
        "face_height", HEIGHTS, pipelines=[HAAR, *robustness.DEFAULT_PIPELINES], photos=photos, progress=False
    )


def relabelled(sweep: Sweep, plan: dict, pipelines=robustness.DEFAULT_PIPELINES) -> Sweep:
    """A sweep with ``plan`` made from ``sweep``'s face-height rows: each degradation of the plan
    gets the rows of the face heights of ``plan["face_height"]``, its own strengths in their place."""
    obs = sweep.observations
    obs = obs[obs["pipeline"].isin(pipelines) & obs["degradation"].eq("face_height")]
    heights = plan["face_height"]
    parts = []
    for name, strengths in plan.items():
        keep = obs[obs["strength"].isin(heights) | obs["step"].eq(0)].copy()
        order = {h: i + 1 for i, h in enumerate(heights)}
        keep["step"] = keep["strength"].map(order).fillna(0).astype(int)
        keep["strength"] = keep["step"].map(lambda s, st=strengths: np.nan if s == 0 else st[s - 1])
        keep["degradation"] = name
        parts.append(keep)
    return Sweep(pd.concat(parts, ignore_index=True), dict(plan), tuple(pipelines))


@pytest.fixture(scope="module")
def vendor_sweep(height_sweep):
    return relabelled(height_sweep, VENDOR_PLAN)


@pytest.fixture(scope="module")
def context(photos, height_sweep):
    """Everything the exercise notebook defines before the answers."""
    return {"photos": photos, "HAAR": HAAR, "height_sweep": height_sweep}


def haar_rows(sweep):
    curves = sweep.curves("face_height")
    return curves[(curves["pipeline"] == HAAR) & (curves["step"] > 0)]


def worked_height(sweep):
    rows = haar_rows(sweep)
    return rows.loc[rows["found"] < 0.5, "strength"].max()


def agreement_rows(sweep, a=FER, b=ZOO):
    return sweep.agreement(a, b)


def worked_agreement(sweep):
    table = agreement_rows(sweep)
    row = table[table["strength"] == 26].iloc[0]
    return row["share same"], row["kappa"]


def worked_worst(sweep):
    degraded = sweep.curves().query("step > 0")
    return degraded["found"].min(), degraded["unchanged"].min()


def fake(label):
    return SimpleNamespace(top_label=label)


def synthetic_heights(found: dict, heights=(40, 30, 20), people=10, labels=None) -> Sweep:
    """found: pipeline -> how many of ``people`` faces each height finds (the first k people);
    labels: pipeline -> the top label every found face gets (default "happy")."""
    rows = []
    for pipe, counts in found.items():
        label = (labels or {}).get(pipe, "happy")
        for i in range(people):
            pid = f"p{i:02d}"
            rows.append(
                robustness._row(pid, pid, "smiling", pipe, "face_height", 0, np.nan, fake(label), label)
            )
            for step, (height, k) in enumerate(zip(heights, counts, strict=True), start=1):
                got = fake(label if i < k else None)
                rows.append(
                    robustness._row(pid, pid, "smiling", pipe, "face_height", step, height, got, label)
                )
    return Sweep.from_rows(rows, {"face_height": tuple(heights)}, tuple(found))


# --- every question: missing and `...` answers, and the grader itself ----------------------------

ANSWERS = [
    ("q1", "half_lost_height"),
    ("q2", "agree_share"),
    ("q2", "agree_kappa"),
    ("q3", "vendor_plan"),
]


@pytest.mark.parametrize("question, answer", ANSWERS)
def test_missing_and_placeholder_answers_say_not_yet(grader, context, question, answer):
    others = {"agree_share": 0.5, "agree_kappa": 0.5} if question == "q2" else {}
    others.pop(answer, None)
    assert_missing_and_placeholder_say_not_yet(grader, {**context, **others}, question, answer)


def test_q3_placeholders_after_the_plan_say_not_yet(grader, context, vendor_sweep):
    ns = {**context, "vendor_plan": VENDOR_PLAN}
    found, unchanged = worked_worst(vendor_sweep)
    for name, value in (
        ("vendor_sweep", vendor_sweep),
        ("worst_found", found),
        ("worst_unchanged", unchanged),
    ):
        result = grader.check("q3", {**ns, name: ...})
        assert not result.passed and f"`{name}` is still `...`" in result.message
        ns[name] = value
    assert grader.check("q3", ns).passed


def test_missing_sweeps_say_not_yet(grader):
    for question, _ in ANSWERS:
        result = grader.check(question, {})
        assert not result.passed and "Run the cell" in result.message


def test_the_grader_knows_three_questions_and_never_raises(grader):
    assert set(grader.checks) == {"q1", "q2", "q3"}
    odd = {
        "height_sweep": "sweep",
        "half_lost_height": "24 px",
        "agree_share": [],
        "agree_kappa": None,
        "vendor_plan": {"blur": "strong"},
        "vendor_sweep": 3,
        "worst_found": "low",
        "worst_unchanged": {},
    }
    results = grader.check_all(odd)
    assert [r.passed for r in results] == [False] * 3 and all(r.message for r in results)


def test_the_worked_answers_pass_the_grader(grader, context, height_sweep, vendor_sweep):
    share, kappa = worked_agreement(height_sweep)
    found, unchanged = worked_worst(vendor_sweep)
    answers = {
        **context,
        "half_lost_height": worked_height(height_sweep),
        "agree_share": share,
        "agree_kappa": kappa,
        "vendor_plan": VENDOR_PLAN,
        "vendor_sweep": vendor_sweep,
        "worst_found": found,
        "worst_unchanged": unchanged,
    }
    results = grader.check_all(answers)
    assert all(r.passed for r in results), [r for r in results if not r.passed]
    rounded = {
        k: round(float(answers[k]), 2)
        for k in ("agree_share", "agree_kappa", "worst_found", "worst_unchanged")
    }
    results = grader.check_all({**answers, **rounded, "half_lost_height": int(answers["half_lost_height"])})
    assert all(r.passed for r in results), [r for r in results if not r.passed]


# --- q1: where half the faces are lost -----------------------------------------------------------


def test_q1_recomputes_the_largest_height_below_half(height_sweep):
    expected = worked_height(height_sweep)
    assert checks.half_lost(height_sweep, HAAR) == expected and expected in HEIGHTS
    rows = haar_rows(height_sweep).set_index("strength")
    assert rows.loc[expected, "found"] < 0.5
    assert (rows.loc[[h for h in HEIGHTS if h > expected], "found"] >= 0.5).all()
    for answer in (expected, float(expected), int(expected), np.float64(expected)):
        checks.height_where_half_are_lost({"height_sweep": height_sweep, "half_lost_height": answer})


def test_q1_explains_common_mistakes(height_sweep):
    expected = worked_height(height_sweep)
    rows = haar_rows(height_sweep).set_index("strength")
    ns = {"height_sweep": height_sweep}

    def message(answer):
        return not_yet(checks.height_where_half_are_lost, {**ns, "half_lost_height": answer})

    assert "a share of faces, not a height" in message(rows.loc[expected, "found"])
    assert "a share of faces, not a height" in message(0.5)
    percent = round(100 * rows.loc[expected, "found"], 1)
    if percent not in HEIGHTS:
        assert "percentage of faces found" in message(percent)
    above = min(h for h in HEIGHTS if h > expected)
    assert "still found" in message(above) and "one step smaller" in message(above)
    others = {checks.half_lost(height_sweep, p) for p in (FER, ZOO)} - {expected}
    for height in others:  # another pipeline's answer, a smaller height here
        assert "is the answer for the pipeline" in message(height)
    for height in [h for h in HEIGHTS if h < expected and h not in others][:1]:
        assert "already found fewer than half at a larger height" in message(height)
    assert "heights your sweep tried" in message(29)
    assert "step number" in message(3)
    at_top = max(HEIGHTS)
    if at_top != above:
        assert "at least half" in message(at_top)


def test_q1_names_another_pipelines_answer():
    sweep = synthetic_heights({HAAR: (10, 6, 0), ZOO: (10, 3, 0)})
    assert checks.half_lost(sweep, HAAR) == 20 and checks.half_lost(sweep, ZOO) == 30
    checks.height_where_half_are_lost({"height_sweep": sweep, "half_lost_height": 20})
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": sweep, "half_lost_height": 30})
    assert ZOO in message and "This question asks about" in message


def test_q1_reads_the_largest_height_even_when_the_curve_turns_back_up():
    sweep = synthetic_heights({HAAR: (4, 8, 0)})  # below half at 40, above at 30: 40 is the answer
    checks.height_where_half_are_lost({"height_sweep": sweep, "half_lost_height": 40})
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": sweep, "half_lost_height": 20})
    assert "fewer than half" in message and "larger height" in message
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": sweep, "half_lost_height": 30})
    assert "80% of the faces, at least half; but it already" in message


def test_q1_says_when_the_sweep_cannot_answer():
    never = synthetic_heights({HAAR: (10, 9, 5)})  # exactly half at 20 is not fewer than half
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": never, "half_lost_height": 20})
    assert "smaller heights" in message
    no_haar = synthetic_heights({ZOO: (10, 3, 0)})
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": no_haar, "half_lost_height": 30})
    assert "did not run the pipeline" in message and HAAR in message


def test_q1_wants_a_face_height_sweep(vendor_sweep):
    blur_only = Sweep(
        vendor_sweep.observations[vendor_sweep.observations["degradation"] == "motion_blur"],
        {"motion_blur": VENDOR_PLAN["motion_blur"]},
        vendor_sweep.pipelines,
    )
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": blur_only, "half_lost_height": 24})
    assert "not of face height" in message
    message = not_yet(checks.height_where_half_are_lost, {"height_sweep": "sweep", "half_lost_height": 24})
    assert "Sweep" in message


# --- q2: agreement at 26 pixels ----------------------------------------------------------------


def test_q2_passes_the_worked_answer_and_its_rounding(height_sweep):
    share, kappa = worked_agreement(height_sweep)
    row = agreement_rows(height_sweep).set_index("strength").loc[26]
    assert share == pytest.approx(row["same"] / row["n"]) and 0 < row["n"] <= height_sweep.n_people
    ns = {"height_sweep": height_sweep}
    for s, k in ((share, kappa), (round(share, 2), round(kappa, 2)), (round(share, 3), round(kappa, 3))):
        checks.agreement_at_a_small_face({**ns, "agree_share": s, "agree_kappa": k})
    values = agreement_rows(height_sweep)[["share same", "kappa"]].to_numpy(dtype=float).ravel()
    for name, value in (("agree_share", share), ("agree_kappa", kappa)):
        rough = round(value, 1)
        if rough == round(value, 2) or np.isclose(values, rough, atol=0.05).sum() > 1:
            continue  # rounded to 1 decimal it is also another row's value: a message names that row
        answers = {"agree_share": share, "agree_kappa": kappa, name: rough}
        message = not_yet(checks.agreement_at_a_small_face, {**ns, **answers})
        assert "rounded too far" in message and f"`{name}`" in message


def test_q2_explains_common_mistakes(height_sweep):
    share, kappa = worked_agreement(height_sweep)
    table = agreement_rows(height_sweep).set_index("step")
    clean = table.loc[0]
    at_26 = table[table["strength"] == 26].iloc[0]
    ns = {"height_sweep": height_sweep}

    def share_message(value):
        return not_yet(checks.agreement_at_a_small_face, {**ns, "agree_share": value, "agree_kappa": kappa})

    def kappa_message(value):
        return not_yet(checks.agreement_at_a_small_face, {**ns, "agree_share": share, "agree_kappa": value})

    assert "percentage" in share_message(100 * share)
    if not np.isclose(clean["share same"], share, atol=0.005):
        assert "clean photos, which the lesson printed" in share_message(clean["share same"])
    if not np.isclose(clean["kappa"], kappa, atol=0.005):
        assert "clean photos" in kappa_message(clean["kappa"])
    if not np.isclose(share, kappa, atol=0.005):
        assert "swapped" in share_message(kappa) and "swapped" in kappa_message(share)
    all_people = at_26["same"] / height_sweep.n_people
    if at_26["n"] < height_sweep.n_people and not np.isclose(all_people, share, atol=0.005):
        message = share_message(all_people)
        assert f"all {height_sweep.n_people} people" in message and f"{int(at_26['n'])}" in message
    other = table[(table.index > 0) & (table["strength"] != 26) & (table["n"] > 0)]
    distinct = other[~np.isclose(other["share same"], share, atol=0.005)]
    distinct = distinct[~np.isclose(distinct["share same"], clean["share same"], atol=0.005)]
    if len(distinct):
        row = distinct.iloc[0]
        assert f"at {row['strength']:g} px" in share_message(row["share same"])
    haar = checks._at_height(checks._agreement_rows(height_sweep, HAAR, ZOO), 26)
    if haar["n"] and not np.isclose(haar["kappa"], kappa, atol=0.005):
        if not np.isclose(haar["kappa"], clean["kappa"], atol=0.005):
            message = kappa_message(haar["kappa"])
            assert "same detector" in message or "at " in message
    assert "not what the data give" in share_message(0.01 if share > 0.1 else 0.9)
    if abs(kappa) > 0.02:
        assert "multiplied by 100" in kappa_message(100 * kappa)


def test_q2_names_the_haar_comparison():
    labels = {HAAR: "neutral", FER: "happy", ZOO: "happy"}
    sweep = synthetic_heights(
        {HAAR: (10, 10, 10), FER: (10, 10, 10), ZOO: (10, 10, 10)}, heights=(30, 26, 22), labels=labels
    )
    mixed = sweep.observations.copy()  # Haar's faces: half "happy" at 26 px, so its kappa differs
    at = (mixed["pipeline"] == HAAR) & (mixed["step"] == 2) & (mixed["person"] < "p05")
    mixed.loc[at, "label"] = "happy"
    sweep = Sweep(mixed, sweep.plan, sweep.pipelines)
    checks.agreement_at_a_small_face({"height_sweep": sweep, "agree_share": 1.0, "agree_kappa": 1.0})
    message = not_yet(
        checks.agreement_at_a_small_face, {"height_sweep": sweep, "agree_share": 0.5, "agree_kappa": 1.0}
    )
    assert "same detector" in message and HAAR in message


def test_q2_wants_26_pixels_and_faces_to_compare():
    coarse = synthetic_heights({FER: (10, 8, 2), ZOO: (10, 8, 2)}, heights=(32, 28, 24))
    message = not_yet(
        checks.agreement_at_a_small_face, {"height_sweep": coarse, "agree_share": 1, "agree_kappa": 1}
    )
    assert "did not try a face height of 26 px" in message
    none = synthetic_heights({FER: (10, 0, 0), ZOO: (10, 0, 0)}, heights=(30, 26, 22))
    message = not_yet(
        checks.agreement_at_a_small_face, {"height_sweep": none, "agree_share": 1, "agree_kappa": 1}
    )
    assert "nothing to compare" in message
    one = synthetic_heights({ZOO: (10, 8, 2)}, heights=(30, 26, 22))
    message = not_yet(
        checks.agreement_at_a_small_face, {"height_sweep": one, "agree_share": 1, "agree_kappa": 1}
    )
    assert "did not run the pipeline" in message and FER in message


# --- q3: a vendor's test ------------------------------------------------------------------------


def q3_namespace(sweep, plan=VENDOR_PLAN, **answers):
    found, unchanged = worked_worst(sweep)
    return {
        "vendor_plan": plan,
        "vendor_sweep": sweep,
        "worst_found": found,
        "worst_unchanged": unchanged,
    } | answers


def test_q3_passes_the_worked_answer_in_any_form(vendor_sweep):
    checks.a_vendor_test(q3_namespace(vendor_sweep))
    as_lists = {name: list(s) for name, s in VENDOR_PLAN.items()}
    checks.a_vendor_test(q3_namespace(vendor_sweep, plan=as_lists))
    found, unchanged = worked_worst(vendor_sweep)
    checks.a_vendor_test(
        q3_namespace(vendor_sweep, worst_found=round(found, 2), worst_unchanged=round(unchanged, 2))
    )


@pytest.mark.parametrize(
    "plan, words",
    [
        ({}, "empty"),
        ({"blurr": (4, 8), "jpeg": (20, 5)}, "no degradation called 'blurr'"),
        ({"face_height": (32, 24)}, "at least 2 degradations"),
        ({"face_height": (32, 24), "blur": (0, 8)}, "beyond its neutral value"),
        ({"face_height": (32, 24), "jpeg": (None, 10)}, "'jpeg' at two of"),
        ({"face_height": (32, 24), "blur": "strong"}, "tuple of numbers"),
    ],
)
def test_q3_explains_a_plan_that_is_not_a_test(vendor_sweep, plan, words):
    message = not_yet(checks.a_vendor_test, q3_namespace(vendor_sweep, plan=plan))
    assert words in message, message


def test_q3_wants_the_sweep_of_the_plan_with_both_models_and_the_lessons_people(height_sweep, vendor_sweep):
    other_plan = {"face_height": (32, 24), "blur": (4, 8)}
    message = not_yet(checks.a_vendor_test, q3_namespace(vendor_sweep, plan=other_plan))
    assert "not run on `vendor_plan`" in message
    one_model = relabelled(height_sweep, VENDOR_PLAN, pipelines=(HAAR, FER))
    message = not_yet(checks.a_vendor_test, q3_namespace(one_model))
    assert "RAF-DB" in message and "both" in message
    obs = vendor_sweep.observations
    fewer = Sweep(
        obs[obs["person"].isin(sorted(set(obs["person"]))[:24])], VENDOR_PLAN, vendor_sweep.pipelines
    )
    message = not_yet(checks.a_vendor_test, q3_namespace(fewer))
    assert "24 people" in message and "photos=photos" in message
    assert "Sweep" in not_yet(checks.a_vendor_test, q3_namespace(vendor_sweep, vendor_sweep="sweep"))


def test_q3_explains_common_mistakes_in_the_report(vendor_sweep):
    found, unchanged = worked_worst(vendor_sweep)
    degraded = vendor_sweep.curves().query("step > 0")

    def message(**answers):
        return not_yet(checks.a_vendor_test, q3_namespace(vendor_sweep, **answers))

    if found < 1:
        assert "percentage" in message(worst_found=100 * found)
        assert "clean photos" in message(worst_found=1.0) or "best share" in message(worst_found=1.0)
    best = degraded["found"].max()
    if not np.isclose(best, found):
        assert "best share in your sweep" in message(worst_found=best)
    if unchanged < 1:
        assert "percentage" in message(worst_unchanged=100 * unchanged)
    for pipe, part in degraded.groupby("pipeline"):
        mine = part["unchanged"].min()
        if not np.isclose(mine, unchanged, atol=0.005):
            assert f'worst for "{pipe}" alone' in message(worst_unchanged=mine)
    all_people = (degraded["unchanged k"] / vendor_sweep.n_people).min()
    if not np.isclose(all_people, unchanged, atol=0.005):
        assert "divides by every person" in message(worst_unchanged=all_people)
    if round(found, 1) != round(found, 2) and not np.isclose(round(found, 1), degraded["found"]).any():
        assert "rounded too far" in message(worst_found=round(found, 1))
    assert "not what the data give" in message(worst_unchanged=unchanged / 3 + 0.001)


def test_q3_names_one_pipelines_worst_and_the_clean_photo():
    sweep = synthetic_heights({FER: (10, 9, 6), ZOO: (10, 7, 2)}, heights=(30, 26, 22))
    plan = {"face_height": (30, 26, 22)}
    two = relabelled(sweep, plan | {"blur": (4, 8, 16)}, pipelines=(FER, ZOO))
    ns = {"vendor_plan": two.plan, "vendor_sweep": two, "worst_unchanged": 1.0}

    def check(ns_):
        from unittest import mock

        people = [SimpleNamespace(person_id=f"p{i:02d}") for i in range(10)]
        with mock.patch.object(robustness, "people", return_value=people):
            return not_yet(checks.a_vendor_test, ns_)

    assert 'worst for "DeepFace with YuNet' in check({**ns, "worst_found": 0.6})
    assert "best share" in check({**ns, "worst_found": 1.0})
    none = synthetic_heights({FER: (0, 0, 0), ZOO: (0, 0, 0)}, heights=(30, 26, 22))
    lost = relabelled(none, plan | {"blur": (4, 8, 16)}, pipelines=(FER, ZOO))
    message = check({"vendor_plan": lost.plan, "vendor_sweep": lost, "worst_found": 0, "worst_unchanged": 0})
    assert "No face was found at any setting" in message
