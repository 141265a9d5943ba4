"""Write data/manifest.csv, the course's list of images and clips, from a mirror's manifest.

The facts (pinned URL, sha256, size, licence, credit, description, context, London Set fields)
come from the asset mirror's ``images/manifest.csv``; this script adds the course's own columns:
``collection`` and ``alt`` (alt text). Alt text never carries the self-reported demographics:
those stay in their own columns, for aggregate use only.

The mirror's descriptions are corrected where they break two course rules (``REWORDED``): a
face is described by what is visible, never by a feeling ("calm", "serious"), and a note about a
photo states facts about the photo, never a prediction of what a model will say about it ("a
classic false positive"); where a lesson tests such a prediction, it computes it.

    python tools/build_manifest.py ../shared/images/manifest.csv [OUT.csv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COLUMNS = [
    "file",
    "collection",
    "sha256",
    "bytes",
    "url",
    "license",
    "credit",
    "alt",
    "context",
    "subject_id",
    "condition",
    "age",
    "gender",
    "ethnicity",
]
OUT = Path(__file__).resolve().parents[1] / "data" / "manifest.csv"


GRID_SETTING = (
    "in a neutral lab setting. Any emotion the classifier reports comes from mouth movements "
    "of speech (talking mid-word)."
)
REWORDED = {  # (file, column): [(mirror's words, the course's words), ...]
    ("fairface/fairface_0015.jpg", "description"): [("with a serious expression", "lips closed")],
    ("fairface/fairface_0215.jpg", "description"): [("neutral expression", "mouth closed")],
    ("fairface/fairface_0278.jpg", "description"): [("neutral expression", "mouth closed")],
    ("fairface/fairface_0335.jpg", "description"): [
        ("calm expression", "mouth closed, looking at the camera")
    ],
    ("fairface/fairface_0486.jpg", "description"): [("with a neutral, attentive expression", "mouth closed")],
    ("fairface/fairface_0537.jpg", "description"): [("serious expression", "mouth closed")],
    ("fairface/fairface_0019.jpg", "context"): [
        ('; wide-eyed look could be read as "surprise" or "fear"', "")
    ],
    ("fairface/fairface_0129.jpg", "context"): [("posing playfully for a photo", "posing for a photo")],
    ("fairface/fairface_0293.jpg", "context"): [
        (
            'excited shout/laugh; open mouth may be read as "surprise" or "fear"',
            "shouting or laughing, mouth wide open",
        )
    ],
    ("fairface/fairface_0318.jpg", "context"): [
        (
            'playful excitement; a classic "fear/surprise" false positive',
            "laughing or shouting, mouth wide open",
        )
    ],
    ("fairface/fairface_0504.jpg", "context"): [
        ("; wrinkles are often misread as negative emotion", "; wrinkles")
    ],
    **{
        (f"video/{clip}.mpg", "context"): [(GRID_SETTING, "in a lab, against a plain background.")]
        for clip in ("grid_bbaf2n", "grid_lbbc2a", "grid_lwbsza", "grid_swiz3n")
    },
}


def reword(row: dict) -> dict:
    for (file, column), changes in REWORDED.items():
        if row["file"] != file:
            continue
        for old, new in changes:
            if old not in row[column]:
                raise SystemExit(f"{file}: the mirror's {column} no longer says {old!r}; update REWORDED.")
            row[column] = row[column].replace(old, new)
    return row


def alt_text(row: dict) -> str:
    if row["file"].startswith("london/"):
        expression = "a neutral face" if row["condition"] == "neutral" else "a smile"
        return (
            f"Studio head-and-shoulders photo of London Set participant {row['subject_id']}, "
            f"facing the camera against a light grey background, making {expression} as instructed."
        )
    return row["description"].strip()


def build(source: Path) -> list[dict]:
    rows = []
    with source.open(newline="", encoding="utf-8") as fh:
        for row in map(reword, csv.DictReader(fh)):
            row["collection"] = row["file"].split("/", 1)[0]
            row["alt"] = alt_text(row)
            rows.append({column: row.get(column, "") for column in COLUMNS})
    return sorted(rows, key=lambda r: r["file"])


def main(argv: list[str]) -> int:
    source = Path(argv[1] if len(argv) > 1 else "../shared/images/manifest.csv")
    out = Path(argv[2]) if len(argv) > 2 else OUT
    rows = build(source)
    out.parent.mkdir(exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
