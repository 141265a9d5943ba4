"""Helpers for lesson 1, "Meet the classifier".

FER2013's class counts (a fact from the dataset's paper, not a model output), a cached way to
analyse course images (so a check does not redo a notebook's work), and display helpers for exercise cells that must not fail while an answer is still ``...``.
"""

from __future__ import annotations

from pathlib import Path

from .assets import Asset, catalog, fetch
from .core import Analysis, analyze_many

# Goodfellow et al. (2013), "Challenges in Representation Learning: A report on three machine
# learning contests", arXiv:1307.0414: 35,887 images, counted per FER2013 class and given here
# in emolab's label order (their "Anger" is "angry", "Happiness" is "happy", and so on).
FER2013_COUNTS = {"angry": 4953, "disgust": 547, "fear": 5121, "happy": 8989,
                  "sad": 6077, "surprise": 4002, "neutral": 6198}
FER2013_SOURCE = ("Goodfellow et al. (2013), Challenges in Representation Learning: A report on three "
                  "machine learning contests, arXiv:1307.0414")

_CACHE: dict[tuple[str, int | None], Analysis] = {}


def analyze_assets(assets, *, progress: bool = True, max_detect_side: int | None = 640) -> list[Analysis]:
    """Analyse course assets with :func:`emolab.analyze_many`, remembering each result.

    Running the same images again in this session (for example in a check) reuses the results
    instead of recomputing them. Nothing is written to disk.
    """
    assets = [a if isinstance(a, Asset) else _asset(a) for a in assets]
    todo = [a for a in assets if (a.file, max_detect_side) not in _CACHE]
    if todo:
        paths = [fetch(a) for a in todo]
        for asset, result in zip(todo, analyze_many(paths, progress=progress, max_detect_side=max_detect_side)):
            _CACHE[(asset.file, max_detect_side)] = result
    return [_CACHE[(a.file, max_detect_side)] for a in assets]


def _asset(file) -> Asset:
    found = find_asset(file)
    if found is None:
        from .errors import AssetError

        raise AssetError(f"'{file}' is not one of the course's assets.")
    return found


def find_asset(name) -> Asset | None:
    """The course asset called ``name``: its manifest path ("lisa/lisa3.jpg"), a path ending in
    it (such as the cached copy :func:`emolab.assets.fetch` returns), or a file name that only
    one asset has ("lisa3.jpg"). None if there is no such asset."""
    text = str(name).strip().replace("\\", "/")
    if not text:
        return None
    for asset in catalog():
        if text == asset.file or text.endswith("/" + asset.file):
            return asset
    same_name = [a for a in catalog() if a.name == Path(text).name]
    return same_name[0] if len(same_name) == 1 else None


def asset_for(analysis: Analysis) -> Asset | None:
    """The course asset an analysis was made from (found from its source path), if any."""
    return find_asset(analysis.source) if analysis.source.lower().endswith((".jpg", ".jpeg", ".png")) else None


def show_result(analysis) -> None:
    """Show an exercise answer's analysis step by step, or say plainly why there is nothing yet."""
    from .display import show_pipeline

    if analysis is Ellipsis:
        print("Nothing to show yet: replace the `...` in the cell above with your answer and run it.")
        return
    if not isinstance(analysis, Analysis):
        print(f"Nothing to show: expected the result of emolab.analyze(...), got a {type(analysis).__name__}.")
        return
    show_pipeline(analysis, asset_for(analysis))
    print(f"Faces found by the detector: {len(analysis.faces)}   (model: {analysis.model.short_name})")
    for note in analysis.notes:
        print("Note:", note)


def show_missed(file) -> None:
    """Show a course photo with the detector's result, or say why it cannot be shown yet."""
    from .display import show_pipeline

    if file is Ellipsis:
        print("Nothing to show yet: replace the `...` in the cell above with a file name and run it.")
        return
    asset = find_asset(file) if isinstance(file, (str, Path)) else None
    if asset is None or asset.collection == "video":
        print(f"{file!r} is not one of the course's photos; look at emolab.assets.catalog().")
        return
    analysis = analyze_assets([asset], progress=False)[0]
    show_pipeline(analysis, asset)
    print(f"{asset.file}: faces found by the detector: {len(analysis.faces)}")
    for note in analysis.notes:
        print("Note:", note)
