"""The on-disk cache of course-image results, and analyze_many's worker threads.

Cached results are compared with fresh ones for equality (never with fixed probabilities), and
every learner input is checked to leave the cache folder exactly as it was.
"""

from __future__ import annotations

import dataclasses
import io
import os

import cv2
import numpy as np
import pytest
from PIL import Image

import emolab
from emolab import analysis_cache, assets, core, display
from emolab.analysis_cache import CachedAnalysis
from emolab.errors import EmolabError

SMILING = "london/smiling/001_08.jpg"
NEUTRAL = "london/neutral/002_03.jpg"
TWO_FACES = "fairface/fairface_0019.jpg"  # a baby and part of an adult
SCENE = "scenes/coco_516008_desk_laptop.jpg"  # no face


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh, empty course cache folder for one test (images are copied into it again)."""
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_ANALYSES", {})
    return analysis_cache.folder()


def listing(folder):
    return sorted((str(p), p.stat().st_size) for p in folder.rglob("*")) if folder.exists() else []


def assert_same_analysis(fresh, cached):
    assert cached.source == fresh.source and cached.notes == fresh.notes
    assert cached.model == fresh.model and cached.detector == fresh.detector
    assert len(cached.faces) == len(fresh.faces)
    for a, b in zip(fresh.faces, cached.faces, strict=True):
        assert a.box == b.box and a.detector_confidence == b.detector_confidence
        np.testing.assert_array_equal(a.scores, b.scores)
        assert a.top_label == b.top_label
        np.testing.assert_array_equal(a.crop, b.crop)
        np.testing.assert_array_equal(a.network_input, b.network_input)
        assert a.crop.dtype == b.crop.dtype and a.network_input.dtype == b.network_input.dtype
    np.testing.assert_array_equal(fresh.image, cached.image)


@pytest.mark.parametrize("file", [SMILING, TWO_FACES, SCENE])
def test_a_second_run_gives_the_same_result_from_the_cache(cache, file):
    path = assets.fetch(file)
    fresh = emolab.analyze(path)
    assert not isinstance(fresh, CachedAnalysis)
    entries = list(cache.glob("*.json"))
    assert len(entries) == 1 and entries[0].stat().st_size < 10_000  # numbers, no pixels
    cached = emolab.analyze(path)
    assert isinstance(cached, CachedAnalysis)
    assert "loaded" not in vars(cached._pixels)  # nothing decoded until something asks
    assert_same_analysis(fresh, cached)
    pd_fresh, pd_cached = fresh.table(), cached.table()
    assert pd_fresh.equals(pd_cached)


def test_show_pipeline_draws_a_cached_result(cache):
    path = assets.fetch(SMILING)
    emolab.analyze(path)
    cached = emolab.analyze(path)
    display.show_pipeline(cached, assets.get(SMILING))
    assert "faces" in vars(cached._pixels)  # the crop and input were recomputed to draw them


def test_a_cache_entry_survives_a_new_process(cache, tmp_path):
    import subprocess
    import sys

    path = assets.fetch(NEUTRAL)
    fresh = emolab.analyze(path)
    code = (
        f"import emolab, json; a = emolab.analyze({str(path)!r}); "
        "print(json.dumps([type(a).__name__, [f.box for f in a.faces], [list(f.scores) for f in a.faces]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=dict(os.environ)
    ).stdout
    import json

    kind, boxes, scores = json.loads(out.strip().splitlines()[-1])
    assert kind == "CachedAnalysis"
    assert [tuple(b) for b in boxes] == [f.box for f in fresh.faces]
    assert scores == [list(f.scores) for f in fresh.faces]


def recomputes(path) -> bool:
    before = set(analysis_cache.folder().glob("*.json"))
    result = emolab.analyze(path)
    after = set(analysis_cache.folder().glob("*.json"))
    return not isinstance(result, CachedAnalysis) and len(after) == len(before) + 1


def test_any_change_to_the_key_recomputes(cache, monkeypatch):
    path = assets.fetch(SMILING)
    assert recomputes(path)
    assert not recomputes(path)
    other_model = dataclasses.replace(core.model_info(), sha256="0" * 64)
    with monkeypatch.context() as m:
        m.setattr(core.pipeline(), "model", other_model)
        assert recomputes(path)
    with monkeypatch.context() as m:
        m.setattr(core, "PIPELINE_VERSION", core.PIPELINE_VERSION + 1)
        assert recomputes(path)
    with monkeypatch.context() as m:
        m.setattr(core, "HAAR_SCALE_STEP", 1.2)
        assert recomputes(path)
    with monkeypatch.context() as m:
        m.setattr(core, "EYE_MIN_FRACTION", 7)
        assert recomputes(path)
    assert not isinstance(emolab.analyze(path, max_detect_side=320), CachedAnalysis)
    assert not recomputes(path)  # back to the original settings: served from the cache


def test_a_degradation_spec_is_part_of_the_key(cache):
    sha = assets.get(SMILING).sha256
    plain = analysis_cache.key_fields(sha, 640)
    blurred = analysis_cache.key_fields(sha, 640, {"blur": {"sigma": 2.0}})
    assert analysis_cache.entry_path(plain) != analysis_cache.entry_path(blurred)
    assert analysis_cache.entry_path(blurred) == analysis_cache.entry_path(
        analysis_cache.key_fields(sha, 640, {"blur": {"sigma": 2.0}})
    )
    assert analysis_cache.entry_path(blurred) != analysis_cache.entry_path(
        analysis_cache.key_fields(sha, 640, {"blur": {"sigma": 3.0}})
    )


def test_nothing_from_a_learner_is_ever_written(cache, tmp_path):
    course = assets.fetch(SMILING)
    emolab.analyze(assets.fetch(NEUTRAL))  # the folder exists and holds one course result
    before = listing(cache)
    data = course.read_bytes()
    edited = tmp_path / "learner" / "001_08.jpg"  # a course name, one byte more
    edited.parent.mkdir()
    edited.write_bytes(data + b"\0")
    named_like_a_course_file = tmp_path / "learner" / "fairface_0164.jpg"
    named_like_a_course_file.write_bytes(data + b"\0")
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    results = [
        emolab.analyze(edited),
        emolab.analyze(str(named_like_a_course_file)),
        emolab.analyze(rgb, color="rgb"),
        emolab.analyze(data),
        emolab.analyze(Image.open(course)),
        emolab.analyze_frame(cv2.resize(rgb[:, :, ::-1], (480, 480))),
        *emolab.analyze_many([edited, rgb], color="rgb", progress=False, workers=2),
    ]
    assert all(r.faces and not isinstance(r, CachedAnalysis) for r in results)
    assert listing(cache) == before


def test_a_copy_of_a_course_file_is_cached_under_its_bytes(cache, tmp_path):
    copy = tmp_path / "my_copy.jpg"
    copy.write_bytes(assets.fetch(SMILING).read_bytes())
    fresh = emolab.analyze(copy)
    cached = emolab.analyze(assets.fetch(SMILING))
    assert isinstance(cached, CachedAnalysis)
    np.testing.assert_array_equal(cached.faces[0].scores, fresh.faces[0].scores)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "",
        lambda text: "\x00\xff not json",
        lambda text: text.replace('"scores": [', '"scores": [0.5, '),  # eight scores
        lambda text: text.replace('"image_shape"', '"shape"'),
        lambda text: '{"key": 1}',
        lambda text: "[]",
    ],
)
def test_a_damaged_entry_is_recomputed_and_replaced(cache, damage):
    path = assets.fetch(SMILING)
    fresh = emolab.analyze(path)
    (entry,) = cache.glob("*.json")
    entry.write_text(damage(entry.read_text()), encoding="utf-8")
    again = emolab.analyze(path)
    assert not isinstance(again, CachedAnalysis)
    assert_same_analysis(fresh, again)
    assert isinstance(emolab.analyze(path), CachedAnalysis)  # the entry was written again


def test_writes_are_atomic_and_leave_no_temporary_files(cache, monkeypatch):
    path = assets.fetch(SMILING)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(analysis_cache.json, "dump", fail)
        with pytest.raises(OSError):
            emolab.analyze(path)
    assert list(cache.iterdir()) == []
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(analysis_cache.os, "replace", lambda a, b: (replaced.append(b), real_replace(a, b)))
    emolab.analyze(path)
    assert [p.name for p in cache.iterdir()] == [
        analysis_cache.entry_path(analysis_cache.key_fields(assets.get(SMILING).sha256, 640)).name
    ]
    assert len(replaced) == 1


def test_clear_cache_deletes_every_result(cache):
    for file in (SMILING, NEUTRAL):
        emolab.analyze(assets.fetch(file))
    assert emolab.clear_cache() == 2
    assert listing(cache) == []
    assert not isinstance(emolab.analyze(assets.fetch(SMILING)), CachedAnalysis)
    assert assets.fetch(SMILING).is_file()  # the course images stay


def test_a_file_changed_after_caching_is_not_drawn_from(cache, tmp_path):
    copy = tmp_path / "001_08.jpg"
    copy.write_bytes(assets.fetch(SMILING).read_bytes())
    emolab.analyze(copy)
    cached = emolab.analyze(copy)
    copy.write_bytes(assets.fetch(NEUTRAL).read_bytes())
    with pytest.raises(EmolabError, match="changed"):
        cached.image  # noqa: B018


def test_analyze_many_keeps_the_order_and_equals_one_at_a_time(cache):
    paths = [assets.fetch(f) for f in (SMILING, TWO_FACES, SCENE, NEUTRAL)]
    rgb = np.asarray(Image.open(paths[0]).convert("RGB"))
    items = [*paths, rgb, paths[1]]
    one_at_a_time = [emolab.analyze(p) for p in paths] + [emolab.analyze(rgb, color="rgb")]
    emolab.clear_cache()
    cold = emolab.analyze_many(items, color="rgb", progress=False, workers=2)
    warm = emolab.analyze_many(items, color="rgb", progress=False, workers=2)
    expected = [*one_at_a_time, one_at_a_time[1]]
    for batch in (cold, warm):
        assert len(batch) == len(items)
        for fresh, result in zip(expected, batch, strict=True):
            assert_same_analysis(fresh, result)
    assert [isinstance(r, CachedAnalysis) for r in warm] == [True] * 4 + [False, True]


def test_analyze_assets_uses_the_disk_cache_across_sessions(cache, monkeypatch):
    files = [SMILING, NEUTRAL]
    fresh = assets.analyze_assets(files, progress=False)
    monkeypatch.setattr(assets, "_ANALYSES", {})  # as after a kernel restart
    again = assets.analyze_assets(files, progress=False)
    assert all(isinstance(r, CachedAnalysis) for r in again)
    for a, b in zip(fresh, again, strict=True):
        assert_same_analysis(a, b)


def test_worker_count(monkeypatch):
    monkeypatch.delenv(core.WORKERS_ENV, raising=False)
    assert core.worker_count() == len(os.sched_getaffinity(0))
    assert core.worker_count(3) == 3
    monkeypatch.setenv(core.WORKERS_ENV, "1")
    assert core.worker_count() == 1
    assert core.worker_count(2) == 2  # the argument wins


def test_one_worker_runs_in_the_calling_thread(cache, monkeypatch):
    import threading

    seen = set()
    real = core.analyze

    def spy(*args, **kwargs):
        seen.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "analyze", spy)
    monkeypatch.setenv(core.WORKERS_ENV, "1")
    emolab.analyze_many([assets.fetch(SMILING), assets.fetch(NEUTRAL)], progress=False)
    assert seen == {threading.current_thread().name}


CLIP = "video/grid_lbbc2a.mpg"


def test_a_course_clip_is_analysed_once(cache):
    from emolab import video

    fresh = video.analyze_clip(CLIP, step=5)
    assert len(list(cache.glob("*.json"))) == 1
    cached = video.analyze_clip(CLIP, step=5)
    np.testing.assert_array_equal(fresh.times, cached.times)
    np.testing.assert_array_equal(fresh.scores, cached.scores)  # NaN rows included
    assert fresh.labels == cached.labels and fresh.boxes == cached.boxes
    assert (fresh.source, fresh.credit, fresh.model_name) == (cached.source, cached.credit, cached.model_name)
    video.analyze_clip(CLIP, step=10)  # another step: another entry
    assert len(list(cache.glob("*.json"))) == 2


def test_a_learners_clip_or_analyzer_is_never_cached(cache, tmp_path):
    from emolab import video

    video.analyze_clip(CLIP, step=10)
    before = listing(cache)
    learner = tmp_path / "grid_lbbc2a.mpg"  # a course clip's name, one byte more
    learner.write_bytes(assets.fetch(CLIP).read_bytes() + b"\0")
    video.analyze_clip(learner, step=10)
    video.analyze_clip(CLIP, step=5, analyzer=emolab.analyze_frame)
    assert listing(cache) == before


def test_a_damaged_clip_entry_is_recomputed(cache):
    from emolab import video

    fresh = video.analyze_clip(CLIP, step=10)
    (entry,) = cache.glob("*.json")
    entry.write_text(entry.read_text()[:-40], encoding="utf-8")
    again = video.analyze_clip(CLIP, step=10)
    np.testing.assert_array_equal(fresh.scores, again.scores)
    assert json_entry_is_whole(entry)


def json_entry_is_whole(entry) -> bool:
    import json

    return "times" in json.loads(entry.read_text())


def test_the_readme_says_what_is_cached_and_how_to_clear_it():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = " ".join(readme.split("## What stays on your machine")[1].split("\n## ")[0].split())
    assert "emolab.clear_cache()" in section
    assert "nothing derived from your own photo, a webcam frame or a snapshot is ever cached" in section
    assert "EMOLAB_WORKERS=1" in section
