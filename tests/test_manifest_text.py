"""The catalogue's descriptions follow the course's rules: faces are described by what is visible,
never by a feeling, and notes state facts about a photo, never what a model will say about it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from emolab.assets import catalog

ROOT = Path(__file__).resolve().parents[1]
FEELING = re.compile(
    r"\b(calm|serious|attentive|relaxed|cheerful|playful(ly)?|excit\w*|anxious|worried|"
    r"neutral expression|happy|sad|angry|afraid|fearful|surprised|disgusted)\b",
    re.I,
)
PREDICTION = re.compile(
    r"false positive|misread|may be read as|could be read as|the classifier reports", re.I
)


def test_no_description_names_a_feeling_or_predicts_the_model():
    for asset in catalog():
        if asset.collection == "london":
            continue  # generated alt text: "making a smile as instructed"; checked by test_assets
        for column in ("alt", "context"):
            text = getattr(asset, column)
            assert not FEELING.search(text), f"{asset.file} {column}: describes a feeling: {text!r}"
            assert not PREDICTION.search(text), f"{asset.file} {column}: predicts a model's output: {text!r}"


def test_the_checks_above_would_catch_the_mirrors_own_wording():
    assert FEELING.search("photo rotated about 20 degrees, calm expression.")
    assert PREDICTION.search('a classic "fear/surprise" false positive')


@pytest.mark.skipif(not os.environ.get("EMOLAB_OFFLINE_DIR"), reason="needs the asset mirror's manifest")
def test_manifest_is_what_the_build_script_writes_from_the_mirror(tmp_path):
    source = Path(os.environ["EMOLAB_OFFLINE_DIR"]) / "images" / "manifest.csv"
    script = ROOT / "tools" / "build_manifest.py"
    subprocess.run(
        [sys.executable, str(script), str(source), str(tmp_path / "manifest.csv")],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "manifest.csv").read_text() == (ROOT / "data" / "manifest.csv").read_text()
