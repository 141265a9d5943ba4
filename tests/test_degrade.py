"""The degradations of lesson 5: pure, deterministic, identity at their neutral value, monotone
where physics says so, and refusing a bad strength with advice. Synthetic pictures only."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from emolab import degrade
from emolab.degrade import DEGRADATIONS, DegradationError

BOX = (50, 40, 60, 80)  # x, y, w, h of the "face" in the synthetic photo
LANDMARKS = np.array([[68.0, 70.0], [92.0, 70.0], [80.0, 84.0], [70.0, 100.0], [90.0, 100.0]])


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    """A 160x200 RGB picture with fine detail (noise), edges (a checkerboard) and colour."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:160, 0:200]
    base = np.stack(
        [100 + 60 * np.sin(x / 9.0), 120 + 50 * np.cos(y / 7.0), 90 + 40 * np.sin((x + y) / 11.0)], -1
    )
    checker = ((x // 8 + y // 8) % 2)[..., None] * 40
    noise = rng.normal(0, 12, (160, 200, 3))
    return np.clip(base + checker + noise, 0, 255).astype(np.uint8)


def run(name, rgb, strength, seed=0):
    return degrade.apply(name, rgb, strength, seed=seed, box=BOX, landmarks=LANDMARKS)


def high_frequency(rgb) -> float:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_every_default_strength_keeps_dtype_and_shape_unless_documented(photo, name):
    d = DEGRADATIONS[name]
    before = photo.copy()
    for strength in [s for s in d.strengths if not d.changes_size or s < BOX[3]]:  # box: 80 px tall
        out = run(name, photo, strength)
        assert out.dtype == np.uint8 and out.ndim == 3 and out.shape[2] == 3
        if d.changes_size:
            assert out.shape[:2] != photo.shape[:2]
        else:
            assert out.shape == photo.shape
        assert not np.array_equal(out, photo), f"{name} at {strength} changed nothing"
    np.testing.assert_array_equal(photo, before)  # pure: the input is never modified


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_the_neutral_value_is_the_identity(photo, name):
    d = DEGRADATIONS[name]
    out = run(name, photo, d.neutral)
    np.testing.assert_array_equal(out, photo)
    assert out is not photo  # a copy: changing it never changes the photo


def test_face_height_neutral_is_also_the_faces_own_height(photo):
    np.testing.assert_array_equal(degrade.face_height(photo, BOX[3], box=BOX), photo)


@pytest.mark.parametrize("name", list(DEGRADATIONS))
def test_deterministic_with_a_seed(photo, name):
    strength = DEGRADATIONS[name].strengths[-1]
    np.testing.assert_array_equal(run(name, photo, strength, seed=3), run(name, photo, strength, seed=3))


def test_only_the_noise_depends_on_the_seed(photo):
    assert not np.array_equal(run("low_light", photo, 0.1, seed=1), run("low_light", photo, 0.1, seed=2))
    np.testing.assert_array_equal(run("blur", photo, 4, seed=1), run("blur", photo, 4, seed=2))


@pytest.mark.parametrize(
    ("name", "bad"),
    [
        ("blur", -1),
        ("blur", "a lot"),
        ("blur", float("nan")),
        ("motion_blur", 0.5),
        ("jpeg", 0),
        ("jpeg", 101),
        ("jpeg", 12.5),
        ("low_light", 0),
        ("low_light", 1.5),
        ("infrared", 2),
        ("pitch", -10),
        ("pitch", 90),
        ("distance", 0.5),
        ("mask", 1.2),
        ("sunglasses", -0.1),
        ("face_height", 0),
        ("face_height", BOX[3] + 1),  # a face cannot be made taller than the photo shows it
        ("blur", True),
    ],
)
def test_a_bad_strength_is_refused_with_advice(photo, name, bad):
    with pytest.raises(DegradationError) as err:
        run(name, photo, bad)
    assert err.value.advice and "Check the input" not in err.value.advice


def test_a_bad_image_or_a_missing_face_is_refused(photo):
    with pytest.raises(DegradationError, match="uint8"):
        degrade.blur(photo.astype(np.float32), 2)
    with pytest.raises(DegradationError, match="box="):
        degrade.face_height(photo, 20)
    with pytest.raises(DegradationError, match="5 points"):
        degrade.mask(photo, 0.5, box=BOX, landmarks=np.zeros((4, 2)))
    with pytest.raises(DegradationError, match="no degradation called"):
        degrade.get("fog")


def test_blur_removes_more_detail_as_sigma_grows(photo):
    energy = [high_frequency(degrade.blur(photo, s)) for s in (0, 1, 2, 4, 8)]
    assert all(a > b for a, b in zip(energy, energy[1:], strict=False)), energy


def test_motion_blur_smears_sideways_only(photo):
    def gradients(rgb):
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64)
        return np.abs(np.diff(grey, axis=1)).mean(), np.abs(np.diff(grey, axis=0)).mean()

    horizontal = [gradients(degrade.motion_blur(photo, n))[0] for n in (0, 4, 16, 64)]
    assert all(a > b for a, b in zip(horizontal, horizontal[1:], strict=False)), horizontal
    smeared = degrade.motion_blur(photo, 9)
    column = smeared[:, 100].astype(int)  # each output pixel is the mean of 9 neighbours in its row
    expected = photo[:, 96:105].astype(float).mean(axis=1).round()
    assert np.abs(column - expected).max() <= 1


def test_lower_jpeg_quality_means_larger_error(photo):
    error = [np.abs(degrade.jpeg(photo, q).astype(int) - photo).mean() for q in (95, 50, 20, 5, 1)]
    assert all(a < b for a, b in zip(error, error[1:], strict=False)), error


def test_less_light_is_darker_and_noisier(photo):
    grey = np.full((100, 100, 3), 128, np.uint8)
    means = [degrade.low_light(photo, e).mean() for e in (1, 0.5, 0.1, 0.01)]
    assert all(a > b for a, b in zip(means, means[1:], strict=False)), means
    # relative noise (std / mean) on a flat grey grows as the light falls: shot noise
    relative = [
        degrade.low_light(grey, e).std() / degrade.low_light(grey, e).mean() for e in (0.5, 0.05, 0.005)
    ]
    assert all(a < b for a, b in zip(relative, relative[1:], strict=False)), relative


def test_infrared_takes_the_colour_away(photo):
    def spread(rgb):
        return float(np.ptp(rgb.astype(int), axis=2).mean())

    spreads = [spread(degrade.infrared(photo, s)) for s in (0, 0.25, 0.5, 1)]
    assert all(a > b for a, b in zip(spreads, spreads[1:], strict=False)), spreads
    grey = degrade.infrared(photo, 1)
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])
    # mostly the red channel: a pure red patch comes out lighter than a pure blue one
    patch = np.zeros((2, 2, 3), np.uint8)
    patch[0, :, 0], patch[1, :, 2] = 200, 200
    out = degrade.infrared(patch, 1)
    assert out[0, 0, 0] > out[1, 0, 0]


def test_pitch_shortens_the_picture_and_widens_its_top():
    shape = (400, 300, 3)
    heights, widths = [], []
    for angle in (0, 15, 30, 45, 60):
        corners = np.array([[[0, 0], [300, 0], [300, 400], [0, 400]]], dtype=np.float32)
        u, v = cv2.perspectiveTransform(corners, degrade.pitch_matrix(shape, angle))[0].T
        heights.append(v[2] - v[1])
        widths.append((u[1] - u[0]) - (u[2] - u[3]))  # top edge's width minus bottom edge's
    assert all(a > b for a, b in zip(heights, heights[1:], strict=False)), heights
    assert widths[0] == pytest.approx(0, abs=1e-3)
    assert all(a < b for a, b in zip(widths, widths[1:], strict=False)), widths


def test_distance_shrinks_the_person_in_the_same_frame(photo):
    framed = np.full((160, 200, 3), 30, np.uint8)
    framed[10:-10, 10:-10] = photo[10:-10, 10:-10]  # a photo with a plain border
    covered = [
        int((np.abs(degrade.distance(framed, d).astype(int) - 30).sum(axis=2) > 0).sum())
        for d in (1, 2, 4, 8)
    ]
    assert all(a > b for a, b in zip(covered, covered[1:], strict=False)), covered
    assert covered[1] == pytest.approx(covered[0] / 4, rel=0.15)  # twice as far: a quarter of the area


def test_face_height_scales_the_whole_photo(photo):
    sizes = []
    for height in (60, 40, 20, 10):
        out = degrade.face_height(photo, height, box=BOX)
        assert out.shape[0] == round(photo.shape[0] * height / BOX[3])
        assert out.shape[1] == round(photo.shape[1] * height / BOX[3])
        sizes.append(out.shape[0])
    assert sizes == sorted(sizes, reverse=True)


def test_mask_covers_more_as_it_rises_and_never_the_eyes_below_1(photo):
    changed = []
    for height in (0.25, 0.5, 0.85, 1.0):
        out = degrade.mask(photo, height, box=BOX, landmarks=LANDMARKS)
        diff = np.abs(out.astype(int) - photo).sum(axis=2) > 0
        changed.append(int(diff.sum()))
        if height < 1:
            assert not diff[: int(LANDMARKS[:2, 1].mean()) - 1].any()  # nothing above the eyes
    assert all(a < b for a, b in zip(changed, changed[1:], strict=False)), changed
    assert degrade.mask(photo, 0.5, box=BOX).shape == photo.shape  # the box alone is enough


def test_sunglasses_darken_the_eyes_only(photo):
    x0, x1 = int(LANDMARKS[0, 0]) - 3, int(LANDMARKS[1, 0]) + 3
    y0, y1 = int(LANDMARKS[0, 1]) - 2, int(LANDMARKS[0, 1]) + 3
    eyes = [
        degrade.sunglasses(photo, b, box=BOX, landmarks=LANDMARKS)[y0:y1, x0:x1].mean()
        for b in (0, 0.5, 0.85, 1)
    ]
    assert all(a > b for a, b in zip(eyes, eyes[1:], strict=False)), eyes
    out = degrade.sunglasses(photo, 1, box=BOX, landmarks=LANDMARKS)
    np.testing.assert_array_equal(out[120:], photo[120:])  # the mouth and below untouched


def test_the_registry_describes_every_degradation(photo):
    table = degrade.table()
    assert list(table.index) == list(DEGRADATIONS)
    for d in DEGRADATIONS.values():
        assert d.parameter and d.description and "\n" not in d.description and d.strengths
        assert d.label(d.neutral) == "clean photo"
        assert d.parameter in d.label(d.strengths[0])
        if d.simulation:
            assert "simulat" in (d.function.__doc__ or "").lower()
    assert {n for n, d in DEGRADATIONS.items() if d.simulation} >= {"mask", "sunglasses"}


def test_dim_light_has_poisson_shot_noise():
    # flat grey 128 (linear 0.216) at exposure 0.005: a mean of 1.08 photo-electrons a pixel, so
    # about e^-1.08 = 34% of pixels catch none (black) and the counts' variance equals their mean
    grey = np.full((200, 200, 3), 128, np.uint8)
    out = degrade.low_light(grey, 0.005, seed=11)
    mean = degrade.SRGB_TO_LINEAR[128] * 0.005 * degrade.FULL_WELL
    assert (out == 0).mean() == pytest.approx(np.exp(-mean), abs=0.01)
    lookup = {int(v): k for k, v in enumerate(degrade.srgb_of_counts(degrade.FULL_WELL)[:20])}
    counts = np.vectorize(lookup.get)(out[..., 0])
    assert counts.mean() == pytest.approx(mean, rel=0.03) and counts.var() == pytest.approx(mean, rel=0.06)
