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
