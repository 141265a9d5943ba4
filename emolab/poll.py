"""A small in-notebook poll: one drop-down per question, answers kept in memory only.

Nothing is saved or sent: the answers live in this Python object until the kernel stops.
Each drop-down is a native <select> with its question as its label, so it works with the
keyboard (Tab to it, arrow keys to choose) and with screen readers. Running the notebook
without a browser simply leaves every answer unset; nothing waits for input.
"""

from __future__ import annotations

from .core import EMOTIONS

OTHER_CHOICES = ("something else", "can't tell from this")
UNSET = "(choose)"


class Poll:
    """``Poll(["metro platform", ...])``; display ``poll.widget``; read ``poll.answers``."""

    def __init__(self, questions, choices=EMOTIONS + OTHER_CHOICES, prompt: str = ""):
        import ipywidgets as widgets

        self.questions = list(questions)
        self.choices = tuple(choices)
        self._dropdowns = {
            question: widgets.Dropdown(
                options=[(UNSET, None), *[(c, c) for c in self.choices]],
                value=None,
                description=question,
                style={"description_width": "12em"},
                layout=widgets.Layout(width="30em"),
            )
            for question in self.questions
        }
        header = [widgets.HTML(f"<p>{prompt}</p>")] if prompt else []
        self.widget = widgets.VBox([*header, *self._dropdowns.values()])

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    @property
    def answers(self) -> dict:
        """Question -> the chosen answer, or None where nothing was chosen yet."""
        return {question: dropdown.value for question, dropdown in self._dropdowns.items()}

    def answered(self) -> int:
        return sum(1 for value in self.answers.values() if value is not None)

    def set_answers(self, answers: dict) -> None:
        """Fill in answers from code (e.g. typed as a dict) instead of the drop-downs."""
        for question, value in answers.items():
            if question not in self._dropdowns:
                raise KeyError(f"'{question}' is not one of this poll's questions: {self.questions}")
            if value is not None and value not in self.choices:
                raise ValueError(f"'{value}' is not one of the choices: {self.choices}")
            self._dropdowns[question].value = value

    def clear(self) -> None:
        for dropdown in self._dropdowns.values():
            dropdown.value = None

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
