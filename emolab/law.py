"""The law and the street: a deployment's facts walked through five regimes, step by step.

- ``Facts``: the answers to the questions the law asks of a deployment (does it infer emotions,
  of whom, for what, are people identified, is it in a publicly accessible space, ...);
- ``classify(facts)``: per regime (``REGIMES``: the EU AI Act, the GDPR, the CNIL's doctrine for
  cameras in French public space, China, the United States), a ``Finding``: an outcome and the
  steps that led there, each step with the provision that decides it (:mod:`emolab.provisions`);
- ``compare(scenario, facts)``: where a learner's answers and the course's lead to different
  outcomes, and why.

The deployments themselves are data, in :mod:`emolab.deployments`. This is teaching logic, not
legal advice: every finding that rests on an open question says so in ``unsettled``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .errors import EmolabError
from .provisions import PROVISIONS, Provision

REGIMES = {
    "ai_act": "EU AI Act",
    "gdpr": "GDPR",
    "cnil": "CNIL (France, cameras in public space)",
    "china": "China (PIPL, 2025 face-recognition Measures)",
    "us": "United States",
}

INFERS = ("emotions", "physical state", "nothing")  # what the system infers about the people it reads

# AI Act outcomes
PROHIBITED = "prohibited"
HIGH_RISK_INFORM = "high-risk; people must be informed"
HIGH_RISK_NO_NOTICE = "high-risk; duty to inform does not apply (crime)"
OUTSIDE = "not emotion recognition"
AI_ACT_OUTCOMES = (PROHIBITED, HIGH_RISK_INFORM, HIGH_RISK_NO_NOTICE, OUTSIDE)

# CNIL outcomes
NOT_PUBLIC = "not a camera in public space"
STATISTICS_ALLOWED = "statistics only: no specific law needed"
NEEDS_LAW = "needs a specific law"
CNIL_OUTCOMES = (NOT_PUBLIC, STATISTICS_ALLOWED, NEEDS_LAW)


@dataclass(frozen=True)
class Facts:
    """What the law asks of a deployment. Each field's docstring is the question, in ``QUESTIONS``."""

    infers: str  # one of INFERS
    workers_or_learners: bool
    medical_or_safety: bool
    identifies: bool
    public_space: bool
    large_scale: bool = False
    law_enforcement: bool = False
    statistics_only: bool = False
    counts_serve_an_aim: bool = False
    decides_about_people: bool = False
    private_deployer: bool = False

    def __post_init__(self):
        if self.infers not in INFERS:
            raise EmolabError(
                f"`infers` is {self.infers!r}.", advice=f"Use one of {', '.join(repr(i) for i in INFERS)}."
            )
        for item in fields(self)[1:]:
            if not isinstance(getattr(self, item.name), bool):
                raise EmolabError(
                    f"`{item.name}` is {getattr(self, item.name)!r}.", advice="Answer it with True or False."
                )


QUESTIONS = {
    "infers": "What does it infer about the people it reads: emotions (or intentions), only a physical "
    "state such as fatigue, or nothing (it counts, or detects an object such as a mask)?",
    "workers_or_learners": "Are the people whose emotions it infers workers there (job candidates "
    "included) or learners in an education institution?",
    "medical_or_safety": "Is it put in place for medical or safety reasons?",
    "identifies": "Does it identify people (establish who someone is)?",
    "public_space": "Is it in a publicly accessible space (a street, a station, a shop, a museum)?",
    "large_scale": "Does it monitor many people, systematically (a whole station, a city's squares)?",
    "law_enforcement": "Is it used, and permitted by law, to detect, prevent or investigate crime?",
    "statistics_only": "Does it keep and release only anonymous counts, its images dropped at once?",
    "counts_serve_an_aim": "Are the counts a means to another aim of the deployer (beyond statistics)?",
    "decides_about_people": "Does its output feed a decision about a person (hiring, a grade, a stop)?",
    "private_deployer": "Is the deployer a private company (not a public authority)?",
}


@dataclass(frozen=True)
class Step:
    question: str
    answer: str
    provision: Provision


@dataclass(frozen=True)
class Finding:
    regime: str
    outcome: str  # a short label; for the GDPR, China and the US, the provisions that apply, joined
    applies: tuple[str, ...]  # the keys of the provisions that decide it
    steps: tuple[Step, ...]
    unsettled: tuple[str, ...] = ()

    @property
    def deciding(self) -> Provision:
        """The provision that decides the outcome: the last step's that applies (else the last step's)."""
        for step in reversed(self.steps):
            if step.provision.key in self.applies:
                return step.provision
        return self.steps[-1].provision

    def text(self) -> str:
        lines = [f"{REGIMES[self.regime]}: {self.outcome}"]
        lines += [f"  - {step.question} {step.answer} [{step.provision.cite}]" for step in self.steps]
        lines += [f"  - Unsettled: {note}" for note in self.unsettled]
        return "\n".join(lines)


class _Walk:
    """Collects the steps of one regime's walk."""

    def __init__(self, regime: str):
        self.regime = regime
        self.steps: list[Step] = []
        self.unsettled: list[str] = []
        self.applies: list[str] = []

    def step(self, question: str, answer: str, key: str, applies: bool = False) -> None:
        self.steps.append(Step(question, answer, PROVISIONS[key]))
        if applies:
            self.applies.append(key)

    def finding(self, outcome: str | None = None) -> Finding:
        outcome = outcome or "; ".join(PROVISIONS[key].short for key in self.applies)
        return Finding(self.regime, outcome, tuple(self.applies), tuple(self.steps), tuple(self.unsettled))


def _ai_act(facts: Facts) -> Finding:
    walk = _Walk("ai_act")
    ask = "Does it infer emotions or intentions from biometric data?"
    if facts.infers == "physical state":
        walk.step(ask, "No: a physical state such as fatigue is not an emotion.", "aia-recital-18", True)
        return walk.finding(OUTSIDE)
    if facts.infers == "nothing":
        walk.step(ask, "No: it infers nothing about emotions.", "aia-3-39", True)
        return walk.finding(OUTSIDE)
    walk.step(ask, "Yes: it is an emotion recognition system.", "aia-3-39")
    ask = "Are the people read workers or learners there?"
    if facts.workers_or_learners:
        walk.step(ask, "Yes: the area of workplace or education institutions.", "aia-5-1-f")
        if not facts.medical_or_safety:
            walk.step("For medical or safety reasons?", "No: the prohibition applies.", "aia-5-1-f", True)
            return walk.finding(PROHIBITED)
        walk.step("For medical or safety reasons?", "Yes: outside the prohibition.", "aia-recital-44")
        walk.unsettled.append(
            "How far the medical-or-safety exception reaches has not been settled by a court; recital 44 "
            "gives therapeutic use as its example."
        )
    else:
        walk.step(ask, "No: Art. 5(1)(f) does not apply.", "guidelines-customers")
    walk.step("Not prohibited: which regime?", "High-risk, from 2 December 2027.", "omnibus-dates", True)
    walk.applies.insert(0, "aia-annex-iii-1c")
    if facts.law_enforcement:
        walk.step("Permitted by law to fight crime?", "Yes: no duty to inform.", "aia-50-3-crime", True)
        return walk.finding(HIGH_RISK_NO_NOTICE)
    walk.step("Must the people be told?", "Yes, since 2 August 2026.", "aia-50-3", True)
    return walk.finding(HIGH_RISK_INFORM)


def _gdpr(facts: Facts) -> Finding:
    walk = _Walk("gdpr")
    if facts.identifies:
        walk.step("Are people identified from their faces?", "Yes: a special category.", "gdpr-9-1", True)
    else:
        walk.step("Are people identified from their faces?", "No.", "gdpr-9-open")
        if facts.infers == "emotions":
            walk.unsettled.append(
                "Whether inferred emotions are special-category data (health, for example) depends on "
                "the facts; regulators differ."
            )
    if facts.decides_about_people:
        walk.step("Do decisions about people rest on it?", "Yes: a DPIA is required.", "gdpr-35-3-a", True)
    if facts.identifies and facts.large_scale:
        walk.step("Special categories on a large scale?", "Yes: a DPIA is required.", "gdpr-35-3-b", True)
    if facts.public_space and facts.large_scale:
        walk.step("Large-scale monitoring of a public area?", "Yes: a DPIA is required.", "gdpr-35-3-c", True)
    if facts.public_space:
        walk.step(
            "Can the people object?",
            "In law, yes, where it rests on public interest or legitimate interests; in a public place, "
            "not in practice before they are filmed.",
            "gdpr-21-1",
            True,
        )
    if facts.statistics_only:
        walk.unsettled.append(
            "A camera that keeps only counts still reads every face for a moment; the CNIL treated "
            "Cannes's mask counters as processing people could object to."
        )
    if not walk.applies:
        return walk.finding("no special category and no mandatory DPIA trigger among these")
    return walk.finding()


def _cnil(facts: Facts) -> Finding:
    walk = _Walk("cnil")
    if not facts.public_space:
        walk.step(
            "A camera in public space?", "No: the CNIL's position is about public space.", "cnil-public-space"
        )
        return walk.finding(NOT_PUBLIC)
    if not facts.statistics_only:
        walk.step("Anonymous statistics only?", "No: a specific law is needed.", "cnil-specific-law", True)
        return walk.finding(NEEDS_LAW)
    if facts.counts_serve_an_aim:
        walk.step("Statistics for their own sake?", "No: a means to another aim.", "cnil-2020-letter", True)
        return walk.finding(NEEDS_LAW)
    walk.step("Anonymous statistics only, no operational aim?", "Yes.", "cnil-statistics", True)
    walk.unsettled.append(
        "Where statistics end and an 'immediate operational purpose' begins is a judgement the CNIL "
        "makes case by case."
    )
    return walk.finding(STATISTICS_ALLOWED)


def _china(facts: Facts) -> Finding:
    walk = _Walk("china")
    if facts.public_space:
        walk.step("Cameras in a public place?", "Only for public security, with signs.", "pipl-26", True)
    walk.step("Are faces processed?", "Yes: sensitive personal information.", "pipl-28", True)
    walk.step("Is separate consent needed?", "Yes, for sensitive information.", "pipl-29", True)
    if facts.identifies:
        walk.step("Are people identified by face?", "Yes: the 2025 Measures apply.", "frt-measures", True)
    if facts.infers == "emotions":
        walk.step("Does a rule name emotion recognition?", "None was found.", "frt-no-emotion")
        walk.unsettled.append(
            "The course's sources found no Chinese provision on emotion recognition, and found public-"
            "security uses deployed at scale; how PIPL's consent rules meet state security uses is not "
            "covered by those sources."
        )
    if facts.workers_or_learners and facts.infers == "emotions":
        walk.step("In schools?", "The Ministry of Education urged restraint in 2019.", "moe-2019")
    return walk.finding()


def _us(facts: Facts) -> Finding:
    walk = _Walk("us")
    walk.step("Does a US law name emotion recognition?", "None was found.", "us-none-found")
    walk.step("Are claims about its accuracy policed?", "Yes: the FTC.", "ftc-2023", True)
    if facts.private_deployer and facts.infers != "nothing":
        walk.step("A private entity analysing faces?", "In Illinois, BIPA may apply.", "bipa", True)
        walk.step("For a commercial purpose?", "In Texas, CUBI may apply.", "cubi", True)
        walk.unsettled.append(
            "Whether an emotion classifier captures a 'scan of face geometry' (BIPA) or a 'record of face "
            "geometry' (CUBI) has not been settled in the course's sources."
        )
    if facts.identifies:
        walk.step("Face recognition?", "Some cities ban it.", "us-city-bans", True)
    if facts.decides_about_people and facts.workers_or_learners:
        walk.step(
            "A consequential decision (work, education)?",
            "In Colorado, from 1 January 2027.",
            "colorado",
            True,
        )
    return walk.finding()


_WALKS = {"ai_act": _ai_act, "gdpr": _gdpr, "cnil": _cnil, "china": _china, "us": _us}


def classify(facts: Facts) -> dict[str, Finding]:
    """Walk the facts through every regime in ``REGIMES``."""
    if not isinstance(facts, Facts):
        raise EmolabError(
            f"classify() needs a law.Facts, not {type(facts).__name__}.",
            advice="Take a scenario's facts (scenario.facts) and change them with law.changed(...).",
        )
    return {regime: walk(facts) for regime, walk in _WALKS.items()}


def changed(facts: Facts, **answers) -> Facts:
    """The same facts with some answers changed, e.g. ``changed(s.facts, public_space=True)``."""
    unknown = sorted(set(answers) - set(QUESTIONS))
    if unknown:
        raise EmolabError(
            f"Facts have no {', '.join(unknown)}.", advice=f"The questions are: {', '.join(QUESTIONS)}."
        )
    return replace(facts, **answers)


@dataclass(frozen=True)
class Difference:
    regime: str
    yours: Finding
    course: Finding
    facts_that_differ: tuple[str, ...] = field(default=())

    def text(self) -> str:
        why = ", ".join(self.facts_that_differ) or "no fact"
        return (
            f"{REGIMES[self.regime]}: your answers lead to '{self.yours.outcome}', the course's to "
            f"'{self.course.outcome}'. The facts that differ: {why}.\n"
            f"The course's deciding provision: {self.course.deciding.line()}"
        )


def compare(course_facts: Facts, learner_facts: Facts) -> list[Difference]:
    """Every regime whose outcome differs between the course's facts and a learner's."""
    differing = tuple(
        name for name in QUESTIONS if getattr(course_facts, name) != getattr(learner_facts, name)
    )
    course, yours = classify(course_facts), classify(learner_facts)
    return [
        Difference(regime, yours[regime], course[regime], differing)
        for regime in REGIMES
        if yours[regime].outcome != course[regime].outcome
    ]
