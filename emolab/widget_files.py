"""The course widgets' JavaScript modules: ``static/common.js`` (helpers every widget uses: ids,
elements, keeping keys from JupyterLab's shortcuts, one redraw per batch of changes) followed by
the widget's own file.

anywidget loads one ES module per widget; joining the files here keeps one copy of the helpers
without a JavaScript build step.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def widget_module(path: Path) -> str:
    """The ES module of one widget: the shared helpers, then the widget's own JavaScript."""
    return (STATIC / "common.js").read_text(encoding="utf-8") + "\n" + Path(path).read_text(encoding="utf-8")
