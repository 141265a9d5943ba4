"""Checks for lesson 2, "The classifier and you".

The exercises use ``trace``: the recording of the classifier's scores on a sample clip, made
without a camera (``emolab.webcam.record_clip``). Every expected value is recomputed from the
learner's own ``trace``, so no model output is written here. Reflection questions are not checked.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import NotYet, check, require, require_number

NEUTRAL = 6  # position of "neutral" in EMOTIONS


def _trace(ns: dict):
    trace = require(ns, "trace")
    if not all(hasattr(trace, name) for name in ("labels", "scores", "times")):
        raise NotYet("`trace` should be the recording made by `record_clip(...)`; run the set-up cells again.")
    if not any(trace.labels):
        raise NotYet("`trace` has no frame with a face. Run the set-up cells again.")
    return trace


NAN_HINT = "frames without a face have NaN scores; leave them out."


@check("q1")
def frames_with_a_face(ns: dict) -> None:
    trace = _trace(ns)
    got = require_number(ns, "frames_with_face", NAN_HINT)
    expected = sum(1 for label in trace.labels if label)
    if got == len(trace.labels) and expected != got:
        raise NotYet("That is the number of all frames. Count only frames whose top label is not \"\".")
    if got != expected:
        raise NotYet(f"`frames_with_face` is {got:g}; count the labels in `trace.labels` that are not \"\".")


@check("q2")
def label_changes(ns: dict) -> None:
    trace = _trace(ns)
    got = require_number(ns, "label_changes", NAN_HINT)
    labelled = [label for label in trace.labels if label]
    expected = sum(1 for before, after in zip(labelled, labelled[1:]) if before != after)
    with_gaps = sum(1 for before, after in zip(trace.labels, trace.labels[1:]) if before != after)
    if got == with_gaps and got != expected:
        raise NotYet("Frames without a face (label \"\") are counted as changes: drop them first, then compare neighbours.")
    if got != expected:
        raise NotYet(f"`label_changes` is {got:g}. Keep the labels that are not \"\", then count neighbours that differ.")


@check("q3")
def most_common_label(ns: dict) -> None:
    trace = _trace(ns)
    label = require(ns, "most_common_label", str)
    share = require_number(ns, "most_common_share", NAN_HINT)
    counts = Counter(label for label in trace.labels if label)
    top, top_count = counts.most_common(1)[0]
    if counts.get(label, 0) != top_count:
        raise NotYet(f"'{label}' is not the most frequent top label in `trace`. Count the labels (skip \"\").")
    expected = top_count / sum(counts.values())
    if abs(share - top_count / len(trace.labels)) < 1e-9 and abs(share - expected) > 1e-9:
        raise NotYet("Divide by the number of frames with a face, not by all frames.")
    if abs(share - expected) > 1e-6:
        raise NotYet(f"`most_common_share` is {share:.4g}: it should be the fraction (0 to 1) of face frames with that label.")


@check("q4")
def neutral_range(ns: dict) -> None:
    trace = _trace(ns)
    got = require_number(ns, "neutral_range", NAN_HINT)
    neutral = np.asarray(trace.scores, dtype=float)[:, NEUTRAL]
    neutral = neutral[~np.isnan(neutral)]
    expected = float(neutral.max() - neutral.min())
    if got > 1:
        raise NotYet("Scores are between 0 and 1; do not convert them to percent.")
    if abs(got - expected) > 1e-6:
        raise NotYet(f"`neutral_range` is {got:.4g}: take column 6 (\"neutral\") of `trace.scores`, drop NaN, "
                     "then largest minus smallest.")


@check("q5")
def transparency_duty(ns: dict) -> None:
    answer = require(ns, "transparency_answer", str).strip().lower().rstrip(")")
    if answer not in ("a", "b", "c", "d"):
        raise NotYet("Set `transparency_answer` to one letter: \"a\", \"b\", \"c\" or \"d\".")
    if answer != "c":
        raise NotYet("Not that one. Re-read the quotation of Art. 50(3) in the lesson: who must do what, and since when?")
