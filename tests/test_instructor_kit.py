"""The instructor's kit (instructors/guide.md, instructors/rubric.md) hangs together: every lesson
is in the guide's outcome map and in the README's course map, the rubric's JSON blocks parse and
use only its four levels, and every relative link (and anchor) in the kit leads somewhere."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from conftest import ROOT

GUIDE = ROOT / "instructors" / "guide.md"
RUBRIC = ROOT / "instructors" / "rubric.md"
KIT = [GUIDE, RUBRIC, ROOT / "instructors" / "classroom-setup.md"]
LEVELS = ["missing", "partial", "sound", "strong"]
CRITERIA = [f"C{i}" for i in range(1, 7)]

# Files the course's code generates (the two worked reviews) or that are being written alongside
# this kit (lesson 8). Links to exactly these may not resolve yet; every other link must.
GENERATED = {
    ROOT / "instructors" / "examples" / "strong-review.md",
    ROOT / "instructors" / "examples" / "weak-review.md",
    ROOT / "lessons" / "08-review-a-deployment.ipynb",
}

LINK = re.compile(r"\]\(([^)\s]+)\)")
H1 = re.compile(r"^# Lesson (\d+): (.+?)\s*$", re.M)
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def lessons() -> list[tuple[int, str]]:
    found = []
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        match = H1.search(text)
        assert match, f"{path.name}: no '# Lesson N: Title' heading"
        found.append((int(match.group(1)), match.group(2)))
    return found


def section(text: str, heading: str) -> str:
    """The text under a level-2 heading that starts with `heading`, up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no section '## {heading}'"
    return match.group(1)


def table_rows_for(text: str, number: int, title: str) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if re.match(rf"^\|\s*{number}\b", line) and title.lower() in line.lower()
    ]


def json_blocks(text: str):
    return [json.loads(block) for block in re.findall(r"^```json\n(.*?)^```", text, re.M | re.S)]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {slug(h) for h in re.findall(r"^#{1,6} (.+?)\s*$", text, re.M)}


def links(path) -> list[str]:
    prose = re.sub(r"`[^`]*`", "", FENCE.sub("", path.read_text()))
    return [link for link in LINK.findall(prose) if not re.match(r"^[a-z]+:", link)]


def test_the_kit_exists():
    for path in (GUIDE, RUBRIC):
        assert path.is_file(), f"missing {path.relative_to(ROOT)}"
        assert path.read_text().strip(), f"empty {path.relative_to(ROOT)}"


def test_lessons_are_found():
    numbers = [number for number, _ in lessons()]
    assert numbers and numbers == sorted(set(numbers)), numbers


@pytest.mark.parametrize("number,title", lessons(), ids=lambda v: str(v))
def test_every_lesson_is_in_the_guides_outcome_map(number, title):
    outcome_map = section(GUIDE.read_text(), "1. Learning outcomes")
    assert table_rows_for(outcome_map, number, title), (
        f"lesson {number}, {title!r}: no row of the guide's outcome map names it"
    )


@pytest.mark.parametrize("number,title", lessons(), ids=lambda v: str(v))
def test_every_lesson_is_in_the_readmes_course_map(number, title):
    course_map = section((ROOT / "README.md").read_text(), "The lessons")
    assert table_rows_for(course_map, number, title), (
        f"lesson {number}, {title!r}: no row of the README's course map names it"
    )


def test_the_rubric_has_two_json_blocks():
    assert len(json_blocks(RUBRIC.read_text())) == 2


def test_the_rubrics_criteria_have_the_four_levels():
    criteria = json_blocks(RUBRIC.read_text())[0]
    assert isinstance(criteria, list)
    assert [c["id"] for c in criteria] == CRITERIA
    for criterion in criteria:
        assert criterion["name"].strip(), criterion["id"]
        assert list(criterion["levels"]) == LEVELS, criterion["id"]
        for level, descriptor in criterion["levels"].items():
            assert isinstance(descriptor, str) and descriptor.strip(), (criterion["id"], level)


def test_the_rubrics_criteria_match_its_prose():
    text = RUBRIC.read_text()
    for criterion in json_blocks(text)[0]:
        assert f"### {criterion['id']}. {criterion['name']}" in text, criterion["id"]


def test_the_worked_examples_are_marked_with_the_four_levels_only():
    marks = json_blocks(RUBRIC.read_text())[1]
    assert set(marks) == {"strong", "weak"}
    for example, by_criterion in marks.items():
        assert sorted(by_criterion) == CRITERIA, example
        for criterion, mark in by_criterion.items():
            assert mark["level"] in LEVELS, (example, criterion, mark["level"])
            assert mark["comment"].strip(), (example, criterion)


def test_the_worked_examples_totals_match_their_marks():
    text = RUBRIC.read_text()
    marks = json_blocks(text)[1]
    for example, by_criterion in marks.items():
        total = sum(LEVELS.index(mark["level"]) for mark in by_criterion.values())
        assert f"**The {example} review: {total} of 18.**" in text, (example, total)
        summary = ", ".join(f"{c} {by_criterion[c]['level']}" for c in CRITERIA)
        assert summary in " ".join(text.split()), (example, summary)


def test_the_strong_example_outscores_the_weak_one():
    marks = json_blocks(RUBRIC.read_text())[1]
    for criterion in CRITERIA:
        strong = LEVELS.index(marks["strong"][criterion]["level"])
        weak = LEVELS.index(marks["weak"][criterion]["level"])
        assert strong > weak, criterion


@pytest.mark.parametrize("path", KIT, ids=lambda p: p.name)
def test_relative_links_in_the_kit_lead_to_files(path):
    for link in links(path):
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        if file in GENERATED:
            continue
        assert file.exists(), f"{path.name}: broken link {link}"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file), f"{path.name}: no heading for #{anchor} in {file.name}"


def test_the_old_classroom_setup_page_points_to_the_guide():
    pointer = (ROOT / "instructors" / "classroom-setup.md").read_text()
    assert len(pointer.strip().splitlines()) == 2
    assert "guide.md#setting-up-a-room" in pointer
    assert "setting-up-a-room" in anchors(GUIDE)


def test_the_slug_follows_githubs_rule():
    assert slug("1. Learning outcomes, lesson by lesson") == "1-learning-outcomes-lesson-by-lesson"
    assert slug("The course's files in one folder") == "the-courses-files-in-one-folder"
    assert slug("A 90-minute workshop") == "a-90-minute-workshop"


def test_the_packages_rubric_is_the_instructors_rubric():
    """lesson 8's peer-review check reads emolab/rubric.json: it must be rubric.md's JSON."""
    import json
    import re

    from emolab import rubric

    blocks = re.findall(r"```json\n(.*?)```", (ROOT / "instructors" / "rubric.md").read_text(), re.S)
    assert json.loads(blocks[0]) == list(rubric.CRITERIA.values())
    assert json.loads(blocks[1]) == rubric.EXAMPLE_MARKS
    assert rubric.score({c: "strong" for c in rubric.CRITERIA}) == 18
