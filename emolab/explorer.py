"""The threshold explorer's widget: two labelled range sliders and the results they lead to.

Native <input type="range"> elements with <label>s: Tab to a slider, then the arrow keys (or
Home/End, Page Up/Down). Keys pressed in the widget stay in it (``static/explorer.js``), so
JupyterLab's command-mode shortcuts leave them to the sliders. The numbers shown are
computed in Python (``compute``) whenever a slider moves; the browser only lays them out.
``alerts.threshold_explorer`` builds one for the CCTV alert rule.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from .widget_files import widget_module

STATIC = Path(__file__).parent / "static"


class ThresholdExplorer(anywidget.AnyWidget):
    """``compute(threshold, frames)`` returns ``{"rule": str, "rows": [[name, flags], ...],
    "estimate": str}``; the widget shows it and recomputes it when a slider moves."""

    _esm = widget_module(STATIC / "explorer.js")
    _css = STATIC / "explorer.css"

    threshold = traitlets.Float(0.5).tag(sync=True)
    frames = traitlets.Int(5).tag(sync=True)
    threshold_range = traitlets.List(default_value=[0.05, 1.0, 0.05]).tag(sync=True)  # min, max, step
    frames_range = traitlets.List(default_value=[1, 25, 1]).tag(sync=True)
    rule = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    estimate = traitlets.Unicode("").tag(sync=True)

    def __init__(self, compute, **settings):
        self._compute = compute
        super().__init__(**settings)
        self._recompute()

    @traitlets.observe("threshold", "frames")
    def _on_slider(self, _change) -> None:
        self._recompute()

    def _recompute(self) -> None:
        result = self._compute(round(self.threshold, 4), self.frames)
        with self.hold_sync():  # one message to the browser, not three
            self.rule, self.rows, self.estimate = result["rule"], result["rows"], result["estimate"]

    def __repr__(self) -> str:
        # The plain-text form is what a notebook run without a browser (nbclient) keeps.
        table = "\n".join(f"  {name}: {flags} flag(s)" for name, flags in self.rows)
        return f"{self.rule}\n{table}\n{self.estimate}"
