"""Helpers shared by the tests of the exercise checks (tests/test_checks_lessonNN.py)."""

from __future__ import annotations

import pytest

from emolab.checks import NotYet


def not_yet(function, namespace) -> str:
    """The message of the NotYet a check raises for ``namespace``; it must say what to try."""
    with pytest.raises(NotYet) as raised:
        function(namespace)
    message = str(raised.value)
    assert len(message) > 30, "a check's message should say what is wrong and what to try"
    return message


def assert_missing_and_placeholder_say_not_yet(grader, context, question: str, answer: str) -> None:
    """A missing answer and the exercise's ``...`` both get "not yet", naming the variable."""
    missing = grader.check(question, dict(context))
    assert not missing.passed and "not yet" in repr(missing)
    assert f"`{answer}`" in missing.message and "Run the cell" in missing.message
    placeholder = grader.check(question, {**context, answer: ...})
    assert not placeholder.passed and "still `...`" in placeholder.message
