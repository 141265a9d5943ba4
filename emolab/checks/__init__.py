"""Checks for the exercises, in the style of otter-grader's ``grader.check("q1")``.

    from emolab.checks import Grader
    grader = Grader("01")
    ...
    grader.check("q1")

A check reads the learner's variables from the notebook, and says plainly what passes or what
is not right yet and what to try. It runs on this machine only and sends nothing anywhere.
Reflection questions are never auto-marked.

Checks live in ``emolab/checks/lessonNN.py``, registered with ``@check("qN")``; each takes
the notebook's namespace and raises :class:`NotYet` with a helpful message.
"""

from __future__ import annotations

import html
import importlib
import inspect
import math
from dataclasses import dataclass
from typing import Callable

_REGISTRY: dict[str, dict[str, Callable[[dict], None]]] = {}


class NotYet(Exception):
    """Raised by a check: the message says what is not right yet and what to try."""


@dataclass
class Result:
    question: str
    passed: bool
    message: str

    def _repr_html_(self) -> str:
        colour, mark = ("#009E73", "✔ passed") if self.passed else ("#D55E00", "✘ not yet")
        return (f'<div role="status" style="border-left:4px solid {colour};padding:4px 8px">'
                f"<strong>{html.escape(self.question)}: {mark}</strong><br>{html.escape(self.message)}</div>")

    def __repr__(self) -> str:
        return f"{self.question}: {'passed' if self.passed else 'not yet'}. {self.message}"


def check(question: str):
    """Register a check for ``question`` in the calling lesson module."""

    def register(function: Callable[[dict], None]):
        lesson = function.__module__.rsplit("lesson", 1)[-1]
        _REGISTRY.setdefault(lesson, {})[question] = function
        return function

    return register


def require(namespace: dict, name: str, kinds=None):
    """The learner's variable ``name``, or NotYet saying it is missing or still ``...``."""
    if name not in namespace:
        raise NotYet(f"There is no variable called `{name}` yet. Run the cell where you define it.")
    value = namespace[name]
    if value is Ellipsis:
        raise NotYet(f"`{name}` is still `...`: replace it with your answer and run the cell.")
    if kinds is not None and not isinstance(value, kinds):
        wanted = kinds.__name__ if isinstance(kinds, type) else " or ".join(k.__name__ for k in kinds)
        raise NotYet(f"`{name}` should be a {wanted}, but it is a {type(value).__name__}.")
    return value


def require_number(namespace: dict, name: str, nan_hint: str = "did you divide zero by zero?") -> float:
    """The learner's variable ``name`` as a float, or NotYet saying why it is not a number."""
    value = require(namespace, name)
    if isinstance(value, bool) or value is None:
        raise NotYet(f"`{name}` should be a number, but it is {value!r}: assign your computed number to it.")
    if isinstance(value, str):
        raise NotYet(f"`{name}` is text ({value!r}); it should be a number. Compute it with arithmetic "
                     "and leave out the quotes.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NotYet(f"`{name}` should be a number, but it is a {type(value).__name__}.") from None
    if math.isnan(number):
        raise NotYet(f"`{name}` is NaN (not a number): {nan_hint}")
    return number


class Grader:
    def __init__(self, lesson: str):
        self.lesson = lesson
        importlib.import_module(f"emolab.checks.lesson{lesson}")
        self.checks = _REGISTRY[lesson]

    def check(self, question: str, namespace: dict | None = None) -> Result:
        if question not in self.checks:
            return Result(question, False, f"No check called {question!r}; known: {', '.join(self.checks)}.")
        if namespace is None:
            namespace = inspect.currentframe().f_back.f_globals
        try:
            self.checks[question](namespace)
        except NotYet as reason:
            return Result(question, False, str(reason))
        except Exception as err:  # a learner's odd value must never surface as a traceback
            return Result(question, False, f"Checking raised {type(err).__name__}: {err}. Look at your answer's type and shape.")
        return Result(question, True, "Well done.")

    def check_all(self, namespace: dict | None = None) -> list[Result]:
        namespace = namespace if namespace is not None else inspect.currentframe().f_back.f_globals
        return [self.check(q, namespace) for q in self.checks]
