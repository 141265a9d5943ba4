"""Scores made by hand for the tests of the alert rule and the station simulator."""

from __future__ import annotations

import numpy as np

from emolab import EMOTIONS


def angry_fear_scores(angry_plus_fear):
    """One row of 7 scores per value: angry and fear share the value, neutral the rest; None:
    a frame without a face (a row of NaN)."""
    rows = []
    for value in angry_plus_fear:
        if value is None:
            rows.append(np.full(len(EMOTIONS), np.nan))
            continue
        row = np.zeros(len(EMOTIONS))
        row[EMOTIONS.index("angry")] = row[EMOTIONS.index("fear")] = value / 2
        row[EMOTIONS.index("neutral")] = 1 - value
        rows.append(row)
    return np.array(rows)
