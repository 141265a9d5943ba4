"""Cited facts that lessons and checks compute with (never model outputs).

Each constant names its source beside it; a lesson that shows one shows the source too.
"""

from __future__ import annotations

# Goodfellow et al. (2013), "Challenges in Representation Learning: A report on three machine
# learning contests", arXiv:1307.0414: 35,887 images, counted per FER2013 class and given here
# in emolab's label order (their "Anger" is "angry", "Happiness" is "happy", and so on).
FER2013_COUNTS = {
    "angry": 4953,
    "disgust": 547,
    "fear": 5121,
    "happy": 8989,
    "sad": 6077,
    "surprise": 4002,
    "neutral": 6198,
}
FER2013_SOURCE = (
    "Goodfellow et al. (2013), Challenges in Representation Learning: A report on three "
    "machine learning contests, arXiv:1307.0414"
)
