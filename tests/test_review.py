"""Lesson 8's review: evidence (recomputed, or from a file written only on request), the learner's
sections, and the review document (every section, every figure with alt text, data credited)."""

from __future__ import annotations

import json
import re

import pytest

from emolab import law, review
from emolab.errors import EmolabError

HANDMADE = review.Evidence(
    "a test model",
    people={
        "pipeline": "test pipeline",
        "people_set": "Face Research Lab London Set",
        "credit": "Lisa DeBruine & Benedict Jones (2017), London Set, CC BY 4.0",
        "measure": "negative score on the neutral face",
        "by": "ethnic group",
        "group": "group A",
        "points": 12.5,
        "low": 3.0,
        "high": 20.0,
        "group_n": 11,
        "smallest_group_n": 1,
        "groups": {"group A": 12.5, "group B": -4.0},
    },
    camera={
        "pipeline": "test pipeline",
        "face_px": 24,
        "people": 48,
        "missed_share": 0.5,
        "missed_low": 0.4,
        "missed_high": 0.6,
        "changed_share": 0.2,
        "changed_low": 0.1,
        "changed_high": 0.35,
        "credit": "London Set, CC BY 4.0",
    },
    alerts={
        "source": "test clips",
        "passengers": 100000,
        "false_per_day": 1234.5,
        "true_per_day": 0.9,
        "ppv": 0.00073,
        "hypothetical": "base rate 1 in 100,000, sensitivity 0.9",
        "rule": "Flag when angry + fear >= 0.50 for 5 consecutive frames.",
    },
    law=review.law_evidence(),
)
TEXT = (
    "The operator says the cameras help staff; the evidence ({alerts_false_per_day} false alerts) says more."
)


def written(evidence=HANDMADE) -> review.Review:
    draft = review.Review(evidence, author="A. Learner")
    for section in review.SECTIONS:
        draft.write(section, f"{section}: {TEXT}")
    return draft


def test_the_proposal_is_a_scenario_and_classifies_as_lesson_7_would():
    assert review.PROPOSAL.status == "hypothetical"
    assert (
        "unverified" in review.PROPOSAL.what_happened.lower() or "Barcelona" in review.PROPOSAL.what_happened
    )
    evidence = review.law_evidence()
    assert evidence["ai_act"] == law.HIGH_RISK_INFORM
    assert evidence["deciding"]["ai_act"].endswith("Art. 50(3)")


def test_placeholders_are_filled_and_unknown_ones_refused():
    values = HANDMADE.values()
    assert review.fill("{alerts_false_per_day} a day", values) == "1,234 a day"
    assert values["alerts_ppv"] == "0.00073"
    draft = review.Review(HANDMADE)
    with pytest.raises(EmolabError) as raised:
        draft.write("alerts", "About {alerts_per_day} a day")
    assert "alerts_false_per_day" in raised.value.advice
    with pytest.raises(EmolabError):
        draft.write("summary", "words words words")


@pytest.mark.parametrize("text", ["", "...", "{model}", "TODO", "   a b   "])
def test_a_section_is_filled_only_with_some_words_of_ones_own(text):
    assert not review.is_filled(text)
    assert review.is_filled("The model misses faces.")


def test_missing_sections_are_named_and_the_document_refuses_to_save(tmp_path):
    draft = review.Review(HANDMADE)
    draft.write("purpose", "The purpose is vague: staff alerts for distress.")
    assert draft.missing() == [s for s in review.SECTIONS if s != "purpose"]
    assert "(not written yet)" in draft.markdown()
    with pytest.raises(EmolabError, match="Not every section"):
        draft.save(tmp_path / "review")
    assert not (tmp_path / "review").exists()


def test_the_document_has_every_section_its_evidence_and_credits(tmp_path):
    html_path = written().save(tmp_path / "my-review")
    markdown = (tmp_path / "my-review" / "review.md").read_text()
    html = html_path.read_text()
    for number, title in enumerate(review.SECTIONS.values(), start=1):
        assert f"## {number}. {title}" in markdown
        assert title in html
    assert "1,234 false alerts" in markdown  # the placeholder, filled
    assert "Data: Lisa DeBruine & Benedict Jones" in markdown  # the data credited where it is used
    assert "Art. 50(3)" in markdown
    assert "data:image" not in markdown  # figures as files beside the Markdown
    assert sorted(p.name for p in (tmp_path / "my-review").glob("*.png")) == [
        "review-alerts.png",
        "review-people.png",
    ]


def test_every_figure_has_alt_text_with_its_numbers(tmp_path):
    html = written().save(tmp_path / "r").read_text()
    images = re.findall(r"<img[^>]*>", html)
    assert len(images) == 2
    for image in images:
        alt = re.search(r'alt="([^"]+)"', image)
        assert alt and len(alt.group(1)) > 40, image
    assert "+12.5" in html and "1,234" in html
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html


def test_the_evidence_file_is_written_only_when_asked_and_holds_no_image(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("people_evidence", "camera_evidence", "alerts_evidence"):
        part = name.split("_")[0]
        monkeypatch.setattr(review, name, lambda part=part: getattr(HANDMADE, part))
    monkeypatch.setattr(
        "emolab.model_info", lambda: type("M", (), {"name": "a test model", "short_name": "test"})()
    )
    gathered = review.gather(progress=False)
    assert list(tmp_path.iterdir()) == [], "gather() must not write anything"
    path = review.save_evidence(gathered)
    assert path == tmp_path / review.EVIDENCE_FILE
    data = json.loads(path.read_text())
    assert set(data) == {"version", "saved", "model", "model_short", "people", "camera", "alerts", "law"}
    text = path.read_text()
    assert path.stat().st_size < 5_000 and "base64" not in text and "png" not in text.lower()
    loaded = review.load_evidence(path)
    assert loaded.people == gathered.people and loaded.alerts == gathered.alerts
    assert loaded.source.startswith("the evidence file my-evidence.json, saved ")


def test_a_missing_or_broken_evidence_file_says_what_to_do(tmp_path):
    with pytest.raises(EmolabError) as raised:
        review.load_evidence(tmp_path / "nothing.json")
    assert "gather()" in raised.value.advice
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 1}')
    with pytest.raises(EmolabError) as raised:
        review.load_evidence(broken)
    assert "save_evidence(gather())" in raised.value.advice


def test_the_review_shows_itself_in_a_notebook():
    shown = written()._repr_html_()
    assert "<h2>9. Recommendation</h2>" in shown and 'alt="Bar chart' in shown


@pytest.mark.notebook
def test_evidence_recomputed_from_the_course_data():
    """The real thing: the London Set audit, a lesson 5 sweep, lesson 6's station (cached)."""
    evidence = review.gather(progress=False)
    people, camera, alerts = evidence.people, evidence.camera, evidence.alerts
    assert people["low"] <= people["points"] <= people["high"]
    assert people["group"] in people["groups"] and people["group_n"] >= 10
    assert 0 <= camera["missed_low"] <= camera["missed_share"] <= camera["missed_high"] <= 1
    assert 0 <= camera["changed_low"] <= camera["changed_share"] <= camera["changed_high"] <= 1
    expected_ppv = alerts["true_per_day"] / (alerts["true_per_day"] + alerts["false_per_day"])
    assert alerts["ppv"] == pytest.approx(expected_ppv, rel=0.06)
    assert evidence.model and set(evidence.values()) >= {"alerts_false_per_day", "people_gap_group"}


@pytest.mark.parametrize("kind", ["strong", "weak"])
def test_the_worked_examples_fill_every_section_with_known_evidence(kind, tmp_path):
    worked = review.example(kind, HANDMADE)
    assert worked.missing() == []
    prose = " ".join(review.EXAMPLES[kind].values()).replace("95% interval", "interval")
    typed = re.findall(r"\d+(?:[.,]\d+)*\s?%|\b\d+[.,]\d+\b", prose)
    assert not typed, f"numbers in the examples come from the evidence, through placeholders: {typed}"
    assert worked.save(tmp_path, name=kind).name == f"{kind}.html"


def test_keep_refuses_to_mix_two_models_in_one_file(tmp_path, monkeypatch):
    monkeypatch.setattr(review, "law_evidence", lambda: HANDMADE.law)
    model = type("M", (), {"name": "model A", "short_name": "A"})()
    monkeypatch.setattr("emolab.model_info", lambda: model)
    path = review.keep("law", path=tmp_path / "evidence.json")
    assert review.load_evidence(path).model == "model A"
    model.name = "model B"
    with pytest.raises(EmolabError) as raised:
        review.keep("law", path=path)
    assert "another emotion model (model A)" in str(raised.value) and "Delete" in raised.value.advice


def test_evidence_from_a_file_must_hold_together(monkeypatch):
    monkeypatch.setattr("emolab.model_info", lambda: type("M", (), {"name": "a test model"})())
    assert review.evidence_problem(HANDMADE) == ""
    bent = review.Evidence(**{**review.asdict(HANDMADE), "alerts": {**HANDMADE.alerts, "ppv": 0.5}})
    assert "true / (true + false)" in review.evidence_problem(bent)
    outside = review.Evidence(**{**review.asdict(HANDMADE), "people": {**HANDMADE.people, "points": 40.0}})
    assert "outside its own interval" in review.evidence_problem(outside)
    other = review.Evidence(**{**review.asdict(HANDMADE), "model": "another model"})
    assert "made with another model" in review.evidence_problem(other)
