"""Checks for lesson 3, "Rushing for a train".

Every expected value is recomputed from the learner's own objects (their analysis, table,
traces), so no model output is written here and the checks hold for any emotion model. Each
question asks for something the lesson itself does not print: the 45 cm photo (the lesson shows
the 60 cm one), another participant's composites, the clip analysed at every second frame, and
a rule that needs 10 frames in a row (the lesson's needs 5). Reflection questions are not checked.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from emolab.core import EMOTIONS
from emolab.poll import OTHER_CHOICES

from . import (
    NotYet,
    check,
    matches,
    require,
    require_choice,
    require_close,
    require_number,
)

POLL_CHOICES = EMOTIONS + OTHER_CHOICES
NAN_HINT = "did a face go undetected? Look at the table or figure above."

Q1_PHOTO = "zoom/45cm.jpg"
LESSON_PHOTO = "zoom/60cm.jpg"  # the lesson prints this photo's share
Q4_CLIP, Q4_STEP = "video/grid_lwbsza.mpg", 2  # every second frame: 12.5 frames a second
Q5_LABELS, Q5_THRESHOLDS, Q5_FRAMES = ("angry", "fear"), (0.3, 0.5, 0.7), 10
LESSON_FRAMES = 5  # the lesson's rule, whose counts it prints


def _need(ns: dict, *names: str):
    return [require(ns, name) for name in names]


# --- Question 1 ------------------------------------------------------------------------------


def _share_of_the_lesson_photo() -> float:
    from emolab import analyze, assets
    from emolab.context import pixel_share

    return pixel_share(analyze(assets.fetch(LESSON_PHOTO))).box_share


def _photo_file(analysis) -> str | None:
    from emolab.assets import asset_for

    asset = asset_for(analysis) if hasattr(analysis, "source") else None
    return asset.file if asset else None


@check("q1")
def share_of_pixels(ns: dict) -> None:
    from emolab.core import Analysis

    analysis = require(ns, "photo_analysis", Analysis)
    got = require_number(ns, "share_used", NAN_HINT)
    if _photo_file(analysis) != Q1_PHOTO:
        raise NotYet(
            f"`photo_analysis` should be the analysis of the 45 cm photo (`{Q1_PHOTO}`): run the cell "
            "that makes it again, then compute `share_used` from it."
        )
    if not analysis.faces:
        raise NotYet(
            "No face was found in `photo_analysis`, so the model used no pixels: run the cell above again."
        )
    height, width = analysis.image.shape[:2]
    _, _, box_width, box_height = analysis.faces[0].box
    expected = box_width * box_height / (width * height)
    if matches(got, expected):
        return
    if 1 < got <= 100 and matches(got / 100, expected):
        raise NotYet("That is a percentage. Give the share as a fraction between 0 and 1 (divide by 100).")
    if matches(got, 1 / expected):
        raise NotYet(
            "That ratio is upside down: divide the face box's area by the photo's area, not the reverse."
        )
    if matches(got, analysis.faces[0].network_input.size / (width * height)):
        raise NotYet(
            "That is the network's 48 x 48 input as a share of the photo. This question asks for the "
            "face box: `w * h` from `photo_analysis.faces[0].box`, over the photo's `width * height`."
        )
    if matches(got, box_width / width) or matches(got, box_height / height):
        raise NotYet(
            "That divides one side by another. A share of pixels is a share of area: "
            "`(w * h) / (width * height)`."
        )
    if matches(got, _share_of_the_lesson_photo()):
        raise NotYet(
            "That is the share for the 60 cm photo, printed in the lesson. Compute it for this "
            "question's photo, the 45 cm one in `photo_analysis`."
        )
    require_close(
        got,
        expected,
        "share_used",
        "Divide the face box's area (`w * h`) by the photo's area (`width * height`); "
        "`photo_analysis.image.shape` is (height, width, 3).",
    )


# --- Question 2 ------------------------------------------------------------------------------


@check("q2")
def poll_answers(ns: dict) -> None:
    guesses, scenes = _need(ns, "my_guesses", "scene_names")
    if not isinstance(guesses, dict):
        raise NotYet("`my_guesses` should be a dict: `{scene name: your answer}`.")
    missing = [scene for scene in scenes if not guesses.get(scene)]
    if missing:
        raise NotYet(
            f"No answer yet for: {', '.join(missing)}. Choose one in each drop-down, or fill in the dict."
        )
    odd = {scene: answer for scene, answer in guesses.items() if answer not in POLL_CHOICES}
    if odd:
        raise NotYet(f"Use one of the poll's choices {POLL_CHOICES}; these are not: {odd}.")


# --- Question 3 ------------------------------------------------------------------------------


def _most_common_top_label(table) -> str | None:
    labels = [label for label in table.get("top label", []) if label in EMOTIONS]
    return max(set(labels), key=labels.count) if labels else None


@check("q3")
def largest_change_across_scenes(ns: dict) -> None:
    import pandas as pd

    table = require(ns, "table", pd.DataFrame)
    got = require_number(ns, "largest_change", NAN_HINT)
    probabilities = table[list(EMOTIONS)].astype(float)
    expected = float((probabilities.max() - probabilities.min()).max())
    if matches(got, expected):
        return
    if 1 < got <= 100 and matches(got / 100, expected):
        raise NotYet("That is in percentage points. Give the change as a probability, between 0 and 1.")
    if matches(got, float((probabilities.max(axis=1) - probabilities.min(axis=1)).max())):
        raise NotYet(
            "That is the spread across the 7 labels within one scene. Take each label's column, "
            "its largest minus its smallest value across the scenes, then the largest of those 7."
        )
    if matches(got, float(probabilities.max().max())):
        raise NotYet("That is the largest probability in the table, not the largest change across scenes.")
    top = _most_common_top_label(table)
    if top and matches(got, float(probabilities[top].max() - probabilities[top].min())):
        raise NotYet(
            f"That is the change of '{top}' alone, the usual top label. Another label changed more: "
            "compute max minus min for all 7 columns and take the largest."
        )
    require_close(
        got,
        expected,
        "largest_change",
        "For each of the 7 labels take max minus min over the scenes, then the largest of those 7.",
    )


# --- Question 4 ------------------------------------------------------------------------------


def _check_every_second_frame(trace) -> None:
    if not str(getattr(trace, "source", "")).endswith(Q4_CLIP.rsplit("/", 1)[-1]):
        raise NotYet(f"`trace_lw` should be the clip `{Q4_CLIP}`: run the cell that analyses it again.")
    step = float(np.median(np.diff(trace.times))) if len(trace) > 1 else 0.0
    if not np.isclose(step, Q4_STEP / 25, atol=1e-3):
        raise NotYet(
            f"`trace_lw` should have every second frame ({25 / Q4_STEP:g} frames a second); it has a frame "
            f"every {step:.2f} s. Run the cell with `step={Q4_STEP}` again."
        )


@check("q4")
def flip_rate_of_a_clip(ns: dict) -> None:
    from emolab.video import Trace, label_flips

    trace = require(ns, "trace_lw", Trace)
    got = require_number(ns, "flip_rate_lw", NAN_HINT)
    _check_every_second_frame(trace)
    flips, seconds = label_flips(trace), trace.duration
    if matches(got, flips / seconds):
        return
    if flips > 0 and got == flips:
        raise NotYet("That is the number of flips; divide it by the trace's duration in seconds.")
    if matches(got, flips / len(trace)):
        raise NotYet("That is flips per frame. Divide by `trace_lw.duration`, in seconds, instead.")
    if round(seconds) != seconds and matches(got, flips / round(seconds)):
        raise NotYet(
            f"That divides by {round(seconds)} s, the clip's nominal length. Use `trace_lw.duration` "
            f"({seconds:.2f} s): the analysed frames, each lasting 1/{25 / Q4_STEP:g} s, cover that long."
        )
    raw = sum(1 for before, after in pairwise(trace.labels) if before != after)
    if raw != flips and matches(got, raw / seconds):
        raise NotYet(
            'Skip the frames without a face (top label "") before comparing each label with the one '
            "before it."
        )
    require_close(
        got,
        flips / seconds,
        "flip_rate_lw",
        'Count the frames whose top label differs from the previous frame\'s (skip ""), then divide by '
        "`trace_lw.duration`.",
    )


# --- Question 5 ------------------------------------------------------------------------------


def _total_flags(traces, threshold: float, frames: int) -> int:
    from emolab.alerts import AlertRule

    rule = AlertRule(Q5_LABELS, threshold, frames)
    return sum(rule.count(trace) for trace in traces)


def _count_mistake(traces, threshold: float, got: int) -> str | None:
    """What a wrong count most likely counted instead, if it is one of the usual mistakes."""
    from emolab.alerts import AlertRule, people_flagged

    rule = AlertRule(Q5_LABELS, threshold, Q5_FRAMES)
    if got == _total_flags(traces, threshold, LESSON_FRAMES):
        return (
            f"That is the count for the lesson's rule, {LESSON_FRAMES} frames in a row. This question's rule "
            f"needs {Q5_FRAMES} frames in a row: `AlertRule(('angry', 'fear'), threshold, {Q5_FRAMES})`."
        )
    if got == sum(int(rule.above(trace.scores).sum()) for trace in traces):
        return (
            "That counts frames at or above the threshold. A flag is one episode: a run of "
            f"{Q5_FRAMES} frames in a row at or above it, however long the run lasts. "
            "Use `rule.count(trace)`."
        )
    if got == people_flagged(rule, traces):
        return (
            "That counts the clips with at least one flag (people). "
            "Count every flag: add `rule.count(trace)`."
        )
    return None


def _as_count(value, threshold: float) -> int:
    if isinstance(value, (dict, list, tuple)):
        raise NotYet(
            f"The entry for {threshold} should be one number: the total over all four clips, "
            "not one per clip."
        )
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or value != int(value)
    ):
        raise NotYet(f"The entry for {threshold} should be a whole number of flags, but it is {value!r}.")
    return int(value)


@check("q5")
def flag_counts_for_thresholds(ns: dict) -> None:
    clip_traces, counts = _need(ns, "clip_traces", "flag_counts")
    if not isinstance(counts, dict):
        raise NotYet("`flag_counts` should be a dict: `{threshold: number of flags over all four clips}`.")
    traces = list(clip_traces.values())
    for threshold in Q5_THRESHOLDS:
        if threshold not in counts:
            as_text = " Use the numbers themselves as keys, not text." if str(threshold) in counts else ""
            raise NotYet(f"`flag_counts` has no entry for the threshold {threshold}.{as_text}")
        got = _as_count(counts[threshold], threshold)
        if got != _total_flags(traces, threshold, Q5_FRAMES):
            raise NotYet(
                f"The count for threshold {threshold} is {got}, which is not what the rule gives. "
                + (
                    _count_mistake(traces, threshold, got)
                    or f"Use `AlertRule(('angry', 'fear'), threshold, {Q5_FRAMES})` and add up its "
                    "`count` over every clip."
                )
            )


# --- Question 6 ------------------------------------------------------------------------------

BARCELONA_FEEDBACK = {
    "a": (
        "Several websites repeating one unattributed blog post are not independent sources: together they "
        "are still one source, which names no operator, vendor, date or regulator."
    ),
    "c": (
        "The absence of a primary source does not show a claim false; it leaves it unverified. Nobody has "
        "shown that no pilot took place."
    ),
    "d": (
        "TMB's 2025 bus-stop pilot counts people without recording anyone: it is not emotion recognition, "
        "so it does not verify the claim. A true fact nearby is not evidence for a different claim."
    ),
}


@check("q6")
def barcelona_claim(ns: dict) -> None:
    require_choice(ns, "barcelona_answer", "b", BARCELONA_FEEDBACK)
