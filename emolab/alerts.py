"""From scores to a CCTV flag: a small alert rule with every parameter in plain sight.

The rule: add up the scores of some labels (by default "angry" + "fear") in each frame; when
that sum stays at or above ``threshold`` for ``frames`` consecutive frames, raise one flag.
The run has to drop below the threshold before the same person can be flagged again.
A frame without a face breaks a run. A still photo counts as a person standing still, so it
flags when its sum is at or above the threshold.

``scale_to_station`` turns a flag count into what it would mean for a station's day. It is
illustrative arithmetic with its assumptions printed, not a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import EMOTIONS
from .video import Trace, as_trace


@dataclass(frozen=True)
class Flag:
    start: int  # first frame of the run
    fired: int  # the frame at which the run reached ``frames`` in a row
    time: float  # seconds, at ``fired``


@dataclass(frozen=True)
class AlertRule:
    labels: tuple[str, ...] = ("angry", "fear")
    threshold: float = 0.5
    frames: int = 5  # consecutive frames needed; at 25 frames a second, 5 frames = 0.2 s

    def __post_init__(self):
        unknown = [label for label in self.labels if label not in EMOTIONS]
        if unknown or not self.labels:
            raise ValueError(f"labels must be some of {EMOTIONS}, got {self.labels}")
        if self.frames < 1:
            raise ValueError("frames must be at least 1")

    def describe(self) -> str:
        return (f"Flag when {' + '.join(self.labels)} >= {self.threshold:.2f} "
                f"for {self.frames} consecutive frame{'s' if self.frames > 1 else ''}.")

    def signal(self, scores) -> np.ndarray:
        """Per frame, the sum of the chosen labels' scores (NaN where no face)."""
        scores = np.atleast_2d(np.asarray(scores, dtype=float))
        return scores[:, [EMOTIONS.index(label) for label in self.labels]].sum(axis=1)

    def above(self, scores) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(self.signal(scores), nan=-np.inf) >= self.threshold

    def flags(self, trace) -> list[Flag]:
        """Every flag the rule raises over a trace (see the module docstring)."""
        trace = as_trace(trace)
        flags, run_start = [], None
        for index, hit in enumerate(self.above(trace.scores)):
            if not hit:
                run_start = None
                continue
            run_start = index if run_start is None else run_start
            if index - run_start + 1 == self.frames:
                flags.append(Flag(run_start, index, float(trace.times[index])))
        return flags

    def count(self, trace) -> int:
        return len(self.flags(trace))

    def flags_still(self, probabilities) -> bool:
        """For a still photo (a dict label -> probability, or 7 scores): would it flag?"""
        if isinstance(probabilities, dict):
            probabilities = [probabilities[label] for label in EMOTIONS]
        return bool(self.above(probabilities)[0])


def flag_table(traces: dict, thresholds, frames: int = 5, labels=("angry", "fear")):
    """Flag counts: one row per trace, one column per threshold."""
    import pandas as pd

    rows = {name: {f"threshold {t:.2f}": AlertRule(tuple(labels), float(t), frames).count(trace)
                   for t in thresholds} for name, trace in traces.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class StationEstimate:
    flags: int
    people: int  # people (clips, photos, recordings) the flags came from
    passengers: int
    flagged_per_day: float

    def explain(self) -> str:
        return (f"{self.flags} flag(s) among {self.people} people observed = {self.flags / self.people:.1%} "
                f"flagged. If every one of {self.passengers:,} passengers a day were flagged at that rate: "
                f"about {self.flagged_per_day:,.0f} flags a day. (Illustrative arithmetic: a handful of "
                f"people is not a sample of a station's passengers.)")


def scale_to_station(flags: int, people: int, passengers: int = 100_000) -> StationEstimate:
    """How many flags a day a station would see if its passengers were flagged at the observed rate."""
    if people < 1:
        raise ValueError("people must be at least 1")
    return StationEstimate(flags, people, passengers, passengers * flags / people)


def people_flagged(rule: AlertRule, traces) -> int:
    """How many of the traces (one person each) raised at least one flag."""
    return sum(1 for trace in traces if rule.count(trace) > 0)


def threshold_explorer(traces: dict, rule: AlertRule = AlertRule(), passengers: int = 100_000):
    """Sliders for the threshold and the run length; the flag counts update as they move.

    Keyboard: Tab to a slider, then the arrow keys. Returns the widget to display.
    """
    import ipywidgets as widgets
    from IPython.display import display

    threshold = widgets.FloatSlider(value=rule.threshold, min=0.05, max=1.0, step=0.05,
                                    description="threshold", continuous_update=False, readout_format=".2f")
    frames = widgets.IntSlider(value=rule.frames, min=1, max=25, step=1,
                               description="frames in a row", continuous_update=False)
    style = {"description_width": "initial"}
    threshold.style, frames.style = style, style

    def update(threshold, frames):
        current = AlertRule(rule.labels, threshold, frames)
        table = flag_table(traces, [threshold], frames, rule.labels)
        table.columns = ["flags"]
        flagged = people_flagged(current, traces.values())
        print(current.describe())
        display(table)
        print(scale_to_station(flagged, len(traces), passengers).explain())

    output = widgets.interactive_output(update, {"threshold": threshold, "frames": frames})
    return widgets.VBox([widgets.HBox([threshold, frames]), output])


__all__ = ["AlertRule", "Flag", "StationEstimate", "Trace", "flag_table", "people_flagged",
           "scale_to_station", "threshold_explorer"]
