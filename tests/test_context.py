"""The crop is all it gets: what share of a photo the model is given."""

import html
from types import SimpleNamespace

import numpy as np
import pytest
from notebooks import figures

import emolab
from emolab import assets
from emolab.context import (
    pixel_share,
    scene_and_crop,
    scene_crop_alt,
    scene_crop_figure,
    used_share,
)
from emolab.display import Credit, contrast_ratio, text_sizes_px


def fake_analysis(shape, boxes):
    faces = [
        SimpleNamespace(
            box=b, network_input=np.zeros((48, 48), np.float32), crop=np.zeros((10, 10, 3), np.uint8)
        )
        for b in boxes
    ]
    return SimpleNamespace(image=np.zeros(shape, np.uint8), faces=faces)


def test_share_is_box_area_over_image_area():
    share = pixel_share(fake_analysis((400, 500, 3), [(10, 20, 100, 50)]))
    assert share.box_share == pytest.approx(100 * 50 / (400 * 500))
    assert share.input_pixels == 48 * 48
    assert share.input_share == pytest.approx(2304 / 200_000)


def test_overlapping_boxes_are_counted_once():
    analysis = fake_analysis((100, 100, 3), [(0, 0, 50, 50), (25, 25, 50, 50)])
    assert used_share(analysis) == pytest.approx((2500 + 2500 - 625) / 10_000)


def test_no_face_means_nothing_was_used():
    analysis = fake_analysis((100, 100, 3), [])
    assert used_share(analysis) == 0
    with pytest.raises(IndexError):
        pixel_share(analysis)
    assert "no face" in scene_crop_alt(analysis, "A photo.")


def test_share_on_a_real_photo_matches_its_box():
    analysis = emolab.analyze(assets.fetch("zoom/60cm.jpg"))
    assert analysis.faces, "the detector should find the face at 60 cm"
    height, width = analysis.image.shape[:2]
    x, y, w, h = analysis.faces[0].box
    share = pixel_share(analysis)
    assert share.box_share == pytest.approx(w * h / (width * height))
    assert 0 < share.box_share < 1
    assert analysis.faces[0].network_input.shape == (48, 48)


def test_the_figure_has_scene_crop_and_input_panels():
    import matplotlib.pyplot as plt

    analysis = emolab.analyze(assets.fetch("zoom/60cm.jpg"))
    fig = scene_crop_figure(analysis)
    assert len(fig.axes) == 3 and all(axis.images for axis in fig.axes)
    assert "48 by 48" in scene_crop_alt(analysis, "A person in a room.")
    plt.close(fig)


def test_scene_and_crop_is_a_figure_with_share_model_and_credit():
    photo = assets.get("zoom/60cm.jpg")
    analysis = emolab.analyze(assets.fetch(photo))
    figure = scene_and_crop(analysis, photo)
    assert figure.alt == scene_crop_alt(analysis, photo.alt)
    assert pixel_share(analysis).describe() in figure.caption
    assert f"Faces found by the detector: {len(analysis.faces)}." in figure.caption
    assert analysis.model.short_name in figure.caption and analysis.detector in figure.caption
    assert figure.credits == (Credit.of(photo),)
    ((_, caption, _),) = list(figures(figure._repr_html_()))
    assert html.unescape(caption).count(photo.credit) == 1 and "Licence:" in caption
    described = scene_and_crop(analysis, description="Your photo.")
    assert (
        "Your photo" in described.alt and not described.credits and "Licence:" not in described._repr_html_()
    )


def test_the_face_labels_are_readable_and_high_contrast():
    analysis = emolab.analyze(assets.fetch("zoom/60cm.jpg"))
    fig = scene_crop_figure(analysis)
    labels = [t for t in fig.axes[0].texts if t.get_text().startswith("face ")]
    assert [t.get_text() for t in labels] == [f"face {i}" for i in range(len(analysis.faces))]
    for label in labels:
        assert contrast_ratio(label.get_color(), label.get_bbox_patch().get_facecolor()) >= 4.5
    small = [(text, round(px, 1)) for text, px in text_sizes_px(fig) if px < 12]
    assert not small, f"text smaller than 12 CSS px where JupyterLab shows the figure: {small}"


def test_a_photo_with_no_face_says_so_in_the_figure_and_the_caption():
    analysis = fake_analysis((100, 160, 3), [])
    analysis.model, analysis.detector = SimpleNamespace(short_name="model M"), "detector D"
    fig = scene_crop_figure(analysis)
    shown = " ".join(t.get_text() for axis in fig.axes[1:] for t in axis.texts)
    assert "no face found" in shown and "nothing was given" in shown
    figure = scene_and_crop(analysis, description="A street.")
    assert "found no face" in figure.caption and "model M" in figure.caption
