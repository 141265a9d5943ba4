"""The capstone's rubric as data: ``LEVELS``, ``CRITERIA`` and the instructor's marks for the two
worked example reviews (``EXAMPLE_MARKS``), for lesson 8's peer-review check.

The data are a copy of the two JSON blocks of ``instructors/rubric.md``, kept in the package so
that a learner's working copy has them; ``tests/test_instructor_kit.py`` keeps the two identical.
"""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads((Path(__file__).parent / "rubric.json").read_text(encoding="utf-8"))

LEVELS: tuple[str, ...] = tuple(_DATA["levels"])  # scored 0, 1, 2, 3
CRITERIA: dict[str, dict] = {criterion["id"]: criterion for criterion in _DATA["criteria"]}
EXAMPLE_MARKS: dict[str, dict] = _DATA["example_marks"]


def score(marks: dict[str, str]) -> int:
    """The total of a set of marks (criterion -> level), out of 3 per criterion."""
    return sum(LEVELS.index(level) for level in marks.values())


def table():
    """The criteria and what each level means, as a pandas table."""
    import pandas as pd

    return pd.DataFrame(
        {level: [c["levels"][level] for c in CRITERIA.values()] for level in LEVELS},
        index=pd.Index([f"{key} {c['name']}" for key, c in CRITERIA.items()], name="criterion"),
    )
