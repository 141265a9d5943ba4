"""Deployments of emotion recognition (and two of its neighbours) as data, for lesson 7.

Each ``Scenario`` is a record: who deploys it, where, for what, what is computed, who sees it; its
``Facts`` (the answers to the law's questions, :mod:`emolab.law`); where the course's sources
describe it (a provision key in :mod:`emolab.provisions`, with its flag); and the course's answer
for every regime (``expected``), which ``tests/test_law.py`` checks against ``law.classify``.

A scenario outside the EU is classified under EU law as if it ran there; ``jurisdiction`` says
where it actually runs. Claims the sources could not verify stay claims (``status``), and the
hypothetical ones assert no facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import law
from .errors import EmolabError
from .law import Facts
from .provisions import PROVISIONS

STATUSES = {
    "documented": "documented: a regulator's, court's or legislator's own text",
    "reported": "reported: by the press or a secondary source the course read",
    "unverified claim": "an unverified claim: no source names who, where or when",
    "hypothetical": "hypothetical: made up for the lesson; asserts no facts",
    "example in the law": "an example given by the legislator or the Commission, not one deployment",
    "this course": "this course's own camera lab",
}


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    status: str
    jurisdiction: str
    who: str
    where: str
    purpose: str
    computes: str
    who_sees: str
    facts: Facts
    expected: dict
    source: str = ""  # a provision key; empty for hypothetical scenarios
    what_happened: str = ""

    def classify(self) -> dict[str, law.Finding]:
        return law.classify(self.facts)

    def record(self) -> dict[str, str]:
        return {
            "who deploys": self.who,
            "where": self.where,
            "for what": self.purpose,
            "what is computed": self.computes,
            "who sees it": self.who_sees,
            "status": STATUSES[self.status],
        }

    def text(self) -> str:
        lines = [f"{self.title} ({self.jurisdiction})"]
        lines += [f"  {name}: {value}" for name, value in self.record().items()]
        if self.source:
            lines.append(f"  source: {PROVISIONS[self.source].line()}")
        if self.what_happened:
            lines.append(f"  what happened: {self.what_happened}")
        return "\n".join(lines)


def _expected(ai_act, cnil, gdpr=(), china=(), us=()) -> dict:
    return {"ai_act": ai_act, "cnil": cnil, "gdpr": set(gdpr), "china": set(china), "us": set(us)}


_CHINA_FACES = ("pipl-28", "pipl-29")
_PUBLIC = ("pipl-26", *_CHINA_FACES)
_PRIVATE_US = ("ftc-2023", "bipa", "cubi")

SCENARIOS: dict[str, Scenario] = {
    s.key: s
    for s in [
        Scenario(
            "milan-square",
            "A public square scanned for 'stress'",
            "unverified claim",
            "Italy (claimed)",
            "a city authority (not named in the claim)",
            "a busy public square",
            "spot stress, agitation or fear in the crowd",
            "expressions, posture and behaviour, analysed in real time",
            "not stated",
            Facts("emotions", False, True, False, True, large_scale=True),
            _expected(
                law.HIGH_RISK_INFORM, law.NEEDS_LAW, ["gdpr-35-3-c", "gdpr-21-1"], _PUBLIC, ["ftc-2023"]
            ),
            "claim-milan",
            "Unverified. What is documented nearby: Milan funded about 100 facial-recognition (not "
            "emotion-recognition) cameras near Milano Centrale in 2022, under Italy's moratorium.",
        ),
        Scenario(
            "barcelona-hub",
            "A transit hub that alerts staff to passengers in distress",
            "unverified claim",
            "Spain (claimed)",
            "a city's transport authority (not named in the claim)",
            "transport hubs",
            "alert staff to a panicking or distressed passenger",
            "an emotion label for faces on station cameras; an alert above a threshold",
            "station staff",
            Facts("emotions", False, True, False, True, large_scale=True),
            _expected(
                law.HIGH_RISK_INFORM, law.NEEDS_LAW, ["gdpr-35-3-c", "gdpr-21-1"], _PUBLIC, ["ftc-2023"]
            ),
            "claim-barcelona",
            "Unverified. What is documented nearby: TMB's 2025 bus-stop counters (another scenario) and a "
            "Renfe tender for station video analytics inferring emotions, withdrawn two days later.",
        ),
        Scenario(
            "tmb-bus-stops",
            "Bus stops that count people and keep no faces",
            "reported",
            "Spain",
            "Transports Metropolitans de Barcelona (TMB)",
            "14 bus stops",
            "match bus service to demand",
            "counts of people and vehicles; no one is recorded",
            "the transport operator, as counts",
            Facts("nothing", False, False, False, True, large_scale=True, statistics_only=True),
            _expected(
                law.OUTSIDE, law.STATISTICS_ALLOWED, ["gdpr-35-3-c", "gdpr-21-1"], _PUBLIC, ["ftc-2023"]
            ),
            "tmb-2025",
            "A pilot from November 2025; not emotion recognition. (The CNIL's doctrine is French; the "
            "course applies it as if the stops were in France.)",
        ),
        Scenario(
            "taigusys-prisons",
            "Emotion recognition in prisons and detention centres",
            "reported",
            "China",
            "prisons and detention centres (Taigusys's stated customers)",
            "about 300 prisons and detention centres, by the company's account",
            "watch detainees",
            "emotion labels from faces on 60,000+ connected cameras, by the company's account",
            "prison staff",
            Facts("emotions", False, False, False, False, large_scale=True, law_enforcement=True),
            _expected(law.HIGH_RISK_NO_NOTICE, law.NOT_PUBLIC, [], _CHINA_FACES, ["ftc-2023"]),
            "guardian-taigusys",
            "Reported by The Guardian in 2021, from the company's own statements.",
        ),
        Scenario(
            "taigusys-schools",
            "Emotion recognition in schools",
            "reported",
            "China",
            "schools (Taigusys's stated customers)",
            "schools",
            "not stated in the course's sources",
            "emotion labels from pupils' faces",
            "not stated",
            Facts("emotions", True, False, False, False),
            _expected(law.PROHIBITED, law.NOT_PUBLIC, [], _CHINA_FACES, ["ftc-2023"]),
            "guardian-taigusys-schools",
            "Reported by The Guardian in 2021. A documented neighbour: Hangzhou No. 11 school's 2018 "
            "'smart classroom' system, reported by Shanghai Daily.",
        ),
        Scenario(
            "xinjiang-customs",
            "A customs checkpoint that screens 'mental state'",
            "reported",
            "China",
            "a public-security bureau (Altay, Xinjiang), with major camera makers",
            "mostly at customs",
            "identify criminal suspects by analysing their 'mental state'",
            "emotion inferences from video footage",
            "police",
            Facts("emotions", False, False, False, True, True, True, decides_about_people=True),
            _expected(
                law.HIGH_RISK_NO_NOTICE,
                law.NEEDS_LAW,
                ["gdpr-35-3-a", "gdpr-35-3-c", "gdpr-21-1"],
                _PUBLIC,
                ["ftc-2023"],
            ),
            "ft-xinjiang",
            "Reported by the Financial Times in 2019, quoting a policing expert: 'We've already started "
            "using it.'",
        ),
        Scenario(
            "sao-paulo-ad-doors",
            "Metro advertising screens that read the people watching",
            "reported",
            "Brazil",
            "ViaQuatro, the operator of São Paulo metro Line 4",
            "platform doors with advertising screens",
            "measure reactions to advertisements",
            "presence, gender, age band and four 'emotions' of people watching",
            "the operator and its advertisers, as audience figures",
            Facts("emotions", False, False, False, True, large_scale=True, private_deployer=True),
            _expected(
                law.HIGH_RISK_INFORM, law.NEEDS_LAW, ["gdpr-35-3-c", "gdpr-21-1"], _PUBLIC, _PRIVATE_US
            ),
            "viaquatro",
            "A consumer group sued; a court ordered the collection stopped in September 2018 and later "
            "awarded collective moral damages, as reported.",
        ),
        Scenario(
            "call-centre-staff",
            "A call centre that scores its staff",
            "example in the law",
            "EU",
            "a call centre",
            "the call centre's offices",
            "track employees' emotions, such as anger",
            "emotion labels from webcams and voice recognition",
            "the company",
            Facts("emotions", True, False, False, False, private_deployer=True),
            _expected(law.PROHIBITED, law.NOT_PUBLIC, [], _CHINA_FACES, _PRIVATE_US),
            "guidelines-staff",
            "An example in the Commission's guidelines on prohibited practices (draft of February 2025).",
        ),
        Scenario(
            "call-centre-customers",
            "A call centre that scores its customers",
            "example in the law",
            "EU",
            "a call centre",
            "phone calls with customers",
            "track customers' emotions, such as anger or impatience",
            "emotion labels from customers' voices",
            "the company",
            Facts("emotions", False, False, False, False, private_deployer=True),
            _expected(law.HIGH_RISK_INFORM, law.NOT_PUBLIC, [], _CHINA_FACES, _PRIVATE_US),
            "guidelines-customers",
            "An example in the Commission's guidelines: not caught by Art. 5(1)(f).",
        ),
        Scenario(
            "driver-fatigue",
            "A system that detects a driver's fatigue",
            "example in the law",
            "EU",
            "a transport company",
            "the cab of a lorry or bus",
            "prevent accidents",
            "signs of fatigue from the driver's face",
            "the driver (an alarm)",
            Facts("physical state", True, True, False, False, private_deployer=True),
            _expected(law.OUTSIDE, law.NOT_PUBLIC, [], _CHINA_FACES, _PRIVATE_US),
            "aia-recital-18",
            "Recital 18 gives fatigue detection for professional pilots and drivers as its example of a "
            "physical state.",
        ),
        Scenario(
            "bologna-museum",
            "A museum's cameras that record visitors' 'mood'",
            "documented",
            "Italy",
            "the municipality of Bologna, with ENEA's ShareArt cameras",
            "the municipal art collections",
            "study how visitors look at works of art",
            "viewing time, gender, age group and mood ('stato d'animo') of visitors",
            "the museum and the researchers",
            Facts("emotions", False, False, False, True),
            _expected(law.HIGH_RISK_INFORM, law.NEEDS_LAW, ["gdpr-21-1"], _PUBLIC, ["ftc-2023"]),
            "shareart",
            "Italy's data-protection authority found no legal basis and insufficient information and "
            "reprimanded the municipality (13 April 2023).",
        ),
        Scenario(
            "cannes-masks",
            "Market cameras that count masked faces",
            "reported",
            "France",
            "the city of Cannes, with Datakalab",
            "three outdoor markets",
            "measure the share of people wearing masks (spring 2020)",
            "for each face, mask or no mask, in memory; aggregate counts kept",
            "the city, as rates",
            Facts("nothing", False, False, False, True, True, statistics_only=True, counts_serve_an_aim=True),
            _expected(law.OUTSIDE, law.NEEDS_LAW, ["gdpr-35-3-c", "gdpr-21-1"], _PUBLIC, ["ftc-2023"]),
            "cannes-2020",
            "The CNIL found that the right to object could not be set aside, and the experiments in "
            "Cannes and the Paris metro stopped; a 2021 decree later allowed statistical mask counting "
            "in transport for one year.",
        ),
        Scenario(
            "exam-proctor",
            "An online exam proctor that flags 'anxious' students",
            "hypothetical",
            "EU (hypothetical)",
            "a university, with a proctoring vendor",
            "students' own rooms, through their webcams, during an exam",
            "flag students for a misconduct review",
            "emotion labels from each student's face; flags above a threshold",
            "exam staff",
            Facts("emotions", True, False, False, False, decides_about_people=True, private_deployer=True),
            _expected(
                law.PROHIBITED, law.NOT_PUBLIC, ["gdpr-35-3-a"], _CHINA_FACES, [*_PRIVATE_US, "colorado"]
            ),
            "",
            "Hypothetical: no real proctoring product is described.",
        ),
        Scenario(
            "course-webcam-lab",
            "This course's webcam lab, in a university",
            "this course",
            "wherever the course runs",
            "a teacher running this course (or a learner alone)",
            "a classroom or a learner's own computer",
            "learn how an emotion classifier behaves, on one's own face, by choice",
            "7 emotion-label scores per frame, in memory, for the last two minutes",
            "the learner only; nothing is saved or shared",
            Facts("emotions", True, False, False, False),
            _expected(law.PROHIBITED, law.NOT_PUBLIC, [], _CHINA_FACES, ["ftc-2023"]),
            "aia-5-1-f",
            "The steps reach Art. 5(1)(f). Whether a learner reading their own face, by choice, to study "
            "the system is the use the prohibition targets has not been settled; consent is not an "
            "exception (Dutch DPA). This is why the camera is optional and every exercise has a "
            "camera-free path: ask your institution's data-protection officer.",
        ),
    ]
}


def scenario(key: str) -> Scenario:
    """One scenario by its key (``SCENARIOS`` lists them)."""
    if key not in SCENARIOS:
        raise EmolabError(
            f"No scenario called {key!r}.", advice=f"The scenarios are: {', '.join(SCENARIOS)}."
        )
    return SCENARIOS[key]


def scenario_table():
    """Every scenario as a row: who deploys it, where, for what, what is computed, who sees it,
    and how much of it is known (a pandas table, keyed by scenario key)."""
    import pandas as pd

    table = pd.DataFrame.from_dict(
        {
            key: {"scenario": item.title, **item.record(), "status": item.status}
            for key, item in SCENARIOS.items()
        },
        orient="index",
    )
    table.index.name = "key"
    return table
