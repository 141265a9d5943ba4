"""A small in-notebook poll: one drop-down per question, answers kept in memory only.

Nothing is saved or sent: the answers live in this Python object until the kernel stops.
Each drop-down is a native <select> with its question as its <label>, so it works with the
keyboard (Tab to it, arrow keys or the first letter of a choice) and with screen readers.
Every drop-down starts on "(choose)", which means "not answered". Keys pressed in the poll stay
in it (``static/poll.js``), so JupyterLab's command-mode shortcuts ("a" inserts a cell, "d d"
deletes one, the arrow keys move between cells) leave them to the drop-downs.
Running the notebook without a browser simply leaves every answer unset; nothing waits for input.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from .core import EMOTIONS
from .widget_files import widget_module

STATIC = Path(__file__).parent / "static"
OTHER_CHOICES = ("something else", "can't tell from this")
UNSET = "(choose)"


class PollWidget(anywidget.AnyWidget):
    """The poll's drop-downs in the browser. ``answers`` holds only the questions answered."""

    _esm = widget_module(STATIC / "poll.js")
    _css = STATIC / "poll.css"

    questions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    choices = traitlets.List(traitlets.Unicode()).tag(sync=True)
    unset_label = traitlets.Unicode(UNSET).tag(sync=True)
    prompt = traitlets.Unicode("").tag(sync=True)
    answers = traitlets.Dict().tag(sync=True)

    def __repr__(self) -> str:
        # The plain-text form is what a notebook run without a browser (nbclient) keeps.
        lines = [self.prompt] if self.prompt else []
        lines += [f"{question}: {self.answers.get(question) or UNSET}" for question in self.questions]
        lines.append("(A poll: open the notebook in JupyterLab to answer it.)")
        return "\n".join(lines)


class Poll:
    """``Poll(["metro platform", ...])``; display ``poll.widget``; read ``poll.answers``."""

    def __init__(self, questions, choices=EMOTIONS + OTHER_CHOICES, prompt: str = ""):
        self.questions = list(questions)
        self.choices = tuple(choices)
        self.widget = PollWidget(questions=self.questions, choices=list(self.choices), prompt=prompt)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    @property
    def answers(self) -> dict:
        """Question -> the chosen answer, or None where nothing was chosen yet."""
        chosen = self.widget.answers
        return {q: chosen.get(q) if chosen.get(q) in self.choices else None for q in self.questions}

    def answered(self) -> int:
        return sum(1 for value in self.answers.values() if value is not None)

    def set_answers(self, answers: dict) -> None:
        """Fill in answers from code (e.g. typed as a dict) instead of the drop-downs."""
        for question, value in answers.items():
            if question not in self.questions:
                raise KeyError(f"'{question}' is not one of this poll's questions: {self.questions}")
            if value is not None and value not in self.choices:
                raise ValueError(f"'{value}' is not one of the choices: {self.choices}")
        merged = {**self.answers, **answers}
        self.widget.answers = {q: value for q, value in merged.items() if value is not None}

    def clear(self) -> None:
        self.widget.answers = {}

    def compare(self, model_labels: dict, model_name: str):
        """A table: each question, your answer, and the model's top label."""
        import pandas as pd

        return pd.DataFrame(
            {
                "your answer": [self.answers[q] or "(not answered)" for q in self.questions],
                f"top label ({model_name})": [model_labels.get(q, "") for q in self.questions],
            },
            index=pd.Index(self.questions, name="scene"),
        )
