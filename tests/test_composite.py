"""Compositing: face pixels kept intact, licences worked out from the parts, and the model's
scores for the same face unchanged across scenes wherever the detector finds the same box."""

import html
import re
from collections import defaultdict

import numpy as np
import pytest
from notebooks import figures

from emolab import assets, composite, load_image, model_info
from emolab.composite import (
    LESSON_SCENES,
    OWN_PHOTO,
    CompositeError,
    LicenceError,
    analyze_composites,
    compose,
    compose_all,
    composite_licence,
    composites_plot,
    fit_scene,
    inputs_alt,
    inputs_plot,
    largest_change,
    person_layer,
    scores_plot,
    scores_table,
)
from emolab.core import Analysis, Face
from emolab.display import Figure, licence_name, text_sizes_px

NEUTRAL = "london/neutral/001_03.jpg"
SMILING = "london/smiling/001_08.jpg"


@pytest.mark.parametrize(
    "parts, expected",
    [
        (["CC BY 4.0", "CC0 1.0"], "CC BY 4.0"),
        (["CC0 1.0", "CC0 1.0"], "CC0 1.0"),
        (
            ["CC BY 4.0", "CC BY-SA 4.0 (share-alike: derivatives such as composites must also be CC BY-SA)"],
            "CC BY-SA 4.0",
        ),
        (["CC BY 4.0", "Attribution-ShareAlike License 2.0 (share-alike)"], "CC BY-SA 2.0"),
        (["Attribution License 2.0", "CC BY 4.0"], "CC BY 4.0"),
        (["CC0 1.0", "Attribution-ShareAlike License 2.0", "CC BY-SA 4.0"], "CC BY-SA 4.0"),
        ([OWN_PHOTO, "CC0 1.0"], "CC0 1.0"),
        ([OWN_PHOTO, "CC BY-SA 4.0"], "CC BY-SA 4.0"),
        (["CC BY-NC 4.0", "CC0 1.0"], "CC BY-NC 4.0"),
    ],
)
def test_composite_licence_follows_its_parts(parts, expected):
    assert composite_licence(parts).license == expected


def test_no_derivatives_part_is_refused():
    with pytest.raises(LicenceError):
        composite_licence(["CC BY-ND 4.0", "CC0 1.0"])


def test_unknown_licence_is_refused_not_guessed():
    with pytest.raises(LicenceError):
        composite_licence(["All rights reserved", "CC0 1.0"])


@pytest.fixture(scope="module")
def neutral_composites():
    return compose_all(NEUTRAL)


def test_every_scene_composite_is_share_alike_exactly_when_the_scene_is(neutral_composites):
    for c in neutral_composites:
        scene_is_sa = (
            "sharealike" in c.scene.license.lower().replace("-", "") or "by-sa" in c.scene.license.lower()
        )
        assert ("SA" in c.licence.license) == scene_is_sa, (c.scene.file, c.licence)
        assert len(c.credits) == 2 and all(c.credits)


def test_face_pixels_are_identical_in_every_scene(neutral_composites):
    layer = person_layer(NEUTRAL)
    expected = layer.rgb[layer.kept]
    fx, fy, fw, fh = layer.face_box
    assert layer.kept[fy : fy + fh, fx : fx + fw].all(), "the whole face box must be kept"
    for c in neutral_composites:
        assert c.kept.sum() == layer.kept.sum()
        np.testing.assert_array_equal(c.image[c.kept], expected)


def test_centre_mode_keeps_the_centre_of_the_face():
    layer = person_layer(SMILING, keep="centre")
    fx, fy, fw, fh = layer.face_box
    centre = (fy + fh // 2, fx + fw // 2)
    assert layer.kept[centre] and not layer.kept[fy, fx]
    a, b = (compose(SMILING, scene, layer=layer) for scene in LESSON_SCENES[:2])
    np.testing.assert_array_equal(a.image[a.kept], b.image[b.kept])


def test_scene_is_untouched_away_from_the_person_and_edges_are_blended(neutral_composites):
    layer = person_layer(NEUTRAL)
    assert ((layer.alpha > 0.05) & (layer.alpha < 0.95)).any(), "no feathered edge"
    c = neutral_composites[0]
    scene = fit_scene(load_image(assets.fetch(c.scene)).rgb)
    np.testing.assert_array_equal(c.image[:40, :40], scene[:40, :40])
    assert c.image.shape == scene.shape


def test_a_snapshot_array_can_be_placed_and_is_credited_as_the_learners_own():
    snapshot = load_image(assets.fetch(SMILING)).rgb
    c = compose(snapshot, "scenes/metro_platform_dc_cc0.jpg")
    assert c.face is None
    assert "own snapshot" in c.credits[0]
    assert c.licence.license == "CC0 1.0" and "yours" in c.licence.reason


@pytest.fixture(scope="module")
def both_faces_results(neutral_composites):
    smiling = compose_all(SMILING)
    return [(comps, analyze_composites(comps)) for comps in (neutral_composites, smiling)]


def test_the_placed_face_is_found_in_every_scene(both_faces_results):
    for comps, faces in both_faces_results:
        assert all(f is not None for f in faces), [
            c.scene_name for c, f in zip(comps, faces, strict=True) if f is None
        ]


def test_same_box_same_scores_across_scenes(both_faces_results):
    pairs_compared = 0
    for comps, faces in both_faces_results:
        groups = defaultdict(list)
        for c, f in zip(comps, faces, strict=True):
            relative_box = (f.box[0] - c.face_box[0], f.box[1] - c.face_box[1], f.box[2], f.box[3])
            groups[relative_box].append(f.scores)
        for scores in groups.values():
            for other in scores[1:]:
                np.testing.assert_allclose(other, scores[0], atol=1e-4)
                pairs_compared += 1
    assert pairs_compared >= 1, "no two scenes gave the same box, so nothing was compared"


def test_largest_change_is_the_spread_of_the_table(both_faces_results):
    comps, faces = both_faces_results[0]
    table = scores_table(comps, faces)
    value, label = largest_change(table)
    probs = np.array([f.scores for f in faces])
    assert value == pytest.approx((probs.max(0) - probs.min(0)).max())
    assert 0 <= value <= 1


def test_lesson03_checks_for_the_change_the_poll_and_the_news_claim(both_faces_results):
    from emolab.checks import Grader

    grader = Grader("03")
    comps, faces = both_faces_results[0]
    table = scores_table(comps, faces)
    assert grader.check("q3", {"table": table, "largest_change": largest_change(table)[0]}).passed
    assert not grader.check("q3", {"table": table, "largest_change": largest_change(table)[0] + 0.1}).passed
    names = [c.scene_name for c in comps]
    assert grader.check("q2", {"scene_names": names, "my_guesses": {n: "happy" for n in names}}).passed
    assert not grader.check("q2", {"scene_names": names, "my_guesses": {names[0]: "happy"}}).passed
    assert not grader.check("q2", {"scene_names": names, "my_guesses": {n: "joyful" for n in names}}).passed
    assert grader.check("q6", {"barcelona_answer": "b"}).passed
    assert not grader.check("q6", {"barcelona_answer": "c"}).passed


def test_the_largest_face_is_the_one_placed(monkeypatch):
    def face(box):
        return Face(
            box, np.full(7, 1 / 7), np.zeros((48, 48), np.float32), np.zeros((4, 4, 3), np.uint8), 1.0
        )

    faces = [face((0, 0, 30, 30)), face((40, 0, 60, 60)), face((0, 50, 50, 50))]
    monkeypatch.setattr(composite, "analyze", lambda rgb, color: Analysis(rgb, faces, None, ""))
    assert composite._largest_face_box(np.zeros((8, 8, 3), np.uint8)) == (40, 0, 60, 60)
    faces.clear()
    with pytest.raises(CompositeError):
        composite._largest_face_box(np.zeros((8, 8, 3), np.uint8))


def credits_shown(figure) -> str:
    """The text of a figure's caption and credit list, as the notebook shows it."""
    ((_, caption, _),) = list(figures(figure._repr_html_()))
    return html.unescape(re.sub(r"<[^>]+>", "", caption))


def assert_every_part_credited_once(figure, composites):
    shown = credits_shown(figure)
    markup = figure._repr_html_()
    for number, c in enumerate(composites, start=1):
        for part in (c.face, c.scene):
            addresses = re.findall(r"https?://[^\s;)]+", part.credit)  # shown as links "on Flickr"
            credit = re.sub(r"https?://[^\s;)]+", "on Flickr", part.credit)
            assert credit in shown, part.credit
            assert all(f'href="{address}"' in markup for address in addresses)
            assert f'href="{part.url}"' in markup
            assert f"Licence: {licence_name(part)}" in shown
        assert f"Scene {number}. {c.scene_name}:" in shown
        assert f"Composite: {c.licence.license}." in shown
    face = composites[0].face
    assert shown.count(face.credit) == 1, "the face's credit must be given once, not once per scene"


def test_composites_plot_credits_every_part_once(neutral_composites):
    figure = composites_plot(neutral_composites, title="The neutral photo")
    assert isinstance(figure, Figure) and figure.png.startswith(b"\x89PNG")
    assert figure.alt == composite.composites_alt(neutral_composites)
    assert figure.caption.startswith(f"The neutral photo: the same face in {len(neutral_composites)} scenes.")
    assert_every_part_credited_once(figure, neutral_composites)


def test_a_snapshot_composite_is_credited_as_the_learners_own(neutral_composites):
    snapshot = compose(load_image(assets.fetch(SMILING)).rgb, LESSON_SCENES[0])
    credits = composite.composites_credits([snapshot])
    assert credits[0].credit == "your own snapshot (not saved)" and not credits[0].licence
    assert credits[1].credit == snapshot.scene.credit


def test_the_composite_figures_are_readable_where_jupyterlab_shows_them(both_faces_results):
    comps, faces = both_faces_results[0]
    for fig in (
        composite.composites_figure(comps),
        composite.scores_figure(scores_table(comps, faces), "model M"),
        composite.inputs_figure(comps, faces),
    ):
        small = [(text, round(px, 1)) for text, px in text_sizes_px(fig) if px < 12]
        assert not small, f"text smaller than 12 CSS px: {small}"


def test_the_scores_table_knows_its_model_and_credits_and_the_plot_uses_them(both_faces_results):
    comps, faces = both_faces_results[0]
    table = scores_table(comps, faces)
    assert table.attrs["model"] == model_info().short_name
    table.attrs["model"] = "model M"  # the plot takes the name from the table, not from elsewhere
    assert table.round(3).attrs["credits"] == table.attrs["credits"]  # the lesson shows a rounded copy
    figure = scores_plot(table, title="The neutral photo")
    assert figure.alt == composite.scores_alt(table, "model M")
    assert figure.caption.startswith(
        f"The neutral photo: the 7 probabilities given by model M for the same face in {len(table)} scenes."
    )
    assert_every_part_credited_once(figure, comps)


def test_inputs_plot_says_which_inputs_are_identical_and_which_scenes_gave_none(both_faces_results):
    comps, faces = both_faces_results[0]
    figure = inputs_plot(comps, faces)
    assert figure.alt == inputs_alt(comps, faces)
    assert_every_part_credited_once(figure, comps)
    same = [faces[0]] * len(comps)
    assert f"All {len(comps)} inputs are identical" in inputs_alt(comps, same)
    other = Face(faces[0].box, faces[0].scores, 1 - faces[0].network_input, faces[0].crop, 1.0)
    mixed = inputs_alt(comps, [other, *same[1:-1], None])
    assert f"The {len(comps) - 1} inputs come in 2 different versions" in mixed
    assert f"no face was found: {comps[-1].scene_name}." in mixed
