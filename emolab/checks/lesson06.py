"""Checks for lesson 6, "From scores to alerts".

Every expected value is recomputed when the check runs, with :func:`emolab.station.simulate`
from the learner's own inputs (``q1_inputs``, ``inputs``) and measurement (``clips``), so no
model output is written here and the checks hold for any emotion model. Each question asks for
what the lesson did not print: the share of alerts that are real for a smaller station than the
lesson's, worked out by hand with natural frequencies; the lowest threshold on a grid whose
alerts a team of reviewers can look at, with the per-frame rate and the alerts there; and a
one-at-a-time sensitivity analysis over ranges the learner judges plausible, whose three largest
swings must be the three assumptions the learner lists. Why the learner chose those ranges, and
the reflection questions, are not marked.

Numbers are compared to two significant figures (:func:`require_figures`): a share of alerts
that are real can be 0.0003, which two decimals would round to nothing. A number rounded to two
decimals still passes where that keeps it (as ``require_close`` does in the other lessons).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import fields, replace
from decimal import Decimal

from . import NotYet, check, matches, require, require_choice, require_number

FIGURES = 2  # significant figures a number must keep
Q2_HOURS = 8.0  # the reviewers' hours a day: two people, four hours each looking at alerts
Q2_GRID = tuple(round(0.50 + 0.05 * i, 2) for i in range(10))  # 0.50, 0.55, ..., 0.95
Q3_MIN_FIELDS = 5


def _station():
    from emolab import station

    return station


# --- numbers to two significant figures ------------------------------------------------------


def figures_given(number: float) -> int:
    """Significant figures the learner's number carries (0.00034 -> 2, 0.0003 -> 1, 540.0 -> 2)."""
    if number == 0 or not math.isfinite(number):
        return 0
    return len(Decimal(repr(float(number))).normalize().as_tuple().digits)


def close_enough(got: float, expected: float, figures: int = FIGURES) -> bool:
    """True when ``got`` is ``expected``, or agrees with it to ``figures`` significant figures
    (within half a unit of the last of them), or, for a number of 0.01 or more, is ``expected``
    rounded to 2 or more decimals (below 0.01, 0.0003 is a rounding to 4 decimals of 0.00034,
    but keeps one figure only)."""
    if math.isinf(expected) or math.isinf(got):
        return got == expected
    if math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-15):
        return True
    if abs(expected) >= 0.01 and matches(got, expected):  # two decimals, as in the other lessons
        return True
    if expected == 0:
        return False
    unit = 10 ** (math.floor(math.log10(abs(expected))) - figures + 1)
    return abs(got - expected) <= 0.5 * unit * (1 + 1e-9)


def require_figures(got: float, expected: float, name: str, hint: str) -> None:
    """Pass ``got`` when :func:`close_enough`; otherwise NotYet, saying "rounded too far" when
    that is the only problem."""
    if close_enough(got, expected):
        return
    too_far = (got == 0 and 0 < abs(expected) < 0.005) or (
        0 < figures_given(got) < FIGURES
        and abs(got - expected) <= 0.5 * 10 ** math.floor(math.log10(abs(got))) * (1 + 1e-9)
    )
    if too_far:
        raise NotYet(
            f"`{name}` is {got:g}: close, but you may have rounded too far. Keep at least "
            f"{FIGURES} significant figures (such as 0.00034, not 0.0003 or 0.00), or do not round."
        )
    raise NotYet(f"`{name}` is {got:.4g}, which is not what the simulator gives. {hint}")


def _percentage_of(got: float, share: float) -> bool:
    """True when ``got`` is ``share`` times 100 (a small share's percentage can be below 1)."""
    return 0 < share < 1 and got <= 100 and not close_enough(got, share) and close_enough(got, 100 * share)


def _inputs(ns: dict, name: str):
    return require(ns, name, _station().StationInputs)


# --- Question 1 ------------------------------------------------------------------------------


def _q1_mistake(got: float, result) -> str | None:
    """What a wrong share of real alerts most likely is instead, if one of the usual mistakes."""
    i = result.inputs
    people, b, s = i.passengers_per_day, i.base_rate, i.sensitivity
    true, false = result.true_alerts, result.false_alerts
    each, chance = result.alerts_per_innocent, result.alert_chance
    innocent = people * (1 - b)

    def share(t, f):
        return t / (t + f) if t + f else float("nan")

    candidates = [
        (
            s,
            "That is the chance the system alerts on a person who truly needs help or intends harm "
            "(the hypothetical `sensitivity`): of the true cases, the share alerted. The question turns "
            "it round: of the alerts, the share about a true case. Divide the true alerts by all alerts.",
        ),
        (
            1 - result.ppv,
            "That is the share of the alerts that are false alarms. The question asks for the other "
            "part: true alerts divided by all alerts, true and false.",
        ),
        (
            result.false_per_true,
            "That is false alarms per true alert, a ratio. The share of alerts that are real is true "
            "alerts / (true alerts + false alerts), a number between 0 and 1.",
        ),
        (
            true / false if false else float("nan"),
            "That is true alerts per false alert (odds). Divide the true alerts by all the alerts: "
            "true + false.",
        ),
        (
            share(true, innocent * chance),
            "That counts the innocent passengers alerted, not their alerts: one person can raise "
            "several alerts in the frames they are in view. Use `alerts_each`, the alerts an innocent "
            "passenger raises on average.",
        ),
        (
            share(true, (1 - b) * each),
            "That uses the false alerts of one passenger. Count them over every innocent passenger: "
            "(1 − base rate) × passengers × `alerts_each`.",
        ),
        (
            share(true, each),
            "That uses the false alerts of one passenger. Count them over every innocent passenger: "
            "(1 − base rate) × passengers × `alerts_each`.",
        ),
        (
            share(true, people * b * each),
            "That counts false alerts among the true cases. The innocent passengers are everyone "
            "else: (1 − base rate) × passengers.",
        ),
        (
            share(true, people * each),
            "That counts every passenger as innocent, the true cases too. The innocent passengers are "
            "(1 − base rate) × passengers.",
        ),
        (
            share(people * b, false),
            "That counts every true case as alerted. Of the true cases, only the share `sensitivity` "
            "is alerted (a hypothetical number): multiply by it.",
        ),
        (
            share(s * b, false),
            "That mixes shares and counts: the true alerts are a share of one passenger, the false "
            "alerts a count for the whole day. Count both for the day's passengers.",
        ),
        (
            b,
            "That is the base rate: the share of passengers who truly need help or intend harm. The "
            "question asks for the share of the alerts that are about them.",
        ),
    ]
    for value, message in candidates:
        if math.isfinite(value) and close_enough(got, value):
            return message
    return None


@check("q1")
def share_of_alerts_that_are_real(ns: dict) -> None:
    station = _station()
    inputs = _inputs(ns, "q1_inputs")
    got = require_number(ns, "my_ppv")
    result = station.simulate(inputs)
    expected = result.ppv
    if math.isnan(expected):
        raise NotYet(
            "With `q1_inputs` as they are, the system raises no alerts at all, so no share of them can "
            "be real or false. Run the cell that makes `q1_inputs` again, as it was given."
        )
    if close_enough(got, expected):
        return
    if _percentage_of(got, expected):
        raise NotYet("`my_ppv` looks like a percentage. Give it as a share between 0 and 1 (divide by 100).")
    mistake = _q1_mistake(got, result)
    if mistake:
        raise NotYet(f"`my_ppv`: {mistake}")
    require_figures(
        got,
        expected,
        "my_ppv",
        "Count, for one day: the true cases (passengers × base rate), the true alerts (true cases × "
        "sensitivity), the innocent passengers ((1 − base rate) × passengers) and their false alerts "
        "(innocent passengers × `alerts_each`). Then true alerts / (true alerts + false alerts).",
    )


# --- Question 2 ------------------------------------------------------------------------------


def grid_results(inputs, measurement, grid=Q2_GRID) -> dict:
    """The day at every threshold of ``grid``: the rule changed, the rate measured again."""
    station = _station()
    return {t: station.simulate(inputs.with_rule(measurement, threshold=t)) for t in grid}


def lowest_that_fits(results: dict, hours: float = Q2_HOURS) -> float | None:
    fits = [t for t, r in results.items() if r.reviewer_hours <= hours]
    return min(fits) if fits else None


def _on_grid(got: float) -> float | None:
    for t in Q2_GRID:
        if math.isclose(got, t, abs_tol=1e-9):
            return t
    return None


def _hours(x: float) -> str:
    return f"{x:,.3g} hours" if x < 10 else f"{x:,.0f} hours"


def _check_threshold(got: float, results: dict, expected: float) -> None:
    grid = ", ".join(f"{t:.2f}" for t in Q2_GRID)
    at = _on_grid(got)
    if at is None:
        if _on_grid(got / 100) is not None:
            raise NotYet(
                f"`capacity_threshold` is {got:g}: that looks like a percentage. The rule's threshold is "
                "a sum of two scores, such as 0.65: divide by 100."
            )
        raise NotYet(f"`capacity_threshold` is {got:g}, which is not on the grid. Give one of: {grid}.")
    if at == expected:
        return
    hours = results[at].reviewer_hours
    if hours > Q2_HOURS:
        raise NotYet(
            f"At a threshold of {at:.2f} the reviewers would need about {_hours(hours)} a day, more than "
            f"the {Q2_HOURS:g} they have. Compare `reviewer_hours` with {Q2_HOURS:g} at each threshold "
            "and take the lowest threshold that fits."
        )
    lower = results[expected].reviewer_hours
    raise NotYet(
        f"A threshold of {at:.2f} fits ({_hours(hours)} a day), but a lower threshold on the grid fits "
        f"too (one needs {_hours(lower)}). The question asks for the lowest that fits: each step up "
        "trips the rule on fewer frames, of everyone, the true cases too."
    )


def _other_threshold(got: float, results: dict, expected: float, value) -> float | None:
    for t, r in results.items():
        if (
            t != expected
            and close_enough(got, value(r))
            and not close_enough(value(r), value(results[expected]))
        ):
            return t
    return None


def _check_rate(got: float, results: dict, expected: float) -> None:
    chosen = results[expected]
    rate = chosen.inputs.rate.value
    if close_enough(got, rate):
        return
    if _percentage_of(got, rate):
        raise NotYet(
            "`capacity_frame_rate` looks like a percentage. Give it as a share between 0 and 1 "
            "(divide by 100)."
        )
    if close_enough(got, chosen.alert_chance):
        raise NotYet(
            "`capacity_frame_rate` is the chance that an innocent passenger is alerted at least once: "
            "that is per passenger. The question asks per frame: the share of frames over the threshold, "
            "`.inputs.rate.value` of the result at your threshold."
        )
    other = _other_threshold(got, results, expected, lambda r: r.inputs.rate.value)
    if other is not None:
        raise NotYet(
            f"`capacity_frame_rate` is the per-frame rate at a threshold of {other:.2f}. The question asks "
            f"at your threshold, {expected:.2f}."
        )
    require_figures(
        got,
        rate,
        "capacity_frame_rate",
        "Measure the rate again at your threshold: `inputs.with_rule(clips, threshold=...)`, then its "
        "`.rate.value` (the share of the clips' frames at or over the threshold).",
    )


def _check_alerts(got: float, results: dict, expected: float) -> None:
    chosen = results[expected]
    if close_enough(got, chosen.alerts):
        return
    mistakes = [
        (
            chosen.false_alerts,
            "that is the false alerts only. The reviewers look at every alert, true and false: `.alerts`.",
        ),
        (
            chosen.innocent_people_alerted,
            "that counts the innocent people alerted, not the alerts: one person can raise several. "
            "Give `.alerts`.",
        ),
        (chosen.reviewer_hours, "that is the reviewers' hours, not the alerts. Give `.alerts`."),
        (chosen.approached, "that is the people approached, not the alerts. Give `.alerts`."),
    ]
    for value, message in mistakes:
        if not close_enough(value, chosen.alerts) and close_enough(got, value):
            raise NotYet(f"`capacity_alerts`: {message}")
    other = _other_threshold(got, results, expected, lambda r: r.alerts)
    if other is not None:
        raise NotYet(
            f"`capacity_alerts` is the alerts a day at a threshold of {other:.2f}. The question asks at "
            f"your threshold, {expected:.2f}."
        )
    require_figures(
        got,
        chosen.alerts,
        "capacity_alerts",
        "Simulate the day at your threshold and give its `.alerts` (true and false, a day).",
    )


TRUE_CASE_FEEDBACK = {
    "a": "A higher threshold can only take frames away from those over it: every run of frames over "
    "0.65 is also a run over 0.50. So anyone alerted at the higher threshold is alerted at the lower "
    "one too, and the chance cannot rise.",
    "c": "The simulator keeps `sensitivity` fixed because it has no model of true cases at all "
    "(`station.NO_STUDY`), not because the threshold leaves it alone. Its higher share of real "
    "alerts at a higher threshold assumes that nothing is lost on the true side.",
    "d": "No study gives a figure, but the direction follows from the rule itself: the frames over a "
    "higher threshold are some of the frames over a lower one, so every run that alerts at the higher "
    "threshold alerts at the lower one too.",
}


@check("q2")
def threshold_for_review_capacity(ns: dict) -> None:
    station = _station()
    clips = require(ns, "clips", station.Measurement)
    inputs = _inputs(ns, "inputs")
    results = grid_results(inputs, clips)
    expected = lowest_that_fits(results)
    if expected is None:
        raise NotYet(
            f"No threshold on the grid keeps the reviewers' hours within {Q2_HOURS:g} a day with these "
            "`inputs`. Run the set-up cells again, as they were given."
        )
    _check_threshold(require_number(ns, "capacity_threshold"), results, expected)
    _check_rate(require_number(ns, "capacity_frame_rate"), results, expected)
    _check_alerts(require_number(ns, "capacity_alerts"), results, expected)
    require_choice(ns, "true_case_chance", "b", TRUE_CASE_FEEDBACK)


# --- Question 3 ------------------------------------------------------------------------------


def assumption_names() -> tuple[str, ...]:
    """The inputs of :class:`StationInputs` that are numbers (the rule is varied through its rate)."""
    return tuple(f.name for f in fields(_station().StationInputs) if f.name != "rule")


def ppv_swing(inputs, name: str, low: float, high: float) -> float:
    """How many times larger the share of real alerts is at one end of ``name``'s range than at
    the other (the larger over the smaller; infinite when one end is 0, NaN when one end has no
    alerts at all), everything else as in ``inputs``."""
    station = _station()
    ppvs = [station.simulate(replace(inputs, **{name: value})).ppv for value in (low, high)]
    if any(math.isnan(p) for p in ppvs):
        return float("nan")
    small, large = sorted(ppvs)
    if small == 0:
        return math.inf if large > 0 else 1.0
    return large / small


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _ranges(ns: dict, inputs) -> dict[str, tuple[float, float]]:
    station = _station()
    value = require(ns, "q3_ranges", dict)
    names = assumption_names()
    out = {}
    for name, pair in value.items():
        if name not in names:
            raise NotYet(
                f"`q3_ranges` has {name!r}, which is not an input of the simulator. Use the names of "
                f"`StationInputs`: {', '.join(names)}."
            )
        if isinstance(pair, str) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise NotYet(f"The range of {name!r} should be two numbers, (low, high); got {pair!r}.")
        low, high = pair
        if not (_is_number(low) and _is_number(high)) or not low < high:
            raise NotYet(
                f"The range of {name!r} should be two numbers with the lower first, such as (3, 30); "
                f"got {pair!r}."
            )
        for end in (low, high):
            try:
                replace(inputs, **{name: end})
            except station.StationError as err:
                raise NotYet(f"In the range of {name!r}, {end!r} cannot be used: {err}") from None
        out[name] = (float(low), float(high))
    if len(out) < Q3_MIN_FIELDS:
        raise NotYet(
            f"`q3_ranges` has {len(out)} inputs; give a range for at least {Q3_MIN_FIELDS} of them, with "
            "every one you think might matter, so that your three are chosen from a real comparison."
        )
    return out


def _swing_text(x: float) -> str:
    return "infinitely many" if math.isinf(x) else f"{x:,.3g}"


def _check_swings(ns: dict, expected: dict[str, float]) -> None:
    swings = require(ns, "q3_swings", dict)
    missing = [n for n in expected if n not in swings]
    extra = [n for n in swings if n not in expected]
    if missing or extra:
        raise NotYet(
            "`q3_swings` should have one number for each input in `q3_ranges`, no more"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not in `q3_ranges`: {', '.join(map(str, extra))}" if extra else "")
            + ". Compute them again after changing the ranges."
        )
    for name, want in expected.items():
        if math.isnan(want):
            raise NotYet(
                f"At one end of the range of {name!r} the system raises no alerts at all, so there is no "
                "share of real alerts to compare. Narrow that range."
            )
        got = swings[name]
        if not _is_number(got):
            raise NotYet(f"The swing of {name!r} in `q3_swings` should be a number, not {got!r}.")
        got = float(got)
        if close_enough(got, want):
            continue
        if want not in (0, math.inf) and close_enough(got, 1 / want):
            raise NotYet(
                f"The swing of {name!r} is upside down: divide the larger share of real alerts by the "
                "smaller, so that the swing is 1 or more."
            )
        raise NotYet(
            f"The swing of {name!r} is {got:.4g}, but the simulator gives {_swing_text(want)} with your "
            f"range {expected_range_text(ns, name)}. Simulate `replace(inputs, {name}=low)` and "
            f"`replace(inputs, {name}=high)`, and divide the larger `.ppv` by the smaller."
        )


def expected_range_text(ns: dict, name: str) -> str:
    low, high = ns["q3_ranges"][name]
    return f"({low:g}, {high:g})"


@check("q3")
def assumptions_that_matter_most(ns: dict) -> None:
    inputs = _inputs(ns, "inputs")
    ranges = _ranges(ns, inputs)
    expected = {name: ppv_swing(inputs, name, *pair) for name, pair in ranges.items()}
    _check_swings(ns, expected)
    top = require(ns, "top_three", (list, tuple))
    if len(top) != 3 or not all(isinstance(n, str) for n in top) or len(set(top)) != 3:
        raise NotYet(
            "`top_three` should be a list of three different names of inputs, as text, such as "
            '["base_rate", "rate", "seconds_in_view"].'
        )
    for name in top:
        if name not in ranges:
            raise NotYet(
                f"{name!r} is in `top_three` but has no range in `q3_ranges`"
                + ("" if name in assumption_names() else ", and is not an input of the simulator")
                + ". Choose your three from the inputs you varied."
            )
    others = {n: s for n, s in expected.items() if n not in top}
    weakest = min(top, key=lambda n: expected[n])
    if others:
        strongest = max(others, key=others.get)
        if others[strongest] > expected[weakest] * (1 + 1e-9):
            ranked = sorted(expected, key=expected.get, reverse=True)[:3]
            raise NotYet(
                f"With your ranges, {strongest!r} moves the share of real alerts "
                f"{_swing_text(others[strongest])}-fold, more than {weakest!r} in your list "
                f"({_swing_text(expected[weakest])}-fold). Your analysis ranks {', '.join(ranked)} first. "
                "Change the list, or, if a range is not what you believe, change the range: the ranges "
                "are your judgement, and the list should follow from them."
            )
