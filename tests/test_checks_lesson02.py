"""Lesson 2's checks: each passes a right answer and explains a wrong, missing or `...` one.

Two kinds of trace are used. Hand-made traces (a clip's, and a simulated camera's with its three
phases), whose answers are worked out by hand below, pin every message to a known wrong answer.
The real recording of the exercises' clip and a real (short) simulated camera (the real model, no
camera) show that the checks recompute their answers from whatever the model said: their
expected answers are computed here the way the worked solution computes them, never written in.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np
import pytest
from checking import not_yet

from emolab import EMOTIONS
from emolab.checks import Grader
from emolab.checks import lesson02 as checks
from emolab.video import as_trace
from emolab.webcam.simulated import PHASES, SimulatedCamera, SimulatedTrace

CLIP = "video/grid_lbbc2a.mpg"  # the exercises' clip

# Rows in EMOTIONS order: angry, disgust, fear, happy, sad, surprise, neutral. Each adds up to 1.
N = [0.04, 0.01, 0.05, 0.08, 0.10, 0.02, 0.70]  # top "neutral" 0.70, runner-up 0.10: margin 0.60
H = [0.04, 0.02, 0.04, 0.45, 0.03, 0.02, 0.40]  # top "happy" 0.45, runner-up 0.40: margin 0.05
S = [0.02, 0.03, 0.07, 0.05, 0.60, 0.01, 0.22]  # top "sad" 0.60, runner-up 0.22: margin 0.38
NO_FACE = None

# Frames 0-9 N, 10 no face, 11-15 N, 16-17 H, 18-29 N, 30 S, 31-39 N.
ROWS = [N] * 10 + [NO_FACE] + [N] * 5 + [H] * 2 + [N] * 12 + [S] + [N] * 9
# Worked by hand. Labels of the 39 frames with a face: neutral x15, happy x2, neutral x12, sad, neutral x9.
HAND = {
    "frame_label": "sad",
    "frame_top_score": 0.60,  # frame 30 is S; frames 29 and 31 are N
    "longest_run": 15,  # the 10 + 5 "neutral" frames around the frame without a face
    "smallest_margin": 0.05,  # H: 0.45 - 0.40
    "neutral_range": 0.48,  # "neutral" is 0.70, 0.40 or 0.22 in the frames with a face
}


# The simulated camera's trace, by hand: 10 frames a phase. A second "neutral" row and a
# "happy" one whose "neutral" score is 0.40.
N2 = [0.05, 0.01, 0.05, 0.10, 0.12, 0.02, 0.65]  # top "neutral" 0.65
STILL_ROWS = [N] * 6 + [H] + [N2] * 3  # labels: neutral x9, happy: the most frequent is "neutral"
DIM_ROWS = [N] * 5 + [NO_FACE] * 2 + [S] * 2 + [H]  # 8 faces, 3 of them not "neutral"
TURN_ROWS = [N] * 8 + [S] * 2
HAND_SIM = {
    "still_range": 0.30,  # "neutral" in the still phase: 0.70, 0.40 or 0.65
    "dim_share": 0.375,  # 3 of the 8 frames with a face in the dimming phase
}


def make_sim_trace() -> SimulatedTrace:
    rows = STILL_ROWS + DIM_ROWS + TURN_ROWS
    plain = as_trace([(i / 10, row) for i, row in enumerate(rows)], source="hand-made simulation")
    return SimulatedTrace(
        plain.times,
        plain.scores,
        plain.labels,
        source=plain.source,
        phases=[phase for phase in PHASES for _ in range(10)],
        exposures=[1.0] * 30,
        yaws=[0.0] * 30,
    )


HAND_SIM_TRACE = make_sim_trace()


@pytest.fixture(scope="module")
def grader():
    return Grader("02")


@pytest.fixture(scope="module")
def hand_trace():
    trace = as_trace([(i / 25, row) for i, row in enumerate(ROWS)], source="hand-made")
    assert trace.labels[30] == "sad" and trace.labels[10] == "" and len(trace) == 40
    return trace


@pytest.fixture(scope="module")
def clip_trace():
    from emolab.webcam import record_clip

    return record_clip(CLIP)


@pytest.fixture(scope="module")
def real_sim_trace():
    from emolab.webcam import record_simulation

    return record_simulation(SimulatedCamera(seed=7, phase_seconds=(1.5, 1.5, 1.5)))


def worked_answers(trace, sim_trace=HAND_SIM_TRACE) -> dict:
    """The worked solution's answers, computed the way the solution notebook computes them."""
    still, dim = sim_trace.phase("still face"), sim_trace.phase("dimming light")
    label = still.label_counts().most_common(1)[0][0]
    column = still.scores[:, EMOTIONS.index(label)]
    column = column[~np.isnan(column)]
    dim_labels = [x for x in dim.labels if x]
    row = trace.scores[30]
    labelled = [label for label in trace.labels if label]
    ordered = np.sort(trace.scores[~np.isnan(trace.scores).any(axis=1)], axis=1)
    neutral = trace.scores[:, EMOTIONS.index("neutral")]
    neutral = neutral[~np.isnan(neutral)]
    return {
        "frame_label": EMOTIONS[int(np.argmax(row))],
        "frame_top_score": float(row.max()),
        "longest_run": max(len(list(stretch)) for _, stretch in groupby(labelled)),
        "smallest_margin": float((ordered[:, -1] - ordered[:, -2]).min()),
        "neutral_range": float(neutral.max() - neutral.min()),
        "transparency_answer": "c",
        "still_range": float(column.max() - column.min()),
        "dim_share": sum(1 for x in dim_labels if x != label) / len(dim_labels),
    }


def namespace(trace, sim_trace=HAND_SIM_TRACE, **answers) -> dict:
    return {"trace": trace, "sim_trace": sim_trace, **answers}


# --- every question ---------------------------------------------------------------------------

QUESTIONS = [
    ("q1", "frame_label"),
    ("q2", "longest_run"),
    ("q3", "smallest_margin"),
    ("q4", "neutral_range"),
    ("q5", "transparency_answer"),
    ("q6", "still_range"),
]


def test_the_grader_knows_six_questions(grader):
    assert set(grader.checks) == {q for q, _ in QUESTIONS}


@pytest.mark.parametrize("question, name", QUESTIONS)
def test_missing_and_placeholder_answers_say_not_yet(grader, hand_trace, question, name):
    missing = grader.check(question, namespace(hand_trace))
    assert not missing.passed and f"`{name}`" in missing.message and "Run the cell" in missing.message
    placeholder = grader.check(question, namespace(hand_trace, **{name: ...}))
    assert not placeholder.passed and "still `...`" in placeholder.message
    assert "not yet" in repr(placeholder)


def test_q1_asks_for_both_of_its_answers(grader, hand_trace):
    result = grader.check("q1", namespace(hand_trace, frame_label="sad", frame_top_score=...))
    assert not result.passed and "`frame_top_score`" in result.message


@pytest.mark.parametrize("question", ["q1", "q2", "q3", "q4"])
def test_a_missing_or_wrong_trace_is_explained(grader, question):
    assert "`trace`" in grader.check(question, {}).message
    assert "record_clip" in grader.check(question, {"trace": [0.1, 0.2]}).message
    empty = as_trace([(0.0, None), (0.04, None)])
    assert "no frame with a face" in grader.check(question, {"trace": empty}).message


def test_the_worked_answers_pass_on_the_hand_made_trace(grader, hand_trace):
    answers = worked_answers(hand_trace)
    assert answers == pytest.approx({**HAND, "transparency_answer": "c", **HAND_SIM})
    results = grader.check_all(namespace(hand_trace, **answers))
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_the_worked_answers_pass_on_the_real_clip(grader, clip_trace):
    results = grader.check_all(namespace(clip_trace, **worked_answers(clip_trace)))
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_the_grader_never_raises_on_odd_answers(grader, hand_trace):
    odd = {
        "frame_label": None,
        "frame_top_score": "0.6",
        "longest_run": [15],
        "smallest_margin": {},
        "neutral_range": True,
        "transparency_answer": 3,
        "still_range": "0.3",
        "dim_share": None,
    }
    results = grader.check_all(namespace(hand_trace, **odd))
    assert [r.passed for r in results] == [False] * 6
    assert all(r.message for r in results)


# --- rounding: 2 decimals pass, 1 decimal is "rounded too far" ----------------------------------

NUMBERS = [
    ("q1", checks.one_frame, "frame_top_score"),
    ("q3", checks.smallest_margin, "smallest_margin"),
    ("q4", checks.neutral_range, "neutral_range"),
]


@pytest.mark.parametrize("question, function, name", NUMBERS)
def test_a_right_answer_rounded_to_2_decimals_passes(clip_trace, question, function, name):
    answers = worked_answers(clip_trace)
    for decimals in (2, 3, 4):
        function(namespace(clip_trace, **{**answers, name: round(answers[name], decimals)}))


@pytest.mark.parametrize("question, function, name", NUMBERS)
def test_a_number_rounded_to_1_decimal_is_rounded_too_far(clip_trace, question, function, name):
    answers = worked_answers(clip_trace)
    rounded = round(answers[name], 1)
    if rounded == answers[name]:
        pytest.skip("the answer has one decimal itself")
    message = not_yet(function, namespace(clip_trace, **{**answers, name: rounded}))
    assert "rounded too far" in message


@pytest.mark.parametrize("question, function, name", NUMBERS)
def test_a_different_number_is_not_close_enough(clip_trace, question, function, name):
    answers = worked_answers(clip_trace)
    wrong = answers[name] + 0.013
    message = not_yet(function, namespace(clip_trace, **{**answers, name: wrong}))
    assert "rounded too far" not in message


@pytest.mark.parametrize("question, function, name", NUMBERS)
def test_text_and_nan_are_not_numbers(hand_trace, question, function, name):
    answers = dict(HAND)
    assert "number" in not_yet(function, namespace(hand_trace, **{**answers, name: "0.5"}))
    assert "NaN" in not_yet(function, namespace(hand_trace, **{**answers, name: float("nan")}))


# --- q1: one frame, seven scores ----------------------------------------------------------------


def q1(trace, label="sad", score=0.60):
    return checks.one_frame(namespace(trace, frame_label=label, frame_top_score=score))


def q1_message(trace, **answers) -> str:
    return not_yet(lambda _: q1(trace, **answers), None)


def test_q1_passes_the_label_and_score_however_written(hand_trace):
    q1(hand_trace)
    q1(hand_trace, label=" Sad", score=0.6)
    q1(hand_trace, label=EMOTIONS[4], score=np.float64(0.6))


def test_q1_explains_wrong_labels(hand_trace):
    assert "position" in q1_message(hand_trace, label=4)
    assert "frame 29" in q1_message(hand_trace, label="neutral")
    message = q1_message(hand_trace, label="happy")
    assert "highest of the seven scores in frame 30" in message
    assert "label name" in q1_message(hand_trace, label=["sad"])


@pytest.mark.parametrize(
    "wrong, says",
    [
        (60, "percentage"),
        (1.0, "add up to"),
        (1, "add up to"),
        (0.22, "second-highest"),
        (0.70, "neighbouring frame"),
        (0.45, "not what the data give"),
    ],
)
def test_q1_explains_wrong_scores(hand_trace, wrong, says):
    assert says in q1_message(hand_trace, score=wrong)


def test_q1_on_the_real_clip_explains_the_neighbouring_frame(clip_trace):
    answers = worked_answers(clip_trace)
    neighbour = float(np.nanmax(clip_trace.scores[31]))
    if abs(neighbour - answers["frame_top_score"]) <= 0.005:
        pytest.skip("frames 30 and 31 have top scores too close to tell apart")
    message = not_yet(checks.one_frame, namespace(clip_trace, **{**answers, "frame_top_score": neighbour}))
    assert "neighbouring frame" in message


# --- q2: the longest stretch without a change -------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, says",
    [
        (14, "steps between frames"),
        (4, "number of times the top label changed"),
        (12, "broke a stretch in two"),
        (36, "most frequent label in all"),
        (39, "number of frames with a face"),
        (7, "longest piece"),
        (15.5, "whole number"),
    ],
)
def test_q2_explains_wrong_counts(hand_trace, wrong, says):
    assert says in not_yet(checks.longest_run, namespace(hand_trace, longest_run=wrong))


def test_q2_passes_the_count_as_int_or_float(hand_trace):
    checks.longest_run(namespace(hand_trace, longest_run=15))
    checks.longest_run(namespace(hand_trace, longest_run=15.0))
    checks.longest_run(namespace(hand_trace, longest_run=np.int64(15)))


def test_q2_on_the_real_clip_explains_the_number_of_changes(clip_trace):
    answers = worked_answers(clip_trace)
    changes = clip_trace.label_changes()
    if changes in (answers["longest_run"], answers["longest_run"] - 1):
        pytest.skip("the number of changes equals another answer the check explains first")
    message = not_yet(checks.longest_run, namespace(clip_trace, longest_run=changes))
    assert "number of times the top label changed" in message


# --- q3: the closest call ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, says",
    [
        (-0.05, "negative"),
        (5, "percentage"),
        (0.60, "largest margin"),
        (0.45, "smallest top score"),
        (0.43, "not the lowest"),
        (0.38, "not what the data give"),
    ],
)
def test_q3_explains_wrong_margins(hand_trace, wrong, says):
    assert says in not_yet(checks.smallest_margin, namespace(hand_trace, smallest_margin=wrong))


def test_q3_passes_the_smallest_margin(hand_trace):
    checks.smallest_margin(namespace(hand_trace, smallest_margin=0.45 - 0.40))
    checks.smallest_margin(namespace(hand_trace, smallest_margin=0.05))


# --- q4: how far "neutral" moves ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrong, says",
    [
        (48, "percentage"),
        (0.70, 'largest "neutral" score'),
        (0.69, "range of all the scores"),
        (0.40, 'range of the "happy" scores'),
        (0.57, 'range of the "sad" scores'),
        (0.30, "not what the data give"),
    ],
)
def test_q4_explains_wrong_ranges(hand_trace, wrong, says):
    assert says in not_yet(checks.neutral_range, namespace(hand_trace, neutral_range=wrong))


def test_q4_uses_the_neutral_column_by_name():
    assert checks.NEUTRAL == EMOTIONS.index("neutral")


def test_q4_on_the_real_clip_explains_another_column(clip_trace):
    answers = worked_answers(clip_trace)
    scores = clip_trace.scores[~np.isnan(clip_trace.scores).any(axis=1)]
    happy = scores[:, EMOTIONS.index("happy")]
    happy_range = float(happy.max() - happy.min())
    if abs(happy_range - answers["neutral_range"]) <= 0.005:
        pytest.skip("the two ranges are too close to tell apart")
    message = not_yet(checks.neutral_range, namespace(clip_trace, neutral_range=happy_range))
    assert "not what the data give" in message or "scores" in message


# --- q5: the duty to inform ------------------------------------------------------------------------------


def q5_message(answer) -> str:
    return not_yet(checks.transparency_duty, {"transparency_answer": answer})


@pytest.mark.parametrize("answer", ["c", "C", "(c)", " c ", "c)"])
def test_q5_passes_c_however_written(answer):
    checks.transparency_duty({"transparency_answer": answer})


@pytest.mark.parametrize(
    "letter, teaches",
    [
        ("a", "Art. 5(1)(f)"),
        ("b", "consent"),
        ("d", "deployers"),
        ("e", "2026/1744"),
    ],
)
def test_q5_each_wrong_option_gets_its_own_feedback(letter, teaches):
    message = q5_message(letter)
    assert message.startswith(f"Not ({letter}).") and teaches in message


def test_q5_feedback_differs_for_every_wrong_option():
    messages = {q5_message(letter) for letter in "abde"}
    assert len(messages) == 4


@pytest.mark.parametrize("answer", ["f", "yes", "Art. 50(3)", ""])
def test_q5_asks_for_one_letter(answer):
    assert "one letter" in q5_message(answer)


def test_q5_wants_text():
    assert "should be a str" in q5_message(3)


# --- q6: a photo that does not change ------------------------------------------------------------------


def q6(still_range=0.30, dim_share=0.375, sim_trace=HAND_SIM_TRACE):
    return checks.still_photo({"sim_trace": sim_trace, "still_range": still_range, "dim_share": dim_share})


def q6_message(**answers) -> str:
    return not_yet(lambda _: q6(**answers), None)


def test_q6_passes_the_hand_worked_answers_however_written():
    q6()
    q6(still_range=0.3, dim_share=3 / 8)
    q6(still_range=np.float64(0.30), dim_share=0.38)


def test_q6_asks_for_both_of_its_answers():
    assert "`dim_share`" in not_yet(checks.still_photo, {"sim_trace": HAND_SIM_TRACE, "still_range": 0.3})


@pytest.mark.parametrize(
    "wrong, says",
    [
        (30, "percentage"),
        (0.25, "*top* score"),
        (0.48, "whole trace"),
        (0.70, "largest score alone"),
        (0.2, "not what the data give"),
    ],
)
def test_q6_explains_wrong_ranges(wrong, says):
    assert says in q6_message(still_range=wrong)


@pytest.mark.parametrize(
    "wrong, says",
    [
        (37.5, "percentage"),
        (3, "number of frames"),
        (0.3, "every frame of the dimming phase"),
        (0.625, "kept the still phase's label"),
        (6 / 28, "whole trace"),
        (0.5, "not what the data give"),
    ],
)
def test_q6_explains_wrong_shares(wrong, says):
    assert says in q6_message(dim_share=wrong)


def test_q6_needs_the_simulated_cameras_trace(hand_trace):
    assert "`sim_trace`" in not_yet(checks.still_photo, {"still_range": 0.3, "dim_share": 0.375})
    message = not_yet(checks.still_photo, {"sim_trace": hand_trace, "still_range": 0.3, "dim_share": 0.375})
    assert "record_simulation" in message


def test_q6_worked_answers_pass_on_a_real_simulation(hand_trace, real_sim_trace):
    answers = worked_answers(hand_trace, real_sim_trace)
    assert real_sim_trace.from_camera is False
    q6(answers["still_range"], answers["dim_share"], real_sim_trace)
    q6(round(answers["still_range"], 2), round(answers["dim_share"], 2), real_sim_trace)
    message = not_yet(
        lambda _: q6(answers["still_range"] + 0.013, answers["dim_share"], real_sim_trace), None
    )
    assert "rounded too far" not in message
