"""The asset manifest, the checksummed downloader and its offline mirror mode."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil

import pytest
from test_download import served_folder

from emolab import assets, errors, setup

PINNED_URL = re.compile(r"^https://[^ ]+/[0-9a-f]{40}/")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_lists_every_asset_with_licence_credit_and_alt_text():
    catalog = assets.catalog()
    assert len(catalog) == 256
    for asset in catalog:
        assert re.fullmatch(r"[0-9a-f]{64}", asset.sha256), asset.file
        assert PINNED_URL.match(asset.url), f"{asset.file}: URL not pinned to a commit"
        assert asset.license and asset.credit and len(asset.alt) > 30, asset.file
        assert asset.bytes > 0


def test_london_set_has_its_fields_and_its_alt_text_keeps_demographics_out():
    london = assets.collection("london")
    assert len(london) == 204
    assert {a.condition for a in london} == {"neutral", "smiling"}
    for asset in london:
        assert asset.subject_id and asset.gender and asset.ethnicity
        assert asset.age == "" or asset.age.isdigit()  # one participant gave no age
        lowered = asset.alt.lower()
        assert asset.ethnicity.lower() not in lowered and "self-reported" not in lowered
        assert f" {asset.gender.lower()}" not in lowered


def test_unknown_asset_and_collection():
    with pytest.raises(errors.AssetError):
        assets.get("london/smiling/999_08.jpg")
    with pytest.raises(errors.AssetError, match="No collection"):
        assets.collection("selfies")


def test_fetch_from_the_mirror_reads_the_checked_file_in_place(tmp_path, monkeypatch, offline_dir):
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    asset = assets.get("lisa/lisa1.jpg")
    path = assets.fetch(asset)
    assert path == offline_dir.resolve() / "images" / asset.file
    assert sha256(path) == asset.sha256
    assert not (tmp_path / "cache" / "images").exists()


def test_a_tampered_mirror_file_is_refused_and_not_kept(tmp_path, monkeypatch, offline_dir):
    mirror = tmp_path / "mirror"
    asset = assets.get("zoom/30cm.jpg")
    (mirror / "images" / "zoom").mkdir(parents=True)
    tampered = bytearray((offline_dir / "images" / asset.file).read_bytes())
    tampered[-100] ^= 0xFF
    (mirror / "images" / asset.file).write_bytes(bytes(tampered))
    monkeypatch.setenv(assets.OFFLINE_ENV, str(mirror))
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(errors.ChecksumError, match="sha256"):
        assets.fetch(asset)
    assert not (tmp_path / "cache" / "images" / asset.file).exists()


def test_online_a_changed_cached_file_is_replaced_by_the_pinned_one(tmp_path, monkeypatch, offline_dir):
    monkeypatch.delenv(assets.OFFLINE_ENV)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    with served_folder(offline_dir) as url:  # stands in for the asset's pinned URL
        asset = dataclasses.replace(assets.get("zoom/15cm.jpg"), url=f"{url}/images/zoom/15cm.jpg")
        path = assets.fetch(asset)
        assert path.is_relative_to(tmp_path / "cache")
        path.write_bytes(b"edited by someone")
        assert sha256(assets.fetch(asset)) == asset.sha256


def test_a_file_missing_from_the_mirror(tmp_path, monkeypatch):
    (tmp_path / "mirror" / "images").mkdir(parents=True)
    monkeypatch.setenv(assets.OFFLINE_ENV, str(tmp_path / "mirror"))
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(errors.OfflineError, match="missing"):
        assets.fetch("zoom/45cm.jpg")


def test_offline_dir_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv(assets.OFFLINE_ENV, str(tmp_path / "nope"))
    with pytest.raises(errors.OfflineError, match="not a folder"):
        assets.fetch("zoom/45cm.jpg")


def test_online_without_network_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv(assets.OFFLINE_ENV)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("EMOLAB_NETGUARD_LOG", str(tmp_path / "expected-blocked.log"))
    with pytest.raises(errors.OfflineError) as caught:
        assets.fetch("zoom/60cm.jpg")
    assert "EMOLAB_OFFLINE_DIR" in caught.value.advice
    assert (tmp_path / "expected-blocked.log").exists(), "the download never tried the network"


def test_offline_setup_puts_the_stand_in_into_deepfaces_slot_inside_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "cache" / "deepface-offline"))
    weights = setup.prepare()
    assert (
        weights == tmp_path / "cache" / "deepface-offline" / ".deepface" / "weights" / setup.EMOTION_WEIGHTS
    )
    assert sha256(weights) == assets.STAND_IN_EMOTION_MODEL.sha256


def test_default_deepface_home_is_in_the_course_cache_not_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DEEPFACE_HOME", raising=False)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    setup.configure_environment()
    import os

    assert os.environ["DEEPFACE_HOME"] == str(tmp_path / "cache" / "deepface-offline")
    assert os.environ["DEEPFACE_BACKEND_ENGINE"] == "onnx"


def test_a_learners_own_deepface_weights_are_never_replaced(tmp_path, monkeypatch):
    home = tmp_path / "my-deepface"
    slot = home / ".deepface" / "weights" / setup.EMOTION_WEIGHTS
    slot.parent.mkdir(parents=True)
    slot.write_bytes(b"the learner's own weights")
    monkeypatch.setenv("DEEPFACE_HOME", str(home))
    assert setup.prepare() == slot
    assert slot.read_bytes() == b"the learner's own weights"


def test_haar_cascades_come_from_the_mirror_when_opencv_lacks_them(tmp_path, monkeypatch):
    import cv2

    fake_cv2_dir = tmp_path / "cv2"
    (fake_cv2_dir / "data").mkdir(parents=True)
    monkeypatch.setattr(cv2, "__file__", str(fake_cv2_dir / "__init__.py"))
    monkeypatch.setenv("DEEPFACE_HOME", str(tmp_path / "home"))
    setup.prepare()
    for name, model in assets.HAAR_CASCADES.items():
        assert sha256(setup.weights_dir() / name) == model.sha256
    shutil.rmtree(tmp_path / "home")
