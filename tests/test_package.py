"""The package's layout: its map is complete, webcam builds on video (never the reverse), one
definition of each shared constant."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import emolab

PACKAGE = Path(emolab.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_map_names_every_module():
    modules = [p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
    modules += [f"webcam.{p.stem}" for p in (PACKAGE / "webcam").glob("*.py") if p.stem != "__init__"]
    missing = [m for m in modules if f"``{m}``" not in emolab.__doc__]
    assert not missing, f"add these modules to the map in emolab/__init__.py: {missing}"


def test_only_checks_are_named_after_lessons():
    named = [p.relative_to(PACKAGE) for p in PACKAGE.rglob("lesson*.py") if p.parent.name != "checks"]
    assert not named


def test_video_never_imports_the_webcam():
    imports = imported_modules(PACKAGE / "video.py")
    assert not [name for name in imports if "webcam" in name], imports


def test_the_sample_clip_is_defined_once():
    from emolab import video
    from emolab.webcam import clips, widget

    assert widget.DEFAULT_CLIP is video.DEFAULT_CLIP
    assert inspect.signature(clips.record_clip).parameters["clip"].default is video.DEFAULT_CLIP
    definitions = [p for p in PACKAGE.rglob("*.py") if "DEFAULT_CLIP = " in p.read_text()]
    assert definitions == [PACKAGE / "video.py"]
