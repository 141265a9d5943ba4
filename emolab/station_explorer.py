"""Lesson 6's station explorer: sliders for the simulator's main inputs, a live summary, a tree.

Native <input type="range"> elements with <label>s (``static/station_explorer.js``): Tab to a
slider, then the arrow keys, Home/End or Page Up/Down. Keys pressed in the widget stay in it,
except with Ctrl or Cmd, so JupyterLab's command-mode shortcuts leave them to the sliders and
Ctrl+S still saves. Everything shown is computed in Python whenever a slider moves:
:func:`emolab.station.simulate` for the numbers, :func:`emolab.station.tree_plot`'s frequency
tree for the picture (its PNG, alt text and caption); the browser only lays them out. The
widget's state is numbers, text and the figure's PNG: nothing from a camera.

- :func:`explorer` builds the widget (:class:`StationExplorer`) for a :class:`StationInputs`.
  With a :class:`~emolab.station.Measurement`, moving the threshold measures the per-frame
  rate again at the new threshold (:meth:`StationInputs.with_rule`); without one, the rate is
  kept as given, and the widget says so.
- :func:`explore` first prints a fixed summary and shows the tree for the inputs as given
  (what a saved or rendered notebook, where sliders do not work, keeps), then returns the widget.
"""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import anywidget
import traitlets

from . import station
from .display import DPI, Figure
from .station import Measurement, Result, StationInputs
from .widget_files import widget_module

STATIC = Path(__file__).parent / "static"

HYPOTHETICAL = "hypothetical: no study supports any figure"
# The hypothetical base rate's slider steps: 1 in 1,000,000 to 1 in 100, in 1-2-5 steps.
BASE_RATES = tuple(1 / n for n in (1_000_000, 500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000))
BASE_RATES += tuple(1 / n for n in (2_000, 1_000, 500, 200, 100))
PASSENGERS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000)


def _choices(values, current) -> list:
    """The slider's steps, with the current value among them (sorted)."""
    values = set(values)
    values.add(current)
    return sorted(values)


def _span(low, high, step, current) -> list:
    """[min, max, step] widened to include the current value."""
    return [min(low, current), max(high, current), step]


def summary_rows(result: Result) -> list[list[str]]:
    """The live summary, one [quantity, value] pair a line (the hypothetical ones flagged)."""
    i = result.inputs
    lo, hi = result.ppv_range
    return [
        ["per-frame chance over the threshold", f"{i.rate.value:.2%} ({i.rate.source})"],
        ["frames per passenger", f"{result.frames} ({i.seconds_in_view:g} s at {i.fps:g} frames a second)"],
        ["alert rule", i.rule.describe()],
        ["alerts a day", f"{result.alerts:,.1f}"],
        ["true alerts a day", f"{result.true_alerts:,.2f} (rests on the two hypothetical numbers)"],
        [
            "false alerts a day",
            f"{result.false_alerts:,.1f} ({result.false_alerts_low:,.1f} to "
            f"{result.false_alerts_high:,.1f} across the measured rate's interval)",
        ],
        ["false alarms per true hit", station._number(result.false_per_true)],
        [
            "share of alerts that are real (PPV)",
            f"{station._percent(result.ppv)} ({station._percent(lo)} to {station._percent(hi)})",
        ],
        ["reviewer hours a day", f"{result.reviewer_hours:,.1f} at {i.review_seconds:g} s an alert"],
        [
            "people approached a day",
            f"{result.approached:,.0f} ({i.share_acted_on:.0%} of the people alerted, an assumption), "
            f"of whom {result.approached_innocent:,.0f} innocent",
        ],
    ]


def headline(result: Result) -> str:
    """One sentence, announced to screen readers as the sliders move."""
    return (
        f"{result.alerts:,.0f} alerts a day: {result.true_alerts:,.1f} true, "
        f"{result.false_alerts:,.0f} false; "
        f"{station._percent(result.ppv)} of alerts are real."
    )


def title(result: Result) -> str:
    """The tree's title: the tree counts per 100,000 passengers; the title gives this station's day."""
    return (
        f"Where the alerts come from, per 100,000 passengers\n(this station: "
        f"{result.inputs.passengers_per_day:,} passengers and "
        f"{result.reviewer_hours:,.1f} reviewer hours a day)"
    )


def tree_png(result: Result) -> bytes:
    """:func:`emolab.station.tree_plot`'s picture with :func:`title`, as PNG. Saved without
    ``bbox_inches="tight"`` (its constrained layout already fits): a sixth faster, for sliders."""
    buffer = io.BytesIO()
    station.tree_figure(result, title(result)).savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def summary_text(result: Result) -> str:
    """The summary as plain text (the widget's plain-text form, and the static form's)."""
    lines = [f"  {quantity}: {value}" for quantity, value in summary_rows(result)]
    return "\n".join([headline(result), *lines, f"Hypothetical ({HYPOTHETICAL}): {station.NO_STUDY}"])


class StationExplorer(anywidget.AnyWidget):
    """Sliders for a :class:`StationInputs`; ``summary``, ``figure`` and ``alt`` follow them.

    Slider traits: ``passengers``, ``seconds``, ``threshold``, ``frames`` (k in a row),
    ``base_rate`` (hypothetical), ``sensitivity`` (hypothetical), ``review_seconds``. Set one
    from Python and everything is recomputed, as when the browser moves it. :attr:`inputs` and
    :attr:`result` are the current ones; :attr:`redraw_seconds` is how long the last
    recomputation (simulation and figure) took."""

    _esm = widget_module(STATIC / "station_explorer.js")
    _css = STATIC / "station_explorer.css"

    passengers = traitlets.Int(100_000).tag(sync=True)
    seconds = traitlets.Float(10.0).tag(sync=True)
    threshold = traitlets.Float(0.5).tag(sync=True)
    frames = traitlets.Int(5).tag(sync=True)
    base_rate = traitlets.Float(1e-5).tag(sync=True)
    sensitivity = traitlets.Float(0.9).tag(sync=True)
    review_seconds = traitlets.Float(30.0).tag(sync=True)

    # Slider steps: a list of values (passengers, base_rate) or [min, max, step].
    passengers_choices = traitlets.List().tag(sync=True)
    base_rate_choices = traitlets.List().tag(sync=True)
    seconds_range = traitlets.List(default_value=[1, 60, 1]).tag(sync=True)
    threshold_range = traitlets.List(default_value=[0.05, 1.0, 0.05]).tag(sync=True)
    frames_range = traitlets.List(default_value=[1, 50, 1]).tag(sync=True)
    sensitivity_range = traitlets.List(default_value=[0.0, 1.0, 0.05]).tag(sync=True)
    review_seconds_range = traitlets.List(default_value=[5, 300, 5]).tag(sync=True)
    threshold_note = traitlets.Unicode("").tag(sync=True)
    hypothetical = traitlets.Unicode(HYPOTHETICAL).tag(sync=True)

    # What Python computed: the summary, and the tree as PNG with its alt text and caption.
    headline = traitlets.Unicode("").tag(sync=True)
    summary = traitlets.List().tag(sync=True)
    figure = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)

    def __init__(self, inputs: StationInputs, measurement: Measurement | None = None, **settings):
        self._base = inputs
        self._measurement = measurement
        self._rates: dict[float, station.FrameRate] = {}
        self.inputs = inputs
        self.result: Result | None = None
        self.redraw_seconds = float("nan")
        self._ready = False
        rule = inputs.rule
        start = {
            "passengers": int(inputs.passengers_per_day),
            "seconds": float(inputs.seconds_in_view),
            "threshold": float(rule.threshold),
            "frames": int(rule.frames),
            "base_rate": float(inputs.base_rate),
            "sensitivity": float(inputs.sensitivity),
            "review_seconds": float(inputs.review_seconds),
            "passengers_choices": _choices(PASSENGERS, int(inputs.passengers_per_day)),
            "base_rate_choices": _choices(BASE_RATES, float(inputs.base_rate)),
            "seconds_range": _span(1, 60, 1, inputs.seconds_in_view),
            "frames_range": _span(1, 50, 1, rule.frames),
            "review_seconds_range": _span(5, 300, 5, inputs.review_seconds),
            "threshold_range": _span(0.05, 1.0, 0.05, rule.threshold),
            "threshold_note": self._threshold_note(),
        }
        start.update(settings)
        super().__init__(**start)
        self._ready = True
        self._recompute()

    def _threshold_note(self) -> str:
        if self._measurement is not None:
            return f"measured again at each threshold on {self._measurement.name}"
        return "the per-frame rate was given, not measured here: moving the threshold does not change it"

    @traitlets.observe(
        "passengers", "seconds", "threshold", "frames", "base_rate", "sensitivity", "review_seconds"
    )
    def _on_slider(self, _change) -> None:
        if self._ready:
            self._recompute()

    def _rate_at(self, rule) -> station.FrameRate:
        key = round(rule.threshold, 6)
        if key not in self._rates:
            self._rates[key] = self._measurement.rate(rule)
        return self._rates[key]

    def current_inputs(self) -> StationInputs:
        """The inputs the sliders stand at."""
        base = self._base
        rule = replace(base.rule, threshold=round(float(self.threshold), 4), frames=int(self.frames))
        rate = base.rate
        if self._measurement is not None:
            rate = self._rate_at(rule)  # as base.with_rule(measurement, ...), measured once per threshold
        elif rate.threshold is not None and rate.threshold != rule.threshold:
            given = rate.threshold  # kept as given (see threshold_note), and labelled so
            rate = replace(rate, threshold=rule.threshold, source=f"{rate.source}; measured at {given:.2f}")
        return replace(
            base,
            rule=rule,
            rate=rate,
            passengers_per_day=int(self.passengers),
            seconds_in_view=float(self.seconds),
            base_rate=float(self.base_rate),
            sensitivity=float(self.sensitivity),
            review_seconds=float(self.review_seconds),
        )

    def _recompute(self) -> None:
        started = time.perf_counter()
        inputs = self.current_inputs()
        result = station.simulate(inputs)
        png = tree_png(result)
        # Everything computed first, then set together: what is read at any moment belongs together.
        with self.hold_sync():  # one message to the browser
            self.inputs, self.result = inputs, result
            self.headline = headline(result)
            self.summary = summary_rows(result)
            self.figure, self.alt, self.caption = png, station.tree_alt(result), station.tree_caption(result)
        self.redraw_seconds = time.perf_counter() - started

    def __repr__(self) -> str:
        # The plain-text form: what a notebook run without a browser (nbclient) keeps.
        return summary_text(self.result) if self.result is not None else "StationExplorer"


def explorer(inputs: StationInputs, measurement: Measurement | None = None, **settings) -> StationExplorer:
    """The station explorer for ``inputs``. With ``measurement`` (such as
    :func:`emolab.station.clip_measurement`), the threshold slider measures the rate again
    (``inputs.rate`` must have been measured with ``inputs.rule``); without, the rate is kept."""
    if measurement is not None:
        inputs = inputs.with_rule(measurement)  # the rate as the measurement gives it at the rule
    return StationExplorer(inputs, measurement, **settings)


def explore(inputs: StationInputs, measurement: Measurement | None = None, **settings) -> StationExplorer:
    """Print a fixed summary and show the frequency tree for ``inputs`` as given (a saved or
    rendered notebook keeps these, where sliders do not work); then return the explorer.
    Keyboard: Tab to a slider, then the arrow keys, Home and End."""
    from IPython.display import display

    widget = explorer(inputs, measurement, **settings)
    print("The station with the inputs as given (a fixed summary; the sliders below change it):")
    print(summary_text(widget.result))
    display(Figure(widget.figure, widget.alt, widget.caption))
    return widget


__all__ = [
    "HYPOTHETICAL",
    "StationExplorer",
    "explore",
    "explorer",
    "headline",
    "summary_rows",
    "summary_text",
    "title",
    "tree_png",
]
