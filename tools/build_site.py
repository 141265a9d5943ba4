"""Build the course as a static website: ``python3 course.py site`` (or run this file with the
course's environment: ``.venv/bin/python tools/build_site.py``).

The tool: Sphinx with MyST-NB and sphinx-book-theme (Jupyter Book 1's engine), all from PyPI.
Jupyter Book 2 / MyST was checked first and rejected for now: ``mystmd`` (npm 1.8.3, PyPI 1.11.0)
and ``jupyter-book`` 2 (PyPI 2.1.7) ship the command-line tool only; ``myst build --html`` fetches
its site template (book-theme) from https://api.mystmd.org at build time, and no npm or PyPI
package carries that template (``@myst-theme/*`` on npm are the libraries it is built from, not
the built theme). A build with only the package registries reachable stops with "request to
https://api.mystmd.org/templates/site/myst/book-theme failed". CI reaches the registries only.

What the build does:

1. Executes every lesson top to bottom in a fresh kernel, offline against the asset mirror
   (EMOLAB_OFFLINE_DIR; a network guard is installed first, as in the test suite), reusing the
   analysis cache (EMOLAB_CACHE_DIR) and keeping each executed notebook in ``build/site-cache/``
   keyed by the notebook's cells, the emolab package's source and the model: an unchanged lesson
   is not executed again.
2. Stages the pages in ``build/site-src/``: the landing page as ``index``, the lessons (executed),
   the exercises (not executed: a learner's answers are not there to show, and the solutions are
   not on the site; links to them become plain text). Widget outputs, which cannot run in a static
   page, are replaced by a line saying how to run them live (the course's widgets show their
   static fallback beside them, as printed text or a figure, which stays).
3. Runs Sphinx with warnings as errors (``-W``), then checks the HTML: every internal link
   resolves, every ``<img>`` has a non-empty alt text, and no page loads anything from the web.

4. With ``--a11y``: runs axe-core (installed from npm into ``build/axe/``) in headless Chromium
   (/usr/bin/chromium) against every page, and fails on a "serious" or "critical" violation.

Output: ``build/site/`` (open ``build/site/index.html``). Options: ``--no-execute`` (lessons
without outputs, seconds instead of minutes), ``--out DIR``, ``--lessons 01 02`` (a subset),
``--a11y``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CONF_DIR = ROOT / "site"
BUILD = ROOT / "build"
DEFAULT_OUT = BUILD / "site"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
LIVE_NOTE = (
    "**A live widget is here in the notebook.** It needs a running Python kernel, so this static "
    "page cannot show it: to use it, run the course in JupyterLab (`python3 course.py start`, see "
    "the landing page) and open this lesson there."
)
PROGRESS_BAR = re.compile(r"\d+%\|.*\|\s*\d+/\d+")  # tqdm's widget: nothing to show on a page
SOLUTION_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)?solutions/[^)]+\)")


class BuildError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Executing the lessons


def source_digest(path: Path, model: str) -> str:
    """What an executed lesson depends on: its cells, the emolab package's source (but for the
    exercises' checks), the model."""
    h = hashlib.sha256(model.encode())
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    h.update(json.dumps([(c["cell_type"], "".join(c["source"])) for c in cells]).encode())
    for file in sorted((ROOT / "emolab").rglob("*")):
        # emolab/checks/ grades the exercises only: no lesson runs it
        if file.is_file() and "__pycache__" not in file.parts and "checks" not in file.parts:
            h.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    return h.hexdigest()[:16]


def execute(path: Path, model: str):
    """The lesson at ``path`` executed offline (from build/site-cache/ when nothing changed)."""
    import nbformat
    from nbclient import NotebookClient

    cache = BUILD / "site-cache" / f"{path.stem}.{source_digest(path, model)}.ipynb"
    if cache.exists():
        print(f"  {path.relative_to(ROOT)}: unchanged, outputs from {cache.relative_to(ROOT)}", flush=True)
        return nbformat.read(cache, as_version=4)
    started = time.monotonic()
    print(f"  {path.relative_to(ROOT)}: executing ...", flush=True)
    notebook = nbformat.read(path, as_version=4)
    guard = nbformat.v4.new_code_cell(
        f"import sys; sys.path.insert(0, {str(ROOT / 'tests')!r}); import netguard; "
        "netguard.install(); sys.path.pop(0)"
    )
    notebook.cells.insert(0, guard)
    client = NotebookClient(
        notebook,
        timeout=900,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    notebook.cells.pop(0)
    errors = [
        f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
        for i, cell in enumerate(notebook.cells)
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    if errors:
        raise BuildError(f"{path.name} raised errors:\n  " + "\n  ".join(errors))
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob(f"{path.stem}.*.ipynb"):
        old.unlink()
    nbformat.write(notebook, cache)
    print(f"  {path.relative_to(ROOT)}: done in {time.monotonic() - started:.0f} s", flush=True)
    return notebook


# ---------------------------------------------------------------------------------------------
# Staging the pages


def static_widgets(notebook) -> int:
    """Replace widget views (which need a kernel) with a line saying how to run them live."""
    count = 0
    for cell in notebook.cells:
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                text = data.get("text/plain", "")
                if PROGRESS_BAR.search(text):
                    continue  # a progress bar, finished long before the page was built
                fallback = "" if text.startswith(("VBox(", "HBox(", "<")) else f"{text.strip()}\n\n"
                data.clear()
                data["text/markdown"] = f"{fallback}{LIVE_NOTE}"
                count += 1
            kept.append(output)
        if cell.cell_type == "code":
            cell.outputs = kept
    notebook.metadata.pop("widgets", None)
    return count


def unlink_solutions(notebook) -> None:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = SOLUTION_LINK.sub(r"\1 (in the course's repository, not on this site)", cell.source)


def stage(src: Path, model: str, execute_lessons: bool, lessons: list[Path]) -> list[str]:
    import nbformat

    if src.exists():
        shutil.rmtree(src)
    pages = []
    for path in lessons:
        notebook = execute(path, model) if execute_lessons else nbformat.read(path, as_version=4)
        widgets = static_widgets(notebook)
        if widgets:
            print(f"  {path.name}: {widgets} widget output(s) shown as a how-to-run-live note")
        pages.append(write(notebook, src / "lessons" / path.name))
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        if any(p.name == path.name for p in lessons):
            notebook = nbformat.read(path, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            pages.append(write(notebook, src / "exercises" / path.name))
    index = nbformat.read(ROOT / "START-HERE.ipynb", as_version=4)
    unlink_solutions(index)
    if len(lessons) < len(list((ROOT / "lessons").glob("*.ipynb"))):  # a subset: no links to the rest
        names = {p.name for p in lessons}
        dead = re.compile(r"\[([^\]]+)\]\((?:lessons|exercises)/([^)]+)\)")
        for cell in index.cells:
            if cell.cell_type == "markdown":
                keep = lambda m: m.group(0) if m.group(2) in names else m.group(1)  # noqa: E731
                cell.source = dead.sub(keep, cell.source)
    pages += stage_instructors(src)
    toc = (
        [p for p in pages if p.startswith("lessons/")],
        [p for p in pages if p.startswith("exercises/")],
        [p for p in pages if p.startswith("instructors/")],
    )
    tree = ""
    for caption, entries in zip(("Lessons", "Exercises", "For instructors"), toc, strict=True):
        tree += f"\n```{{toctree}}\n:hidden:\n:caption: {caption}\n\n" + "\n".join(entries) + "\n```\n"
    index.cells.append(nbformat.v4.new_markdown_cell(tree))
    write(index, src / "index.ipynb")
    return pages


INSTRUCTOR_PAGES = ("guide.md", "rubric.md", "examples/strong-review.md", "examples/weak-review.md")
MD_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s#]*)(#[^)\s]*)?\)")


def stage_instructors(src: Path) -> list[str]:
    """The instructor's guide, the rubric and its two worked example reviews, with their figures.
    A link to a file the site does not hold (the README, a configuration file) becomes plain text
    naming the file in the course's repository."""
    folder = ROOT / "instructors"
    staged = {(folder / page).resolve() for page in INSTRUCTOR_PAGES}
    staged |= {p.resolve() for p in (ROOT / "lessons").glob("*.ipynb")}
    staged |= {p.resolve() for p in (ROOT / "exercises").glob("*.ipynb")}
    pages = []
    for page in INSTRUCTOR_PAGES:
        path = folder / page
        if not path.exists():
            continue

        def keep_or_unlink(match, path=path):
            bang, label, target, anchor = match.groups()
            if not target or re.match(r"^[a-z]+:", target):
                return match.group(0)
            resolved = (path.parent / target).resolve()
            if bang or resolved in staged:
                return match.group(0)
            return f"{label} (in the course's repository: `{resolved.relative_to(ROOT).as_posix()}`)"

        target = src / "instructors" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(MD_LINK.sub(keep_or_unlink, path.read_text(encoding="utf-8")), encoding="utf-8")
        for figure in path.parent.glob(f"{path.stem}-*.png"):
            shutil.copy(figure, target.parent / figure.name)
        pages.append(f"instructors/{page[: -len('.md')]}")
    return pages


def write(notebook, target: Path) -> str:
    import nbformat

    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return f"{target.parent.name}/{target.stem}"


# ---------------------------------------------------------------------------------------------
# Checking the HTML


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.remote, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img":
            self.images.append(a)
        if tag == "script" and (a.get("src") or "").startswith(("http:", "https:", "//")):
            self.remote.append(a["src"])
        href = a.get("href") or ""
        if tag == "link" and a.get("rel") == "stylesheet" and href.startswith(("http", "//")):
            self.remote.append(href)


def check_html(out: Path) -> list[str]:
    """Broken internal links, images without alt text, and anything loaded from the web."""
    problems, parsed = [], {}
    for page in sorted(out.rglob("*.html")):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        parsed[page] = parser
    for page, parser in parsed.items():
        name = page.relative_to(out).as_posix()
        for img in parser.images:
            if not (img.get("alt") or "").strip():
                problems.append(f"{name}: <img src={str(img.get('src'))[:60]!r}> has no alt text")
        for src in parser.remote:
            problems.append(f"{name}: loads {src} from the web")
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{name}: broken link {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{name}: link {href} names no anchor on its page")
    return problems


# ---------------------------------------------------------------------------------------------
# Accessibility: axe-core (from npm) in headless Chromium

AXE_VERSION = "4"  # npm's axe-core, major version 4
SERIOUS = ("serious", "critical")


def axe_script() -> Path:
    """axe.min.js, installed from npm into build/axe/ the first time (needs npm and the registry)."""
    script = BUILD / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if not npm:
            raise BuildError("the accessibility check needs npm (to install axe-core)")
        print(f"Installing axe-core@{AXE_VERSION} from npm into {script.parents[2]} ...", flush=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(script.parents[2]),
                "--no-audit",
                "--no-fund",
                "--silent",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
        )
    return script


def accessibility_violations(out: Path, axe: Path, chromium: str = "/usr/bin/chromium") -> list[dict]:
    """axe-core's violations on every page of the built site (the theme's _static/ holds no pages)."""
    from playwright.sync_api import sync_playwright

    found = []
    run_axe = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
        v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => n.target.join(' '))}))"""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for file in sorted(out.rglob("*.html")):
                if "_static" in file.relative_to(out).parts:
                    continue
                page.goto(file.as_uri())
                page.add_script_tag(path=str(axe))
                for violation in page.evaluate(run_axe):
                    found.append({"page": file.relative_to(out).as_posix(), **violation})
        finally:
            browser.close()
    return found


def check_accessibility(out: Path) -> None:
    violations = accessibility_violations(out, axe_script())
    for v in violations:
        print(f"  axe: {v['page']}: {v['impact']} {v['id']} ({len(v['nodes'])}): {v['help']}")
    serious = [v for v in violations if v["impact"] in SERIOUS]
    if serious:
        raise BuildError(f"{len(serious)} serious or critical accessibility violation(s) (above)")
    print(f"Accessibility (axe-core): no serious or critical violations; {len(violations)} lesser (above).")


# ---------------------------------------------------------------------------------------------


def model_name() -> str:
    import emolab

    return emolab.model_info().name


def build(
    out: Path = DEFAULT_OUT, execute_lessons: bool = True, only: list[str] | None = None, a11y: bool = False
) -> Path:
    started = time.monotonic()
    if not os.environ.get("EMOLAB_OFFLINE_DIR"):
        print("Note: EMOLAB_OFFLINE_DIR is not set: assets come from their origins (network).")
    lessons = sorted((ROOT / "lessons").glob("*.ipynb"))
    if only:
        lessons = [p for p in lessons if any(p.name.startswith(o) for o in only)]
        if not lessons:
            raise BuildError(f"no lesson starts with {only}")
    model = model_name()
    print(f"Model: {model}")
    src = out.parent / f"{out.name}-src"
    print(f"Staging pages in {src} ...", flush=True)
    stage(src, model, execute_lessons, lessons)
    if out.exists():
        shutil.rmtree(out)
    env = {**os.environ, "EMOLAB_SITE_MODEL": model, "EMOLAB_SITE_EXECUTED": "1" if execute_lessons else ""}
    print("Running Sphinx (warnings are errors) ...", flush=True)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "--keep-going",
            "-q",
            "-c",
            str(CONF_DIR),
            "-d",
            str(out.parent / f"{out.name}-doctrees"),
            str(src),
            str(out),
        ],
        env=env,
    )
    if done.returncode:
        raise BuildError("Sphinx reported warnings or errors (above): the site is not built.")
    problems = check_html(out)
    if problems:
        raise BuildError("The built HTML has problems:\n  " + "\n  ".join(problems))
    if a11y:
        check_accessibility(out)
    print(f"Built {out / 'index.html'} in {time.monotonic() - started:.0f} s.")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--no-execute", action="store_true", help="lessons without outputs (fast)")
    parser.add_argument("--lessons", nargs="*", help="only the lessons whose file names start so")
    parser.add_argument("--a11y", action="store_true", help="also run axe-core in headless Chromium")
    args = parser.parse_args(argv)
    try:
        build(args.out.resolve(), not args.no_execute, args.lessons, args.a11y)
    except BuildError as error:
        print(f"Site build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
