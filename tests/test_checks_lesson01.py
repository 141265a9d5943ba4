"""Lesson 1's checks: each passes a right answer and explains a wrong, missing or `...` one.

Namespaces are built by hand, as a notebook's globals would be. Where a check needs the model
(q1, q2, q3), the expected answers are computed here with the real model, never written in.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import emolab
from emolab import assets
from emolab.checks import Grader, NotYet
from emolab.checks import lesson01 as checks
from emolab.lesson01 import FER2013_COUNTS, analyze_assets, find_asset


@pytest.fixture(scope="module")
def grader():
    return Grader("01")


def not_yet(function, namespace) -> str:
    with pytest.raises(NotYet) as raised:
        function(namespace)
    message = str(raised.value)
    assert len(message) > 30, "a check's message should say what is wrong and what to try"
    return message


@pytest.fixture(scope="module")
def photo_results():
    """(asset, analysis) for the fairface and lisa photos, from the real model."""
    candidates = assets.collection("fairface") + assets.collection("lisa")
    return list(zip(candidates, analyze_assets(candidates, progress=False)))


@pytest.fixture(scope="module")
def smiling_counts():
    smiling = [a for a in assets.collection("london") if a.condition == "smiling"]
    results = analyze_assets(smiling, progress=False)
    happy = sum(any(f.top_label == "happy" for f in r.faces) for r in results)
    return SimpleNamespace(total=len(results), happy=happy, with_face=sum(bool(r.faces) for r in results))


# --- every question: missing and `...` answers ------------------------------------------------

@pytest.mark.parametrize("question, name", [("q1", "my_analysis"), ("q2", "missed_file"),
                                            ("q3", "share_happy"), ("q4", "imbalance")])
def test_missing_and_placeholder_answers_say_what_to_do(grader, question, name):
    missing = grader.check(question, {})
    assert not missing.passed and f"`{name}`" in missing.message and "Run the cell" in missing.message
    placeholder = grader.check(question, {name: ...})
    assert not placeholder.passed and "still `...`" in placeholder.message


def test_grader_never_raises_and_knows_all_four_questions(grader):
    assert set(grader.checks) == {"q1", "q2", "q3", "q4"}
    results = grader.check_all({"my_analysis": object(), "missed_file": 3, "share_happy": "lots", "imbalance": []})
    assert [r.passed for r in results] == [False] * 4
    assert all(r.message for r in results)


# --- q1: an analysis of a photo of the learner's choice -----------------------------------------

def test_q1_passes_an_analysis_with_a_face(photo_results):
    analysis = next(r for a, r in photo_results if r.faces)
    checks.classify_a_photo({"my_analysis": analysis})


def test_q1_without_a_face_needs_a_reason(photo_results):
    analysis = next(r for a, r in photo_results if not r.faces)
    message = not_yet(checks.classify_a_photo, {"my_analysis": analysis, "no_face_reason": ""})
    assert "no face" in message and "no_face_reason" in message
    not_yet(checks.classify_a_photo, {"my_analysis": analysis, "no_face_reason": "tilted"})
    checks.classify_a_photo({"my_analysis": analysis,
                             "no_face_reason": "The head is tilted and the room is dark."})


def test_q1_explains_a_path_or_another_object():
    path = assets.fetch("zoom/60cm.jpg")
    assert "emolab.analyze" in not_yet(checks.classify_a_photo, {"my_analysis": str(path)})
    assert "emolab.analyze" in not_yet(checks.classify_a_photo, {"my_analysis": path})
    assert "Analysis" in not_yet(checks.classify_a_photo, {"my_analysis": {"happy": 1.0}})


# --- q2: a course photo in which the detector finds no face -------------------------------------

def test_q2_passes_any_photo_the_detector_misses(photo_results):
    missed = [a for a, r in photo_results if not r.faces]
    assert missed, "the check needs at least one missed photo in the course's images"
    for asset in missed:
        checks.a_missed_face({"missed_file": asset.file})
    # a unique file name, or the cached path fetch() returns, works too
    checks.a_missed_face({"missed_file": missed[0].name})
    checks.a_missed_face({"missed_file": assets.fetch(missed[0])})


def test_q2_rejects_a_photo_where_a_face_is_found(photo_results):
    found = next(a for a, r in photo_results if r.faces)
    message = not_yet(checks.a_missed_face, {"missed_file": found.file})
    assert found.file in message and "face(s)" in message


def test_q2_rejects_unknown_files_scenes_and_clips():
    assert "not one of the course's images" in not_yet(checks.a_missed_face, {"missed_file": "my_cat.jpg"})
    scene = assets.collection("scenes")[0]
    assert "no person" in not_yet(checks.a_missed_face, {"missed_file": scene.file})
    clip = assets.collection("video")[0]
    assert "video clip" in not_yet(checks.a_missed_face, {"missed_file": clip.file})
    assert "as text" in not_yet(checks.a_missed_face, {"missed_file": 42})


def test_find_asset_accepts_catalogue_names_paths_and_unique_file_names():
    assert find_asset("lisa/lisa3.jpg").file == "lisa/lisa3.jpg"
    assert find_asset("lisa3.jpg").file == "lisa/lisa3.jpg"
    assert find_asset("/somewhere/cache/images/lisa/lisa3.jpg").file == "lisa/lisa3.jpg"
    assert find_asset("001_03.jpg").file == "london/neutral/001_03.jpg"
    assert find_asset("") is None and find_asset("nothing.jpg") is None


# --- q3: share of posed smiles the model labels "happy", recomputed from the model --------------

def test_q3_passes_the_recomputed_share_and_its_rounding(smiling_counts):
    share = smiling_counts.happy / smiling_counts.total
    checks.share_of_smiles_labelled_happy({"share_happy": share})
    checks.share_of_smiles_labelled_happy({"share_happy": round(share, 2)})


def test_q3_a_wrong_count_fails(smiling_counts):
    total, happy, with_face = smiling_counts.total, smiling_counts.happy, smiling_counts.with_face
    explained = [happy / total, happy / max(with_face, 1), 1 - happy / total]  # right, or said so in the message
    wrong = next(w for w in ((happy + k) / total for k in (1, -1, 2, -2, 3, -3, 5))
                 if 0 <= w <= 1 and all(abs(w - e) > 0.5 / total for e in explained))
    message = not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": wrong})
    assert "top_label" in message and str(smiling_counts.total) in message


def test_q3_explains_percentages_counts_and_the_complement(smiling_counts):
    share = smiling_counts.happy / smiling_counts.total
    assert "percentage" in not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": 100 * share})
    if smiling_counts.happy > 1:  # a count; if it happens to equal the share in percent, that is said instead
        message = not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": smiling_counts.happy})
        assert "count" in message or "percentage" in message
    assert "NOT labelled" in not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": 1 - share})
    assert "number" in not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": "0.4"})


def test_q3_explains_dividing_by_photos_with_a_face(smiling_counts):
    if smiling_counts.with_face == smiling_counts.total:
        pytest.skip("the detector found a face in every smiling photo, so both denominators agree")
    share = smiling_counts.happy / smiling_counts.with_face
    if abs(share - smiling_counts.happy / smiling_counts.total) <= 0.5 / smiling_counts.total:
        pytest.skip("the two denominators give shares closer than the tolerance")
    message = not_yet(checks.share_of_smiles_labelled_happy, {"share_happy": share})
    assert "in which the detector found a face" in message


# --- q4: FER2013's happy / disgust ratio ----------------------------------------------------------

def test_q4_passes_the_ratio_of_the_counts():
    ratio = FER2013_COUNTS["happy"] / FER2013_COUNTS["disgust"]
    checks.fer2013_imbalance({"imbalance": ratio})
    checks.fer2013_imbalance({"imbalance": round(ratio, 1)})
    assert ratio == pytest.approx(16.43, abs=0.01)  # the counts as published: 8989 / 547


def test_q4_explains_wrong_answers():
    ratio = FER2013_COUNTS["happy"] / FER2013_COUNTS["disgust"]
    assert "upside down" in not_yet(checks.fer2013_imbalance, {"imbalance": 1 / ratio})
    assert "percentage" in not_yet(checks.fer2013_imbalance, {"imbalance": 100 / ratio})
    assert "ratio of the two counts" in not_yet(checks.fer2013_imbalance, {"imbalance": 8989 - 547})
    assert "number" in not_yet(checks.fer2013_imbalance, {"imbalance": "16.4"})
    assert "number" in not_yet(checks.fer2013_imbalance, {"imbalance": True})
    assert "NaN" in not_yet(checks.fer2013_imbalance, {"imbalance": float("nan")})


# --- the exercise notebook's display helpers never fail on an unanswered question -----------------

def test_display_helpers_explain_placeholders(capsys):
    from emolab.lesson01 import show_missed, show_result

    show_result(...)
    show_result("photo.jpg")
    show_missed(...)
    show_missed("my_cat.jpg")
    printed = capsys.readouterr().out
    assert printed.count("Nothing to show") == 3 and "not one of the course's photos" in printed


def test_asset_for_finds_the_credit_of_a_course_photo():
    from emolab.lesson01 import asset_for

    analysis = emolab.analyze(assets.fetch("zoom/60cm.jpg"))
    assert asset_for(analysis).file == "zoom/60cm.jpg"
