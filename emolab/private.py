"""Outputs derived from the learner's camera: shown live, never saved in the notebook file.

A Jupyter front end saves every cell output into the ``.ipynb`` file, so printing a camera
recording's scores or showing its plot would put them on disk (on a JupyterHub: on the server's
disk). Anything computed from a camera recording or snapshot is therefore shown through a
``PrivateView`` widget instead: its content travels to the browser as widget state, which
JupyterLab does not save (``saveState`` is off by default; the course's start command also
pins it off and strips widget state from notebooks it saves). The cell output itself holds only
``NOT_SAVED``, the line a saved or static copy of the notebook shows in its place.

Why a widget rather than only a save hook in the server: the widget keeps the promise in any
Jupyter front end and on any hub, however the server was started; the hook is a second line.
Without a widget-capable front end (a terminal IPython, a script) the text is printed: nothing
saves it there.
"""

from __future__ import annotations

import html

NOT_SAVED = "[Computed from your camera. Shown while the notebook is open; not saved in the file.]"


def _view_class():
    import ipywidgets

    class PrivateView(ipywidgets.HTML):
        """An HTML widget whose plain-text form, the part a notebook file keeps, holds no data."""

        def __repr__(self) -> str:  # ipywidgets puts repr() into the saved text/plain output
            return NOT_SAVED

    return PrivateView


def private_view(markup: str):
    """The widget that shows ``markup`` live (see the module docstring)."""
    return _view_class()(value=markup)


def _in_widget_frontend() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def markup_of(part) -> str:
    """HTML for one part: a Figure or anything with ``_repr_html_``, or text (kept as typed)."""
    if isinstance(part, PrivateFigure):
        part = part.figure
    if hasattr(part, "_repr_html_"):
        return part._repr_html_()
    return f'<pre class="emolab-private-text">{html.escape(str(part))}</pre>'


def show(*parts, saved: bool = False) -> None:
    """Display ``parts`` (text, Figures, tables) so that none of them is saved in the notebook.

    ``saved=True`` shows them as ordinary outputs instead (for results of the course's own
    images, which may be saved), so one call serves a cell that shows either."""
    from IPython.display import display

    if saved:
        for part in parts:
            if isinstance(part, str):
                print(part)
            else:
                display(part.figure if isinstance(part, PrivateFigure) else part)
        return
    if not _in_widget_frontend():
        for part in parts:
            print(part)
        return
    display(private_view("\n".join(markup_of(part) for part in parts)))


class PrivateText(str):
    """Text computed from the camera: ``print`` it and it is an ordinary (saved) output; leave it
    last in a cell, or ``display`` it, and it is shown without being saved."""

    def _ipython_display_(self) -> None:
        show(str(self))


class PrivateFigure:
    """A ``display.Figure`` computed from the camera, shown without being saved."""

    def __init__(self, figure):
        self.figure = figure

    def __getattr__(self, name):  # alt, caption, png ... of the figure inside
        if name.startswith("_"):  # never its _repr_html_: IPython would save that
            raise AttributeError(name)
        return getattr(self.figure, name)

    def __repr__(self) -> str:
        return repr(self.figure)

    def with_caption(self, caption: str) -> PrivateFigure:
        return PrivateFigure(self.figure.with_caption(caption))

    def show(self) -> None:
        show(self.figure)

    def _ipython_display_(self) -> None:
        show(self.figure)
