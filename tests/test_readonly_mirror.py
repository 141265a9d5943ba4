"""A shared, read-only mirror (a JupyterHub): files are checked, then read in place, never copied.

Tests run as root, for whom chmod does not stop writes; so besides making the mirror read-only,
each test checks that nothing was written to the learner's cache, which holds for any user.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from emolab import assets, errors, setup

IMAGES = ("zoom/15cm.jpg", "zoom/30cm.jpg", "lisa/lisa1.jpg", "london/neutral/001_03.jpg")
TAMPERED = "zoom/30cm.jpg"


def make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture
def shared_mirror(tmp_path, monkeypatch, offline_dir) -> Path:
    """Part of the mirror, copied and made read-only (chmod -R a-w), as a hub's shared volume."""
    mirror = tmp_path / "shared-mirror"
    for name in IMAGES:
        (mirror / "images" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(offline_dir / "images" / name, mirror / "images" / name)
    shutil.copytree(offline_dir / "models", mirror / "models")
    make_read_only(mirror)
    monkeypatch.setenv(assets.OFFLINE_ENV, str(mirror))
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "learner-cache"))
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "learner-cache" / "deepface-offline"))
    yield mirror.resolve()
    make_writable(mirror)


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() or p.is_symlink()] if folder.exists() else []


def test_images_are_read_in_place_and_never_copied(shared_mirror, tmp_path):
    for name in IMAGES:
        path = assets.fetch(name)
        assert path == shared_mirror / "images" / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == assets.get(name).sha256
    assert files_in(tmp_path / "learner-cache") == []


def test_model_files_are_read_in_place(shared_mirror, tmp_path):
    for model in (assets.YUNET_DETECTOR, assets.ZOO_EMOTION_MODEL):
        assert assets.model_path(model) == shared_mirror / "models" / model.mirror_name
    assert files_in(tmp_path / "learner-cache") == []


def test_deepfaces_slot_links_to_the_checked_mirror_file(shared_mirror, tmp_path):
    weights = setup.prepare()
    yunet = setup.place_yunet_for_deepface()
    assert weights.is_symlink() and weights.resolve() == shared_mirror / "models" / (
        assets.STAND_IN_EMOTION_MODEL.mirror_name
    )
    assert yunet.resolve() == shared_mirror / "models" / assets.YUNET_DETECTOR.mirror_name
    # only links in the learner's cache: no copy of any model file
    assert all(p.is_symlink() for p in files_in(tmp_path / "learner-cache"))


def test_each_file_is_hashed_once_per_process_while_unchanged(shared_mirror, monkeypatch):
    hashed = []
    real_hash = assets.pooch.file_hash
    monkeypatch.setattr(
        assets.pooch, "file_hash", lambda path, alg: hashed.append(path) or real_hash(path, alg)
    )
    for _ in range(3):
        assets.fetch("zoom/15cm.jpg")
    assert hashed == [str(shared_mirror / "images" / "zoom/15cm.jpg")]
    path = shared_mirror / "images" / "zoom/15cm.jpg"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assets.fetch("zoom/15cm.jpg")  # a changed modification time: checked again
    assert len(hashed) == 2


def tamper(path: Path) -> None:
    """Change one byte, keeping the size (as a damaged copy or a deliberate edit might)."""
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    path.chmod(0o444)


def test_a_tampered_image_in_the_mirror_is_refused_with_what_to_do(shared_mirror, tmp_path):
    assets.fetch(TAMPERED)  # checked and fine first: a later change must still be caught
    tamper(shared_mirror / "images" / TAMPERED)
    with pytest.raises(errors.EmolabError) as caught:
        assets.fetch(TAMPERED)
    assert isinstance(caught.value, errors.ChecksumError)
    assert str(shared_mirror / "images" / TAMPERED) in str(caught.value)
    assert "sha256" in str(caught.value)
    assert "course.py download" in caught.value.advice and "instructor" in caught.value.advice
    assert files_in(tmp_path / "learner-cache") == []


def test_a_tampered_model_in_the_mirror_is_refused_and_not_linked(shared_mirror, tmp_path):
    tamper(shared_mirror / "models" / assets.STAND_IN_EMOTION_MODEL.mirror_name)
    with pytest.raises(errors.ChecksumError, match=assets.STAND_IN_EMOTION_MODEL.mirror_name):
        setup.prepare()
    assert not setup.weights_dir().joinpath(setup.EMOTION_WEIGHTS).exists()
