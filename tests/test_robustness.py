"""Lesson 5's curves and agreement: structure, n's and intervals on synthetic analyses, kappa
against hand-computed tables, the figure's alt text, the cache, and one integration test."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from emolab import analysis_cache, assets, audit, display, robustness
from emolab.robustness import Sweep, agreement, agreement_of_labels, cohen_kappa, total_variation

A, B = robustness.DEFAULT_PIPELINES
PLAN = {"blur": (4, 16, 32)}


def fake(label):
    return SimpleNamespace(top_label=label)


def synthetic_sweep(labels_by_photo: dict, pipelines=(A,), condition="smiling", person=None) -> Sweep:
    """labels_by_photo: file -> [clean label, label at each strength of PLAN["blur"]] (None: no face)."""
    rows = []
    for pipe in pipelines:
        for file, labels in labels_by_photo.items():
            clean = labels[0]
            pid = person(file) if person else file
            cond = condition(file) if callable(condition) else condition
            rows.append(robustness._row(pid, file, cond, pipe, "blur", 0, np.nan, fake(clean), clean))
            for step, (strength, label) in enumerate(zip(PLAN["blur"], labels[1:], strict=True), start=1):
                rows.append(
                    robustness._row(pid, file, cond, pipe, "blur", step, strength, fake(label), clean)
                )
    return Sweep.from_rows(rows, PLAN, pipelines)


def forty_people():
    """40 smiling photos, all "happy" when clean: at sigma 4 all unchanged; at 16, 10 lost and 6
    relabelled "neutral"; at 32, 30 lost and the 10 found all "neutral"."""
    photos = {}
    for i in range(40):
        at16 = None if i < 10 else ("neutral" if i < 16 else "happy")
        at32 = None if i < 30 else "neutral"
        photos[f"p{i:02d}"] = ["happy", "happy", at16, at32]
    return photos


def test_curves_count_people_with_wilson_intervals():
    table = synthetic_sweep(forty_people()).curves("blur").set_index("step")
    assert list(table.index) == [0, 1, 2, 3]
    assert list(table["setting"]) == ["clean photo", "sigma 4 px", "sigma 16 px", "sigma 32 px"]
    assert list(table["found n"]) == [40] * 4 and list(table["found k"]) == [40, 40, 30, 10]
    assert list(table["unchanged n"]) == [40, 40, 30, 10]  # of the faces still found
    assert list(table["unchanged k"]) == [40, 40, 24, 0]
    assert list(table["happy k"]) == [40, 40, 24, 0]
    ci = audit.wilson_interval(24, 30)
    assert table.loc[2, "unchanged"] == pytest.approx(0.8)
    assert (table.loc[2, "unchanged low"], table.loc[2, "unchanged high"]) == pytest.approx((ci.low, ci.high))
    for m in robustness.MEASURES:
        assert ((table[f"{m} low"] >= 0) & (table[f"{m} high"] <= 1)).all()
        assert ((table[f"{m} low"] <= table[m]) & (table[m] <= table[f"{m} high"])).all()


def test_neutral_photos_do_not_count_as_smiles():
    photos = {"n1": ["neutral", "neutral", "happy", None], "s1": ["happy", "happy", "sad", "happy"]}
    sweep = synthetic_sweep(photos, condition=lambda f: "neutral" if f.startswith("n") else "smiling")
    table = sweep.curves("blur").set_index("step")
    assert list(table["happy n"]) == [1, 1, 1, 1] and list(table["happy k"]) == [1, 1, 0, 1]
    assert list(table["found n"]) == [2, 2, 2, 2]


def test_two_photos_per_person_use_the_people_bootstrap():
    photos = {
        f"{pid}_{c}": ["happy", "happy", lab, lab]
        for pid in range(12)
        for c, lab in (("a", "happy"), ("b", None))
    }
    sweep = synthetic_sweep(photos, person=lambda f: f.split("_")[0])
    row = sweep.curves("blur").set_index("step").loc[2]
    expected = audit.mean_interval(np.tile([1.0, 0.0], (12, 1)))
    assert row["found n"] == 24 and row["found k"] == 12
    assert (row["found"], row["found low"], row["found high"]) == pytest.approx(
        (expected.estimate, expected.low, expected.high), nan_ok=True
    )


def test_first_flips_find_the_first_strength_that_changes_the_label():
    photos = {
        "relabelled": ["happy", "happy", "neutral", "happy"],  # flips at 16, back at 32: 16 counts
        "lost": ["happy", None, None, "happy"],
        "never": ["sad", "sad", "sad", "sad"],
        "late": ["happy", "happy", "happy", "surprise"],
    }
    flips = synthetic_sweep(photos).first_flips("blur").set_index("file")
    assert flips.loc["relabelled", "first_flip"] == 16 and flips.loc["relabelled", "how"] == "different label"
    assert flips.loc["relabelled", "new_label"] == "neutral"
    assert flips.loc["lost", "first_flip"] == 4 and flips.loc["lost", "how"] == "face lost"
    assert np.isnan(flips.loc["never", "first_flip"]) and flips.loc["never", "how"] == "never"
    assert flips.loc["late", "first_flip"] == 32 and flips.loc["late", "flip_step"] == 3


def test_cohen_kappa_against_hand_computed_tables():
    # p_o = 35/50 = 0.7; p_e = 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    # Cohen (1960)-style 3x3: p_o = 0.70; row shares .5 .3 .2, column shares .45 .35 .2:
    # p_e = .225 + .105 + .04 = .37; kappa = (.70 - .37) / .63
    table = [[35, 10, 5], [5, 20, 5], [5, 5, 10]]
    assert cohen_kappa(table) == pytest.approx((0.65 - 0.37) / 0.63)
    assert cohen_kappa([[10, 0], [0, 5]]) == pytest.approx(1.0)
    assert cohen_kappa([[0, 5], [5, 0]]) == pytest.approx(-1.0)
    assert np.isnan(cohen_kappa([[0, 0], [0, 0]]))
    with pytest.raises(robustness.RobustnessError):
        cohen_kappa([[1, 2, 3], [4, 5, 6]])


def test_agreement_of_labels_builds_the_confusion_table():
    a = ["happy", "happy", "neutral", "sad", None, "happy"]
    b = ["happy", "neutral", "neutral", "neutral", "happy", "happy"]
    result = agreement_of_labels(a, b, "FER", "RAF")
    assert result.n == 5 and result.same == 3  # the pair without a face is left out
    assert result.table.loc["happy", "neutral"] == 1 and result.table.loc["sad", "neutral"] == 1
    assert result.table.shape == (7, 7) and int(result.table.to_numpy().sum()) == 5
    assert result.share.estimate == pytest.approx(0.6)
    assert result.kappa == pytest.approx(cohen_kappa(result.table.to_numpy()))


def test_agreement_ranks_photos_by_total_variation():
    def analysis(source, scores):
        scores = np.array(scores, dtype=float)
        face = SimpleNamespace(scores=scores)
        label = robustness.core.EMOTIONS[int(np.argmax(scores))]
        return SimpleNamespace(source=source, top_label=label, largest_face=face, pipeline="x")

    happy, neutral = [0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0, 1]
    mixed = [0, 0, 0, 0.6, 0, 0, 0.4]
    # Sources as analyses carry them: a cached copy's path, a catalogue name, a learner's file.
    p1, p2 = "/home/x/.cache/emolab/images/london/smiling/001_08.jpg", "london/smiling/002_08.jpg"
    left = [analysis(p1, happy), analysis(p2, happy), analysis("/home/x/me.jpg", mixed)]
    right = [analysis(p1, happy), analysis(p2, neutral), analysis("/home/x/me.jpg", neutral)]
    result = agreement(left, right, a="A (fer)", b="B (raf)", top=2)
    assert total_variation(happy, neutral) == pytest.approx(1.0)
    assert total_variation(mixed, neutral) == pytest.approx(0.6)
    assert list(result.most_different["photo"]) == ["london/smiling/002_08.jpg", "your photo"]
    assert list(result.most_different["total variation"]) == pytest.approx([1.0, 0.6])
    assert result.same == 1 and result.n == 3
    with pytest.raises(robustness.RobustnessError):
        agreement(left, right[:2])


def test_sweep_agreement_per_strength():
    sweep = synthetic_sweep(forty_people(), pipelines=(A, B))
    table = sweep.agreement(A, B).set_index("step")
    assert list(table["n"]) == [40, 40, 30, 10] and (table["share same"] == 1).all()


def test_sweep_agreement_gives_the_clean_photos_once_for_several_degradations():
    rows = []
    for degradation in ("blur", "jpeg"):
        for pipe in (A, B):
            for file in ("p1", "p2"):
                rows.append(
                    robustness._row(
                        file, file, "smiling", pipe, degradation, 0, np.nan, fake("happy"), "happy"
                    )
                )
                rows.append(
                    robustness._row(file, file, "smiling", pipe, degradation, 1, 8, fake("sad"), "happy")
                )
    sweep = Sweep.from_rows(rows, {"blur": (8,), "jpeg": (8,)}, (A, B))
    table = sweep.agreement(A, B)
    assert list(table["step"]) == [0, 1, 1] and list(table["degradation"]) == ["blur", "blur", "jpeg"]


def test_the_curves_table_reads_k_of_n_with_the_interval():
    table = robustness.curves_table(synthetic_sweep(forty_people()).curves("blur"))
    rows = table.loc[A]
    assert rows.loc[robustness.CLEAN, "found"] == "40 of 40 (91% to 100%)"
    assert rows.iloc[-1]["unchanged"].startswith("0 of 10 (")
    lost_all = synthetic_sweep({"p1": ["happy", None, None, None]})
    assert robustness.curves_table(lost_all.curves("blur")).loc[A].iloc[-1]["happy"] == "n = 0"


def test_the_plot_states_its_numbers_readably():
    sweep = synthetic_sweep(forty_people(), pipelines=(A, B))
    figure = robustness.curves_figure(sweep, "blur")
    sizes = display.text_sizes_px(figure)
    assert min(size for _, size in sizes) >= display.MIN_TEXT_PT * 96 / 72 - 0.01
    plot = sweep.plot("blur")
    assert isinstance(plot, display.Figure)
    for text in (
        "sigma 16 px 80% (",
        "n = 30",
        "clean photo 100%",
        "n = 10",
        A,
        B,
        "marker 'o'",
        "marker 's'",
    ):
        assert text in plot.alt, text
    assert "Wilson" in plot.caption and "CC BY 4.0" in plot.caption
    with pytest.raises(robustness.RobustnessError):
        robustness.curves_plot(sweep, "jpeg")


# ---------------------------------------------------------------------------------------------
# With the course's photos and real models


@pytest.fixture(scope="module")
def two_people():
    return robustness.people(2, progress=False)


def test_people_follow_the_rule(two_people):
    london = sorted({a.subject_id for a in assets.collection("london")})
    assert [p.person_id for p in two_people] == sorted(p.person_id for p in two_people)
    assert all(p.condition == "smiling" for p in two_people)
    assert two_people[0].person_id in london[:5]
    for p in two_people:
        assert len(p.box) == 4 and np.asarray(p.landmarks).shape == (5, 2)
    with pytest.raises(robustness.RobustnessError):
        robustness.people(0)


def test_a_tiny_face_is_lost_by_the_haar_detector(two_people):
    photo = two_people[0]
    haar = "DeepFace (Haar + FER2013)"
    big = robustness.analyze_degraded(photo.asset, "face_height", 120, pipeline=haar, box=photo.box)
    tiny = robustness.analyze_degraded(photo.asset, "face_height", 12, pipeline=haar, box=photo.box)
    assert big.faces and not tiny.faces
    assert tiny.image.shape[0] < 48 <= big.image.shape[0]


def test_degraded_course_photos_are_cached_with_their_spec(two_people):
    photo = two_people[0]
    spec = robustness.spec("blur", 16, box=photo.box)
    fields = analysis_cache.key_fields(photo.asset.sha256, 640, spec, detector="yunet", model="raf-db")
    analysis_cache.entry_path(fields).unlink(missing_ok=True)
    first = robustness.analyze_degraded(photo.asset, "blur", 16, pipeline=B)
    assert analysis_cache.entry_path(fields).is_file()
    again = robustness.analyze_degraded(assets.fetch(photo.asset), "blur", 16, pipeline=B)
    assert isinstance(again, robustness.DegradedAnalysis) and not isinstance(
        first, robustness.DegradedAnalysis
    )
    assert [f.box for f in again.faces] == [f.box for f in first.faces]
    assert [list(f.scores) for f in again.faces] == [list(f.scores) for f in first.faces]
    assert (
        again.image.shape == first.image.shape
        and again.largest_face.crop.shape == first.largest_face.crop.shape
    )
    other = analysis_cache.key_fields(
        photo.asset.sha256, 640, robustness.spec("blur", 32), detector="yunet", model="raf-db"
    )
    assert analysis_cache.entry_path(other) != analysis_cache.entry_path(fields)


def test_a_learners_photo_is_never_stored(two_people, tmp_path):
    data = assets.fetch(two_people[0].asset).read_bytes()
    learner = tmp_path / two_people[0].asset.name  # a course file's name, one byte more
    learner.write_bytes(data + b"\0")
    folder = analysis_cache.folder()
    before = set(folder.glob("*.json")) if folder.is_dir() else set()
    result = robustness.analyze_degraded(learner, "jpeg", 5, pipeline=B)
    assert result.faces and not isinstance(result, robustness.DegradedAnalysis)
    assert (set(folder.glob("*.json")) if folder.is_dir() else set()) == before


def test_a_small_sweep_threaded_equals_one_thread(two_people):
    jobs = [("face_height", 48), ("face_height", 12)]
    threaded = robustness.analyze_degraded_many(two_people, jobs, [B], progress=False, workers=2)
    analysis_cache.clear()
    single = robustness.analyze_degraded_many(two_people, jobs, [B], progress=False, workers=1)
    assert threaded.keys() == single.keys() and len(single) == 4
    for key, result in single.items():
        assert [f.box for f in result.faces] == [f.box for f in threaded[key].faces]
    sweep = robustness.sweep("face_height", (48, 12), pipelines=[B], photos=two_people, progress=False)
    table = sweep.curves().set_index("step")
    assert list(table["found n"]) == [2, 2, 2] and table.loc[0, "found"] == 1
    assert table.loc[2, "found"] == 0  # a 12-pixel face: YuNet finds neither


def test_the_overview_shows_each_degradation_at_its_strongest_setting():
    import pandas as pd

    blur = synthetic_sweep(forty_people(), pipelines=(A, B))
    jpeg = blur.observations.assign(
        degradation="jpeg", strength=lambda t: t["step"].map({0: np.nan, 1: 50, 2: 10, 3: 2})
    )
    jpeg.loc[jpeg["step"] == 3, ["found", "unchanged", "happy"]] = [1.0, 1.0, 1.0]
    sweep = Sweep(pd.concat([blur.observations, jpeg]), {"blur": PLAN["blur"], "jpeg": (50, 10, 2)}, (A, B))
    plot = robustness.overview_plot(sweep)
    assert "blur at sigma 32 px" in plot.alt and "jpeg at JPEG quality 2" in plot.alt
    assert "face found 25% (" in plot.alt and "face found 100% (" in plot.alt and "n = 40" in plot.alt
    sizes = display.text_sizes_px(robustness.overview_figure(sweep))
    assert min(size for _, size in sizes) >= display.MIN_TEXT_PT * 96 / 72 - 0.01


def test_one_photo_degraded_every_way_is_credited_and_described(two_people):
    photo = two_people[0]
    figure = robustness.examples_plot(photo, settings=(("blur", 16), ("mask", 0.85)))
    assert figure.alt.startswith("3 panels") and "clean photo" in figure.alt
    assert "sigma 16 px" in figure.alt and "(simulation)" in figure.alt
    assert "mask: simulations" in figure.caption and "blur" not in figure.caption
    assert "DeBruine" in figure._repr_html_() and "Licence" in figure._repr_html_()  # the credit
