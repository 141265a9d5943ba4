"""The station simulator: its formulas against enumeration, its edge cases, its Monte Carlo check,
the measured rates on hand-made scores, the split across groups, and its figures."""

import itertools
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from handmade import angry_fear_scores

from emolab import EMOTIONS, audit, station
from emolab.alerts import AlertRule
from emolab.display import Figure
from emolab.station import (
    FrameRate,
    Measurement,
    StationError,
    StationInputs,
    alert_probability,
    expected_alerts,
    flagged_by_group,
    flags_for,
    monte_carlo,
    no_run_probability_independent,
    simulate,
)
from emolab.video import as_trace

# ---------------------------------------------------------------------------------------------
# Helpers: scores made by hand, and a brute-force enumerator


scores_for = angry_fear_scores  # one row of 7 scores per value (None: no face)


def enumerate_rule(p, n, k, rho=0.0):
    """(P(at least one alert), expected alerts) by listing all 2^n over/under sequences, each with
    its probability under the two-state chain, and counting alerts with the course's own rule."""
    rule = AlertRule(("angry", "fear"), threshold=0.5, frames=k)
    a, b = p + rho * (1 - p), p * (1 - rho)
    alerted = expected = 0.0
    for seq in itertools.product((0, 1), repeat=n):
        prob = p if seq[0] else 1 - p
        for prev, cur in zip(seq, seq[1:], strict=False):
            chance = a if prev else b
            prob *= chance if cur else 1 - chance
        if prob == 0:
            continue
        flags = rule.count(as_trace(scores_for([0.9 if s else 0.1 for s in seq])))
        alerted += prob * (flags > 0)
        expected += prob * flags
    return alerted, expected


def inputs(p=0.02, **changes):
    defaults = dict(
        rate=FrameRate.assumed(p),
        rule=AlertRule(frames=3),
        passengers_per_day=100_000,
        seconds_in_view=2.0,
        fps=10.0,
        base_rate=0.001,
        sensitivity=0.5,
        review_seconds=36.0,
        share_acted_on=0.5,
    )
    return StationInputs(**(defaults | changes))


# ---------------------------------------------------------------------------------------------
# The formulas


def test_hand_computed_case_three_frames_two_in_a_row():
    # 000 001 010 011 100 101 110 111: runs of 2 in 011, 110, 111 -> 3 of 8
    assert alert_probability(0.5, 3, 2) == pytest.approx(3 / 8)
    assert enumerate_rule(0.5, 3, 2) == pytest.approx((3 / 8, 3 / 8))
    # expected alerts: 011, 110 and 111 raise one each
    assert expected_alerts(0.5, 3, 2) == pytest.approx(3 / 8)
    # four frames, two in a row: the 8 sequences without "11" are counted by Fibonacci (F6 = 8), so
    # 8 of 16 have a run; two alerts would need 11011, five frames, so expected alerts = 8/16 too
    assert alert_probability(0.5, 4, 2) == pytest.approx(8 / 16)
    assert expected_alerts(0.5, 4, 2) == pytest.approx(8 / 16)
    assert expected_alerts(0.5, 5, 2) == pytest.approx(enumerate_rule(0.5, 5, 2)[1])


def test_feller_recursion_by_hand():
    # Q_n for k = 1 is (1-p)^n; for n = k it is 1 - p^k
    assert no_run_probability_independent(0.3, 5, 1) == pytest.approx(0.7**5)
    assert no_run_probability_independent(0.3, 4, 4) == pytest.approx(1 - 0.3**4)
    assert no_run_probability_independent(0.3, 2, 4) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "p, n, k, rho",
    [
        (0.5, 3, 2, 0.0),
        (0.3, 7, 3, 0.0),
        (0.8, 8, 1, 0.0),
        (0.2, 9, 2, 0.0),
        (0.3, 7, 3, 0.4),
        (0.1, 8, 2, 0.8),
        (0.6, 6, 4, 0.25),
        (0.35, 5, 1, 0.5),
        (0.4, 6, 3, 1.0),
    ],
)
def test_closed_form_equals_enumeration_with_the_alert_rule(p, n, k, rho):
    chance, expected = enumerate_rule(p, n, k, rho)
    assert float(alert_probability(p, n, k, rho)) == pytest.approx(chance, abs=1e-12)
    assert float(expected_alerts(p, n, k, rho)) == pytest.approx(expected, abs=1e-12)


def test_markov_chain_at_tiny_correlation_matches_the_independent_recursion():
    p = np.linspace(0, 1, 11)
    assert alert_probability(p, 40, 4, 1e-12) == pytest.approx(alert_probability(p, 40, 4, 0.0), abs=1e-9)


def test_more_correlation_means_fewer_but_longer_runs():
    # same per-frame rate: sticky frames make a long run likelier (for k > 1) but fewer alerts
    independent, sticky = (float(alert_probability(0.2, 100, 5, r)) for r in (0.0, 0.7))
    assert sticky > independent
    assert float(expected_alerts(0.2, 100, 1, 0.7)) < float(expected_alerts(0.2, 100, 1, 0.0))


def test_edge_cases_of_the_formulas():
    assert alert_probability(0.9, 4, 5) == 0.0  # k larger than the frames in view
    assert alert_probability(0.9, 4, 5, 0.5) == 0.0 and expected_alerts(0.9, 4, 5, 0.5) == 0.0
    assert expected_alerts(0.9, 4, 5) == 0.0
    assert alert_probability(0.9, 0, 1) == 0.0
    assert alert_probability(0.0, 250, 5) == 0.0 and expected_alerts(0.0, 250, 5) == 0.0
    assert alert_probability(1.0, 250, 5) == pytest.approx(1.0)
    assert expected_alerts(1.0, 250, 5) == pytest.approx(1.0)  # one endless run: one alert
    assert alert_probability(0.3, 250, 5, 1.0) == pytest.approx(0.3)  # a still face: all or nothing
    with pytest.raises(StationError):
        alert_probability(0.3, 10, 0)
    with pytest.raises(StationError):
        alert_probability(0.3, 10, 2, 1.5)


def test_flags_for_counts_as_the_alert_rule_does():
    rng = np.random.default_rng(7)
    over = rng.random((200, 30)) < 0.55
    for k in (1, 2, 4):
        rule = AlertRule(frames=k)
        expected = [rule.count(as_trace(scores_for([0.9 if h else 0.1 for h in row]))) for row in over]
        assert flags_for(over, k).tolist() == expected


# ---------------------------------------------------------------------------------------------
# The simulator


def test_simulate_by_hand_for_still_faces():
    # correlation 1: a passenger is over in every frame or none, so P(alert) = p and one alert each
    result = simulate(inputs(0.02, correlation=1.0))
    assert result.frames == 20
    assert result.alert_chance == pytest.approx(0.02)
    assert result.false_alerts == pytest.approx(99_900 * 0.02)
    assert result.true_cases == pytest.approx(100)
    assert result.true_alerts == pytest.approx(50)
    assert result.alerts == pytest.approx(1998 + 50)
    assert result.false_per_true == pytest.approx(1998 / 50)
    assert result.ppv == pytest.approx(50 / 2048)
    assert result.reviewer_hours == pytest.approx(2048 * 36 / 3600)
    assert result.approached_innocent == pytest.approx(1998 * 0.5)
    assert result.approached == pytest.approx((1998 + 50) * 0.5)


def test_simulate_with_independent_frames_uses_the_formulas():
    result = simulate(inputs(0.3))
    chance = float(alert_probability(0.3, 20, 3))
    each = float(expected_alerts(0.3, 20, 3))
    assert result.alert_chance == pytest.approx(chance)
    assert result.false_alerts == pytest.approx(99_900 * each)
    assert result.innocent_people_alerted == pytest.approx(99_900 * chance)
    assert result.approached_innocent == pytest.approx(99_900 * chance * 0.5)  # people, not alerts
    low, high = result.innocent_people_day_range
    assert low < result.innocent_people_alerted < high


def test_zero_base_rate_and_other_edges():
    none_true = simulate(inputs(0.3, base_rate=0.0))
    assert none_true.true_alerts == 0 and none_true.ppv == 0.0
    assert math.isinf(none_true.false_per_true)
    assert "no true hits" in none_true.explain()
    nothing = simulate(inputs(0.0, base_rate=0.0))
    assert nothing.alerts == 0 and math.isnan(nothing.ppv)
    short = simulate(inputs(0.9, rule=AlertRule(frames=30)))  # 20 frames in view
    assert short.false_alerts == 0 and short.true_alerts == pytest.approx(50)
    assert short.ppv == 1.0
    assert any("30 frames in a row" in note for note in short.notes)


def test_threshold_zero_and_one_on_measured_scores():
    people = Measurement("hand-made", ("a", "b"), (scores_for([0.2, 0.4, 0.6]), scores_for([0.9, None])))
    zero = people.rate(AlertRule(threshold=0.0))
    one = people.rate(AlertRule(threshold=1.0))
    assert (zero.k, zero.n) == (4, 5)  # every frame with a face, not the one without
    assert (one.k, one.n) == (0, 5)
    always = simulate(inputs(rate=FrameRate.assumed(1.0), rule=AlertRule(threshold=0.0, frames=3)))
    assert always.alert_chance == pytest.approx(1.0)
    never = simulate(inputs(rate=one, rule=AlertRule(threshold=1.0, frames=3)))
    assert never.false_alerts == 0


def test_the_assumptions_are_stated_and_checked():
    result = simulate(inputs(0.1))
    assert station.NO_STUDY in result.notes and "No study supports any figure" in result.explain()
    assert "HYPOTHETICAL" in result.table().to_string()
    assert any("independent" in note for note in result.notes)
    assert not any("independent (correlation 0)" in n for n in simulate(inputs(0.1, correlation=0.5)).notes)
    for bad in (dict(base_rate=1.5), dict(sensitivity=-0.1), dict(share_acted_on=2), dict(correlation=-1)):
        with pytest.raises(StationError):
            inputs(0.1, **bad)
    measured = Measurement("m", ("a",), (scores_for([0.6, 0.2]),)).rate(AlertRule(threshold=0.5))
    with pytest.raises(StationError, match="measured at threshold 0.5"):
        inputs(rate=measured, rule=AlertRule(threshold=0.3))


def test_the_rate_interval_carries_through_to_the_outputs():
    rate = FrameRate(3, 60, 60, 0.5, ("angry", "fear"), "made up", audit.wilson_interval(3, 60))
    result = simulate(inputs(rate=rate, rule=AlertRule(frames=3)))
    assert result.false_alerts_low < result.false_alerts < result.false_alerts_high
    ppv_low, ppv_high = result.ppv_range
    assert ppv_low < result.ppv < ppv_high


# ---------------------------------------------------------------------------------------------
# Monte Carlo against the closed form


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_monte_carlo_agrees_with_the_closed_form(rho):
    # 100,000 passengers x 3 days, 20 frames, 3 in a row, p = 0.15. Tolerance: 4 standard errors
    # of the simulated mean (about 1 chance in 15,000 of failing by bad luck; seeded, so it never
    # varies), which is 1% to 3% of the values here.
    given = inputs(0.15, correlation=rho, base_rate=0.001)
    exact = simulate(given)
    mc = monte_carlo(given, days=3, seed=11)
    share = exact.alert_chance
    se = math.sqrt(share * (1 - share) / mc.innocent)
    assert abs(mc.alert_chance - share) < 4 * se
    # alerts per passenger: at most frames/k + 1 each; a generous SE bound from that range
    se_alerts = math.sqrt(exact.alerts_per_innocent * (20 / 3 + 1) / mc.innocent)
    assert abs(mc.alerts_per_innocent - exact.alerts_per_innocent) < 4 * se_alerts
    assert abs(mc.true_cases - 300) < 4 * math.sqrt(300)
    assert monte_carlo(given, days=1, seed=11) == monte_carlo(given, days=1, seed=11)  # seeded


# ---------------------------------------------------------------------------------------------
# Measured rates


def test_rate_and_persistence_on_hand_made_clips():
    clips = {
        "a": scores_for([0.9, 0.9, 0.9, 0.1, 0.1, None]),
        "b": scores_for([0.1, 0.6, 0.1, 0.1]),
    }
    m = station.clip_measurement({name: as_trace(s) for name, s in clips.items()})
    rate = m.rate(AlertRule())
    assert (rate.k, rate.n, rate.people) == (4, 10, 2)
    assert rate.wilson.low == pytest.approx(audit.wilson_interval(4, 10).low)
    assert rate.by_people is not None and rate.low <= rate.wilson.low and rate.high >= rate.wilson.high
    p = m.persistence(AlertRule())
    # pairs: a: 11 11 10 00 00(no face) ; b: 01 10 00 -> over->over 2 of 4, under->over 1 of 4
    assert p.over_after_over == pytest.approx(2 / 4)
    assert p.over_after_under == pytest.approx(1 / 4)
    assert p.correlation == pytest.approx(0.25)
    assert p.runs == (3, 1)
    assert station.run_lengths([1, 1, 0, 1]) == [2, 1]


def test_with_rule_measures_again_at_the_new_threshold():
    m = Measurement("m", ("a",), (scores_for([0.35, 0.6, 0.2]),))
    given = inputs(rate=m.rate(AlertRule(frames=3)), rule=AlertRule(frames=3))
    lower = given.with_rule(m, threshold=0.3)
    assert (lower.rate.k, lower.rate.threshold) == (2, 0.3)
    assert given.rate.k == 1


def fake_analysis(angry_plus_fear):
    if angry_plus_fear is None:
        return SimpleNamespace(faces=[], largest_face=None)
    probs = dict(zip(EMOTIONS, scores_for([angry_plus_fear])[0], strict=True))
    face = SimpleNamespace(probabilities=probs, box=(0, 0, 10, 10))
    return SimpleNamespace(faces=[face], largest_face=face)


def test_london_measurement_groups_and_shares():
    values = iter(np.linspace(0, 0.95, 200))
    m = station.london_measurement(lambda photos: [fake_analysis(float(next(values))) for _ in photos])
    assert m.stills and len(m.people) == len(audit.london_set().people)
    rates = m.group_rates(AlertRule(), by="ethnic group")
    assert sum(r.n for r in rates.values()) == len(m.people)
    assert sum(r.k for r in rates.values()) == m.rate(AlertRule()).k
    shares = station.crowd_shares_like(m)
    assert sum(shares.values()) == pytest.approx(1.0) and list(shares) == list(rates)


def test_degraded_measurement_reads_the_sweeps_photos():
    from emolab import assets

    files = [a.file for a in assets.collection("london")[:4]]
    obs = pd.DataFrame(
        [
            {"person": f"p{i}", "file": f, "condition": "smiling", "pipeline": "P", "degradation": "blur"}
            | {"step": step, "strength": strength}
            for i, f in enumerate(files)
            for step, strength in ((0, np.nan), (1, 3.0))
        ]
    )
    sweep = SimpleNamespace(observations=obs, plan={"blur": (3.0,)}, pipelines=("P",))
    seen = []

    def analyze(asset, name, strength, pipeline):
        seen.append((asset.file, strength))
        return fake_analysis(None if asset.file == files[0] else 0.8 if strength else 0.1)

    degraded = station.degraded_measurement(sweep, "blur", 3.0, analyze=analyze)
    clean = station.degraded_measurement(sweep, "blur", None, analyze=analyze)
    assert degraded.rate(AlertRule()).k == 3 and degraded.rate(AlertRule()).n == 4  # lost face: under
    assert clean.rate(AlertRule()).k == 0
    assert ("blur at 3.0" in degraded.name) and set(seen) >= {(f, 3.0) for f in files}
    with pytest.raises(StationError):
        station.degraded_measurement(sweep, "blur", 9.0, analyze=analyze)
    results = station.camera_scenarios(
        inputs(rate=clean.rate(AlertRule(frames=3)), rule=AlertRule(frames=3)),
        {"clean": clean.rate(AlertRule(frames=3)), "blurred": degraded.rate(AlertRule(frames=3))},
    )
    table = station.scenario_table(results)
    assert table.set_index("setting").loc["blurred", "false alerts a day"] > 0
    assert table.set_index("setting").loc["clean", "false alerts a day"] == 0


# ---------------------------------------------------------------------------------------------
# Who gets flagged


def test_equal_rates_split_like_the_crowd_and_unequal_rates_do_not():
    given = inputs(0.1, correlation=1.0)
    equal = flagged_by_group(given, {"x": (20, 200), "y": (20, 200)}, {"x": 0.8, "y": 0.2})
    assert equal.set_index("group")["share of false alerts"].tolist() == pytest.approx([0.8, 0.2])
    unequal = flagged_by_group(given, {"x": (10, 200), "y": (40, 200)}, {"x": 0.8, "y": 0.2}).set_index(
        "group"
    )
    # still faces: alerts proportional to share x rate: 0.8 x 0.05 vs 0.2 x 0.2 -> 50% each
    assert unequal.loc["y", "share of false alerts"] == pytest.approx(0.5)
    assert unequal.loc["y", "alerts per crowd share"] == pytest.approx(2.5)
    for g in ("x", "y"):
        row = unequal.loc[g]
        assert row["share low"] < row["share of false alerts"] < row["share high"]
        assert row["low"] < row["false alerts a day"] < row["high"]


def test_small_groups_are_marked_and_tiny_ones_hidden():
    given = inputs(0.1, correlation=1.0)
    table = flagged_by_group(
        given, {"big": (10, 100), "small": (1, 6), "tiny": (1, 2)}, {"big": 0.9, "small": 0.08, "tiny": 0.02}
    ).set_index("group")
    assert table.loc["small", "note"] == audit.TOO_FEW
    assert table.loc["tiny", "note"] == audit.NOT_SHOWN and np.isnan(table.loc["tiny", "rate"])
    # a small group's range is wider than a big one's
    width = table["share high"] - table["share low"]
    assert (
        width["small"] / table.loc["small", "share of false alerts"]
        > width["big"] / table.loc["big", "share of false alerts"]
    )
    again = flagged_by_group(
        given, {"big": (10, 100), "small": (1, 6), "tiny": (1, 2)}, {"big": 0.9, "small": 0.08, "tiny": 0.02}
    ).set_index("group")
    pd.testing.assert_frame_equal(table, again)  # seeded


def test_group_inputs_are_checked():
    given = inputs(0.1)
    with pytest.raises(StationError, match="add up to 1"):
        flagged_by_group(given, {"x": (1, 10), "y": (1, 10)}, {"x": 0.5, "y": 0.6})
    with pytest.raises(StationError, match="no rate"):
        flagged_by_group(given, {"x": (1, 10)}, {"x": 0.5, "y": 0.5})


# ---------------------------------------------------------------------------------------------
# Figures


def test_tree_plot_states_its_numbers():
    result = simulate(inputs(0.02, correlation=1.0))
    figure = station.tree_plot(result, "Still faces")
    assert isinstance(figure, Figure) and figure.png.startswith(b"\x89PNG")
    counts = result.per(100_000)
    assert f"{counts['innocent people alerted']:,.0f}" in figure.alt  # 1,998
    assert f"{counts['true alerts']:,.0f}" in figure.alt  # 50
    assert "hatched" in figure.alt and "hypothetical" in figure.alt
    assert "No study supports any figure" in figure.caption


def test_group_split_plot_states_its_numbers():
    table = flagged_by_group(
        inputs(0.1, correlation=1.0),
        {"x": (10, 200), "y": (40, 200), "z": (0, 2)},
        {"x": 0.7, "y": 0.2, "z": 0.1},
    )
    figure = station.group_split_plot(table)
    assert "x: 70% of the crowd" in figure.alt and "n = 200" in figure.alt
    assert f"z: {audit.NOT_SHOWN}" in figure.alt


# ---------------------------------------------------------------------------------------------
# The course's own clips (analysed once per test session, as lesson 3's checks do)


def test_clip_measurement_on_the_course_clips_counts_what_the_rule_sees():
    from emolab import assets, video

    traces = {a.file: video.analyze_clip(a) for a in assets.collection("video")}
    m = station.clip_measurement()
    rule = AlertRule()
    rate = m.rate(rule)
    assert rate.n == sum(len(t) for t in traces.values()) and rate.people == len(traces)
    assert rate.k == sum(int(rule.above(t.scores).sum()) for t in traces.values())
    assert rate.low <= rate.estimate <= rate.high and rate.by_people is not None
    persistence = m.persistence(rule)
    assert sum(persistence.runs) == rate.k
    result = simulate(StationInputs(rate=rate, rule=rule, correlation=np.nan_to_num(persistence.correlation)))
    assert result.false_alerts_low <= result.false_alerts <= result.false_alerts_high
