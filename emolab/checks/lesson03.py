"""Checks for lesson 3, "Rushing for a train".

Every expected value is recomputed from the learner's own objects (their analysis, table,
traces), so no model output is written here and the checks hold for any emotion model.
Reflection questions are not checked.
"""

from __future__ import annotations


from . import NotYet, check, require, require_number

from emolab.core import EMOTIONS
from emolab.poll import OTHER_CHOICES

POLL_CHOICES = EMOTIONS + OTHER_CHOICES


def _need(ns: dict, *names: str):
    return [require(ns, name) for name in names]


NAN_HINT = "did a face go undetected? Check the table above."


def _close(got: float, expected: float, name: str, hint: str, tolerance: float = 1e-3) -> None:
    if abs(got - expected) > tolerance:
        raise NotYet(f"`{name}` is {got:.4g}; that is not what the data give. {hint}")


@check("q1")
def share_of_pixels(ns: dict) -> None:
    from emolab.context import pixel_share

    analysis = require(ns, "photo_analysis")
    got = require_number(ns, "share_used", NAN_HINT)
    if not analysis.faces:
        raise NotYet("No face was found in `photo_analysis`, so the model used no pixels: pick another photo.")
    if 1 < got <= 100:
        raise NotYet("Give the share as a fraction between 0 and 1, not as a percentage.")
    _close(got, pixel_share(analysis).box_share, "share_used",
           "Divide the face box's area (w * h) by the photo's area (width * height).")


@check("q3")
def largest_change_across_scenes(ns: dict) -> None:
    from emolab.composite import largest_change

    table = require(ns, "table")
    got = require_number(ns, "largest_change", NAN_HINT)
    expected, _ = largest_change(table)
    _close(got, expected, "largest_change",
           "For each of the 7 labels take max minus min over the scenes, then the largest of those 7.")


@check("q4")
def flip_rate_of_a_clip(ns: dict) -> None:
    from emolab.video import flip_rate, label_flips

    trace = require(ns, "trace_lw")
    got = require_number(ns, "flip_rate_lw", NAN_HINT)
    if abs(got - label_flips(trace)) < 1e-9 and trace.duration != 1:
        raise NotYet("That is the number of flips; divide it by the clip's duration in seconds.")
    _close(got, flip_rate(trace), "flip_rate_lw",
           "Count the frames whose top label differs from the previous frame's, then divide by `trace_lw.duration`.")


@check("q5")
def flag_counts_for_thresholds(ns: dict) -> None:
    from emolab.alerts import AlertRule

    traces, counts = _need(ns, "clip_traces", "flag_counts")
    if not isinstance(counts, dict):
        raise NotYet("`flag_counts` should be a dict: {threshold: number of flags over all four clips}.")
    for threshold in (0.3, 0.5, 0.7):
        if threshold not in counts:
            raise NotYet(f"`flag_counts` has no entry for the threshold {threshold}.")
        rule = AlertRule(("angry", "fear"), threshold, 5)
        expected = sum(rule.count(trace) for trace in traces.values())
        if counts[threshold] != expected:
            raise NotYet(f"The count for threshold {threshold} is {counts[threshold]}, which is not what the rule "
                         "gives. Use AlertRule(('angry', 'fear'), threshold, 5) and add its count over every clip.")


@check("q2")
def poll_answers(ns: dict) -> None:
    guesses, scenes = _need(ns, "my_guesses", "scene_names")
    if not isinstance(guesses, dict):
        raise NotYet("`my_guesses` should be a dict: {scene name: your answer}.")
    missing = [scene for scene in scenes if not guesses.get(scene)]
    if missing:
        raise NotYet(f"No answer yet for: {', '.join(missing)}.")
    odd = {scene: answer for scene, answer in guesses.items() if answer not in POLL_CHOICES}
    if odd:
        raise NotYet(f"Use one of the poll's choices {POLL_CHOICES}; these are not: {odd}.")


@check("q6")
def barcelona_claim(ns: dict) -> None:
    (answer,) = _need(ns, "barcelona_answer")
    if str(answer).strip().lower() not in ("a", "b", "c", "d"):
        raise NotYet("Answer with one letter: 'a', 'b', 'c' or 'd'.")
    if str(answer).strip().lower() != "b":
        raise NotYet("Look again at what the sources show: was a primary source found, and does the absence of "
                     "one prove the claim false?")
