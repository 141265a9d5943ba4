"""The lesson 4 audit: intervals (Wilson, Newcombe, people not photos resampled), group sizes,
groups too small to show, power, figures, card.

Most tests build small synthetic audits from real ``Analysis`` and ``Face`` objects with made-up
scores, so they run without the model; one test audits the real London Set with the default
pipeline and checks only its structure.
"""

from __future__ import annotations

import html
import inspect
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, bootstrap

from emolab import EMOTIONS, assets, audit, core
from emolab.audit import (
    CANNOT_SHOW,
    EMPTY,
    MIN_PEOPLE,
    MIN_SHOWN,
    NOT_SHOWN,
    TOO_FEW,
    WHOLE_SET,
    AuditError,
    PeopleSet,
    Person,
    compare,
    compare_plot,
    difference_interval,
    mean_interval,
    people_needed,
    power_table,
    rate_difference_interval,
    run_audit,
    simulate_power,
    wilson_interval,
)
from emolab.core import Analysis, Face, ModelInfo
from emolab.display import Figure

Z = 1.959963984540054  # the 97.5% point of the standard normal

MODEL_A = ModelInfo("Model A, trained on set A", "model A", "a" * 64, False, "A et al.")
MODEL_B = ModelInfo("Model B, trained on set B", "model B", "b" * 64, False, "B et al.")


# ---------------------------------------------------------------------------------------------
# Synthetic people and analyses


def fake_asset(file: str) -> assets.Asset:
    return assets.Asset(file, "synthetic", "0" * 64, 1, "", "CC0", "made up", "a made-up photo", "")


def scores_for(label: str, negative: float = 0.0) -> np.ndarray:
    """Scores whose top label is ``label``; the four negative labels share ``negative``."""
    scores = np.zeros(len(EMOTIONS))
    for other in audit.NEGATIVE_LABELS:
        scores[EMOTIONS.index(other)] = negative / 4
    scores[EMOTIONS.index(label)] += 1 - scores.sum()
    return scores


def analysis_of(label: str | None, model=MODEL_A, negative: float = 0.0, detector=core.DETECTOR_NAME):
    """An Analysis with one face labelled ``label`` (None: no face found)."""
    faces = []
    if label is not None:
        faces = [
            Face((0, 0, 10, 10), scores_for(label, negative), np.zeros((48, 48)), np.zeros((10, 10, 3)), 1.0)
        ]
    return Analysis(np.zeros((20, 20, 3), np.uint8), faces, model, "synthetic", detector=detector)


def synthetic(spec, model=MODEL_A, name="synthetic set"):
    """A people set and its analyses from ``spec``: (group, gender, smiling label, neutral label,
    negative score on the neutral face) per person; a label None means no face found."""
    people, pairs = [], []
    for i, (group, gender, smile, neutral, negative) in enumerate(spec):
        photos = {
            "neutral": fake_asset(f"p{i:03d}_neutral.jpg"),
            "smiling": fake_asset(f"p{i:03d}_smiling.jpg"),
        }
        people.append(Person(f"p{i:03d}", {"group": group, "gender": gender}, photos))
        pairs.append((photos["smiling"], analysis_of(smile, model)))
        pairs.append((photos["neutral"], analysis_of(neutral, model, negative)))
    people_set = PeopleSet(
        name=name,
        people=tuple(people),
        groups_defined_by="self-reported by each (made-up) participant",
        consent="Made up for a test.",
        credit="nobody",
        photographed="made up",
    )
    return people_set, pairs


def standard_spec():
    """Group A: 12 people, B: 10, C: 3, D: 1; D is everyone's 'woman', nobody in C is."""
    spec = []
    # A: 6 of 12 smiles labelled happy; 9 of 12 neutral faces labelled neutral; one missed smile
    for i in range(12):
        smile = None if i == 11 else ("happy" if i < 6 else "neutral")
        spec.append(("A", "man" if i % 2 else "woman", smile, "neutral" if i < 9 else "surprise", 0.2))
    # B: every smile happy, no neutral face neutral (an all-one and an all-zero group)
    for i in range(10):
        spec.append(("B", "man" if i % 2 else "woman", "happy", "happy", 0.6))
    for _ in range(3):
        spec.append(("C", "man", "happy", "neutral", 0.1))
    spec.append(("D", "woman", "surprise", "neutral", 0.0))
    return spec


@pytest.fixture(scope="module")
def standard():
    people, pairs = synthetic(standard_spec())
    return run_audit(people, pairs, n_resamples=1000)


def row(table, group, key):
    found = table[(table["group"] == group) & (table["measure"] == key)]
    assert len(found) == 1, (group, key)
    return found.iloc[0]


# ---------------------------------------------------------------------------------------------
# Wilson intervals


@pytest.mark.parametrize("k, n", [(3, 10), (0, 13), (13, 13), (1, 1), (0, 1), (40, 101), (5, 9)])
def test_wilson_interval_is_scipys(k, n):
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    got = wilson_interval(k, n)
    assert got.estimate == k / n
    assert (got.low, got.high) == pytest.approx((expected.low, expected.high), abs=1e-12)


def hand_wilson(k, n, z=Z):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_interval_by_hand():
    # 3 of 10 people, worked by hand: 10.8% to 60.3%
    got = wilson_interval(3, 10)
    assert (got.low, got.high) == pytest.approx(hand_wilson(3, 10), abs=1e-9)
    assert (round(got.low, 3), round(got.high, 3)) == (0.108, 0.603)


def test_wilson_interval_of_all_zero_all_one_one_person_and_nobody():
    zero, one, single = wilson_interval(0, 13), wilson_interval(13, 13), wilson_interval(1, 1)
    assert zero.low == pytest.approx(0, abs=1e-12) and zero.high == pytest.approx(Z**2 / (13 + Z**2))
    assert one.high == pytest.approx(1) and one.low == pytest.approx(13 / (13 + Z**2))
    assert (
        single.estimate == 1
        and single.low == pytest.approx(1 / (1 + Z**2))
        and single.high == pytest.approx(1)
    )
    nobody = wilson_interval(0, 0)
    assert all(math.isnan(v) for v in (nobody.estimate, nobody.low, nobody.high))
    with pytest.raises(AuditError):
        wilson_interval(4, 3)


def test_a_wider_confidence_gives_a_wider_interval():
    assert wilson_interval(5, 20, 0.99).width > wilson_interval(5, 20, 0.95).width


# ---------------------------------------------------------------------------------------------
# The bootstrap: people, not photos


def correlated_photos(k: int, n: int) -> np.ndarray:
    """n people with two photos each; a person's two photos always have the same outcome."""
    outcome = np.zeros(n)
    outcome[:k] = 1
    return np.column_stack([outcome, outcome])


def test_the_bootstrap_resamples_people_so_correlated_photos_do_not_narrow_the_interval():
    a, b = correlated_photos(12, 30), correlated_photos(18, 30)
    by_people = difference_interval(a, b, n_resamples=4000, seed=1)
    # the same photos treated as 60 independent ones per group: the mistake
    by_photos = difference_interval(a.reshape(-1), b.reshape(-1), n_resamples=4000, seed=1)
    assert by_people.estimate == pytest.approx(-0.2) and by_photos.estimate == pytest.approx(-0.2)
    # 30 independent people per group: standard error sqrt(2 * 0.24 / 30)
    expected_width = 2 * Z * math.sqrt(2 * 0.24 / 30)
    assert by_people.width == pytest.approx(expected_width, rel=0.12)
    assert by_photos.width < 0.8 * by_people.width  # about 1/sqrt(2) of it: visibly too narrow
    assert not by_people.excludes_zero  # the honest interval includes zero here...
    assert by_photos.excludes_zero  # ...and the photo-resampled one claims a gap


def test_uncorrelated_photos_give_about_the_photo_interval():
    rng = np.random.default_rng(3)
    a, b = (rng.random((200, 2)) < 0.4).astype(float), (rng.random((200, 2)) < 0.5).astype(float)
    by_people = difference_interval(a, b, n_resamples=2000)
    by_photos = difference_interval(a.reshape(-1), b.reshape(-1), n_resamples=2000)
    assert by_people.width == pytest.approx(by_photos.width, rel=0.15)


def test_a_mean_interval_is_scipys_percentile_bootstrap():
    values = np.array([0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.35])
    got = mean_interval(values, n_resamples=3000, seed=7)
    expected = bootstrap(
        (values,), np.mean, method="percentile", n_resamples=3000, rng=np.random.default_rng(7)
    ).confidence_interval
    assert got.estimate == pytest.approx(values.mean())
    assert (got.low, got.high) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_the_bootstrap_is_seeded():
    a, b = np.array([0.1, 0.7, 0.3, 0.2, 0.9, 0.4]), np.array([0.5, 0.8, 0.6, 0.1, 0.9, 0.7, 0.75])
    assert difference_interval(a, b, seed=5) == difference_interval(a, b, seed=5)
    assert difference_interval(a, b, seed=5) != difference_interval(a, b, seed=6)


def test_the_bootstrap_collapses_for_all_zero_and_all_one_groups_so_rates_do_not_use_it():
    # the bootstrap of means (kept for the negative score) gives numbers, not NaN, here; but a
    # group at 0% or 100% has nothing to resample, so its interval is far too narrow for a rate
    zeros, ones = np.zeros(10), np.ones(12)
    gap = difference_interval(zeros, ones)
    assert (gap.estimate, gap.low, gap.high) == (-1, -1, -1) and gap.excludes_zero
    none = difference_interval(zeros, np.zeros(8))
    assert (none.estimate, none.low, none.high) == (0, 0, 0) and not none.excludes_zero
    mixed = difference_interval(np.array([0, 0, 0, 0, 1.0]), ones)
    assert not math.isnan(mixed.low) and mixed.high <= 0 and mixed.low >= -1
    # the same people as rates: Newcombe's interval keeps both groups' uncertainty
    assert rate_difference_interval(0, 10, 12, 12).width > 0.3
    assert not rate_difference_interval(0, 10, 0, 8).excludes_zero
    assert rate_difference_interval(0, 10, 0, 8).width > 0.5


# ---------------------------------------------------------------------------------------------
# Differences of rates: Newcombe's hybrid score interval (method 10)

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (no continuity
# correction): (k1, n1, k2, n2) -> the 95% interval of p1 - p2, to 4 decimals. Row (a) is the
# paper's worked example (difference 0.2000); the others are its edge cases with 0% and 100%.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),  # (a)
    ((9, 10, 3, 10), (0.1705, 0.8090)),  # (b)
    ((6, 7, 2, 7), (0.0582, 0.8062)),  # (c)
    ((5, 56, 0, 29), (-0.0381, 0.1926)),  # (d)
    ((0, 10, 0, 20), (-0.1611, 0.2775)),  # (e)
    ((0, 10, 0, 10), (-0.2775, 0.2775)),  # (f)
    ((10, 10, 0, 20), (0.6791, 1.0000)),  # (g)
    ((10, 10, 0, 10), (0.6075, 1.0000)),  # (h)
]


def test_newcombes_worked_example():
    got = rate_difference_interval(56, 70, 48, 80)
    assert got.estimate == pytest.approx(0.2)
    assert (round(got.low, 4), round(got.high, 4)) == (0.0524, 0.3339)
    assert got.excludes_zero


@pytest.mark.parametrize("counts, expected", NEWCOMBE_TABLE_II)
def test_newcombes_published_table(counts, expected):
    got = rate_difference_interval(*counts)
    assert (got.low, got.high) == pytest.approx(expected, abs=5e-5)


def hand_newcombe(k1, n1, k2, n2):
    """Method 10 from the hand-computed Wilson intervals (hand_wilson), not from scipy."""
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = hand_wilson(k1, n1), hand_wilson(k2, n2)
    return p1 - p2 - math.hypot(p1 - l1, u2 - p2), p1 - p2 + math.hypot(u1 - p1, p2 - l2)


@pytest.mark.parametrize("counts", [(3, 10, 7, 12), (0, 13, 5, 89), (13, 13, 60, 89), (1, 1, 2, 4)])
def test_newcombe_by_hand_from_the_wilson_formula(counts):
    got = rate_difference_interval(*counts)
    assert (got.low, got.high) == pytest.approx(hand_newcombe(*counts), abs=1e-9)


def test_newcombe_at_zero_and_one_hundred_percent():
    # 13 of 13 neutral faces labelled neutral: Wilson's interval for that group alone is 77% to
    # 100%, and the difference keeps all of that uncertainty
    everyone = rate_difference_interval(13, 13, 9, 13)
    one = wilson_interval(13, 13)
    nine = wilson_interval(9, 13)
    assert everyone.estimate == pytest.approx(4 / 13) and everyone.high <= 1
    assert everyone.low == pytest.approx(4 / 13 - math.hypot(1 - one.low, nine.high - 9 / 13))
    assert everyone.high == pytest.approx(4 / 13 + (9 / 13 - nine.low))  # 13 of 13: nothing above
    nine_of_13 = np.r_[np.ones(9), np.zeros(4)]
    assert everyone.width > 1.2 * difference_interval(np.ones(13), nine_of_13).width  # the bootstrap's
    nobody = rate_difference_interval(0, 13, 4, 13)
    assert nobody.estimate == pytest.approx(-4 / 13)  # the mirror image: 0% is 100% of the other outcome
    assert (nobody.low, nobody.high) == pytest.approx((-everyone.high, -everyone.low))
    # both groups all counted: no difference, and an interval of real width around it
    both = rate_difference_interval(13, 13, 10, 10)
    assert both.estimate == 0 and not both.excludes_zero
    assert both.low == pytest.approx(-(1 - wilson_interval(13, 13).low))
    assert both.high == pytest.approx(1 - wilson_interval(10, 10).low)
    assert rate_difference_interval(0, 13, 0, 10).width == pytest.approx(both.width)
    # swapping the groups mirrors the interval
    swapped = rate_difference_interval(9, 13, 13, 13)
    assert (swapped.low, swapped.high) == pytest.approx((-everyone.high, -everyone.low))


def test_newcombe_for_an_empty_group_and_a_group_of_one():
    for counts in [(0, 0, 3, 10), (3, 10, 0, 0), (0, 0, 0, 0)]:
        empty = rate_difference_interval(*counts)
        assert all(math.isnan(v) for v in (empty.estimate, empty.low, empty.high))
        assert not empty.excludes_zero
    single = rate_difference_interval(1, 1, 2, 4)
    assert single.estimate == 0.5 and single.low < 0 < single.high  # one person proves nothing
    assert -1 <= single.low and single.high <= 1
    with pytest.raises(AuditError):
        rate_difference_interval(5, 4, 1, 2)


def test_a_wider_confidence_gives_a_wider_difference_interval():
    assert rate_difference_interval(5, 20, 9, 20, 0.99).width > rate_difference_interval(5, 20, 9, 20).width


def test_the_audit_does_not_call_a_gap_established_against_a_group_at_100_percent():
    # 13 of 13 people's neutral faces labelled "neutral", against 48 of 60: the bootstrap over
    # people said 10 to 30 points, "excludes zero"; Newcombe's interval includes zero
    spec = [("all", "man", "happy", "neutral", 0.1) for _ in range(13)]
    spec += [("rest", "man", "happy", "neutral" if i < 48 else "sad", 0.1) for i in range(60)]
    people, pairs = synthetic(spec)
    result = run_audit(people, pairs, n_resamples=200)
    gap = row(result.differences("group"), "all", "neutral_neutral")
    expected = rate_difference_interval(13, 13, 48, 60)
    assert (gap["difference"], gap["low"], gap["high"]) == pytest.approx(
        (expected.estimate, expected.low, expected.high)
    )
    assert gap["low"] < 0 < gap["high"] and not gap["excludes zero"]
    assert gap["interval"] == audit.RATE_DIFFERENCE_METHOD and "Newcombe" in gap["interval"]
    bootstrap_gap = difference_interval(np.ones(13), np.r_[np.ones(48), np.zeros(12)])
    assert bootstrap_gap.excludes_zero  # what the audit said before


def test_a_group_of_one_or_nobody_has_no_interval():
    one = difference_interval(np.array([1.0]), np.array([0, 1, 0, 1.0]))
    assert one.estimate == 0.5 and math.isnan(one.low) and math.isnan(one.high)
    nobody = difference_interval(np.array([]), np.array([0, 1.0]))
    assert math.isnan(nobody.estimate) and not nobody.excludes_zero
    single = mean_interval(np.array([0.3]))
    assert single.estimate == pytest.approx(0.3) and math.isnan(single.low)
    assert math.isnan(mean_interval(np.array([])).estimate)
    same = mean_interval(np.full(5, 0.25))
    assert (same.low, same.high) == pytest.approx((0.25, 0.25))


def test_people_whose_value_is_missing_are_left_out():
    values = np.array([[1.0, np.nan], [np.nan, np.nan], [0.0, 0.0]])
    # person 2 has nothing to count; the statistic is the mean over the counted photos
    assert mean_interval(values).estimate == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------------------------
# Power


def test_power_grows_with_the_number_of_people():
    powers = [simulate_power(0.5, 0.10, n, simulations=1500) for n in (13, 100, 400)]
    assert powers[0] < powers[1] < powers[2]
    assert powers[0] < 0.2 and powers[2] > 0.6


def test_with_no_gap_about_five_percent_of_intervals_exclude_zero():
    false_alarms = simulate_power(0.5, 0.0, 100, simulations=4000, resamples=400, seed=11)
    assert 0.03 <= false_alarms <= 0.08


def test_a_small_group_against_a_large_rest_has_more_power_than_two_small_groups():
    small = simulate_power(0.5, 0.2, 13, simulations=1500)
    against_rest = simulate_power(0.5, 0.2, 13, n_other=89, simulations=1500)
    assert small < against_rest < simulate_power(0.5, 0.2, 89, simulations=1500)


def test_power_simulation_is_seeded_and_checks_its_arguments():
    assert simulate_power(0.4, 0.1, 50, seed=3) == simulate_power(0.4, 0.1, 50, seed=3)
    with pytest.raises(AuditError):
        simulate_power(0.95, 0.10, 20)
    with pytest.raises(AuditError):
        simulate_power(0.5, 0.1, 0)
    with pytest.raises(AuditError):
        people_needed(0.5, 0.0)


def test_the_vectorised_wilson_bounds_are_scipys():
    for n in (1, 2, 9, 13, 50, 101):
        k = np.arange(n + 1)
        _, low, high = audit._wilson_bounds(k, np.full(n + 1, n))
        for i in k:
            ci = binomtest(int(i), n).proportion_ci(confidence_level=0.95, method="wilson")
            assert (low[i], high[i]) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_the_simulation_uses_the_audits_interval_for_every_pair_of_counts():
    for n_a, n_b in ((7, 11), (13, 13), (1, 3)):
        k_a, k_b = np.meshgrid(np.arange(n_a + 1), np.arange(n_b + 1), indexing="ij")
        low, high = audit._newcombe_bounds(k_a.ravel(), n_a, k_b.ravel(), n_b)
        for i, (a, b) in enumerate(zip(k_a.ravel(), k_b.ravel(), strict=True)):
            expected = rate_difference_interval(int(a), n_a, int(b), n_b)
            assert (low[i], high[i]) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_simulated_power_is_exact_per_made_up_audit():
    # the same made-up counts, each audited with the audit's own function, give the same power
    simulations, n, n_other, seed = 300, 13, 20, 4
    rng = np.random.default_rng(seed)
    k_a = rng.binomial(n, 0.5, size=simulations)
    k_b = rng.binomial(n_other, 0.75, size=simulations)
    by_audit = np.mean(
        [
            rate_difference_interval(int(b), n_other, int(a), n).excludes_zero
            for a, b in zip(k_a, k_b, strict=True)
        ]
    )
    got = simulate_power(0.5, 0.25, n, n_other=n_other, simulations=simulations, seed=seed)
    assert got == pytest.approx(by_audit)


def test_simulated_power_agrees_with_the_exact_sum_over_every_audit():
    from scipy.stats import binom

    n, base, gap = 25, 0.4, 0.3
    k_a, k_b = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    low, high = audit._newcombe_bounds(k_b.ravel(), n, k_a.ravel(), n)
    weights = binom.pmf(k_a.ravel(), n, base) * binom.pmf(k_b.ravel(), n, base + gap)
    exact = float(np.sum(weights * ((low > 0) | (high < 0))))
    assert simulate_power(base, gap, n, simulations=40000) == pytest.approx(exact, abs=0.01)


def test_people_needed_for_a_ten_point_gap_is_in_the_hundreds():
    result = people_needed(0.5, 0.10, simulations=1500)
    # the normal approximation: (1.96 + 0.84)^2 * (0.25 + 0.24) / 0.01 = about 385
    assert 300 <= result.n_per_group <= 480
    assert result.power >= 0.8 and result.tried[result.n_per_group] == result.power
    below = [n for n in result.tried if n < result.n_per_group]
    assert below and all(result.tried[n] < 0.8 for n in below)


def test_power_table():
    table = power_table(0.5, 0.1, sizes=(9, 13, 400), simulations=800)
    assert list(table["people per group"]) == [9, 13, 400]
    assert table["power"].iloc[0] < 0.2 < table["power"].iloc[2]


# ---------------------------------------------------------------------------------------------
# The audit of a synthetic set


def test_rates_counts_and_wilson_intervals_per_group(standard):
    table = standard.table("group")
    assert list(dict.fromkeys(table["group"])) == [WHOLE_SET, "A", "B", "C", "D"]
    a_smile = row(table, "A", "smile_happy")
    assert (a_smile["people"], a_smile["n"], a_smile["k"]) == (12, 11, 6)  # one smile missed
    assert (a_smile["low"], a_smile["high"]) == pytest.approx(
        (wilson_interval(6, 11).low, wilson_interval(6, 11).high)
    )
    assert row(table, "A", "missed")["k"] == 1 and row(table, "A", "missed")["n"] == 12
    assert row(table, "A", "neutral_neutral")["k"] == 9
    b_smile, b_neutral = row(table, "B", "smile_happy"), row(table, "B", "neutral_neutral")
    assert b_smile["estimate"] == 1 and b_neutral["estimate"] == 0  # all-one, all-zero: no NaN
    assert not math.isnan(b_smile["low"]) and not math.isnan(b_neutral["high"])
    whole = row(table, WHOLE_SET, "smile_happy")
    assert (whole["people"], whole["n"], whole["k"]) == (26, 25, 6 + 10 + 3)


def test_the_negative_score_on_neutral_faces(standard):
    table = standard.table("group")
    assert row(table, "A", "negative_on_neutral")["estimate"] == pytest.approx(0.2)
    assert row(table, "B", "negative_on_neutral")["estimate"] == pytest.approx(0.6)
    assert row(table, "B", "negative_on_neutral")["interval"] == "bootstrap over people"
    d = row(table, "D", "negative_on_neutral")
    assert math.isnan(d["estimate"]) and math.isnan(d["low"]) and d["not shown"]  # a group of one


def test_small_groups_are_shown_and_marked(standard):
    table = standard.table("group")
    for group in ("C", "D"):
        assert row(table, group, "smile_happy")["too few"]
    assert row(table, "C", "smile_happy")["note"] == TOO_FEW
    assert row(table, "D", "smile_happy")["note"] == NOT_SHOWN  # one person: see MIN_SHOWN
    for group in ("A", "B", WHOLE_SET):
        assert not row(table, group, "smile_happy")["too few"]
    summary = standard.summary("group")
    assert list(summary.index) == [WHOLE_SET, "A", "B", "C", "D"]
    assert list(summary["people"]) == [26, 12, 10, 3, 1]
    assert summary.loc["D", "posed smile labelled 'happy'"] == f"{NOT_SHOWN} (n = 1)"
    assert TOO_FEW in summary.loc["C", "posed smile labelled 'happy'"]
    assert TOO_FEW not in summary.loc["A", "posed smile labelled 'happy'"]
    assert "6 of 11" in summary.loc["A", "posed smile labelled 'happy'"]


def test_the_minimum_is_a_named_constant_with_its_reason_and_can_be_changed():
    assert MIN_PEOPLE == 10
    source = inspect.getsource(audit)
    docstring = re.search(r'MIN_PEOPLE = 10\n"""(.*?)"""', source, re.DOTALL)
    assert docstring and "Why 10" in docstring.group(1)
    people, pairs = synthetic(standard_spec())
    relaxed = run_audit(people, pairs, min_people=3, n_resamples=200)
    table = relaxed.table("group")
    assert not row(table, "C", "smile_happy")["too few"] and row(table, "D", "smile_happy")["too few"]


def test_intersections_list_every_combination_with_its_n_including_empty_ones(standard):
    table = standard.table(("gender", "group"))
    people = table.drop_duplicates("group").set_index("group")["people"]
    assert people[WHOLE_SET] == 26
    assert people.drop(WHOLE_SET).sum() == 26
    assert people["woman × A"] == 6 and people["man × D"] == 0
    empty = row(table, "man × D", "smile_happy")
    assert empty["n"] == 0 and empty["note"] == EMPTY and math.isnan(empty["estimate"])
    assert "no one in this group" in standard.summary(("gender", "group")).loc["man × D"].iloc[1]
    assert standard.table(["gender", "group"]) is table  # a list names the same intersection


def test_differences_from_everyone_else(standard):
    diffs = standard.differences("group")
    b = diffs[(diffs["group"] == "B") & (diffs["measure"] == "neutral_neutral")].iloc[0]
    # B: 0 of 10 neutral; everyone else: 9 + 3 + 1 = 13 of 16
    assert b["difference"] == pytest.approx(0 - 13 / 16)
    assert b["excludes zero"] and (b["n"], b["n compared"]) == (10, 16) and not b["too few"]
    assert b["interval"] == audit.RATE_DIFFERENCE_METHOD
    assert row(diffs, "B", "negative_on_neutral")["interval"] == "bootstrap over people"
    d = diffs[(diffs["group"] == "D") & (diffs["measure"] == "smile_happy")].iloc[0]
    assert d["too few"] and d["not shown"] and math.isnan(d["low"]) and math.isnan(d["difference"])
    named = standard.differences("group", reference="A")
    assert "A" not in set(named["group"]) and set(named["compared with"]) == {"A"}
    with pytest.raises(AuditError):
        standard.differences("group", reference="Z")


def test_unknown_groups_and_measures_are_refused(standard):
    with pytest.raises(AuditError, match="No group attribute"):
        standard.table("height")
    with pytest.raises(AuditError, match="No measure"):
        standard.table("group", ["smiles"])


def test_every_photo_needs_an_analysis():
    people, pairs = synthetic(standard_spec())
    with pytest.raises(AuditError, match="have no analysis"):
        run_audit(people, pairs[:-1])
    with pytest.raises(AuditError, match="returned 3 results"):
        run_audit(people, lambda photos: [analysis_of("happy")] * 3)


def test_a_function_that_analyses_gives_the_same_audit_as_pairs():
    people, pairs = synthetic(standard_spec())
    by_file = {asset.file: a for asset, a in pairs}
    from_function = run_audit(people, lambda photos: [by_file[p.file] for p in photos], n_resamples=200)
    from_pairs = run_audit(people, pairs, n_resamples=200)
    assert from_function.table("group").equals(from_pairs.table("group"))


def test_a_model_without_the_negative_labels_is_refused():
    face = type(
        "F", (), {"box": (0, 0, 1, 1), "probabilities": {"happy": 0.9, "neutral": 0.1}, "top_label": "happy"}
    )
    analysis = type("A", (), {"faces": [face], "largest_face": face})
    with pytest.raises(AuditError, match="lack"):
        audit.person_outcomes({"neutral": analysis})


def test_a_person_missed_in_one_photo_counts_once():
    outcomes = audit.person_outcomes({"neutral": analysis_of(None), "smiling": analysis_of(None)})
    assert outcomes["missed"] == 1 and outcomes["photos missed"] == 2
    assert math.isnan(outcomes["smile_happy"]) and math.isnan(outcomes["negative_on_neutral"])


# ---------------------------------------------------------------------------------------------
# Pipelines


def test_the_pipeline_is_recorded_by_name_and_sha256(standard):
    info = standard.pipeline
    assert (info.model_short_name, info.model_sha256, info.detector) == (
        "model A",
        "a" * 64,
        core.DETECTOR_NAME,
    )
    assert info.detector_sha256 == tuple(m.sha256 for m in assets.HAAR_CASCADES.values())
    assert standard.table("group").attrs["model"] == "model A"


def test_the_detector_recorded_by_the_analysis_is_named_with_its_sha256():
    yunet = core.DetectorInfo("yunet", "YuNet face detector", "YuNet", "c" * 64, "MIT", "Wu et al.")
    analysis = analysis_of("happy", MODEL_B, detector="YuNet (OpenCV Zoo pipeline)")
    analysis.detector_info = yunet
    info = audit.pipeline_of([analysis])
    assert info.detector == "YuNet (OpenCV Zoo pipeline)" and info.detector_sha256 == ("c" * 64,)
    assert info.label == "model B + YuNet"
    haar = core.DetectorInfo("opencv", "Haar", "Haar cascade", "d" * 64, "BSD", "Lienhart")
    analysis = analysis_of("happy")
    analysis.detector_info = haar
    eye = assets.HAAR_CASCADES["haarcascade_eye.xml"].sha256
    assert audit.pipeline_of([analysis]).detector_sha256 == ("d" * 64, eye)  # the eye cascade aligns


def test_a_pipeline_named_by_the_course_is_run_with_its_settings(monkeypatch):
    people, pairs = synthetic(standard_spec()[:4])
    by_file = {asset.file: a for asset, a in pairs}
    calls = []

    def fake_analyze_assets(photos, **settings):
        calls.append(settings)
        return [by_file[p.file] for p in photos]

    monkeypatch.setattr(assets, "analyze_assets", fake_analyze_assets)
    name = "OpenCV Zoo (YuNet + RAF-DB)"
    assert name in audit.pipeline_names()
    audits = audit.audit_pipelines([name, "DeepFace (Haar + FER2013)"], people, n_resamples=100)
    assert calls == [core.PIPELINES[name], core.PIPELINES["DeepFace (Haar + FER2013)"]]
    assert len(audits) == 2 and len(audits[0].observations) == 4
    with pytest.raises(AuditError, match="No pipeline called"):
        run_audit(people, "a pipeline nobody made")


def test_one_audit_reads_one_pipeline():
    people, pairs = synthetic(standard_spec())
    mixed = [
        (asset, analysis_of("happy", MODEL_B)) if i == 0 else (asset, a) for i, (asset, a) in enumerate(pairs)
    ]
    with pytest.raises(AuditError, match="2 pipelines"):
        run_audit(people, mixed)


def test_two_pipelines_compared_in_one_call(standard):
    spec = [(g, s, "happy" if smile else smile, n, neg) for g, s, smile, n, neg in standard_spec()]
    people, _ = synthetic(standard_spec())
    _, pairs_b = synthetic(spec, MODEL_B)
    other = run_audit(people, pairs_b, n_resamples=200)
    table = compare([standard, other], "group")
    assert set(table["pipeline"]) == {standard.pipeline.label, other.pipeline.label}
    a_smile = table[(table["group"] == "A") & (table["measure"] == "smile_happy")].set_index("pipeline")
    assert a_smile.loc[standard.pipeline.label, "estimate"] == pytest.approx(6 / 11)
    assert a_smile.loc[other.pipeline.label, "estimate"] == 1
    figure = compare_plot([standard, other], "group", "smile_happy")
    assert (
        "model A" in figure.alt and "model B" in figure.alt and "55%" in figure.alt and "100%" in figure.alt
    )
    assert "b" * 12 in figure.caption
    stranger, pairs_c = synthetic(standard_spec()[:5])
    with pytest.raises(AuditError, match="different people"):
        compare([standard, run_audit(stranger, pairs_c, n_resamples=100)])


# ---------------------------------------------------------------------------------------------
# The plot and the card


def test_the_plot_states_its_numbers_in_its_alt_text(standard):
    figure = standard.plot("group")
    assert isinstance(figure, Figure) and figure.png.startswith(b"\x89PNG")
    alt = figure.alt
    a = wilson_interval(6, 11)
    assert f"A 55%, 95% interval {a.low:.0%} to {a.high:.0%}, n = 11" in alt
    assert "B 100%" in alt and "n = 10" in alt
    assert f"D: {NOT_SHOWN}, n = 1" in alt and "D 0%" not in alt
    assert "whole set 76% (n = 25)" in alt  # 19 of 25 smiles labelled happy
    assert "B 0.60" in alt  # the negative score, as a mean
    assert "self-reported" in figure.caption and "model A" in figure.caption


def test_the_figures_are_readable_at_the_course_s_display_width():
    from emolab import display

    long_names = {"A": "east Asian/white", "B": "a group with a long name", "C": "C", "D": "D"}
    spec = [(long_names[g], *rest) for g, *rest in standard_spec()]
    people, pairs = synthetic(spec)
    result = run_audit(people, pairs, n_resamples=100)
    _, pairs_b = synthetic(spec, MODEL_B)
    other = run_audit(people, pairs_b, n_resamples=100)
    for fig in (audit.audit_figure(result, "group"), audit.compare_figure([result, other], "group")):
        sizes = display.text_sizes_px(fig)
        assert min(size for _, size in sizes) >= display.MIN_TEXT_PT * display.DPI / 72 - 0.01
    for figure in (result.plot("group"), compare_plot([result, other], "group")):
        assert int.from_bytes(figure.png[16:20], "big") <= display.DISPLAY_WIDTH_PX  # shown unscaled


def test_the_figures_draw_no_face_and_name_no_person(standard):
    figures = [audit.audit_figure(standard, "group"), audit.compare_figure([standard], "group")]
    for fig in figures:
        assert all(not axis.get_images() for axis in fig.axes)
        texts = " ".join(t.get_text() for axis in fig.axes for t in axis.texts)
        assert "p000" not in texts
    assert "imshow" not in inspect.getsource(audit)  # the module never draws a picture of a face
    assert "person" not in standard.table("group").columns


def test_the_card_has_the_fixed_section_the_hashes_and_the_plot(standard):
    card = standard.card("group")
    for sentence in CANNOT_SHOW:
        assert "".join(sentence.split()) in "".join(card.markdown.split())
    assert "What this cannot show" in card.html and "What this cannot show" in card.markdown
    assert "a" * 64 in card.html and "a" * 64 in card.markdown  # the model's full sha256
    for cascade in assets.HAAR_CASCADES.values():
        assert cascade.sha256 in card.html
    assert "self-reported" in card.html and "Made up for a test." in card.html
    assert card.html.count("<img") == 1 and "alt=" in card.html
    assert TOO_FEW in card.html and "D × man: 0" in card.html
    assert card._repr_html_() == card.html
    # the differences, with the reminder that 1 interval in 20 excludes zero by chance
    assert "intervals for groups of at least 10 people exclude zero" in card.markdown
    differences = audit.differences_summary(standard, "group")
    assert "; excludes zero" in differences.loc["B", "neutral face labelled 'neutral'"]
    assert differences.loc["D", "posed smile labelled 'happy'"] == f"{NOT_SHOWN} (n = 1)"
    assert differences.loc["C", "posed smile labelled 'happy'"].endswith(TOO_FEW)
    assert "Newcombe" in card.markdown and "Wilson" in card.markdown and "bootstrap" in card.markdown
    assert differences.attrs["intervals"] == 8  # A and B, 4 measures each
    words = re.sub(r'src="data:[^"]*"', "", card.html)  # the PNG's base64 may hold any letters
    assert not any(f"p{i:03d}" in words for i in range(26))  # no person, no photo named


def test_the_london_sets_consent_and_counts_are_as_the_issue_says():
    people = audit.london_set()
    assert len(people.people) == 102
    assert all(sorted(p.photos) == ["neutral", "smiling"] for p in people.people)
    assert people.counts("ethnic group") == {
        "white": 69,
        "black": 13,
        "west Asian": 10,
        "east Asian": 9,
        "east Asian/white": 1,
    }
    assert people.counts("gender") == {"male": 53, "female": 49}
    assert sum(people.counts("age band").values()) == 102
    assert "self-reported" in people.groups_defined_by and "to illustrate research" in people.consent


def test_fairface_groups_are_annotators_guesses_and_posed_measures_are_empty():
    people = audit.fairface_set()
    assert len(people.people) == 32 and "not self-report" in people.groups_defined_by
    assert set(people.counts("gender (guessed)")) == {"female", "male"}
    pairs = [(a, analysis_of(None if i == 0 else "happy")) for i, a in enumerate(people.photos)]
    result = run_audit(people, pairs, n_resamples=200)
    assert result.default_by == "gender (guessed)"
    table = result.table()
    missed = row(table, WHOLE_SET, "missed")
    assert (missed["k"], missed["n"]) == (1, 32)
    smiles = table[table["measure"] == "smile_happy"]
    assert (smiles["n"] == 0).all() and set(smiles["note"]) == {audit.NOTHING_TO_COUNT}
    assert "guessed" in result.plot().caption and "not self-report" in result.card().html


# ---------------------------------------------------------------------------------------------
# Groups of one or two people: their size, and nothing else


def mentions(text: str, group: str) -> list[str]:
    """Every stretch of ``text`` from a mention of ``group`` to the next separator."""
    return [m.group(0) for m in re.finditer(re.escape(group) + r".*?(?=[;|\n\"<]|\.\s|\.$|$)", text)]


def table_rows(text: str, group: str) -> list[str]:
    """The rows of ``group`` in the Markdown and HTML tables of ``text``."""
    markdown = [line for line in text.splitlines() if line.startswith(f"| {group} |")]
    return markdown + re.findall(rf"<tr><th>{re.escape(html.escape(group))}</th>(.*?)</tr>", text)


def shows_no_result(snippet: str) -> bool:
    """No rate (a percentage), no mean (0.25) and no signed difference (+7, −0.12) in it."""
    return not re.search(r"%|\d\.\d|[+−]\d", snippet)


@pytest.fixture(scope="module")
def with_tiny_groups():
    """The standard set plus group E of two people; D has one person, C three."""
    spec = standard_spec() + [("E", "man", "happy", "sad", 0.3), ("E", "woman", "surprise", "neutral", 0.5)]
    people, pairs = synthetic(spec)
    return run_audit(people, pairs, n_resamples=200)


def test_the_minimum_shown_is_a_named_constant_with_its_reason():
    assert MIN_SHOWN == 3
    source = inspect.getsource(audit)
    docstring = re.search(r'MIN_SHOWN = 3\n"""(.*?)"""', source, re.DOTALL)
    assert docstring and "Why 3" in docstring.group(1) and "east Asian/white" in docstring.group(1)
    assert NOT_SHOWN == "fewer than 3 people: not shown, to protect the individuals"


def test_groups_of_one_or_two_show_their_size_but_no_rate_interval_or_k(with_tiny_groups):
    table = with_tiny_groups.table("group")
    for group, people in (("D", 1), ("E", 2)):
        for m in audit.MEASURES:
            r = row(table, group, m.key)
            assert r["people"] == people and r["n"] == people
            assert pd.isna(r["k"]) and r["note"] == NOT_SHOWN and r["not shown"] and r["too few"]
            assert all(math.isnan(r[c]) for c in ("estimate", "low", "high"))
    for m in audit.MEASURES:  # three people are shown, marked "too few people to say"
        c = row(table, "C", m.key)
        assert not c["not shown"] and not math.isnan(c["estimate"]) and c["note"] == TOO_FEW
    summary = with_tiny_groups.summary("group")
    assert list(summary.loc[["C", "D", "E"], "people"]) == [3, 1, 2]
    for m in audit.MEASURES:
        assert summary.loc["D", m.title] == f"{NOT_SHOWN} (n = 1)"
        assert summary.loc["E", m.title] == f"{NOT_SHOWN} (n = 2)"
    # the whole set still counts everyone, the small groups included
    assert row(table, WHOLE_SET, "smile_happy")["people"] == 28


def test_groups_of_one_or_two_have_no_difference(with_tiny_groups):
    diffs = with_tiny_groups.differences("group")
    for group in ("D", "E"):
        for _, r in diffs[diffs["group"] == group].iterrows():
            assert r["not shown"] and r["note"] == NOT_SHOWN and not r["excludes zero"]
            assert all(math.isnan(r[c]) for c in ("difference", "low", "high"))
    assert not row(diffs, "C", "smile_happy")["not shown"]
    # compared with a group of two, any difference would give away its rate
    against_e = with_tiny_groups.differences("group", reference="E")
    assert against_e["not shown"].all() and against_e["difference"].isna().all()
    text = audit.differences_summary(with_tiny_groups, "group")
    for m in audit.MEASURES:
        assert text.loc["D", m.title] == f"{NOT_SHOWN} (n = 1)"
        assert text.loc["E", m.title] == f"{NOT_SHOWN} (n = 2)"
    assert text.attrs["intervals"] == 8  # A and B only, as before


def test_intersections_of_one_or_two_people_are_not_shown(with_tiny_groups):
    table = with_tiny_groups.table(("gender", "group"))
    for group in ("woman × D", "man × E", "woman × E", "woman × C"):
        r = row(table, group, "smile_happy")
        assert r["not shown"] == (r["people"] in (1, 2)), group
    assert row(table, "woman × D", "smile_happy")["not shown"]
    assert row(table, "man × C", "smile_happy")["people"] == 3
    assert not row(table, "man × C", "smile_happy")["not shown"]
    empty = row(table, "man × D", "smile_happy")
    assert empty["note"] == EMPTY and not empty["not shown"]


def test_groups_of_one_or_two_have_no_dot_and_no_number_in_the_plot(with_tiny_groups):
    figure = with_tiny_groups.plot("group")
    assert f"D: {NOT_SHOWN}, n = 1" in figure.alt and f"E: {NOT_SHOWN}, n = 2" in figure.alt
    for group in ("D", "E"):
        assert all(
            shows_no_result(x) for x in mentions(figure.alt, group + " ") + mentions(figure.alt, group + ":")
        )
    assert "C 100%" in figure.alt  # three people are shown
    fig = audit.audit_figure(with_tiny_groups, "group")
    groups = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert groups == ["A", "B", "C", "E", "D"]
    for axis in fig.axes:
        dots = [line for line in axis.get_lines() if line.get_marker() == "o"]
        rows_with_dots = {round(float(line.get_ydata()[0])) for line in dots}
        assert rows_with_dots == {0, 1, 2}  # A, B and C; none for E (row 3) or D (row 4)
        assert sum(t.get_text().startswith("not shown: fewer than 3") for t in axis.texts) == 2
    assert NOT_SHOWN in figure.caption


def test_groups_of_one_or_two_have_no_number_in_the_card_or_the_comparison(with_tiny_groups):
    card = with_tiny_groups.card("group")
    results = card.markdown.split("#### Results")[1].split("[Figure")[0]
    assert f"| D | 1 | {NOT_SHOWN} (n = 1) |" in results and f"| E | 2 | {NOT_SHOWN} (n = 2) |" in results
    for text in (card.markdown, card.html):
        for group in ("D", "E"):
            rows = table_rows(text, group)
            assert len(rows) == 2 and all(shows_no_result(x) for x in rows), rows  # results, differences
            assert all(shows_no_result(x) for x in mentions(text, group + ":"))
    assert f"Groups of fewer than {MIN_SHOWN} people are listed with their size only" in card.markdown
    people, pairs_b = with_tiny_groups.people, None
    spec = standard_spec() + [("E", "man", "happy", "sad", 0.3), ("E", "woman", "surprise", "neutral", 0.5)]
    _, pairs_b = synthetic(spec, MODEL_B)
    other = run_audit(people, pairs_b, n_resamples=100)
    table = compare([with_tiny_groups, other], "group")
    tiny = table[table["group"].isin(["D", "E"])]
    assert tiny["estimate"].isna().all() and tiny["low"].isna().all() and tiny["not shown"].all()
    alt = compare_plot([with_tiny_groups, other], "group").alt
    assert f"E: {NOT_SHOWN}, n = 2" in alt and "E 50%" not in alt and "E 100%" not in alt


# ---------------------------------------------------------------------------------------------
# The real London Set, with the default pipeline (structure only)


def test_audit_of_the_london_set_with_the_default_pipeline(offline_dir):
    result = run_audit(n_resamples=500)
    assert len(result.observations) == 102
    assert (result.observations["photos"] == 2).all()
    table = result.table("ethnic group")
    people = table.drop_duplicates("group").set_index("group")["people"]
    assert people[WHOLE_SET] == 102 and people.drop(WHOLE_SET).sum() == 102
    gender = result.table("gender").drop_duplicates("group").set_index("group")["people"]
    assert gender.drop(WHOLE_SET).to_dict() == {"male": 53, "female": 49}
    both = result.table(("gender", "ethnic group")).drop_duplicates("group")
    assert both[both["group"] != WHOLE_SET]["people"].sum() == 102
    for _, r in table.iterrows():
        assert r["n"] <= r["people"]
        if r["n"] and not math.isnan(r["low"]):
            assert r["low"] - 1e-9 <= r["estimate"] <= r["high"] + 1e-9
    assert row(table, "east Asian/white", "smile_happy")["too few"]
    assert not row(table, "white", "smile_happy")["too few"]
    # east Asian/white is one person: their group and its size, never their results
    lone = table[table["group"] == "east Asian/white"]
    assert (lone["people"] == 1).all() and lone["not shown"].all() and lone["k"].isna().all()
    assert lone[["estimate", "low", "high"]].isna().all().all()
    summary = result.summary("ethnic group")
    assert summary.loc["east Asian/white", "people"] == 1
    assert set(summary.loc["east Asian/white"].iloc[1:]) == {f"{NOT_SHOWN} (n = 1)"}
    differences = result.differences("ethnic group")
    assert differences[differences["group"] == "east Asian/white"]["difference"].isna().all()
    alt = result.plot("ethnic group").alt
    assert alt.count(f"east Asian/white: {NOT_SHOWN}, n = 1") == len(audit.MEASURES)
    both_alt = result.plot(("gender", "ethnic group")).alt
    assert f"male × east Asian/white: {NOT_SHOWN}, n = 1" in both_alt
    card_by_group = result.card("ethnic group")
    for text in (alt, both_alt, card_by_group.markdown):
        snippets = mentions(text, "east Asian/white")
        assert snippets and all(shows_no_result(x) for x in snippets)
    for text in (card_by_group.markdown, card_by_group.html):
        rows = table_rows(text, "east Asian/white")
        assert len(rows) == 2 and all(shows_no_result(x) for x in rows)
    ages = result.summary("age band")
    assert ages.loc["not reported", "people"] == 2
    assert set(ages.loc["not reported"].iloc[1:]) == {f"{NOT_SHOWN} (n = 2)"}
    assert result.pipeline.model_sha256 == core.model_info().sha256
    card = result.card()
    assert result.pipeline.model_sha256 in card.html and "to illustrate research" in card.html
