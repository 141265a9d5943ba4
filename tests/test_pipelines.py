"""The second detector (YuNet) and the second emotion model (the OpenCV Zoo's, trained on RAF-DB).

DeepFace's pipeline with ``detector="yunet"`` is checked against DeepFace.analyze itself; the
Zoo pipeline against its own definition (alignment onto the template, preprocessing, label
order). No test asserts a model's exact probabilities.
"""

from __future__ import annotations

import math
import re

import cv2
import numpy as np
import pytest

import emolab
from emolab import analysis_cache, assets, core, setup, zoo
from emolab.analysis_cache import CachedAnalysis
from emolab.errors import EmolabError, OfflineError

SMILING = "london/smiling/001_08.jpg"
NEUTRAL = "london/neutral/002_03.jpg"
SCENE = "scenes/coco_516008_desk_laptop.jpg"  # no face
ZOO = {"model": "raf-db"}
YUNET = {"detector": "yunet"}
PINNED_URL = re.compile(r"^https://github\.com/opencv/opencv_zoo/raw/[0-9a-f]{40}/models/")


def fetch(file: str) -> str:
    return str(assets.fetch(file))


def rgb_of(file: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(fetch(file)), cv2.COLOR_BGR2RGB)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(assets, "_ANALYSES", {})
    return analysis_cache.folder()


# --- DeepFace's pipeline with the YuNet detector ------------------------------------------------


@pytest.fixture(scope="module")
def deepface_with_yunet():
    """DeepFace.analyze, with the course's pinned YuNet file in DeepFace's own weights folder
    (DeepFace would otherwise download it from an unpinned URL)."""
    from deepface import DeepFace

    setup.prepare()
    slot = setup.place_yunet_for_deepface()
    assert slot.parent == setup.weights_dir() and slot.read_bytes() == (
        assets.model_path(assets.YUNET_DETECTOR).read_bytes()
    )

    def analyze(bgr):
        return DeepFace.analyze(bgr, actions=["emotion"], detector_backend="yunet", silent=True)

    return analyze


@pytest.mark.parametrize(
    ("file", "width"),
    [(SMILING, 400), (NEUTRAL, 400), ("fairface/fairface_0213.jpg", 400), (SMILING, None)],
)
def test_yunet_in_deepfaces_pipeline_matches_deepface_analyze(deepface_with_yunet, file, width):
    bgr = cv2.imread(fetch(file))
    if width:
        bgr = cv2.resize(bgr, (width, width * bgr.shape[0] // bgr.shape[1]))
    ours = emolab.analyze(bgr, color="bgr", detector="yunet", max_detect_side=None)
    theirs = deepface_with_yunet(bgr)
    assert len(ours.faces) == len(theirs) >= 1
    for face, reference in zip(ours.faces, theirs, strict=True):
        region = reference["region"]
        assert face.box == (region["x"], region["y"], region["w"], region["h"])
        expected = np.array([reference["emotion"][label] for label in emolab.EMOTIONS]) / 100
        np.testing.assert_allclose(face.scores, expected, atol=1e-5)
        assert face.detector_confidence == reference["face_confidence"]


def test_changing_the_detector_changes_only_the_detector():
    path = fetch(NEUTRAL)
    haar, yunet = emolab.analyze(path), emolab.analyze(path, detector="yunet")
    assert haar.model == yunet.model == emolab.model_info()  # the same emotion model
    assert haar.detector_info.key == "opencv" and yunet.detector_info.key == "yunet"
    assert haar.detector_info.sha256 != yunet.detector_info.sha256
    assert "Haar" in haar.detector and "YuNet" in yunet.detector and "DeepFace" in yunet.detector
    haar_face, yunet_face = haar.largest_face, yunet.largest_face
    assert haar_face.box != yunet_face.box  # another detector, another box
    # the same preprocessing and network: a 48x48 grey input, scored by DeepFace's emotion model
    assert yunet_face.network_input.shape == haar_face.network_input.shape == (48, 48)
    session = core.pipeline().emotion.model
    name = session.get_inputs()[0].name
    raw = session.run(None, {name: yunet_face.network_input[None, :, :, None]})[0][0]
    np.testing.assert_allclose(raw / raw.sum(), yunet_face.scores, atol=1e-6)
    assert haar_face.landmarks is None and yunet_face.landmarks.shape == (5, 2)
    x, y, w, h = yunet_face.box
    assert all(x <= px <= x + w and y <= py <= y + h for px, py in yunet_face.landmarks)


# --- the OpenCV Zoo pipeline (YuNet + the RAF-DB model) -----------------------------------------


def test_zoo_label_order_is_mapped_to_the_courses_order():
    assert [zoo.ZOO_LABELS[i] for i in zoo.ZOO_TO_COURSE] == [
        "angry",
        "disgust",
        "fearful",
        "happy",
        "sad",
        "surprised",
        "neutral",
    ]
    # raw scores 1..7 in the Zoo's order (angry 1, disgust 2, fearful 3, happy 4, neutral 5,
    # sad 6, surprised 7); by hand, softmax p = e^k / (e^1 + ... + e^7), in the course's order
    total = sum(math.exp(k) for k in range(1, 8))
    expected = [math.exp(k) / total for k in (1, 2, 3, 4, 6, 7, 5)]
    got = zoo.course_order(np.array([1, 2, 3, 4, 5, 6, 7], dtype=np.float32))
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert abs(got.sum() - 1) < 1e-12
    neutral_wins = zoo.course_order(np.array([0, 0, 0, 0, 9.0, 0, 0]))
    assert emolab.EMOTIONS[int(np.argmax(neutral_wins))] == "neutral"
    sad_wins = zoo.course_order(np.array([0, 0, 0, 0, 0, 9.0, 0]))
    assert emolab.EMOTIONS[int(np.argmax(sad_wins))] == "sad"


def test_similarity_transform_recovers_a_known_one():
    angle, scale, shift = np.radians(20), 0.25, np.array([-30.0, 12.0])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    # landmarks of a face in a photo, placed so that (scale * rotation) @ p + shift is the template
    points = (np.linalg.inv(scale * rotation) @ (zoo.TEMPLATE - shift).T).T
    matrix = zoo.similarity_transform(points)
    np.testing.assert_allclose(matrix[:, :2], scale * rotation, atol=1e-9)
    np.testing.assert_allclose(matrix[:, 2], shift, atol=1e-9)
    # with noisy landmarks: the same least-squares optimum as OpenCV's estimator reaches
    noisy = points + np.random.default_rng(0).normal(0, 3, points.shape)
    reference, _ = cv2.estimateAffinePartial2D(noisy, zoo.TEMPLATE, method=cv2.LMEDS)
    np.testing.assert_allclose(zoo.similarity_transform(noisy), reference, atol=1e-4)


def test_zoo_preprocessing_aligns_the_face_onto_the_template():
    rgb = rgb_of(NEUTRAL)
    face = emolab.analyze(rgb, color="rgb", **ZOO).largest_face
    assert face.crop.shape == (112, 112, 3) and face.crop.dtype == np.uint8
    assert face.network_input.shape == (3, 112, 112) and face.network_input.dtype == np.float32
    assert -1 <= face.network_input.min() < -0.5 and 0.5 < face.network_input.max() <= 1
    # the landmarks, in the photo's pixels, land on the template in the crop within a few pixels
    matrix = zoo.similarity_transform(face.landmarks)
    moved = face.landmarks @ matrix[:, :2].T + matrix[:, 2]
    assert np.abs(moved - zoo.TEMPLATE).max() < 3
    # the crop is the photo warped through that transform, and the input is the crop rescaled
    np.testing.assert_array_equal(face.crop, cv2.warpAffine(rgb, matrix, (112, 112)))
    expected = (face.crop.astype(np.float32) / 255 - 0.5) / 0.5
    np.testing.assert_allclose(face.network_input, expected.transpose(2, 0, 1), atol=1e-6)
    np.testing.assert_allclose(face.input_image, face.crop / 255, atol=1e-6)


def test_zoo_network_input_is_exactly_what_the_network_scores():
    face = emolab.analyze(fetch(SMILING), **ZOO).largest_face
    raw = zoo.pipeline().session.run(None, {"data": face.network_input[None]})[0][0]
    np.testing.assert_allclose(zoo.course_order(raw), face.scores, atol=1e-12)


def test_zoo_results_have_the_same_structure():
    result = emolab.analyze(fetch(SMILING), **ZOO)
    face = result.largest_face
    assert list(face.probabilities) == list(emolab.EMOTIONS)
    assert face.scores.shape == (7,) and face.scores.dtype == np.float64
    assert abs(face.scores.sum() - 1) < 1e-9 and face.scores.min() >= 0
    assert face.top_label == max(face.probabilities, key=face.probabilities.get)
    assert result.top_label == face.top_label
    height, width = result.image.shape[:2]
    x, y, w, h = face.box
    assert 0 <= x < x + w < width and 0 <= y < y + h < height
    table = result.table()
    assert list(table.columns[5:12]) == list(emolab.EMOTIONS)
    assert (table["model"] == "OpenCV Zoo RAF-DB model").all()


def test_a_clearly_smiling_photo_is_happy_for_the_raf_db_model():
    face = emolab.analyze(fetch(SMILING), **ZOO).largest_face
    assert face.top_label == "happy" and face.top_probability > 0.9


def test_input_image_is_the_grey_input_itself_for_fer2013():
    face = emolab.analyze(fetch(SMILING)).largest_face
    assert face.input_image is face.network_input


# --- naming, cache, arguments, threads -----------------------------------------------------------


def test_every_result_names_its_detector_and_model_with_sha256():
    path = fetch(NEUTRAL)
    haar_sha = assets.HAAR_CASCADES["haarcascade_frontalface_default.xml"].sha256
    cases = [
        ({}, haar_sha, assets.STAND_IN_EMOTION_MODEL.sha256),
        (YUNET, assets.YUNET_DETECTOR.sha256, assets.STAND_IN_EMOTION_MODEL.sha256),
        (ZOO, assets.YUNET_DETECTOR.sha256, assets.ZOO_EMOTION_MODEL.sha256),
    ]
    for kwargs, detector_sha, model_sha in cases:
        result = emolab.analyze(path, **kwargs)
        assert result.detector_info.sha256 == detector_sha
        assert result.model.sha256 == model_sha
    zoo_model = emolab.analyze(path, **ZOO).model
    assert zoo_model == core.model_info("raf-db") and zoo_model.key == "raf-db"
    assert zoo_model.license == "Apache 2.0" and not zoo_model.is_stand_in
    assert "RAF-DB" in zoo_model.training_data and "research-only" in zoo_model.training_data
    assert "RAF-DB" in zoo_model.name and "112" in zoo_model.input_description
    assert core.detector_info("yunet").license == "MIT"


def test_a_results_caption_names_its_pipeline_model_and_detector():
    path = fetch(NEUTRAL)
    names = [emolab.analyze(path, **choice).pipeline for choice in core.PIPELINES.values()]
    assert names == list(core.PIPELINES)
    zoo_caption = emolab.analyze(path, **ZOO).caption
    for part in ("OpenCV Zoo RAF-DB model", "f0d7093aff10", "Apache 2.0", "research-only", "YuNet"):
        assert part in zoo_caption
    assert "Pipeline: DeepFace (Haar + FER2013)." in emolab.analyze(path).caption


def test_the_pinned_model_files():
    for model in (assets.YUNET_DETECTOR, assets.ZOO_EMOTION_MODEL):
        assert PINNED_URL.match(model.url) and model.url.endswith("/" + model.mirror_name)
        assert re.fullmatch(r"[0-9a-f]{64}", model.sha256)


def test_online_the_zoo_models_come_from_their_pinned_urls(tmp_path, monkeypatch):
    monkeypatch.delenv(assets.OFFLINE_ENV)
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("EMOLAB_NETGUARD_LOG", str(tmp_path / "expected-blocked.log"))
    with pytest.raises(OfflineError):
        assets.model_path(assets.ZOO_EMOTION_MODEL)
    assert "github.com" in (tmp_path / "expected-blocked.log").read_text()


def test_cache_keys_differ_between_pipelines(cache):
    sha = assets.get(SMILING).sha256
    keys = [analysis_cache.key_fields(sha, 640, **kwargs) for kwargs in ({}, YUNET, ZOO)]
    assert len({analysis_cache.entry_path(k) for k in keys}) == 3
    assert keys[0] == analysis_cache.key_fields(sha, 640, detector="opencv", model="fer2013")
    path = assets.fetch(SMILING)
    fresh = [emolab.analyze(path, **kwargs) for kwargs in ({}, YUNET, ZOO)]
    assert len(list(cache.glob("*.json"))) == 3
    cached = [emolab.analyze(path, **kwargs) for kwargs in ({}, YUNET, ZOO)]
    for a, b in zip(fresh, cached, strict=True):
        assert isinstance(b, CachedAnalysis) and not isinstance(a, CachedAnalysis)
        assert (b.model, b.detector, b.detector_info) == (a.model, a.detector, a.detector_info)
        assert [f.box for f in b.faces] == [f.box for f in a.faces]
        np.testing.assert_array_equal(b.faces[0].scores, a.faces[0].scores)
        np.testing.assert_array_equal(b.faces[0].network_input, a.faces[0].network_input)
        np.testing.assert_array_equal(b.faces[0].crop, a.faces[0].crop)
    np.testing.assert_array_equal(cached[2].faces[0].landmarks, fresh[2].faces[0].landmarks)


def test_analyze_assets_keeps_pipelines_apart(cache):
    default, zoo_results = (assets.analyze_assets([SMILING], progress=False, **kw)[0] for kw in ({}, ZOO))
    assert default.model.key == "fer2013" and zoo_results.model.key == "raf-db"
    assert assets.analyze_assets([SMILING], progress=False, **ZOO)[0] is zoo_results


@pytest.mark.parametrize(
    ("kwargs", "message", "advice"),
    [
        ({"detector": "haar"}, "no face detector called 'haar'", "detector='yunet'"),
        ({"model": "affectnet"}, "no emotion model called 'affectnet'", "model='raf-db'"),
        ({"detector": "opencv", "model": "raf-db"}, "five landmarks", "detector='yunet'"),
    ],
)
def test_a_wrong_choice_says_what_to_use(kwargs, message, advice):
    for call in (
        lambda: emolab.analyze(fetch(SMILING), **kwargs),
        lambda: emolab.analyze_frame(np.zeros((64, 64, 3), np.uint8), **kwargs),
        lambda: emolab.analyze_many([fetch(SMILING)], progress=False, **kwargs),
        lambda: core.resolve(kwargs.get("detector"), kwargs.get("model", "fer2013")),
    ):
        with pytest.raises(EmolabError, match=message) as caught:
            call()
        assert advice in caught.value.advice


@pytest.mark.parametrize("kwargs", [YUNET, ZOO])
def test_no_face_gives_an_empty_result_with_advice(kwargs):
    result = emolab.analyze(fetch(SCENE), **kwargs)
    assert result.faces == [] and result.top_label is None
    assert any("No face found" in note for note in result.notes)


def test_analyze_many_with_the_zoo_model_equals_one_at_a_time(cache):
    arrays = [rgb_of(f) for f in (SMILING, NEUTRAL, "fairface/fairface_0019.jpg", SMILING)]
    one_at_a_time = [emolab.analyze(a, color="rgb", **ZOO) for a in arrays]
    batch = emolab.analyze_many(arrays, color="rgb", progress=False, workers=2, **ZOO)
    for fresh, result in zip(one_at_a_time, batch, strict=True):
        assert [f.box for f in result.faces] == [f.box for f in fresh.faces]
        for a, b in zip(fresh.faces, result.faces, strict=True):
            np.testing.assert_array_equal(a.scores, b.scores)
            np.testing.assert_array_equal(a.network_input, b.network_input)


def test_analyze_frame_with_either_pipeline():
    frame = cv2.resize(cv2.imread(fetch(SMILING)), (480, 480))
    for kwargs in (YUNET, ZOO):
        result = emolab.analyze_frame(frame, **kwargs)
        assert len(result.faces) == 1 and result.source == "video frame"
        assert result.detector_info.key == "yunet"


def test_the_zoo_model_is_loaded_once_per_process():
    assert zoo.pipeline() is zoo.pipeline()
    session = zoo.pipeline().session
    emolab.analyze(fetch(NEUTRAL), **ZOO)
    assert zoo.pipeline().session is session


def test_the_course_figures_show_either_models_input():
    from emolab import assets, context
    from emolab.display import pipeline_plot

    photo = assets.get("zoom/60cm.jpg")
    for model, size, kind in (
        ("fer2013", "48 by 48 grey", "grey values"),
        ("raf-db", "112 by 112 colour", "in colour"),
    ):
        analysis = emolab.analyze(assets.fetch(photo), model=model)
        figure = pipeline_plot(analysis, photo)
        assert size in figure.alt and analysis.pipeline in figure.caption
        assert context.scene_and_crop(analysis, photo).png  # draws without error
        assert kind in context.pixel_share(analysis).describe()


def test_yunet_on_a_tiny_frame_never_returns_a_broken_box():
    # Without padding, YuNet gave non-finite boxes on most runs on a 32x32 frame (an OverflowError
    # when the box was clamped); with it, a tiny frame is analysed like any other.
    frame = cv2.resize(rgb_of("london/smiling/001_08.jpg"), (32, 32), interpolation=cv2.INTER_AREA)
    for _ in range(40):
        rows = zoo.detect(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        assert np.isfinite(rows).all()
        for model in ("raf-db", "fer2013"):
            emolab.analyze_frame(frame, color="rgb", detector="yunet", model=model)
