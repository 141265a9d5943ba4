"""Lesson 3's checks: each passes the worked answer and explains a wrong, missing or `...` one.

The namespaces are built as the exercise notebook builds them, from the real package objects (the
45 cm photo's analysis, another participant's composites, the GRID clips' traces), so the expected
answers are computed here with the real model, never written in. A copy of what the lesson prints
for its own inputs (the 60 cm photo, participant 001, every frame, 5 frames in a row) must fail.
"""

from __future__ import annotations

from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pytest
from checking import assert_missing_and_placeholder_say_not_yet, not_yet

from emolab import EMOTIONS, analyze, assets, composite, video
from emolab.alerts import AlertRule, people_flagged
from emolab.checks import Grader
from emolab.checks import lesson03 as checks
from emolab.context import pixel_share
from emolab.poll import OTHER_CHOICES

Q3_FACE = "london/neutral/037_03.jpg"  # the exercise's participant (the lesson uses 001)
LESSON_FACE = "london/smiling/001_08.jpg"


@pytest.fixture(scope="module")
def grader():
    return Grader("03")


def table_for(face):
    comps = composite.compose_all(face)
    return comps, composite.scores_table(comps, composite.analyze_composites(comps))


@pytest.fixture(scope="module")
def photo():
    return analyze(assets.fetch(checks.Q1_PHOTO))


@pytest.fixture(scope="module")
def scenes():
    comps, table = table_for(Q3_FACE)
    return SimpleNamespace(table=table, names=[c.scene_name for c in comps])


@pytest.fixture(scope="module")
def clip_traces():
    return {asset.file: video.analyze_clip(asset) for asset in assets.collection("video")}


@pytest.fixture(scope="module")
def trace_lw():
    return video.analyze_clip(checks.Q4_CLIP, step=checks.Q4_STEP)


def share_of(analysis) -> float:
    height, width = analysis.image.shape[:2]
    _, _, w, h = analysis.faces[0].box
    return w * h / (width * height)


def largest_change_of(table) -> float:
    probabilities = table[list(EMOTIONS)]
    return float((probabilities.max() - probabilities.min()).max())


def flip_rate_of(trace) -> float:
    labelled = [label for label in trace.labels if label]
    return sum(a != b for a, b in pairwise(labelled)) / trace.duration


def flags(traces, threshold, frames=checks.Q5_FRAMES) -> int:
    return sum(AlertRule(("angry", "fear"), threshold, frames).count(t) for t in traces.values())


def worked_counts(traces) -> dict:
    return {threshold: flags(traces, threshold) for threshold in checks.Q5_THRESHOLDS}


def assert_rounding_behaves(function, namespace, name, value):
    """Rounded to 2 decimals passes; to 1 decimal says "rounded too far" (unless that is exact)."""
    function({**namespace, name: round(value, 2)})
    if round(value, 1) != value:
        assert "rounded too far" in not_yet(function, {**namespace, name: round(value, 1)})


# --- every question: missing and `...` answers, and the grader itself ----------------------------


@pytest.fixture(scope="module")
def context(photo, scenes, clip_traces, trace_lw):
    """Everything the exercise notebook defines before the answers."""
    return {
        "photo_analysis": photo,
        "table": scenes.table,
        "scene_names": scenes.names,
        "trace_lw": trace_lw,
        "clip_traces": clip_traces,
    }


ANSWERS = [
    ("q1", "share_used"),
    ("q2", "my_guesses"),
    ("q3", "largest_change"),
    ("q4", "flip_rate_lw"),
    ("q5", "flag_counts"),
    ("q6", "barcelona_answer"),
]


@pytest.mark.parametrize("question, answer", ANSWERS)
def test_missing_and_placeholder_answers_say_not_yet(grader, context, question, answer):
    assert_missing_and_placeholder_say_not_yet(grader, context, question, answer)


def test_the_grader_knows_six_questions_and_never_raises(grader):
    assert set(grader.checks) == {f"q{n}" for n in range(1, 7)}
    odd = {
        "photo_analysis": "photo.jpg",
        "share_used": [],
        "my_guesses": "happy",
        "scene_names": [],
        "table": 3,
        "largest_change": "big",
        "trace_lw": None,
        "flip_rate_lw": None,
        "clip_traces": {},
        "flag_counts": [1, 2],
        "barcelona_answer": 2,
    }
    results = grader.check_all(odd)
    assert [r.passed for r in results] == [False] * 6 and all(r.message for r in results)


# --- q1: the share of the 45 cm photo's pixels inside the face box --------------------------------


def test_q1_passes_the_worked_answer_and_its_rounding(photo):
    share = share_of(photo)
    assert share == pytest.approx(pixel_share(photo).box_share)
    checks.share_of_pixels({"photo_analysis": photo, "share_used": share})
    assert_rounding_behaves(checks.share_of_pixels, {"photo_analysis": photo}, "share_used", share)


def test_q1_rejects_the_lessons_printout_for_the_60_cm_photo(photo):
    lesson = analyze(assets.fetch(checks.LESSON_PHOTO))
    printed = float(
        f"{pixel_share(lesson).box_share:.4f}"
    )  # the lesson prints it as a percentage, 2 decimals
    message = not_yet(checks.share_of_pixels, {"photo_analysis": photo, "share_used": printed})
    assert "60 cm" in message
    # and the lesson's own analysis is not this question's photo
    assert "45 cm" in not_yet(checks.share_of_pixels, {"photo_analysis": lesson, "share_used": printed})


def test_q1_explains_common_mistakes(photo):
    share, ns = share_of(photo), {"photo_analysis": photo}
    height, width = photo.image.shape[:2]
    _, _, w, _ = photo.faces[0].box
    cases = {
        "percentage": 100 * share,
        "upside down": 1 / share,
        "48 x 48 input": 48 * 48 / (width * height),
        "share of area": w / width,
    }
    for expected_words, wrong in cases.items():
        assert expected_words in not_yet(checks.share_of_pixels, {**ns, "share_used": wrong}), expected_words
    assert "not what the data give" in not_yet(checks.share_of_pixels, {**ns, "share_used": share * 1.3})
    assert "text" in not_yet(checks.share_of_pixels, {**ns, "share_used": f"{share:.4f}"})
    assert "Analysis" in not_yet(
        checks.share_of_pixels, {"photo_analysis": "zoom/45cm.jpg", "share_used": share}
    )


# --- q2: the poll, before the model ----------------------------------------------------------------


def test_q2_passes_any_complete_poll_and_rejects_gaps_and_filler(scenes):
    choices = EMOTIONS + OTHER_CHOICES
    answers = {scene: choices[i % len(choices)] for i, scene in enumerate(scenes.names)}
    checks.poll_answers({"my_guesses": answers, "scene_names": scenes.names})
    gap = {**answers, scenes.names[0]: ""}
    assert scenes.names[0] in not_yet(checks.poll_answers, {"my_guesses": gap, "scene_names": scenes.names})
    filler = {**answers, scenes.names[1]: "asdf"}
    assert "choices" in not_yet(checks.poll_answers, {"my_guesses": filler, "scene_names": scenes.names})
    assert "dict" in not_yet(checks.poll_answers, {"my_guesses": ["happy"] * 5, "scene_names": scenes.names})


# --- q3: the largest change of any probability across scenes --------------------------------------


def test_q3_passes_the_worked_answer_and_its_rounding(scenes):
    change = largest_change_of(scenes.table)
    assert change == pytest.approx(composite.largest_change(scenes.table)[0])
    checks.largest_change_across_scenes({"table": scenes.table, "largest_change": change})
    assert_rounding_behaves(
        checks.largest_change_across_scenes, {"table": scenes.table}, "largest_change", change
    )


def test_q3_rejects_the_lessons_printout_for_participant_001(scenes):
    _, lesson_table = table_for(LESSON_FACE)
    printed = float(f"{composite.largest_change(lesson_table)[0]:.3f}")
    if abs(printed - largest_change_of(scenes.table)) <= 0.0005:
        pytest.skip("the two participants' changes happen to agree to 3 decimals")
    assert "not what the data give" in not_yet(
        checks.largest_change_across_scenes, {"table": scenes.table, "largest_change": printed}
    )


def test_q3_explains_common_mistakes(scenes):
    table, change = scenes.table, largest_change_of(scenes.table)
    probabilities = table[list(EMOTIONS)]
    within_a_scene = float((probabilities.max(axis=1) - probabilities.min(axis=1)).max())
    largest = float(probabilities.max().max())
    assert "percentage points" in not_yet(
        checks.largest_change_across_scenes, {"table": table, "largest_change": 100 * change}
    )
    for expected_words, wrong in {"within one scene": within_a_scene, "largest probability": largest}.items():
        if abs(wrong - change) > 1e-9:
            assert expected_words in not_yet(
                checks.largest_change_across_scenes, {"table": table, "largest_change": wrong}
            )
    top = table["top label"].mode()[0]
    top_only = float(probabilities[top].max() - probabilities[top].min())
    if abs(top_only - change) > 1e-6 and top_only not in (within_a_scene, largest):
        assert "alone" in not_yet(
            checks.largest_change_across_scenes, {"table": table, "largest_change": top_only}
        )
    assert "not what the data give" in not_yet(
        checks.largest_change_across_scenes, {"table": table, "largest_change": change / 2}
    )


def test_q3_explains_the_top_label_column_on_a_made_up_table():
    rows = {
        "a": [0.1, 0, 0, 0.8, 0, 0, 0.1],
        "b": [0.5, 0, 0, 0.5, 0, 0, 0.0],
        "c": [0.1, 0, 0, 0.7, 0, 0, 0.2],
    }
    import pandas as pd

    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(EMOTIONS))
    table["top label"] = ["happy", "angry", "happy"]
    checks.largest_change_across_scenes({"table": table, "largest_change": 0.4})  # angry: 0.5 - 0.1
    assert "'happy' alone" in not_yet(
        checks.largest_change_across_scenes, {"table": table, "largest_change": 0.3}
    )


# --- q4: the flip rate at every second frame -------------------------------------------------------


def test_q4_passes_the_worked_answer_and_its_rounding(trace_lw):
    rate = flip_rate_of(trace_lw)
    assert rate == pytest.approx(video.flip_rate(trace_lw))
    checks.flip_rate_of_a_clip({"trace_lw": trace_lw, "flip_rate_lw": rate})
    assert_rounding_behaves(checks.flip_rate_of_a_clip, {"trace_lw": trace_lw}, "flip_rate_lw", rate)


def test_q4_rejects_the_lessons_printout_for_every_frame(trace_lw, clip_traces):
    every_frame = clip_traces[checks.Q4_CLIP]
    printed = round(video.flip_rate(every_frame), 2)  # the lesson's table
    if abs(printed - flip_rate_of(trace_lw)) > 0.005:
        assert "not what the data give" in not_yet(
            checks.flip_rate_of_a_clip, {"trace_lw": trace_lw, "flip_rate_lw": printed}
        )
    message = not_yet(checks.flip_rate_of_a_clip, {"trace_lw": every_frame, "flip_rate_lw": printed})
    assert "every second frame" in message
    other_clip = next(t for f, t in clip_traces.items() if f != checks.Q4_CLIP)
    assert checks.Q4_CLIP in not_yet(
        checks.flip_rate_of_a_clip, {"trace_lw": other_clip, "flip_rate_lw": 1.0}
    )


def test_q4_explains_common_mistakes(trace_lw):
    flips, ns = video.label_flips(trace_lw), {"trace_lw": trace_lw}
    assert flips > 0, "the clip's top label should change at least once for these tests to mean anything"
    assert "number of flips" in not_yet(checks.flip_rate_of_a_clip, {**ns, "flip_rate_lw": flips})
    assert "per frame" in not_yet(checks.flip_rate_of_a_clip, {**ns, "flip_rate_lw": flips / len(trace_lw)})
    if round(trace_lw.duration) != trace_lw.duration:
        nominal = flips / round(trace_lw.duration)
        assert "nominal length" in not_yet(checks.flip_rate_of_a_clip, {**ns, "flip_rate_lw": nominal})
    assert "NaN" in not_yet(checks.flip_rate_of_a_clip, {**ns, "flip_rate_lw": float("nan")})


def test_q4_says_to_skip_frames_without_a_face():
    scores = np.zeros((10, 7))
    scores[:, EMOTIONS.index("neutral")] = 1
    scores[5:, EMOTIONS.index("neutral")], scores[5:, EMOTIONS.index("happy")] = 0, 1
    scores[[2, 7]] = np.nan  # neutral, neutral, -, neutral, neutral, happy, happy, -, happy, happy
    trace = video.as_trace(scores, fps=25 / checks.Q4_STEP, source=checks.Q4_CLIP)
    checks.flip_rate_of_a_clip({"trace_lw": trace, "flip_rate_lw": 1 / trace.duration})
    message = not_yet(checks.flip_rate_of_a_clip, {"trace_lw": trace, "flip_rate_lw": 5 / trace.duration})
    assert "without a face" in message


# --- q5: flags over the four clips, 10 frames in a row ---------------------------------------------


def test_q5_passes_the_worked_counts(clip_traces):
    counts = worked_counts(clip_traces)
    checks.flag_counts_for_thresholds({"clip_traces": clip_traces, "flag_counts": counts})
    as_numpy = {t: np.int64(n) for t, n in counts.items()}
    checks.flag_counts_for_thresholds({"clip_traces": clip_traces, "flag_counts": as_numpy})


def mistaken_counts(traces, mistake):
    """The usual wrong counts per threshold, in the order the check diagnoses them."""
    rule = {t: AlertRule(("angry", "fear"), t, checks.Q5_FRAMES) for t in checks.Q5_THRESHOLDS}
    per_threshold = {
        "lesson's rule": {t: flags(traces, t, checks.LESSON_FRAMES) for t in checks.Q5_THRESHOLDS},
        "counts frames": {
            t: sum(int(rule[t].above(tr.scores).sum()) for tr in traces.values())
            for t in checks.Q5_THRESHOLDS
        },
        "clips with at least one flag": {
            t: people_flagged(rule[t], traces.values()) for t in checks.Q5_THRESHOLDS
        },
    }
    return per_threshold, per_threshold[mistake]


@pytest.mark.parametrize("mistake", ["lesson's rule", "counts frames", "clips with at least one flag"])
def test_q5_explains_each_usual_mistake(clip_traces, mistake):
    right = worked_counts(clip_traces)
    everything, wrong = mistaken_counts(clip_traces, mistake)
    earlier = list(everything)[: list(everything).index(mistake)]
    for threshold in checks.Q5_THRESHOLDS:
        value = wrong[threshold]
        if value == right[threshold] or any(everything[e][threshold] == value for e in earlier):
            continue  # this threshold cannot show this mistake
        counts = {**right, threshold: value}
        message = not_yet(
            checks.flag_counts_for_thresholds, {"clip_traces": clip_traces, "flag_counts": counts}
        )
        assert mistake in message and str(threshold) in message
        return
    pytest.skip(f"with this model, '{mistake}' gives the right count at every threshold")


def test_q5_rejects_the_lessons_printed_table(clip_traces):
    printed = {t: flags(clip_traces, t, checks.LESSON_FRAMES) for t in checks.Q5_THRESHOLDS}
    if printed == worked_counts(clip_traces):
        pytest.skip("with this model the 5-frame and 10-frame rules give the same totals")
    assert "lesson's rule" in not_yet(
        checks.flag_counts_for_thresholds, {"clip_traces": clip_traces, "flag_counts": printed}
    )


def test_q5_explains_shapes_and_types(clip_traces):
    right, ns = worked_counts(clip_traces), {"clip_traces": clip_traces}
    assert "dict" in not_yet(checks.flag_counts_for_thresholds, {**ns, "flag_counts": list(right.values())})
    as_text = {str(t): n for t, n in right.items()}
    assert "not text" in not_yet(checks.flag_counts_for_thresholds, {**ns, "flag_counts": as_text})
    per_clip = {**right, 0.5: {f: 0 for f in clip_traces}}
    assert "not one per clip" in not_yet(checks.flag_counts_for_thresholds, {**ns, "flag_counts": per_clip})
    assert "whole number" in not_yet(
        checks.flag_counts_for_thresholds, {**ns, "flag_counts": {**right, 0.7: 0.5}}
    )
    assert "whole number" in not_yet(
        checks.flag_counts_for_thresholds, {**ns, "flag_counts": {**right, 0.7: "1"}}
    )


def test_q5_recomputes_from_hand_made_traces():
    from test_alerts import sequence

    traces = {
        "a": sequence([0.9] * 12),
        "b": sequence([0.4] * 12),
        "c": sequence([0.8] * 9 + [0.0] + [0.8] * 3),
    }
    right = {
        0.3: 2,
        0.5: 1,
        0.7: 1,
    }  # "a" flags at every threshold, "b" only at 0.3; "c" never runs 10 frames
    assert worked_counts(traces) == right
    checks.flag_counts_for_thresholds({"clip_traces": traces, "flag_counts": right})
    message = not_yet(
        checks.flag_counts_for_thresholds, {"clip_traces": traces, "flag_counts": {**right, 0.7: 2}}
    )
    assert "lesson's rule" in message  # with 5 frames in a row, "c" flags too
    frames = not_yet(
        checks.flag_counts_for_thresholds, {"clip_traces": traces, "flag_counts": {**right, 0.3: 36}}
    )
    assert "counts frames" in frames


# --- q6: the Barcelona claim ----------------------------------------------------------------------


def test_q6_passes_b_in_any_form():
    for answer in ("b", "B", " (b) ", "b)"):
        checks.barcelona_claim({"barcelona_answer": answer})


@pytest.mark.parametrize(
    "letter, teaches",
    [
        ("a", "not independent sources"),
        ("c", "does not show a claim false; it leaves it unverified"),
        ("d", "not emotion recognition"),
    ],
)
def test_q6_every_wrong_option_gets_its_own_feedback(letter, teaches):
    message = not_yet(checks.barcelona_claim, {"barcelona_answer": letter})
    assert teaches in message and message.startswith(f"Not ({letter}).")
    others = set(checks.BARCELONA_FEEDBACK) - {letter}
    assert all(checks.BARCELONA_FEEDBACK[o] not in message for o in others)


def test_q6_rejects_anything_but_one_letter():
    assert "one letter" in not_yet(checks.barcelona_claim, {"barcelona_answer": "e"})
    assert "one letter" in not_yet(checks.barcelona_claim, {"barcelona_answer": "unverified"})
    assert "str" in not_yet(checks.barcelona_claim, {"barcelona_answer": 2})
