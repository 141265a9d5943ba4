"""Checks for lesson 5, "Cameras are not studio photos".

Every expected value is recomputed when the check runs, from the learner's own sweeps (their
``height_sweep`` and ``vendor_sweep``, :class:`emolab.robustness.Sweep` objects) with the
package's own tables (``curves()``, ``agreement()``), so no model output is written here and the
checks hold for any detector or emotion model. Each question asks for what the lesson did not
print: the face height at which the Haar pipeline loses half the faces, on a finer plan than the
lesson's; the agreement of the two emotion models at a face height the lesson did not try (the
lesson printed their agreement on the clean photos); and the worst results of a test the learner
designed. What cannot be checked honestly (why a learner chose a test) is reflection, unmarked.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import NotYet, check, matches, require, require_close, require_number

HAAR = "DeepFace (Haar + FER2013)"
FER = "DeepFace with YuNet (YuNet + FER2013)"
ZOO = "OpenCV Zoo (YuNet + RAF-DB)"
HEIGHT = "face_height"
Q1_PIPELINE = HAAR
Q2_HEIGHT = 26  # pixels: a face height the lesson's plan (48, 32, 28, 24, 20) does not try
Q2_PIPELINES = (FER, ZOO)  # the two emotion models behind the same detector
Q3_MODELS = {"fer2013": "FER2013", "raf-db": "RAF-DB"}
Q3_MIN_DEGRADATIONS, Q3_MIN_STRENGTHS = 2, 2


def _sweep_class():
    from emolab.robustness import Sweep

    return Sweep


def _height_sweep(ns: dict, pipelines: tuple[str, ...]):
    """The learner's ``height_sweep``: a Sweep of face height with every pipeline named."""
    sweep = require(ns, "height_sweep", _sweep_class())
    if HEIGHT not in sweep.plan:
        raise NotYet(
            f"`height_sweep` is a sweep of {', '.join(sweep.plan)}, not of face height. Run the cell "
            'that makes it: `robustness.sweep("face_height", ...)`.'
        )
    for pipe in pipelines:
        if pipe not in sweep.pipelines:
            raise NotYet(
                f'`height_sweep` did not run the pipeline "{pipe}" (it ran: '
                f"{', '.join(sweep.pipelines)}). Run the cell that makes it, with that pipeline in "
                "`pipelines=`."
            )
    return sweep


def _heights(sweep, pipeline: str):
    """The face-height curve of ``pipeline``: one row per height tried (the clean photo left out)."""
    table = sweep.curves(HEIGHT)
    rows = table[(table["pipeline"] == pipeline) & (table["step"] > 0)]
    return rows.sort_values("strength", ascending=False)


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _px(height: float) -> str:
    return f"{height:g} px"


def _percent_of(got: float, share: float) -> bool:
    """True when ``got`` is ``share`` written as a percentage (rounded to a whole number or more)."""
    return matches(got, 100 * share, min_decimals=0)


# --- Question 1 ------------------------------------------------------------------------------


def half_lost(sweep, pipeline: str) -> float | None:
    """The largest face height tried at which ``pipeline`` found fewer than half of the faces
    (share found below 0.5), or None when it found at least half at every height tried."""
    rows = _heights(sweep, pipeline)
    below = rows[rows["found"] < 0.5]
    return float(below["strength"].max()) if len(below) else None


@check("q1")
def height_where_half_are_lost(ns: dict) -> None:
    sweep = _height_sweep(ns, (Q1_PIPELINE,))
    got = require_number(ns, "half_lost_height")
    rows = _heights(sweep, Q1_PIPELINE)
    tried = [float(h) for h in rows["strength"]]
    expected = half_lost(sweep, Q1_PIPELINE)
    if expected is None:
        raise NotYet(
            f"In `height_sweep`, the pipeline found at least half of the faces at every height tried "
            f"({', '.join(_px(h) for h in tried)}), so there is no answer yet. Run the sweep again with "
            "smaller heights as well, such as 20 and 16 pixels."
        )
    if got == expected:
        return
    found = dict(zip(tried, rows["found"], strict=True))
    if 0 <= got <= 1:
        raise NotYet(
            f"`half_lost_height` is {got:g}: that looks like a share of faces, not a height. Give the "
            'face height in pixels (the `strength` column of `height_sweep.curves("face_height")`).'
        )
    if got not in tried and 1 < got <= 100 and any(_percent_of(got, s) for s in found.values()):
        raise NotYet(
            f"`half_lost_height` is {got:g}: that looks like a percentage of faces found, not a height. "
            "Give the face height in pixels (the `strength` column)."
        )
    for pipe in sweep.pipelines:
        if pipe != Q1_PIPELINE and got == half_lost(sweep, pipe):
            raise NotYet(
                f'{_px(got)} is the answer for the pipeline "{pipe}". This question asks about '
                f'"{Q1_PIPELINE}": take its rows of the table.'
            )
    if got not in tried:
        if got == int(got) and 1 <= got <= len(tried) and got not in tried:
            step = f" {got:g} looks like a step number (the `step` column), not a height."
        else:
            step = ""
        raise NotYet(
            f"Give one of the heights your sweep tried: {', '.join(_px(h) for h in tried)}.{step} "
            "The answer is the largest of them at which the pipeline found fewer than half of the faces."
        )
    larger = [h for h in tried if h > expected]
    if larger and got == min(larger):
        raise NotYet(
            f"At {_px(got)} the pipeline still found {_pct(found[got])} of the faces: at least half. The "
            "question asks for the largest height at which it found fewer than half (under 50%): one "
            "step smaller."
        )
    if got < expected:
        share = "fewer than half" if found[got] < 0.5 else "at least half"
        raise NotYet(
            f"At {_px(got)} the pipeline found {_pct(found[got])} of the faces, {share}; but it "
            "already found fewer than half at a larger height. The question asks for the largest "
            "such height: read the table from the top (the largest face) down."
        )
    raise NotYet(
        f"At {_px(got)} the pipeline found {_pct(found[got])} of the faces: at least half. Read the "
        f'`found` column of the rows for "{Q1_PIPELINE}" from the largest face down, and stop at the '
        "first height where it falls below 0.5."
    )


# --- Question 2 ------------------------------------------------------------------------------


def _agreement_rows(sweep, a: str, b: str):
    table = sweep.agreement(a, b)
    return table[table["degradation"] == HEIGHT].set_index("step")


def _at_height(rows, height: float):
    chosen = rows[rows["strength"] == height]
    return chosen.iloc[0] if len(chosen) else None


def _agreement_mistake(got: float, sweep, column: str, other_column: str) -> str | None:
    """What a wrong share or kappa most likely is instead, if one of the usual mistakes."""
    rows = _agreement_rows(sweep, *Q2_PIPELINES)
    row = _at_height(rows, Q2_HEIGHT)
    what = "share of the same top label" if column == "share same" else "kappa"
    clean = rows.loc[0]
    if matches(got, float(clean[column])):
        return (
            f"That is the {what} on the clean photos, which the lesson printed. This question asks at a "
            f"face height of {_px(Q2_HEIGHT)}: take the row of `height_sweep.agreement(...)` whose "
            f"strength is {Q2_HEIGHT}."
        )
    if matches(got, float(row[other_column])):
        other = "kappa" if other_column == "kappa" else "share of the same top label"
        return f"That is the {other}, not the {what}: the two answers are swapped."
    if column == "share same" and row["same"] and matches(got, row["same"] / sweep.n_people):
        return (
            f"That divides by all {sweep.n_people} people. The models can only be compared on the faces "
            f"both pipelines found at {_px(Q2_HEIGHT)}: divide by that number (`n`), "
            f"{int(row['n'])}."
        )
    for step, other in rows.iterrows():
        if step != 0 and other["strength"] != Q2_HEIGHT and matches(got, float(other[column])):
            return f"That is the {what} at {_px(other['strength'])}. This question asks at {_px(Q2_HEIGHT)}."
    if HAAR in sweep.pipelines:
        for pipe in Q2_PIPELINES:
            at = _at_height(_agreement_rows(sweep, HAAR, pipe), Q2_HEIGHT)
            if at is not None and at["n"] and matches(got, float(at[column])):
                return (
                    f'That compares "{HAAR}" with "{pipe}". This question compares the two emotion models '
                    f'behind the same detector: "{Q2_PIPELINES[0]}" and "{Q2_PIPELINES[1]}".'
                )
    return None


@check("q2")
def agreement_at_a_small_face(ns: dict) -> None:
    sweep = _height_sweep(ns, Q2_PIPELINES)
    share = require_number(ns, "agree_share")
    kappa = require_number(ns, "agree_kappa", nan_hint="is the table empty? Look at its `n`.")
    row = _at_height(_agreement_rows(sweep, *Q2_PIPELINES), Q2_HEIGHT)
    if row is None:
        raise NotYet(
            f"`height_sweep` did not try a face height of {_px(Q2_HEIGHT)}. Run the cell that makes it, "
            f"with {Q2_HEIGHT} among the heights."
        )
    if row["n"] == 0:
        raise NotYet(
            f"At {_px(Q2_HEIGHT)} no face was found by both pipelines, so there is nothing to compare. "
            "Look at the `n` column; the question cannot be answered with this sweep."
        )
    hint = (
        f'Take the row of `height_sweep.agreement("{Q2_PIPELINES[0]}", "{Q2_PIPELINES[1]}")` whose '
        f"strength is {Q2_HEIGHT}: the columns `share same` and `kappa`."
    )
    expected_share, expected_kappa = float(row["share same"]), float(row["kappa"])
    if not matches(share, expected_share):
        if 1 < share <= 100 and _percent_of(share, expected_share):
            raise NotYet(
                "`agree_share` looks like a percentage. Give it as a share between 0 and 1 (divide by 100)."
            )
        mistake = _agreement_mistake(share, sweep, "share same", "kappa")
        if mistake:
            raise NotYet(f"`agree_share`: {mistake}")
        require_close(share, expected_share, "agree_share", hint)
    if not matches(kappa, expected_kappa):
        if 1 < abs(kappa) <= 100 and _percent_of(kappa, expected_kappa):
            raise NotYet("`agree_kappa` looks multiplied by 100. Kappa runs from −1 to 1: divide by 100.")
        mistake = _agreement_mistake(kappa, sweep, "kappa", "share same")
        if mistake:
            raise NotYet(f"`agree_kappa`: {mistake}")
        require_close(kappa, expected_kappa, "agree_kappa", hint)


# --- Question 3 ------------------------------------------------------------------------------


def _normalised_plan(plan: dict) -> dict[str, tuple]:
    """The learner's plan as ``robustness.sweep`` records it, or NotYet saying what is wrong."""
    from emolab import degrade

    if not plan:
        raise NotYet("`vendor_plan` is empty: name at least two degradations, each with its strengths.")
    out = {}
    for name, strengths in plan.items():
        if name not in degrade.DEGRADATIONS:
            raise NotYet(
                f"There is no degradation called {name!r}. Use names from `degrade.DEGRADATIONS`: "
                f"{', '.join(degrade.DEGRADATIONS)}."
            )
        if isinstance(strengths, numbers.Real) and not isinstance(strengths, bool):
            strengths = (strengths,)
        try:
            values = tuple(strengths)
        except TypeError:
            values = None
        if (
            isinstance(strengths, str)
            or values is None
            or not all(v is None or (isinstance(v, numbers.Real) and not isinstance(v, bool)) for v in values)
        ):
            raise NotYet(
                f"The strengths of {name!r} should be a tuple of numbers, such as (32, 24); "
                f"got {strengths!r}."
            )
        out[name] = values
    return out


def _beyond_neutral(name: str, strengths: tuple) -> list:
    from emolab import degrade

    neutral = degrade.get(name).neutral
    return [s for s in dict.fromkeys(strengths) if s is not None and s != neutral]


def _check_plan(plan: dict[str, tuple]) -> None:
    from emolab import degrade

    curves = {name: _beyond_neutral(name, s) for name, s in plan.items()}
    enough = [name for name, s in curves.items() if len(s) >= Q3_MIN_STRENGTHS]
    if len(enough) >= Q3_MIN_DEGRADATIONS:
        return
    short = [name for name in plan if name not in enough]
    example = degrade.get(short[0] if short else "blur")
    unit = "" if example.unit in ("", "share") else f", {example.unit}"
    raise NotYet(
        f"A test a vendor cannot dodge needs at least {Q3_MIN_DEGRADATIONS} degradations, each at "
        f"{Q3_MIN_STRENGTHS} or more strengths beyond its neutral value (a curve, not a point); "
        f"`vendor_plan` has {len(enough)}. For example, {example.name!r} at two of "
        f"{example.strengths} ({example.parameter}{unit}; {example.neutral!r} changes nothing)."
    )


def _check_vendor_sweep(sweep, plan: dict[str, tuple]) -> None:
    from emolab import core, robustness

    recorded = {name: tuple(s) for name, s in sweep.plan.items()}
    if recorded != plan:
        raise NotYet(
            "`vendor_sweep` was not run on `vendor_plan` as it is now (its plan: "
            f"{recorded}). Run `robustness.sweep(strengths=vendor_plan, photos=photos)` again after "
            "changing the plan."
        )
    models = {core.PIPELINES[p]["model"] for p in sweep.pipelines if p in core.PIPELINES}
    missing = [text for model, text in Q3_MODELS.items() if model not in models]
    if missing:
        raise NotYet(
            f"`vendor_sweep` ran no pipeline with the {' or '.join(missing)} model. Test both emotion "
            f'models: leave `pipelines=` out (the default is both), or name "{FER}" and "{ZOO}".'
        )
    subset = {p.person_id for p in robustness.people(progress=False)}
    ran = set(sweep.observations["person"])
    if ran != subset:
        raise NotYet(
            f"`vendor_sweep` ran on {len(ran)} people, not on the lesson's {len(subset)} "
            "(`robustness.people()`). Pass `photos=photos`, the subset made in the set-up, so that "
            "your numbers can be set beside the lesson's."
        )


def _degraded_curves(sweep):
    table = sweep.curves()
    return table[table["step"] > 0]


def _worst_mistake(got: float, table, column: str, n_people: int) -> str | None:
    values = table[column].to_numpy(dtype=float)
    if 1 < got <= 100 and _percent_of(got, float(np.nanmin(values))):
        return "looks like a percentage. Give it as a share between 0 and 1 (divide by 100)."
    if matches(got, float(np.nanmax(values))):
        return "is the best share in your sweep, not the worst: take the smallest."
    if got == 1:
        return "is the share on the clean photos (always 1). Leave the clean photo out: step 0."
    if column == "unchanged":
        all_people = (table["unchanged k"] / n_people).to_numpy(dtype=float)
        if matches(got, float(np.nanmin(all_people))) and not matches(got, float(np.nanmin(values))):
            return (
                "divides by every person, so a lost face counts as a changed label. This measure counts "
                "the faces still found (`unchanged n`); the faces lost are already in the `found` column."
            )
    for pipe, part in table.groupby("pipeline"):
        mine = part[column].to_numpy(dtype=float)
        if np.isfinite(mine).any() and matches(got, float(np.nanmin(mine))):
            return (
                f'is the worst for "{pipe}" alone. Take the worst over every pipeline in your sweep: a '
                "vendor's product is one of them, and you do not know which."
            )
    return None


@check("q3")
def a_vendor_test(ns: dict) -> None:
    plan_value = require(ns, "vendor_plan", dict)
    plan = _normalised_plan(plan_value)
    _check_plan(plan)
    sweep = require(ns, "vendor_sweep", _sweep_class())
    _check_vendor_sweep(sweep, plan)
    table = _degraded_curves(sweep)
    for name, column, title in (
        ("worst_found", "found", "share of faces found"),
        ("worst_unchanged", "unchanged", "share of top labels unchanged (of the faces found)"),
    ):
        values = table[column].to_numpy(dtype=float)
        if not np.isfinite(values).any():
            raise NotYet(
                "No face was found at any setting of your sweep, so no label can be compared. Add a "
                "milder strength to each degradation: a test should show where a system starts to fail."
            )
        expected = float(np.nanmin(values))
        got = require_number(ns, name)
        if matches(got, expected):
            continue
        mistake = _worst_mistake(got, table, column, sweep.n_people)
        if mistake:
            raise NotYet(f"`{name}` {mistake}")
        require_close(
            got,
            expected,
            name,
            f"Take the smallest `{column}` in `vendor_sweep.curves()`, over every degradation, strength "
            f"and pipeline, leaving out the clean photo (step 0): the worst {title}.",
        )
