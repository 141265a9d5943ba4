"""Every notebook has the course's one shape (CONTRIBUTING.md): the same headings in the same order,
outcomes tied to the questions that practise them, and the same rhythm in every question."""

from __future__ import annotations

import importlib
import re

import nbformat
import pytest
from notebooks import ROOT, headings

LESSONS = sorted(ROOT.glob("lessons/*.ipynb"))
QUESTION_BOOKS = sorted([*ROOT.glob("solutions/*.ipynb"), *ROOT.glob("exercises/*.ipynb")])
TEMPLATE_LESSON = ROOT / "templates" / "lesson.ipynb"
TEMPLATE_SOLUTION = ROOT / "templates" / "solution.ipynb"
NUMBERED = re.compile(r"^## (\d+)\. \S")
QUESTION = re.compile(r"^## Question (\d+): \S")
OUTCOME = re.compile(r"^\s*\d+\.\s+(.*)$")
PRACTISED = re.compile(r"\*\((?:exercises: Questions? ([\d ,and]+)|discussion only)\)\*[.;]?$")
CHECK_CELL = re.compile(r'^grader\.check\("q(\d+)"\)$')
LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)\)")


def name(path):
    return str(path.relative_to(ROOT))


def h2(notebook) -> list[str]:
    return [text for level, text in headings(notebook) if level == 2]


def sections(notebook) -> dict[str, list]:
    """The cells under each level-2 heading (the heading's own cell included)."""
    found, current = {}, None
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            titles = [line.strip() for line in cell.source.splitlines() if line.startswith("## ")]
            if titles:
                current = titles[-1]
                found[current] = []
        if current is not None:
            found[current].append(cell)
    return found


def section_text(notebook, title: str) -> str:
    return "\n".join(c.source for c in sections(notebook).get(title, []) if c.cell_type == "markdown")


def numbered_items(text: str) -> list[str]:
    """The items of a Markdown numbered list, each with its wrapped continuation lines joined."""
    items = []
    for line in text.splitlines():
        match = OUTCOME.match(line)
        if match:
            items.append(match.group(1))
        elif items and line.startswith(" ") and line.strip():
            items[-1] += " " + line.strip()
    return items


def lesson_number(path) -> str:
    return path.name.split("-", 1)[0]


def solution_for(path):
    found = sorted(ROOT.glob(f"solutions/{lesson_number(path)}-*.ipynb"))
    return found[0] if found else None


def question_numbers(notebook) -> list[int]:
    return [int(QUESTION.match(title).group(1)) for title in h2(notebook) if QUESTION.match(title)]


# --- lessons ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*LESSONS, TEMPLATE_LESSON], ids=name)
def test_lesson_headings_follow_the_skeleton(path):
    notebook = nbformat.read(path, as_version=4)
    titles = h2(notebook)
    assert titles[:3] == ["## Time and what you need", "## Learning outcomes", "## Set-up"], titles[:3]
    assert titles[-2:] == ["## Reflection questions", "## Sources"], titles[-2:]
    middle = titles[3:-2]
    assert middle, "a lesson needs at least one numbered section"
    numbers = [int(NUMBERED.match(t).group(1)) if NUMBERED.match(t) else None for t in middle]
    assert numbers == list(range(1, len(middle) + 1)), (
        f"sections must be '## 1. …', '## 2. …' in order: {middle}"
    )
    top = headings(notebook)[0][1]
    assert re.match(r"^# Lesson (\d+|N): \S", top), top


@pytest.mark.parametrize("path", [*LESSONS, TEMPLATE_LESSON], ids=name)
def test_lesson_says_time_slowest_cell_and_what_you_need(path):
    text = section_text(nbformat.read(path, as_version=4), "## Time and what you need")
    for item in ("**Time:**", "**Slowest cell:**", "**You need:**"):
        assert item in text, f"'## Time and what you need' has no {item}"


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_every_outcome_is_checked_or_marked_discussion_only(path):
    text = section_text(nbformat.read(path, as_version=4), "## Learning outcomes")
    outcomes = numbered_items(text)
    assert outcomes, "no numbered outcomes"
    solution = solution_for(path)
    assert solution, f"no solutions/{lesson_number(path)}-*.ipynb"
    questions = set(question_numbers(nbformat.read(solution, as_version=4)))
    for outcome in outcomes:
        marker = PRACTISED.search(outcome.strip())
        assert marker, f"outcome does not say where it is practised: {outcome!r}"
        named = {int(n) for n in re.findall(r"\d+", marker.group(1) or "")}
        assert named <= questions, (
            f"outcome names questions {sorted(named - questions)} that the exercises lack"
        )


@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_lesson_ends_with_links_to_its_exercises_and_the_next_lesson(path):
    text = section_text(nbformat.read(path, as_version=4), "## Reflection questions")
    assert "**Next:**" in text, "the reflection section ends with a '**Next:**' paragraph"
    links = LINK.findall(text.split("**Next:**", 1)[1])
    exercises = f"../exercises/{path.name}"
    assert exercises in links, f"the Next paragraph links to {exercises}"
    for link in links:
        assert (path.parent / link).resolve().is_file(), f"broken link: {link}"
    following = sorted(ROOT.glob(f"lessons/{int(lesson_number(path)) + 1:02d}-*.ipynb"))
    if following:
        assert following[0].name in links, f"the Next paragraph links to {following[0].name}"


def test_wrapped_outcomes_are_read_whole():
    text = (
        "By the end:\n\n1. one thing\n   that wraps *(discussion only)*.\n"
        "2. another *(exercises: Question 2)*."
    )
    assert numbered_items(text) == [
        "one thing that wraps *(discussion only)*.",
        "another *(exercises: Question 2)*.",
    ]


# --- exercises and solutions -----------------------------------------------------------------


@pytest.mark.parametrize("path", [*QUESTION_BOOKS, TEMPLATE_SOLUTION], ids=name)
def test_questions_follow_the_skeleton(path):
    notebook = nbformat.read(path, as_version=4)
    titles = h2(notebook)
    assert titles[0] == "## Set-up" and titles[-1] == "## Reflection questions", titles
    assert question_numbers(notebook) == list(range(1, len(titles) - 1)), (
        f"between Set-up and Reflection questions: '## Question 1: …', '## Question 2: …' in order: {titles}"
    )
    assert re.match(r"^# Lesson (\d+|N) exercises: \S", headings(notebook)[0][1])


@pytest.mark.parametrize("path", [*QUESTION_BOOKS, TEMPLATE_SOLUTION], ids=name)
def test_every_question_has_an_answer_cell_then_its_own_check_cell(path):
    notebook = nbformat.read(path, as_version=4)
    is_solution = "exercises" not in path.parts
    for title, cells in sections(notebook).items():
        match = QUESTION.match(title)
        if not match:
            continue
        code = [c.source.strip() for c in cells if c.cell_type == "code"]
        checks = [i for i, source in enumerate(code) if CHECK_CELL.match(source)]
        assert [CHECK_CELL.match(code[i]).group(1) for i in checks] == [match.group(1)], (
            f'{title}: want exactly one cell that is only grader.check("q{match.group(1)}")'
        )
        before = code[: checks[0]]
        assert before, f"{title}: no answer cell before the check"
        if is_solution:
            assert any("# BEGIN SOLUTION" in source for source in before), f"{title}: no worked answer"
        else:
            assert any("# your answer here" in source for source in before), f"{title}: no answer cell"


@pytest.mark.parametrize("path", sorted(ROOT.glob("solutions/*.ipynb")), ids=name)
def test_every_registered_check_has_its_question(path):
    from emolab.checks import _REGISTRY

    lesson = lesson_number(path)
    importlib.import_module(f"emolab.checks.lesson{lesson}")
    registered = {int(q[1:]) for q in _REGISTRY[lesson]}
    assert registered == set(question_numbers(nbformat.read(path, as_version=4))), (
        f"checks registered for lesson {lesson}: {sorted(registered)}"
    )
