"""The analysis API against DeepFace itself: same pipeline, same answers, faster on big images."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

import emolab
from emolab import assets, core

SMILING = "london/smiling/001_08.jpg"
NEUTRAL = "london/neutral/002_03.jpg"
SCENE = "scenes/coco_516008_desk_laptop.jpg"


def deepface_analyze(image):
    from deepface import DeepFace

    return DeepFace.analyze(image, actions=["emotion"], detector_backend="opencv", silent=True)


def fetch(file: str) -> str:
    return str(assets.fetch(file))


def iou(a, b) -> float:
    w = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    h = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return w * h / (a[2] * a[3] + b[2] * b[3] - w * h)


@pytest.mark.parametrize("file", [SMILING, NEUTRAL, "fairface/fairface_0213.jpg"])
def test_full_size_matches_deepface_analyze(file):
    bgr = cv2.imread(fetch(file))
    bgr = cv2.resize(bgr, (400, 400 * bgr.shape[0] // bgr.shape[1]))
    ours = emolab.analyze(bgr, color="bgr", max_detect_side=None)
    theirs = deepface_analyze(bgr)
    assert len(ours.faces) == len(theirs) >= 1
    for face, reference in zip(ours.faces, theirs, strict=True):
        region = reference["region"]
        assert face.box == (region["x"], region["y"], region["w"], region["h"])
        expected = np.array([reference["emotion"][label] for label in emolab.EMOTIONS]) / 100
        np.testing.assert_allclose(face.scores, expected, atol=1e-5)
        assert face.top_label == reference["dominant_emotion"]


def test_fast_detection_finds_the_same_box_on_a_large_photo():
    full = emolab.analyze(fetch(SMILING), max_detect_side=None)
    fast = emolab.analyze(fetch(SMILING))  # default: detector works as on a 640-pixel copy
    assert len(fast.faces) == len(full.faces) == 1
    assert iou(fast.faces[0].box, full.faces[0].box) > 0.97


def test_boxes_are_in_the_original_images_coordinates():
    rgb = np.asarray(Image.open(fetch(NEUTRAL)).convert("RGB"))
    small = emolab.analyze(rgb, color="rgb").faces[0].box
    big_rgb = cv2.resize(rgb, (rgb.shape[1] * 3, rgb.shape[0] * 3), interpolation=cv2.INTER_CUBIC)
    big = emolab.analyze(big_rgb, color="rgb").faces[0].box
    assert iou(tuple(v * 3 for v in small), big) > 0.85


def test_every_input_kind_gives_the_same_answer():
    path = fetch(SMILING)
    data = open(path, "rb").read()
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    results = [
        emolab.analyze(path),
        emolab.analyze(data),
        emolab.analyze(Image.open(path)),
        emolab.analyze(rgb, color="rgb"),
        emolab.analyze(rgb[:, :, ::-1].copy(), color="bgr"),
    ]
    for result in results[1:]:
        assert result.faces[0].box == results[0].faces[0].box
        np.testing.assert_allclose(result.faces[0].scores, results[0].faces[0].scores, atol=1e-6)


def test_result_structure():
    result = emolab.analyze(fetch(SMILING))
    face = result.faces[0]
    assert list(face.probabilities) == list(emolab.EMOTIONS)
    assert face.scores.shape == (7,) and abs(face.scores.sum() - 1) < 1e-6
    assert face.top_label == max(face.probabilities, key=face.probabilities.get)
    assert face.network_input.shape == (48, 48) and face.network_input.dtype == np.float32
    assert 0 <= face.network_input.min() and face.network_input.max() <= 1
    assert face.crop.dtype == np.uint8 and face.crop.ndim == 3
    assert result.image.shape == (1350, 1350, 3)
    table = result.table()
    assert list(table.columns[5:12]) == list(emolab.EMOTIONS)
    assert (table["model"] == result.model.short_name).all()


def test_network_input_is_exactly_what_the_network_scores():
    face = emolab.analyze(fetch(NEUTRAL)).faces[0]
    session = core.pipeline().emotion.model
    raw = session.run(None, {session.get_inputs()[0].name: face.network_input[None, :, :, None]})[0][0]
    np.testing.assert_allclose(raw / raw.sum(), face.scores, atol=1e-6)


def test_no_face_gives_an_empty_result_with_advice():
    result = emolab.analyze(fetch(SCENE))
    assert result.faces == []
    assert any("No face found" in note for note in result.notes)


def test_offline_model_is_named_as_the_stand_in():
    info = emolab.model_info()
    assert info.is_stand_in
    assert info.sha256 == assets.STAND_IN_EMOTION_MODEL.sha256
    assert "stand-in" in info.short_name and "not DeepFace's own" in info.name


def test_unknown_weights_are_named_as_deepfaces_own(tmp_path):
    weights = tmp_path / "facial_expression_model_weights.onnx"
    weights.write_bytes(b"pretend these are DeepFace's own weights")
    info = core.identify_model(weights)
    assert not info.is_stand_in and "DeepFace's own" in info.name


def test_only_the_emotion_model_is_ever_loaded():
    from deepface.modules import modeling

    emolab.analyze(fetch(SMILING))
    assert set(modeling.cached_models["facial_attribute"]) == {"Emotion"}


def test_model_is_loaded_once_per_process():
    assert core.pipeline() is core.pipeline()
    first = core.pipeline().emotion
    emolab.analyze(fetch(NEUTRAL))
    assert core.pipeline().emotion is first


def test_analyze_many_on_a_folder(tmp_path):
    for name in (SMILING, NEUTRAL):
        (tmp_path / name.replace("/", "_")).write_bytes(assets.fetch(name).read_bytes())
    (tmp_path / "notes.txt").write_text("not an image")
    results = emolab.analyze_many(tmp_path, progress=False)
    assert [len(r.faces) for r in results] == [1, 1]


def test_analyze_frame_fast_path():
    frame = cv2.imread(fetch(SMILING))
    frame = cv2.resize(frame, (480, 480))
    result = emolab.analyze_frame(frame, color="bgr")
    assert len(result.faces) == 1 and result.source == "video frame"


def test_min_face_size_follows_the_detect_side():
    assert core.min_face_size(300, 640) == 0
    assert core.min_face_size(1350, None) == 0
    assert core.min_face_size(1350, 640) == 102  # 24-pixel windows on a 640-pixel pyramid level


def test_largest_face_is_the_biggest_box():
    result = emolab.analyze(fetch("fairface/fairface_0019.jpg"))  # a baby and part of an adult
    assert len(result.faces) >= 2
    areas = [f.box[2] * f.box[3] for f in result.faces]
    assert result.largest_face is result.faces[areas.index(max(areas))]
    assert emolab.analyze(fetch(SCENE)).largest_face is None


def test_analyse_is_the_same_function_under_its_british_spelling():
    namespace = {}
    exec("from emolab import *", namespace)
    assert namespace["analyse"] is namespace["analyze"] is emolab.analyze
    assert emolab.analyse(fetch(SMILING)).faces


def test_equal_areas_are_ordered_by_position_whatever_order_they_came_in():
    from emolab.core import _find_eyes

    detections = [(60, 40, 30, 30), (10, 42, 30, 30), (30, 80, 40, 40)]  # two "eyes" tie on area

    class Cascade:
        def __init__(self, order):
            self.order = order

        def detectMultiScale(self, *args, **kwargs):  # noqa: N802 (OpenCV's name)
            return np.array([detections[i] for i in self.order])

    grey = np.zeros((120, 120), np.uint8)
    found = {_find_eyes(Cascade(order), grey, 120) for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0], [2, 0, 1])}
    assert found == {((50, 100), (25, 57))}  # the largest, and the leftmost of the tied pair


def test_the_same_frame_gets_the_same_input_and_scores_every_time():
    """A frame where two eye detections tie on area: with OpenCV's threads, the pair DeepFace picked
    (and so the crop, the input and sometimes the top label) changed from run to run."""
    from emolab import video
    from emolab.core import analyze_frame, pipeline

    pipeline()
    frame = next(f.bgr for f in video.iter_frames("video/grid_lbbc2a.mpg") if f.index == 9)
    first = analyze_frame(frame, max_detect_side=320).largest_face
    for _ in range(30):
        again = analyze_frame(frame, max_detect_side=320).largest_face
        assert again.box == first.box
        np.testing.assert_array_equal(again.network_input, first.network_input)
        np.testing.assert_array_equal(again.scores, first.scores)
