"""The course website (tools/build_site.py, ``python3 course.py site``).

CI builds a small site: the landing page, every lesson and every exercise sheet, without executing
the lessons (seconds, not minutes; the lessons' execution is tested in test_notebooks.py). It must
build with Sphinx's warnings as errors, its links must resolve, every image must have alt text,
and every page must name the model the course uses. The full build, with executed lessons, is
``python3 course.py site``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import axehelper
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

sys.path.pop(0)

MISSING = [m for m in ("sphinx", "myst_nb", "sphinx_book_theme") if importlib.util.find_spec(m) is None]
needs_site_tools = pytest.mark.skipif(
    bool(MISSING),
    reason=f"site requirements not installed ({', '.join(MISSING)}): "
    "pip install -r requirements-site.txt (python3 course.py test installs them)",
)
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.ipynb"))
EXERCISES = sorted(p.stem for p in (ROOT / "exercises").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, offline_dir) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--no-execute", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@needs_site_tools
def test_the_site_builds_without_warnings_and_its_html_checks_pass(site):
    assert (site / "index.html").exists()
    assert build_site.check_html(site) == []  # links resolve, images have alt text, nothing remote


@needs_site_tools
def test_the_landing_page_links_every_lesson_and_exercise_sheet(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"#]+)', index))
    for name in LESSONS:
        assert f"lessons/{name}.html" in links
        assert (site / "lessons" / f"{name}.html").exists()
    for name in EXERCISES:
        assert f"exercises/{name}.html" in links
    assert not any("solutions" in link for link in links), "the solutions are not on the site"


@needs_site_tools
def test_every_page_names_the_model_and_every_image_has_alt_text(site):
    import emolab

    model = emolab.model_info().name
    for page in [site / "index.html", *sorted((site / "lessons").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert model.replace("'", "&#x27;") in html or model in html, page.name
        for tag in re.findall(r"<img\b[^>]*>", html, re.I):
            assert re.search(r'\balt="[^"]*\S[^"]*"', tag), f"{page.name}: {tag[:120]}"


@needs_site_tools
def test_each_lesson_page_has_its_time_and_learning_outcomes(site):
    for name in LESSONS:
        html = (site / "lessons" / f"{name}.html").read_text(encoding="utf-8")
        assert "Time and what you need" in html and "Learning outcomes" in html, name


@needs_site_tools
def test_a_broken_internal_link_fails_the_sphinx_build(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.md").write_text("# A page\n\nSee [the next page](missing.md).\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "-q",
            "-c",
            str(build_site.CONF_DIR),
            str(tmp_path / "src"),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "missing.md" in done.stderr


@needs_site_tools
@pytest.mark.browser
def test_no_serious_or_critical_accessibility_violations_on_any_page(site):
    """axe-core from npm, in headless Chromium, on every page of the small site. What it cannot
    catch: whether alt texts and the figures' descriptions say what matters, reading order and
    meaning, contrast inside images, and anything a person with a screen reader would notice in use."""
    chromium = axehelper.require_chromium()
    violations = build_site.accessibility_violations(site, axehelper.axe_script(), chromium)
    serious = axehelper.serious(violations)
    assert serious == [], "\n".join(axehelper.describe(v, v["page"]) for v in serious)


def test_the_html_check_finds_broken_links_images_without_alt_and_remote_scripts(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="lessons/none.html">x</a><a href="#here">y</a><img src="a.png">'
        '<img src="b.png" alt=" "><img src="c.png" alt="A face"><script src="https://cdn.example/x.js">'
        "</script><p id='there'></p>"
    )
    problems = "\n".join(build_site.check_html(tmp_path))
    assert "broken link lessons/none.html" in problems
    assert "#here names no anchor" in problems
    assert "a.png" in problems and "b.png" in problems and "c.png" not in problems
    assert "cdn.example" in problems


def test_widgets_become_a_how_to_run_live_note_and_progress_bars_go():
    cell = nbformat.v4.new_code_cell("cam = camera()")
    widget = {"model_id": "1", "version_major": 2, "version_minor": 0}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            {build_site.WIDGET_MIME: widget, "text/plain": "Analysing: 100%|##########| 40/40 [00:01<00:00]"},
        ),
        nbformat.v4.new_output(
            "execute_result",
            {build_site.WIDGET_MIME: widget, "text/plain": "emolab camera widget: no camera"},
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert build_site.static_widgets(notebook) == 1
    [output] = notebook.cells[0].outputs
    assert set(output["data"]) == {"text/markdown"}
    assert output["data"]["text/markdown"].startswith("emolab camera widget: no camera")
    assert "python3 course.py start" in output["data"]["text/markdown"]


@needs_site_tools
def test_the_instructors_guide_rubric_and_worked_reviews_are_on_the_site(site):
    pages = ["guide", "rubric", "examples/strong-review", "examples/weak-review"]
    for page in pages:
        assert (site / "instructors" / f"{page}.html").is_file(), page
    assert "instructors/guide.html" in (site / "index.html").read_text()
    guide = (site / "instructors" / "guide.html").read_text()
    assert re.search(r"in the course.s repository", guide)  # a link to a file the site lacks, as text
