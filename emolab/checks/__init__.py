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
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

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
        return (
            f'<div role="status" style="border-left:4px solid {colour};padding:4px 8px">'
            f"<strong>{html.escape(self.question)}: {mark}</strong><br>{_code_to_html(self.message)}</div>"
        )

    def __repr__(self) -> str:
        return f"{self.question}: {'passed' if self.passed else 'not yet'}. {self.message}"


def _code_to_html(message: str) -> str:
    """Escape a check's message and show its `backticked` parts as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message))


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
    return as_number(require(namespace, name), f"`{name}`", nan_hint)


def as_number(value, what: str, nan_hint: str = "did you divide zero by zero?") -> float:
    """``value`` (a part of an answer, named ``what`` in messages) as a float, or NotYet."""
    if isinstance(value, bool) or value is None:
        raise NotYet(f"{what} should be a number, but it is {value!r}: assign your computed number to it.")
    if isinstance(value, str):
        raise NotYet(
            f"{what} is text ({value!r}); it should be a number. Compute it with arithmetic "
            "and leave out the quotes."
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise NotYet(f"{what} should be a number, but it is a {type(value).__name__}.") from None
    if math.isnan(number):
        raise NotYet(f"{what} is NaN (not a number): {nan_hint}")
    return number


def decimals_given(number: float) -> int:
    """How many decimals the learner's number carries (0.25 -> 2, 0.3 -> 1, 1/3 -> 16)."""
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def matches(got: float, expected: float, min_decimals: int = 2) -> bool:
    """True when ``got`` is ``expected`` itself or ``expected`` rounded to ``min_decimals`` or
    more decimals. A number rounded further, or a different number, does not match."""
    if math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12):
        return True
    decimals = decimals_given(got)
    return decimals >= min_decimals and abs(got - expected) <= 0.5 * 10**-decimals + 1e-12


def require_close(got: float, expected: float, name: str, hint: str, min_decimals: int = 2) -> None:
    """Pass ``got`` when it is ``expected``, exactly or rounded to at least ``min_decimals``
    decimals; otherwise NotYet, saying "rounded too far" when that is the only problem."""
    if matches(got, expected, min_decimals):
        return
    decimals = decimals_given(got)
    if decimals < min_decimals and abs(got - expected) <= 0.5 * 10**-decimals + 1e-12:
        raise NotYet(
            f"`{name}` is {got:g}: close, but you may have rounded too far. Keep at least "
            f"{min_decimals} decimals, or do not round at all."
        )
    raise NotYet(f"`{name}` is {got:.4g}, which is not what the data give. {hint}")


def require_choice(namespace: dict, name: str, correct: str, feedback: dict[str, str]) -> None:
    """A multiple-choice answer: one letter. Every wrong letter gets its own explanation, which
    teaches what that option gets wrong and where to read, instead of a bare "try again"."""
    letters = sorted({correct, *feedback})
    answer = require(namespace, name, str).strip().lower().strip("()").strip()
    if answer not in letters:
        raise NotYet(f"Set `{name}` to one letter: {', '.join(repr(letter) for letter in letters)}.")
    if answer != correct:
        raise NotYet(f"Not ({answer}). {feedback[answer]}")


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
            return Result(
                question,
                False,
                f"Checking raised {type(err).__name__}: {err}. Look at your answer's type and shape.",
            )
        return Result(question, True, "Well done.")

    def check_all(self, namespace: dict | None = None) -> list[Result]:
        namespace = namespace if namespace is not None else inspect.currentframe().f_back.f_globals
        return [self.check(q, namespace) for q in self.checks]
