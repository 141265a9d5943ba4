"""Lesson 8's deployment review: the learner's own evidence from lessons 4 to 7, and the document.

- ``PROPOSAL``: the deployment under review (a scenario shaped like the unverified Barcelona claim);
- ``people_evidence``, ``camera_evidence``, ``alerts_evidence``, ``law_evidence``: one section's
  numbers each, computed from the course's data (fast when lessons 4 to 6 filled the analysis
  cache), or from an audit, sweep or station result the learner already has;
- ``gather()``: all four at once; ``save_evidence`` / ``load_evidence``: a small JSON file in the
  learner's working folder, written only when they call ``save_evidence``. It holds numbers,
  model names and dates: no image, no face, nothing from a camera;
- ``Review``: the learner's text per section (``SECTIONS``), with ``{placeholders}`` for the
  evidence; ``markdown()``, ``save()`` write the review document (Markdown and printable HTML, each
  figure with its alt text, each data source with its credit).
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import re
import string
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import law
from .deployments import Scenario
from .errors import EmolabError

EVIDENCE_FILE = "my-evidence.json"
EVIDENCE_VERSION = 1
PEOPLE_MEASURE = "negative_on_neutral"
PEOPLE_BY = "ethnic group"
CAMERA_FACE_PX = 24  # a face 24 pixels high: a person some metres from a CCTV camera (lesson 5)
AUDIT_PIPELINE = "DeepFace (Haar + FER2013)"
OKABE_ITO_BLUE, OKABE_ITO_ORANGE = "#0072B2", "#E69F00"  # colour-blind safe; bars are labelled too

PROPOSAL = Scenario(
    "transit-hub-proposal",
    "Platform cameras that flag 'distressed or aggressive' passengers",
    "hypothetical",
    "EU (a scenario)",
    "a transit operator",
    "the platforms of its busiest station",
    "alert staff to passengers the software labels distressed or aggressive, so that staff can approach them",
    "for each face on the platform cameras, emotion scores per frame; an alert when the 'angry' "
    "and 'fear' scores stay high for several frames in a row (lesson 3's rule)",
    "station staff, through alerts on a handheld device",
    law.Facts("emotions", False, True, False, True, large_scale=True),
    {},
    "claim-barcelona",
    "A scenario for the review, shaped like the unverified Barcelona claim: no such deployment is "
    "documented.",
)

SECTIONS = {
    "purpose": "Purpose and necessity",
    "computed": "What is computed and kept",
    "law": "Legal classification",
    "people": "Accuracy across people",
    "camera": "Camera conditions",
    "alerts": "Alerts per day",
    "rights": "Risks to rights",
    "alternatives": "Safeguards and alternatives",
    "recommendation": "Recommendation",
}
EVIDENCE_OF = {"law": "law", "people": "people", "camera": "camera", "alerts": "alerts"}


# ----- evidence ---------------------------------------------------------------------------------


def neutral_photos_only(people):
    """The same people with their neutral photos only: the measure compared here uses no other,
    so lesson 4's numbers for it come out the same, in half the analyses."""
    from dataclasses import replace

    kept = tuple(
        replace(p, photos={c: a for c, a in p.photos.items() if c == "neutral"}) for p in people.people
    )
    return replace(people, people=kept)


def people_evidence(the_audit=None) -> dict:
    """Lesson 4: the group whose rate differs most from everyone else's on the share of neutral
    photos given a negative score, with the 95% interval of the difference (percentage points)."""
    from . import audit

    if the_audit is None:
        the_audit = audit.run_audit(neutral_photos_only(audit.london_set()), AUDIT_PIPELINE)
    table = the_audit.differences(PEOPLE_BY, measures=[PEOPLE_MEASURE])
    readable = table[~table["too few"] & ~table["not shown"]]
    if readable.empty:
        raise EmolabError("No group in this audit has enough people to compare.")
    row = readable.loc[readable["difference"].abs().idxmax()]
    counts = the_audit.people.counts(PEOPLE_BY)
    return {
        "pipeline": the_audit.pipeline.label,
        "people_set": the_audit.people.name,
        "credit": the_audit.people.credit,
        "measure": audit.measure(PEOPLE_MEASURE).title,
        "by": PEOPLE_BY,
        "group": str(row["group"]),
        "points": round(float(row["difference"]) * 100, 1),
        "low": round(float(row["low"]) * 100, 1),
        "high": round(float(row["high"]) * 100, 1),
        "group_n": int(row["n"]),
        "smallest_group_n": int(min(counts.values())),
        "groups": {str(r["group"]): round(float(r["difference"]) * 100, 1) for _, r in readable.iterrows()},
    }


def camera_evidence(sweep_result=None) -> dict:
    """Lesson 5: with faces :data:`CAMERA_FACE_PX` pixels high, the share of faces the detector
    misses, and the share of those found whose top label changes from the clean photo's."""
    from . import robustness

    if sweep_result is None:
        sweep_result = robustness.sweep(
            degradations=["face_height"],
            strengths={"face_height": (CAMERA_FACE_PX,)},
            pipelines=robustness.DEFAULT_PIPELINES[:1],
            progress=False,
        )
    curves = sweep_result.curves("face_height")
    pipeline = robustness.DEFAULT_PIPELINES[0]
    rows = curves[
        (curves["strength"] == CAMERA_FACE_PX) & (curves["step"] > 0) & (curves["pipeline"] == pipeline)
    ]
    if rows.empty:
        raise EmolabError(
            f"This sweep has no faces {CAMERA_FACE_PX} pixels high.",
            advice=f"Sweep face_height with {CAMERA_FACE_PX} among its strengths, or call camera_evidence().",
        )
    row = rows.iloc[0]
    return {
        "pipeline": str(row["pipeline"]),
        "face_px": CAMERA_FACE_PX,
        "people": int(row["found n"]),
        "missed_share": round(1 - float(row["found"]), 3),
        "missed_low": round(1 - float(row["found high"]), 3),
        "missed_high": round(1 - float(row["found low"]), 3),
        "changed_share": round(1 - float(row["unchanged"]), 3),
        "changed_low": round(1 - float(row["unchanged high"]), 3),
        "changed_high": round(1 - float(row["unchanged low"]), 3),
        "credit": "Face Research Lab London Set (DeBruine & Jones), CC BY 4.0; each photo's credit: lesson 5",
    }


def alerts_evidence(result=None) -> dict:
    """Lesson 6: a station's day under lesson 3's rule with the per-frame rate measured on lesson
    3's clips (100,000 passengers; the base rate and sensitivity are hypothetical)."""
    from . import station

    if result is None:
        result = station.simulate(station.StationInputs(station.clip_measurement().rate()))
    inputs = result.inputs
    alerts = result.true_alerts + result.false_alerts
    return {
        "source": inputs.rate.source,
        "passengers": int(inputs.passengers_per_day),
        "false_per_day": round(float(result.false_alerts), 1),
        "true_per_day": round(float(result.true_alerts), 2),
        "ppv": float(f"{result.true_alerts / alerts:.2g}") if alerts else 0.0,
        "hypothetical": f"base rate 1 in {round(1 / inputs.base_rate):,}, sensitivity {inputs.sensitivity:g}",
        "rule": inputs.rule.describe().rstrip("."),
    }


def law_evidence(facts: law.Facts = PROPOSAL.facts) -> dict:
    """Lesson 7: the proposal walked through every regime."""
    findings = law.classify(facts)
    return {regime: finding.outcome for regime, finding in findings.items()} | {
        "deciding": {regime: finding.deciding.cite for regime, finding in findings.items()}
    }


@dataclass
class Evidence:
    model: str
    people: dict = field(default_factory=dict)
    camera: dict = field(default_factory=dict)
    alerts: dict = field(default_factory=dict)
    law: dict = field(default_factory=dict)
    model_short: str = ""
    source: str = "recomputed by the course's package"

    def values(self) -> dict[str, str]:
        """The placeholders a review's text may use, each as it is printed."""
        p, c, a, lw = self.people, self.camera, self.alerts, self.law
        found = {"model": self.model_short or self.model}
        if p:
            found |= {
                "people_measure": p["measure"],
                "people_gap_group": p["group"],
                "people_gap_points": f"{p['points']:+.1f}",
                "people_gap_low": f"{p['low']:+.1f}",
                "people_gap_high": f"{p['high']:+.1f}",
                "people_smallest_group_n": people_count(p["smallest_group_n"]),
            }
        if c:
            found |= {
                "camera_face_px": str(c["face_px"]),
                "camera_changed_share": f"{c['changed_share']:.0%}",
                "camera_missed_share": f"{c['missed_share']:.0%}",
            }
        if a:
            found |= {
                "alerts_passengers": f"{a['passengers']:,}",
                "alerts_false_per_day": f"{a['false_per_day']:,.0f}",
                "alerts_true_per_day": f"{a['true_per_day']:g}",
                "alerts_ppv": share_text(a["ppv"]),
            }
        if lw:
            found |= {"law_ai_act": lw["ai_act"], "law_cnil": lw["cnil"]}
        return found


def gather(progress: bool = True) -> Evidence:
    """Every section's evidence, recomputed from the course's data (the analysis cache makes it
    fast once lessons 4 to 6 have run)."""
    from . import model_info

    steps = [("people", people_evidence), ("camera", camera_evidence), ("alerts", alerts_evidence)]
    found = {}
    for name, compute in steps:
        if progress:
            print(f"Evidence: {name} ...", flush=True)
        found[name] = compute()
    model = model_info()
    return Evidence(model.name, law=law_evidence(), model_short=model.short_name, **found)


def evidence_problem(evidence: Evidence) -> str:
    """What is wrong with evidence read from a file, or "" when it holds together: made with the
    emotion model this notebook runs, every estimate inside its interval, the share of alerts that
    are real equal to true / (true + false)."""
    from . import model_info

    if evidence.model != model_info().name:
        return f"it was made with {evidence.model}, and this notebook runs {model_info().name}."
    p, c, a = evidence.people, evidence.camera, evidence.alerts
    if p and not p["low"] <= p["points"] <= p["high"]:
        return "the people section's difference lies outside its own interval."
    for name in ("missed", "changed"):
        if c and not c[f"{name}_low"] <= c[f"{name}_share"] <= c[f"{name}_high"]:
            return f"the camera section's {name} share lies outside its own interval."
    if a:
        alerts = a["true_per_day"] + a["false_per_day"]
        ppv = a["true_per_day"] / alerts if alerts else 0.0
        if not math.isclose(a["ppv"], ppv, rel_tol=0.06, abs_tol=1e-9):
            return "the alerts section's share of real alerts is not true / (true + false)."
    return ""


def save_evidence(evidence: Evidence, path: str | Path = EVIDENCE_FILE) -> Path:
    """Write the evidence's numbers to a small JSON file (no image, no face). Only on this call."""
    path = Path(path)
    payload = {"version": EVIDENCE_VERSION, "saved": _dt.date.today().isoformat(), **asdict(evidence)}
    payload.pop("source")
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    return path.resolve()


def load_evidence(path: str | Path = EVIDENCE_FILE) -> Evidence:
    """The evidence a learner saved with :func:`save_evidence`."""
    path = Path(path)
    if not path.is_file():
        raise EmolabError(
            f"There is no evidence file at {path}.",
            advice="Run gather() to recompute the evidence, or save_evidence(gather()) to keep it in a file.",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = data.pop("saved")
        if data.pop("version") != EVIDENCE_VERSION:
            raise ValueError("version")
        return Evidence(**data, source=f"the evidence file {path.name}, saved {saved}")
    except (ValueError, KeyError, TypeError) as error:
        raise EmolabError(
            f"{path} is not an evidence file this course can read ({type(error).__name__}: {error}).",
            advice="Delete it and run save_evidence(gather()) again.",
        ) from None


# ----- the review document ------------------------------------------------------------------------


def people_count(number: int) -> str:
    return f"{number} {'person' if number == 1 else 'people'}"


def share_text(share: float) -> str:
    """A share with two significant figures, never in scientific notation: 0.000079, 0.12."""
    if share <= 0:
        return "0"
    decimals = max(2, 1 - math.floor(math.log10(share)))
    return f"{share:.{decimals}f}"


class _Missing(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{placeholder}`` replaced; unknown ones are left as written."""
    return string.Formatter().vformat(text, (), _Missing(values)) if "{" in text else text


def unknown_placeholders(text: str, values: dict[str, str]) -> list[str]:
    return sorted({name for name in re.findall(r"\{(\w+)\}", text) if name not in values})


def is_filled(text) -> bool:
    """Some words of the learner's own: not empty, not ``...``, not a bare placeholder."""
    if not isinstance(text, str):
        return False
    words = re.sub(r"\{\w+\}", "", text).split()
    return len([w for w in words if re.search(r"[A-Za-z]", w)]) >= 3


class Review:
    """A deployment review: ``write(section, text)`` per section of :data:`SECTIONS`."""

    def __init__(self, evidence: Evidence, author: str = "", proposal: Scenario = PROPOSAL):
        self.evidence = evidence
        self.author = author
        self.proposal = proposal
        self.texts: dict[str, str] = {}
        self._figures: dict | None = None

    def write(self, section: str, text: str) -> None:
        if section not in SECTIONS:
            raise EmolabError(
                f"No section called {section!r}.", advice=f"The sections are: {', '.join(SECTIONS)}."
            )
        if not isinstance(text, str):
            raise EmolabError(
                f"The text of {section!r} should be a string.", advice='Write it in quotes: """...""".'
            )
        unknown = unknown_placeholders(text, self.evidence.values())
        if unknown:
            raise EmolabError(
                f"{section}: no evidence called {', '.join(unknown)}.",
                advice=f"The placeholders are: {', '.join('{' + k + '}' for k in self.evidence.values())}.",
            )
        self.texts[section] = text

    def missing(self) -> list[str]:
        """The sections not yet filled with some words of the learner's own."""
        return [name for name in SECTIONS if not is_filled(self.texts.get(name))]

    def figures(self) -> dict:
        """Section -> the evidence figure shown there (built from numbers, so no face appears).
        Drawn once per review: the sections, the preview and the saved files share them."""
        if self._figures is None:
            self._figures = {}
            if self.evidence.people:
                self._figures["people"] = people_figure(self.evidence.people)
            if self.evidence.alerts:
                self._figures["alerts"] = alerts_figure(self.evidence.alerts)
        return self._figures

    def markdown(self, image_links: dict[str, str] | None = None) -> str:
        """The review as Markdown. ``image_links``: section -> an image file; default: inline PNG."""
        values = self.evidence.values()
        figures = self.figures()
        lines = [f"# Deployment review: {self.proposal.title}", ""]
        lines += [f"Author: {self.author or '(not given)'}. Evidence: {self.evidence.source}; "
                  f"emotion model: {self.evidence.model}.", ""]  # fmt: skip
        lines += ["## The proposal", ""] + [f"- **{k}:** {v}" for k, v in self.proposal.record().items()]
        lines += [f"- **note:** {self.proposal.what_happened}", ""]
        for number, (key, title) in enumerate(SECTIONS.items(), start=1):
            lines += [f"## {number}. {title}", ""]
            lines += evidence_lines(key, self.evidence)
            if key in figures:
                figure = figures[key]
                target = (image_links or {}).get(key) or "data:image/png;base64," + base64.b64encode(
                    figure.png
                ).decode()
                lines += [f"![{figure.alt}]({target})", "", f"*{figure.caption}*", ""]
            text = self.texts.get(key, "")
            lines += [fill(text, values).strip() if is_filled(text) else "*(not written yet)*", ""]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import mistune

        return mistune.html(self.markdown())

    def show(self, section: str):
        """One section's evidence (and figure), to read before writing it; shows itself in a cell."""
        if section not in SECTIONS:
            raise EmolabError(
                f"No section called {section!r}.", advice=f"The sections are: {', '.join(SECTIONS)}."
            )
        lines = evidence_lines(section, self.evidence) or ["(No computed evidence for this section.)", ""]
        figure = self.figures().get(section)
        return _SectionView("\n".join(lines), figure)

    def save(self, folder: str | Path = "my-review", name: str = "review") -> Path:
        """Write ``NAME.md`` (figures as PNG files beside it) and ``NAME.html`` (self-contained,
        printable) into ``folder``; returns the HTML file's path."""
        if self.missing():
            raise EmolabError(
                f"Not every section is written yet: {', '.join(self.missing())}.",
                advice='Write each with review.write("section", """your text""") first.',
            )
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        links = {}
        for key, figure in self.figures().items():
            (folder / f"{name}-{key}.png").write_bytes(figure.png)
            links[key] = f"{name}-{key}.png"
        (folder / f"{name}.md").write_text(self.markdown(links), encoding="utf-8")
        html_path = folder / f"{name}.html"
        html_path.write_text(to_html(self.markdown(), self.proposal.title), encoding="utf-8")
        return html_path


EXAMPLES = json.loads((Path(__file__).parent / "review_examples.json").read_text(encoding="utf-8"))


def example(kind: str, evidence: Evidence) -> Review:
    """One of the two worked example reviews ("strong" or "weak"), on ``evidence``: the texts the
    rubric's example marks are about (``emolab.rubric.EXAMPLE_MARKS``)."""
    if kind not in EXAMPLES:
        raise EmolabError(f"No example called {kind!r}.", advice="Use 'strong' or 'weak'.")
    worked = Review(evidence, author=f"a worked example ({kind})")
    for section, text in EXAMPLES[kind].items():
        worked.write(section, text)
    return worked


def counting_camera_keeps() -> list[str]:
    """What lesson 7's counting-only camera holds: the meaning of each of its counter's fields."""
    from dataclasses import fields as dataclass_fields

    from .webcam.counting import KEPT_MEANINGS, CountWindow, WindowCounter

    held = vars(WindowCounter())
    kept = [KEPT_MEANINGS[name] for name in held]
    window = ", ".join(f.name for f in dataclass_fields(CountWindow))
    return [*kept, f"for each closed window, only: {window}"]


def evidence_lines(section: str, evidence: Evidence) -> list[str]:
    """The evidence block printed at the top of a section, with its source and credit."""
    p, c, a, lw = evidence.people, evidence.camera, evidence.alerts, evidence.law
    if section == "purpose" and a:
        return [
            f"Evidence: the station of lesson 6 has {a['passengers']:,} passengers a day; to raise its "
            f"{a['true_per_day']:g} true alerts a day (hypothetical inputs: {a['hypothetical']}), the "
            f"system reads every face on the platforms.",
            "",
        ]
    if section == "computed":
        kept = "; ".join(counting_camera_keeps())
        return [
            f"Evidence: the proposal computes {PROPOSAL.computes}. For comparison, lesson 7's "
            f"counting-only camera keeps only: {kept}.",
            "",
        ]
    if section == "rights" and a and c:
        return [
            f"Evidence, from the sections above: {a['passengers']:,} passengers' faces read a day; about "
            f"{a['false_per_day']:,.0f} false alerts a day; at {c['face_px']}-pixel faces, "
            f"{c['missed_share']:.0%} of faces missed ({c['pipeline']}).",
            "",
        ]
    if section == "alternatives":
        return [f"Evidence: what a counting-only camera keeps: {'; '.join(counting_camera_keeps())}.", ""]
    if section == "law" and lw:
        rows = [f"| {law.REGIMES[r]} | {lw[r]} | {lw['deciding'][r]} |" for r in law.REGIMES]
        return ["| regime | outcome | deciding provision |", "|---|---|---|", *rows, ""]
    if section == "people" and p:
        return [
            f"Evidence ({p['pipeline']}, {p['people_set']}): {p['measure']}, by {p['by']}. The group whose "
            f"rate differs most from everyone else's: {p['group']} ({p['group_n']} people), "
            f"{p['points']:+.1f} percentage points (95% interval {p['low']:+.1f} to {p['high']:+.1f}). "
            f"Smallest group: {people_count(p['smallest_group_n'])}.",
            f"Data: {p['credit']}",
            "",
        ]
    if section == "camera" and c:
        return [
            f"Evidence ({c['pipeline']}, {c['people']} people): with faces {c['face_px']} pixels high, the "
            f"detector missed {c['missed_share']:.0%} (95% interval {c['missed_low']:.0%} to "
            f"{c['missed_high']:.0%}); of the faces found, the top label changed for "
            f"{c['changed_share']:.0%} ({c['changed_low']:.0%} to {c['changed_high']:.0%}).",
            f"Data: {c['credit']}",
            "",
        ]
    if section == "alerts" and a:
        return [
            f"Evidence ({a['rule']}; per-frame rate from {a['source']}): at {a['passengers']:,} passengers "
            f"a day, about {a['false_per_day']:,.0f} false alerts and {a['true_per_day']:g} true alerts a "
            f"day; share of alerts that are real: {share_text(a['ppv'])}. Hypothetical inputs: "
            f"{a['hypothetical']}.",
            "",
        ]
    return []


class _SectionView:
    def __init__(self, text: str, figure):
        self.text, self.figure = text, figure

    def _repr_html_(self) -> str:
        import mistune

        return mistune.html(self.text) + (self.figure._repr_html_() if self.figure else "")

    def __repr__(self) -> str:
        return self.text + (f"\n{self.figure!r}" if self.figure else "")


def keep(section: str, source=None, path: str | Path = EVIDENCE_FILE) -> Path:
    """Add one section's evidence to the evidence file (made if absent): ``keep("people", an_audit)``,
    ``keep("camera", a_sweep)``, ``keep("alerts", a_station_result)``, ``keep("law")``. Lessons 4 to 7
    offer it in a cell a learner runs only if they want; nothing else writes the file."""
    from . import model_info

    compute = {"people": people_evidence, "camera": camera_evidence, "alerts": alerts_evidence}
    if section not in (*compute, "law"):
        raise EmolabError(
            f"No evidence called {section!r}.", advice="Keep 'people', 'camera', 'alerts' or 'law'."
        )
    path = Path(path)
    model = model_info()
    evidence = load_evidence(path) if path.is_file() else Evidence(model.name, model_short=model.short_name)
    if evidence.model != model.name:
        raise EmolabError(
            f"{path.name} holds evidence from another emotion model ({evidence.model}); this notebook "
            f"runs {model.name}. One review must rest on one model's numbers.",
            advice=f"Delete {path.name} (or pass another path=) and keep the evidence again.",
        )
    value = (
        law_evidence()
        if section == "law"
        else compute[section](source)
        if source is not None
        else compute[section]()
    )
    setattr(evidence, section, value)
    return save_evidence(evidence, path)


def people_figure(people: dict):
    import matplotlib.pyplot as plt

    from .display import Figure

    groups = sorted(people["groups"], key=people["groups"].get)
    points = [people["groups"][g] for g in groups]
    fig, axis = plt.subplots(figsize=(6, 0.5 + 0.45 * len(groups)))
    axis.barh(groups, points, color=OKABE_ITO_BLUE, hatch="//", edgecolor="black")
    axis.axvline(0, color="black", linewidth=1)
    axis.set_xlabel("difference from everyone else (percentage points)")
    axis.set_title(people["measure"], fontsize=10)
    fig.tight_layout()
    listed = "; ".join(f"{g}: {p:+.1f}" for g, p in zip(groups, points, strict=True))
    alt = (
        f"Bar chart: for each {people['by']} with enough people, how far its share of "
        f"'{people['measure']}' lies from everyone else's, in percentage points: {listed}."
    )
    caption = f"{people['pipeline']} on the {people['people_set']}. Data: {people['credit']}"
    return Figure(fig, alt, caption)


def alerts_figure(alerts: dict):
    import matplotlib.pyplot as plt

    from .display import Figure

    fig, axis = plt.subplots(figsize=(6, 1.8))
    values = [alerts["false_per_day"], alerts["true_per_day"]]
    labels = ["false alerts", "true alerts"]
    axis.barh(labels, values, color=[OKABE_ITO_ORANGE, OKABE_ITO_BLUE], edgecolor="black")
    axis.set_xscale("symlog")
    axis.set_xlabel("alerts per day (log scale)")
    for y, value in enumerate(values):
        axis.text(value, y, f" {value:,.1f}", va="center")
    fig.tight_layout()
    alt = (
        f"Bar chart on a log scale: at {alerts['passengers']:,} passengers a day, about "
        f"{alerts['false_per_day']:,.0f} false alerts and {alerts['true_per_day']:g} true alerts a day."
    )
    caption = f"A station's day under {alerts['rule']}. Per-frame rate: {alerts['source']}."
    return Figure(fig, alt, caption)


def to_html(markdown_text: str, title: str) -> str:
    """A self-contained, printable HTML page (mistune comes with nbconvert)."""
    import mistune

    body = mistune.html(markdown_text)
    style = (
        "body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5;color:#111}"
        "table{border-collapse:collapse}th,td{border:1px solid #767676;padding:.2em .5em}"
        "img{max-width:100%}@media print{body{margin:0}}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Deployment review: '
        f"{title}</title><style>{style}</style></head><body>{body}</body></html>"
    )
