"""Write data/manifest.csv, the course's list of images and clips, from a mirror's manifest.

The facts (pinned URL, sha256, size, licence, credit, description, context, London Set fields)
come from the asset mirror's ``images/manifest.csv``; this script adds the course's own columns:
``collection`` and ``alt`` (alt text). Alt text never carries the self-reported demographics:
those stay in their own columns, for aggregate use only.

    python tools/build_manifest.py ../shared/images/manifest.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

COLUMNS = [
    "file", "collection", "sha256", "bytes", "url", "license", "credit", "alt", "context",
    "subject_id", "condition", "age", "gender", "ethnicity",
]
OUT = Path(__file__).resolve().parents[1] / "data" / "manifest.csv"


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
        for row in csv.DictReader(fh):
            row["collection"] = row["file"].split("/", 1)[0]
            row["alt"] = alt_text(row)
            rows.append({column: row.get(column, "") for column in COLUMNS})
    return sorted(rows, key=lambda r: r["file"])


def main(argv: list[str]) -> int:
    source = Path(argv[1] if len(argv) > 1 else "../shared/images/manifest.csv")
    rows = build(source)
    OUT.parent.mkdir(exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
