"""Write the rubric's two worked example reviews, strong and weak, into instructors/examples/.

Their texts are the package's (``emolab/review_examples.json``); their evidence is recomputed
with the course's data and whichever emotion model this machine has, which the documents name.
Run it again after changing the texts or the evidence:

    EMOLAB_OFFLINE_DIR=../shared python tools/build_example_reviews.py
"""

from __future__ import annotations

from pathlib import Path

from emolab import review

FOLDER = Path(__file__).resolve().parents[1] / "instructors" / "examples"


def main() -> int:
    evidence = review.gather()
    for kind in review.EXAMPLES:
        html = review.example(kind, evidence).save(FOLDER, name=f"{kind}-review")
        html.unlink()  # the Markdown (with its figures beside it) is what the rubric links to
        print("wrote", html.with_suffix(".md").relative_to(FOLDER.parents[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
