"""Checks for lesson 2, "The classifier and you".

The exercises use ``trace``: the classifier's scores on every frame of a sample clip, recorded
without a camera (``emolab.webcam.record_clip``), and ``sim_trace``: the simulated camera's
(``emolab.webcam.record_simulation``, one still course photo with camera noise, then dimming
light, then a 2-D turn). The exercises use a different clip and a different seed from the
lesson, and ask for quantities that neither the lesson nor the exercises' own trace plot prints.
Every expected value is recomputed from the learner's own ``trace``, so no model output is
written here. Reflection questions are not checked.
"""

from __future__ import annotations

from itertools import groupby

import numpy as np

from ..core import EMOTIONS
from . import (
    NotYet,
    check,
    decimals_given,
    matches,
    require,
    require_choice,
    require_close,
    require_number,
)

NEUTRAL = EMOTIONS.index("neutral")
FRAME = 30  # the frame Question 1 asks about; the question's text names it
NAN_HINT = "frames without a face have NaN scores: leave them out first."


def _trace(ns: dict):
    trace = require(ns, "trace")
    if not all(hasattr(trace, name) for name in ("labels", "scores", "times")):
        raise NotYet(
            "`trace` should be the recording made by `record_clip(...)`: run the set-up cells again."
        )
    if not any(trace.labels):
        raise NotYet("`trace` has no frame with a face. Run the set-up cells again.")
    return trace


def _face_scores(trace) -> np.ndarray:
    """The score rows of the frames with a face (rows without NaN)."""
    scores = np.asarray(trace.scores, dtype=float)
    return scores[~np.isnan(scores).any(axis=1)]


def _is(got: float, value: float, expected: float) -> bool:
    """``got`` is ``value`` (a known wrong answer) and ``value`` can be told apart from the right one."""
    return matches(got, value) and abs(value - expected) > 0.005


def _rounded_too_far(got: float, expected: float) -> bool:
    decimals = decimals_given(got)
    return decimals < 2 and abs(got - expected) <= 0.5 * 10**-decimals + 1e-12


def _explain(got: float, expected: float, mistakes: list[tuple[float, str]]) -> None:
    """NotYet with the message of the first known mistake ``got`` matches, if any. A right answer
    rounded too far is left to ``require_close``, which says so."""
    if matches(got, expected) or _rounded_too_far(got, expected):
        return
    for value, message in mistakes:
        if _is(got, value, expected):
            raise NotYet(message)


def _percentage_of(got: float, expected: float, name: str) -> None:
    if 1 < got <= 100 and matches(got / 100, expected):
        raise NotYet(f"`{name}` looks like a percentage. Scores run from 0 to 1: leave out the `* 100`.")


def _whole_number(ns: dict, name: str) -> int:
    got = require_number(ns, name, NAN_HINT)
    if got != int(got):
        raise NotYet(f"`{name}` is {got:g}; a count of frames is a whole number.")
    return int(got)


# --- Question 1: one frame, seven scores --------------------------------------------------------


def _frame_row(trace, index: int) -> np.ndarray | None:
    if not 0 <= index < len(trace.labels):
        return None
    row = np.asarray(trace.scores, dtype=float)[index]
    return None if np.isnan(row).any() else row


@check("q1")
def one_frame(ns: dict) -> None:
    trace = _trace(ns)
    row = _frame_row(trace, FRAME)
    if row is None:
        raise NotYet(
            f"Frame {FRAME} of your `trace` has no face (or does not exist). Run the set-up cells again."
        )
    _frame_label(ns, trace, row)
    _frame_top_score(ns, trace, row)


def _frame_label(ns: dict, trace, row: np.ndarray) -> None:
    label = require(ns, "frame_label")
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool) and 0 <= label < len(EMOTIONS):
        raise NotYet(
            f"`frame_label` is {label}, the position of a label in `EMOTIONS`. Give the label's name, "
            "such as `EMOTIONS[2]`."
        )
    if not isinstance(label, str):
        raise NotYet(f"`frame_label` should be a label name (text), but it is a {type(label).__name__}.")
    expected = EMOTIONS[int(np.argmax(row))]
    if label.strip().lower() == expected:
        return
    for neighbour in (FRAME - 1, FRAME + 1):
        other = _frame_row(trace, neighbour)
        if other is not None and label.strip().lower() == EMOTIONS[int(np.argmax(other))]:
            raise NotYet(
                f"'{label}' is the top label of frame {neighbour}. Rows count from 0, so frame {FRAME} "
                f"is `trace.scores[{FRAME}]`."
            )
    raise NotYet(
        f"'{label}' is not the label with the highest of the seven scores in frame {FRAME}. Find the "
        f"largest number in `trace.scores[{FRAME}]`; `EMOTIONS` gives the label of each position."
    )


SUM_OF_SCORES = (
    "`frame_top_score` is {got:g}: that is what all seven scores add up to (they always do: the "
    "model shares one unit of score among its labels), or a score rounded too far. Give the largest "
    "of the seven, with at least 2 decimals."
)
RUNNER_UP = "That is the second-highest score. Give the highest one."
NEIGHBOUR = (
    f"That is the top score of a neighbouring frame. Rows count from 0, so frame {FRAME} is "
    f"`trace.scores[{FRAME}]`."
)


def _frame_top_score(ns: dict, trace, row: np.ndarray) -> None:
    got = require_number(ns, "frame_top_score", NAN_HINT)
    expected = float(row.max())
    if not matches(got, expected) and (matches(got, 1.0) or matches(got, float(row.sum()))):
        raise NotYet(SUM_OF_SCORES.format(got=got))
    _percentage_of(got, expected, "frame_top_score")
    neighbours = [_frame_row(trace, i) for i in (FRAME - 1, FRAME + 1)]
    mistakes = [(float(np.sort(row)[-2]), RUNNER_UP)]
    mistakes += [(float(other.max()), NEIGHBOUR) for other in neighbours if other is not None]
    _explain(got, expected, mistakes)
    require_close(
        got, expected, "frame_top_score", f"Take the largest of the seven numbers in `trace.scores[{FRAME}]`."
    )


# --- Question 2: the longest stretch without a change --------------------------------------------

COUNTED_STEPS = "You counted the steps between frames: a stretch of 3 frames has 2 steps. Count the frames."
COUNTED_CHANGES = (
    "That is the number of times the top label changed. Count the frames in the longest stretch "
    "in which it did not change."
)
BROKEN_BY_GAPS = (
    'Frames without a face (label "") broke a stretch in two. Leave them out first, then look for stretches.'
)
COUNTED_ALL_OF_ONE_LABEL = (
    "That is how many frames got the most frequent label in all. A stretch must be "
    "unbroken: count neighbouring frames with the same label."
)
COUNTED_FACES = (
    "That is the number of frames with a face. Count only the longest unbroken stretch of one label."
)


def _runs(labels) -> list[int]:
    """Lengths of the stretches of one unchanged top label, over the frames with a face."""
    return [len(list(group)) for _, group in groupby(label for label in labels if label)]


def _runs_broken_by_gaps(labels) -> list[int]:
    return [len(list(group)) for label, group in groupby(labels) if label]


@check("q2")
def longest_run(ns: dict) -> None:
    trace = _trace(ns)
    got = _whole_number(ns, "longest_run")
    runs = _runs(trace.labels)
    expected = max(runs)
    if got == expected:
        return
    labelled = [label for label in trace.labels if label]
    mistakes = [
        (expected - 1, COUNTED_STEPS),
        (len(runs) - 1, COUNTED_CHANGES),
        (max(_runs_broken_by_gaps(trace.labels)), BROKEN_BY_GAPS),
        (max(labelled.count(label) for label in set(labelled)), COUNTED_ALL_OF_ONE_LABEL),
        (len(labelled), COUNTED_FACES),
    ]
    for value, message in mistakes:
        if got == value:
            raise NotYet(message)
    raise NotYet(
        f'`longest_run` is {got}. Keep the labels that are not "", split them where the label changes, '
        "and give the length of the longest piece, in frames."
    )


# --- Question 3: the closest call --------------------------------------------------------------

NEGATIVE_MARGIN = (
    "Your margin is negative: subtract the second-highest score from the highest, not the other way round."
)
LARGEST_MARGIN = "That is the largest margin, the clearest call. Give the smallest."
SMALLEST_TOP = (
    "That is the smallest top score. The margin is the top score minus the second-highest score of "
    "the same frame."
)
TOP_MINUS_LOWEST = (
    "The runner-up is the second-highest score, not the lowest: sort each row, then take the "
    "last minus the one before it."
)


@check("q3")
def smallest_margin(ns: dict) -> None:
    trace = _trace(ns)
    got = require_number(ns, "smallest_margin", NAN_HINT)
    ordered = np.sort(_face_scores(trace), axis=1)
    margins = ordered[:, -1] - ordered[:, -2]
    expected = float(margins.min())
    if got < 0 and matches(-got, expected):
        raise NotYet(NEGATIVE_MARGIN)
    _percentage_of(got, expected, "smallest_margin")
    _explain(
        got,
        expected,
        [
            (float(margins.max()), LARGEST_MARGIN),
            (float(ordered[:, -1].min()), SMALLEST_TOP),
            (float((ordered[:, -1] - ordered[:, 0]).min()), TOP_MINUS_LOWEST),
        ],
    )
    require_close(
        got,
        expected,
        "smallest_margin",
        "For each frame with a face, subtract its second-highest score from its highest; then take "
        "the smallest of these margins.",
    )


# --- Question 4: how far the "neutral" score moves -----------------------------------------------

LARGEST_NEUTRAL = 'That is the largest "neutral" score. Subtract the smallest one from it.'
WHOLE_TABLE = 'That is the range of all the scores in the table. Take only the "neutral" column.'
OTHER_COLUMN = (
    'That is the range of the "{label}" scores. "neutral" is column `EMOTIONS.index("neutral")` '
    "of `trace.scores`."
)


def _value_range(values: np.ndarray) -> float:
    return float(values.max() - values.min())


@check("q4")
def neutral_range(ns: dict) -> None:
    trace = _trace(ns)
    got = require_number(ns, "neutral_range", NAN_HINT)
    scores = _face_scores(trace)
    expected = _value_range(scores[:, NEUTRAL])
    _percentage_of(got, expected, "neutral_range")
    mistakes = [(float(scores[:, NEUTRAL].max()), LARGEST_NEUTRAL), (_value_range(scores), WHOLE_TABLE)]
    mistakes += [
        (_value_range(scores[:, i]), OTHER_COLUMN.format(label=label))
        for i, label in enumerate(EMOTIONS)
        if i != NEUTRAL
    ]
    _explain(got, expected, mistakes)
    require_close(
        got,
        expected,
        "neutral_range",
        'Take column `EMOTIONS.index("neutral")` of `trace.scores`, leave out the NaN rows, then '
        "subtract the smallest value from the largest.",
    )


# --- Question 5: the duty to inform ------------------------------------------------------------

TRANSPARENCY_FEEDBACK = {
    "a": (
        "(a) describes no provision of the AI Act. 2 February 2025 is when the Art. 5 prohibitions started "
        "to apply, and they ban emotion inference only in workplaces and education institutions: see "
        "Art. 5(1)(f), lesson section 6.2. Art. 50(3) bans nothing: it says what deployers must tell people."
    ),
    "b": (
        "(b): Art. 50(3) asks deployers to inform the people exposed to the system, not to ask for their "
        "consent. Informing someone is not asking their permission. Re-read the duty's first sentence."
    ),
    "d": "(d): Art. 50(3) names deployers, that is, those who use the system. Re-read its first words.",
    "e": (
        "(e): the 2026 amendments (Regulation (EU) 2026/1744) moved the date of the high-risk obligations, "
        "which cover emotion recognition (Annex III), to 2 December 2027. As reported, they did not move "
        "Art. 50(3), which applies from 2 August 2026: see lesson section 6.1."
    ),
}


@check("q5")
def transparency_duty(ns: dict) -> None:
    require_choice(ns, "transparency_answer", "c", TRANSPARENCY_FEEDBACK)


# --- Question 6: a photo that does not change ----------------------------------------------------

STILL, DIM = "still face", "dimming light"
STILL_TOP_SCORE = (
    "That is how far the *top* score moved, whichever label was on top. Take the column of one "
    "label: the one given most often in the still phase."
)
STILL_WHOLE_TRACE = (
    'That is the range over the whole trace. Take only the still phase: `sim_trace.phase("still face")`.'
)
STILL_LARGEST = "That is the largest score alone. Subtract the smallest one from it."
DIM_COUNT = "That is a number of frames. Divide it by the frames with a face in the dimming phase."
DIM_ALL_FRAMES = (
    "You divided by every frame of the dimming phase. Frames without a face have no top label: "
    'leave them out (label "").'
)
DIM_SAME = (
    "That is the share of frames that kept the still phase's label. Give the share whose label "
    "is *not* that label."
)
DIM_WHOLE_TRACE = 'That is the share over the whole trace. Take only `sim_trace.phase("dimming light")`.'


def _sim_trace(ns: dict):
    trace = require(ns, "sim_trace")
    if not callable(getattr(trace, "phase", None)) or not hasattr(trace, "phases"):
        raise NotYet(
            "`sim_trace` should be the simulated camera's trace made by `record_simulation(...)`: run "
            "the set-up cells again."
        )
    still = trace.phase(STILL)
    if not any(still.labels):
        raise NotYet("The still phase of `sim_trace` has no frame with a face. Run the set-up cells again.")
    return trace


def most_frequent_label(trace) -> str:
    """The top label given most often: ``label_counts().most_common(1)``, as the question suggests
    (a tie goes to the label given first)."""
    return trace.label_counts().most_common(1)[0][0]


def _share_not(labels, label: str) -> tuple[int, int]:
    labelled = [x for x in labels if x]
    return sum(1 for x in labelled if x != label), len(labelled)


@check("q6")
def still_photo(ns: dict) -> None:
    trace = _sim_trace(ns)
    still = trace.phase(STILL)
    label = most_frequent_label(still)
    _still_range(ns, trace, still, label)
    _dim_share(ns, trace, label)


def _still_range(ns: dict, trace, still, label: str) -> None:
    got = require_number(ns, "still_range", NAN_HINT)
    column = EMOTIONS.index(label)
    scores = _face_scores(still)
    expected = _value_range(scores[:, column])
    _percentage_of(got, expected, "still_range")
    _explain(
        got,
        expected,
        [
            (_value_range(scores.max(axis=1)), STILL_TOP_SCORE),
            (_value_range(_face_scores(trace)[:, column]), STILL_WHOLE_TRACE),
            (float(scores[:, column].max()), STILL_LARGEST),
        ],
    )
    require_close(
        got,
        expected,
        "still_range",
        f'In the still phase, the label given most often is "{label}". Take its column of the '
        "phase's scores (frames with a face), and subtract the smallest value from the largest.",
    )


def _dim_share(ns: dict, trace, label: str) -> None:
    got = require_number(ns, "dim_share", NAN_HINT)
    dim = trace.phase(DIM)
    other, faces = _share_not(dim.labels, label)
    if faces == 0:
        raise NotYet(
            "No frame of the dimming phase has a face in your `sim_trace`, so there is no share to "
            "give. Run the set-up cells again, with the course's settings."
        )
    expected = other / faces
    if 1 < got <= 100 and matches(got / 100, expected):
        raise NotYet("`dim_share` looks like a percentage. A share runs from 0 to 1: leave out the `* 100`.")
    if got == other and other > 1:
        raise NotYet(DIM_COUNT)
    whole_other, whole_faces = _share_not(trace.labels, label)
    _explain(
        got,
        expected,
        [
            (other / len(dim.labels), DIM_ALL_FRAMES),
            (1 - expected, DIM_SAME),
            (whole_other / whole_faces, DIM_WHOLE_TRACE),
        ],
    )
    require_close(
        got,
        expected,
        "dim_share",
        "Among the dimming phase's frames with a face, count those whose top label is not "
        f'"{label}" '
        "(the still phase's most frequent label), and divide by the number of frames with a face.",
    )
