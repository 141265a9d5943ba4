"""axe-core from npm, for the tests that check pages in headless Chromium.

The script is installed once into ``build/axe/`` by ``tools/build_site.py`` (``axe_script``), as
the site's own ``--a11y`` check does; a test skips when it is not there and npm is missing, and
fails instead of skipping when EMOLAB_REQUIRE_BROWSER is set and Chromium is missing.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

sys.path.pop(0)

CHROMIUM = os.environ.get("EMOLAB_CHROMIUM", "/usr/bin/chromium")
SERIOUS = build_site.SERIOUS

# axe.run on a context ({include, exclude}); each node keeps its selector and a short HTML snippet.
RUN_AXE = """async context => (await axe.run(context, {resultTypes: ['violations']})).violations.map(
    v => ({id: v.id, impact: v.impact, help: v.help,
           nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200)}))}))"""


def require_chromium() -> str:
    """The Chromium to use; skips the test (or fails it, under EMOLAB_REQUIRE_BROWSER) without one."""
    if not Path(CHROMIUM).exists():
        reason = f"needs {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("EMOLAB_REQUIRE_BROWSER"):  # CI: the browser tests must run, never skip
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason, allow_module_level=True)
    return CHROMIUM


def axe_script() -> Path:
    """axe.min.js, installed from npm the first time; skips the test when that cannot be done."""
    if not (build_site.BUILD / "axe" / "node_modules" / "axe-core").exists() and not shutil.which("npm"):
        pytest.skip("needs npm to install axe-core (apt-get install npm)", allow_module_level=True)
    return build_site.axe_script()


def run_axe(page, axe: Path, include: list[str], exclude: list[str]) -> list[dict]:
    """axe-core's violations in the parts of the open page that ``include`` selects."""
    page.add_script_tag(path=str(axe))
    context = {"include": [[s] for s in include], "exclude": [[s] for s in exclude]}
    return page.evaluate(RUN_AXE, context)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in SERIOUS]


def describe(violation: dict, where: str = "") -> str:
    """One violation on a few lines: where, impact, rule id and help, then each node's selector."""
    prefix = f"{where}: " if where else ""
    lines = [f"{prefix}{violation['impact']} {violation['id']}: {violation['help']}"]
    for node in violation["nodes"]:
        if isinstance(node, dict):
            lines.append(f"    {node['target']}  {node['html']}")
        else:
            lines.append(f"    {node}")
    return "\n".join(lines)
