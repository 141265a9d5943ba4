"""From scores to a CCTV flag: a small alert rule with every parameter in plain sight.

The rule: add up the scores of some labels (by default "angry" + "fear") in each frame; when
that sum stays at or above ``threshold`` for ``frames`` consecutive frames, raise one flag.
The run has to drop below the threshold before the same person can be flagged again.
A frame without a face breaks a run. A still photo counts as a person standing still, so it
flags when its sum is at or above the threshold.

``scale_to_station`` turns the flags counted over some traces into what they would mean for a
station's day: flags per second of observed face time, times the seconds each passenger is
assumed to be in a camera's view, times the passengers. It is illustrative arithmetic with its
assumptions printed, not a forecast.
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
        return (
            f"Flag when {' + '.join(self.labels)} >= {self.threshold:.2f} "
            f"for {self.frames} consecutive frame{'s' if self.frames > 1 else ''}."
        )

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

    rows = {
        name: {
            f"threshold {t:.2f}": AlertRule(tuple(labels), float(t), frames).count(trace) for t in thresholds
        }
        for name, trace in traces.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class StationEstimate:
    """Flags observed on a few people, scaled to a station's day. Illustrative, not a forecast.

    A flag is one episode (a run of frames at or above the threshold), not a frame and not a
    person. The measured side is ``flags`` over ``seconds_observed`` of face time; the assumed
    side is ``seconds_on_camera`` per passenger and ``passengers`` a day.
    """

    flags: int  # flags (episodes) raised over the observed traces
    seconds_observed: float  # seconds of face time in those traces (frames with a face)
    people: int  # people (clips, photos, recordings) observed
    people_flagged: int  # of them, how many raised at least one flag
    seconds_on_camera: float  # assumption: seconds each passenger's face is in a camera's view
    passengers: int = 100_000  # passengers a day

    def __post_init__(self):
        if self.seconds_observed <= 0:
            raise ValueError(
                "No face time was observed (0 s), so there is no rate of flags to scale: "
                "analyse a clip or recording in which the detector finds a face."
            )
        if min(self.flags, self.people, self.people_flagged, self.seconds_on_camera, self.passengers) < 0:
            raise ValueError("Flags, people, seconds on camera and passengers cannot be negative.")
        if self.people_flagged > min(self.people, self.flags):
            raise ValueError("More people flagged than people observed, or than flags raised.")

    @property
    def flags_per_second(self) -> float:
        """Flags per second of observed face time."""
        return self.flags / self.seconds_observed

    @property
    def flags_per_day(self) -> float:
        return self.flags_per_second * self.seconds_on_camera * self.passengers

    def explain(self) -> str:
        return (
            f"Measured: {self.flags} flag episode(s) in {self.seconds_observed:.1f} s of face time from "
            f"{self.people} people ({self.people_flagged} of them flagged at least once) = "
            f"{self.flags_per_second:.3f} flags per second of face time.\n"
            f"Assumed: each passenger's face is in a camera's view for {self.seconds_on_camera:g} s, "
            f"and {self.passengers:,} passengers a day.\n"
            f"{self.flags} / {self.seconds_observed:.1f} s × {self.seconds_on_camera:g} s × "
            f"{self.passengers:,} = about {self.flags_per_day:,.0f} flags a day.\n"
            "A flag is an episode, not a person: one passenger can raise several flags, or none. "
            "(Illustrative arithmetic: a handful of people is not a sample of a station's passengers, "
            "and the rate is assumed to stay the same however long a face is in view.)"
        )


def _face_seconds(trace: Trace) -> float:
    """Seconds of a trace in which the detector found a face."""
    return trace.duration * trace.faces_found / len(trace) if len(trace) else 0.0


def scale_to_station(
    rule: AlertRule, traces, *, seconds_on_camera: float, passengers: int = 100_000
) -> StationEstimate:
    """Flags a day at a station, if every passenger raised flags at the rate ``rule`` raised them
    per second of face time in ``traces``, and each passenger's face were in view for
    ``seconds_on_camera`` seconds (an assumption: say it, and vary it)."""
    traces = [as_trace(t) for t in (traces.values() if isinstance(traces, dict) else traces)]
    return StationEstimate(
        flags=sum(rule.count(trace) for trace in traces),
        seconds_observed=sum(_face_seconds(trace) for trace in traces),
        people=len(traces),
        people_flagged=people_flagged(rule, traces),
        seconds_on_camera=float(seconds_on_camera),
        passengers=passengers,
    )


def people_flagged(rule: AlertRule, traces) -> int:
    """How many of the traces (one person each) raised at least one flag: people, not flags."""
    return sum(1 for trace in traces if rule.count(trace) > 0)


def threshold_explorer(
    traces: dict, rule: AlertRule = AlertRule(), passengers: int = 100_000, *, seconds_on_camera: float
):
    """Sliders for the threshold and the run length; the flag counts update as they move.

    ``seconds_on_camera`` (seconds each passenger's face is in view) scales the flags to a
    station's day. Keyboard: Tab to a slider, then the arrow keys. First shows a fixed table of
    flag counts at a few thresholds (it stays readable in a saved notebook, where sliders do not
    work), then returns the widget to display.
    """
    from IPython.display import display

    from .explorer import ThresholdExplorer

    print(
        f"Flags per clip (episodes, not frames or people) at a few thresholds, "
        f"{rule.frames} frames in a row (a fixed table):"
    )
    display(flag_table(traces, _overview_thresholds(rule), rule.frames, rule.labels))

    def results(threshold: float, frames: int) -> dict:
        current = AlertRule(rule.labels, threshold, frames)
        estimate = scale_to_station(
            current, traces, seconds_on_camera=seconds_on_camera, passengers=passengers
        )
        rows = [[str(name), current.count(trace)] for name, trace in traces.items()]
        return {"rule": current.describe(), "rows": rows, "estimate": estimate.explain()}

    return ThresholdExplorer(results, threshold=rule.threshold, frames=rule.frames)


def _overview_thresholds(rule: AlertRule) -> list[float]:
    """The thresholds of the explorer's fixed table: a spread, and the rule's own."""
    return sorted({0.3, 0.5, 0.7, 0.9, round(rule.threshold, 2)})


__all__ = [
    "AlertRule",
    "Flag",
    "StationEstimate",
    "Trace",
    "flag_table",
    "people_flagged",
    "scale_to_station",
    "threshold_explorer",
]
