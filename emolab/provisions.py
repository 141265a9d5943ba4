"""The statements of law and the reported facts that lesson 7's classifications rest on.

Each ``Provision`` says where the course's facts brief holds it (``where``: a section of
``references/facts-brief.md``, "brief §1.3", or of its addendum, "addendum A3.1"), how that section
flags it (VERIFIED-P: read in the primary text; VERIFIED-S: read in a secondary source, so a lesson
says "reported"; UNVERIFIED: not found, so never stated as fact), and, where the brief gives it,
the verbatim text. ``tests/test_law.py`` checks every quotation against the brief itself.
"""

from __future__ import annotations

from dataclasses import dataclass

FLAGS = ("VERIFIED-P", "VERIFIED-S", "UNVERIFIED")
AI_ACT = "Regulation (EU) 2024/1689 (AI Act)"
GDPR = "Regulation (EU) 2016/679 (GDPR)"
PIPL = "Personal Information Protection Law of the PRC (NPC English translation)"


SHORT = {
    "ftc-2023": "FTC policy statement (2023)",
    "bipa": "BIPA (Illinois)",
    "cubi": "CUBI (Texas)",
    "us-city-bans": "city bans (San Francisco, Portland)",
    "colorado": "Colorado SB 26-189 (from 2027)",
    "frt-measures": "face-recognition Measures (2025)",
    "omnibus-dates": "Reg. 2026/1744 (dates)",
}


@dataclass(frozen=True)
class Provision:
    key: str
    cite: str  # the article, or the source of a reported fact
    says: str  # the course's own words
    flag: str
    where: str  # "brief §1.3" or "addendum A3.1"
    quote: str = ""  # verbatim, only where the brief gives the text
    url: str = ""

    @property
    def short(self) -> str:
        """A few words naming it: "GDPR Art. 35(3)(c)", "PIPL Art. 26", "BIPA (Illinois)"."""
        if self.key in SHORT:
            return SHORT[self.key]
        for instrument, name in ((AI_ACT, "AI Act"), (GDPR, "GDPR"), (PIPL, "PIPL")):
            if self.cite.startswith(instrument + ", "):
                return f"{name} {self.cite[len(instrument) + 2 :]}"
        return self.cite

    @property
    def reported(self) -> bool:
        return self.flag == "VERIFIED-S"

    def line(self) -> str:
        """One line for a learner: what it says, its citation, and how sure the course is."""
        sure = {
            "VERIFIED-P": "checked against the primary text",
            "VERIFIED-S": "as reported by a secondary source",
            "UNVERIFIED": "not verified: a claim, not a fact",
        }[self.flag]
        return f"{self.says} ({self.cite}; {sure})"


def _p(key, cite, says, flag, where, quote="", url="") -> Provision:
    return Provision(key, cite, says, flag, where, quote, url)


_ALL = [
    # ----- EU AI Act -----------------------------------------------------------------------------
    _p(
        "aia-3-39",
        f"{AI_ACT}, Art. 3(39)",
        "An emotion recognition system identifies or infers emotions or intentions from biometric data.",
        "VERIFIED-P",
        "brief §1.2",
        "'emotion recognition system' means an AI system for the purpose of identifying or inferring "
        "emotions or intentions of natural persons on the basis of their biometric data",
    ),
    _p(
        "aia-3-34",
        f"{AI_ACT}, Art. 3(34)",
        "Biometric data in the AI Act need not allow anyone to be identified.",
        "VERIFIED-P",
        "brief §1.2",
        "'biometric data' means personal data resulting from specific technical processing relating to "
        "the physical, physiological or behavioural characteristics of a natural person, such as facial "
        "images or dactyloscopic data",
    ),
    _p(
        "aia-recital-18",
        f"{AI_ACT}, recital 18",
        "Physical states such as pain or fatigue are not emotions in the Act's sense; nor is the mere "
        "detection of a readily apparent expression, unless it is used to infer emotions.",
        "VERIFIED-S",
        "brief §1.2",
        "It does not include physical states, such as pain or fatigue",
        "https://www.euaiact.com/recital/18",
    ),
    _p(
        "aia-5-1-f",
        f"{AI_ACT}, Art. 5(1)(f)",
        "Inferring emotions in the areas of workplace and education institutions is prohibited, "
        "except for medical or safety reasons; in application since 2 February 2025.",
        "VERIFIED-P",
        "brief §1.3",
        "the placing on the market, the putting into service for this specific purpose, or the use of AI "
        "systems to infer emotions of a natural person in the areas of workplace and education "
        "institutions, except where the use of the AI system is intended to be put in place or into the "
        "market for medical or safety reasons",
    ),
    _p(
        "aia-recital-44",
        f"{AI_ACT}, recital 44",
        "The prohibition does not cover systems placed on the market strictly for medical or safety "
        "reasons, such as therapeutic use.",
        "VERIFIED-S",
        "brief §1.4",
        "should not cover AI systems placed on the market strictly for medical or safety reasons, such as "
        "systems intended for therapeutical use.",
        "https://ai-act-law.eu/recital/44/",
    ),
    _p(
        "ap-consent",
        "Autoriteit Persoonsgegevens (Dutch DPA), call for input DCA-2025-02, Feb. 2026",
        "Consent is not an exception to the Art. 5(1)(f) prohibition.",
        "VERIFIED-S",
        "brief §1.3",
        "There is no basis for such an exception in the AI Act; therefore, consent cannot be an exception "
        "to the prohibition.",
    ),
    _p(
        "guidelines-staff",
        "Commission Guidelines on prohibited AI practices (draft of 4 Feb. 2025)",
        "A call centre tracking its employees' emotions is prohibited.",
        "VERIFIED-S",
        "brief §1.10",
        "Using webcams and voice recognition systems by a call centre to track their employee's emotions, "
        "such as anger, is prohibited.",
    ),
    _p(
        "guidelines-customers",
        "Commission Guidelines on prohibited AI practices (draft of 4 Feb. 2025)",
        "A call centre tracking its customers' emotions is not caught by Art. 5(1)(f): customers are not "
        "workers.",
        "VERIFIED-S",
        "brief §1.10",
        "Using voice recognition systems by a call centre to track their customers emotions, such as "
        "anger or impatience",
    ),
    _p(
        "aia-annex-iii-1c",
        f"{AI_ACT}, Annex III point 1(c), via Art. 6(2)",
        "Emotion recognition that is not prohibited is high-risk, and only in so far as other Union or "
        "national law permits its use.",
        "VERIFIED-P",
        "brief §1.5",
        "Biometrics, in so far as their use is permitted under relevant Union or national law",
    ),
    _p(
        "omnibus-dates",
        "Regulation (EU) 2026/1744 (Digital Omnibus on AI), Art. 1(40)",
        "The high-risk obligations for Annex III systems apply from 2 December 2027 (moved from "
        "2 August 2026); the prohibitions and Art. 50(3) were not delayed.",
        "VERIFIED-S",
        "brief §1.5",
        "(i) 2 December 2027 as regards AI systems classified as high-risk pursuant to Article 6(2) and "
        "Annex III",
    ),
    _p(
        "aia-50-3",
        f"{AI_ACT}, Art. 50(3)",
        "Deployers must inform the people exposed to an emotion recognition system (since 2 August "
        "2026), unless the system is permitted by law to detect, prevent or investigate criminal "
        "offences.",
        "VERIFIED-P",
        "brief §1.6",
        "Deployers of an emotion recognition system or a biometric categorisation system shall inform the "
        "natural persons exposed thereto of the operation of the system",
    ),
    _p(
        "aia-50-3-crime",
        f"{AI_ACT}, Art. 50(3), second sentence",
        "The duty to inform does not apply to systems permitted by law to detect, prevent or investigate "
        "criminal offences.",
        "VERIFIED-P",
        "brief §1.6",
        "This obligation shall not apply to AI systems used for biometric categorisation and emotion "
        "recognition, which are permitted by law to detect, prevent or investigate criminal offences",
    ),
    # ----- GDPR ----------------------------------------------------------------------------------
    _p(
        "gdpr-4-14",
        f"{GDPR}, Art. 4(14)",
        "Biometric data in the GDPR are data that allow or confirm a person's unique identification.",
        "VERIFIED-S",
        "brief §2.2",
        "which allow or confirm the unique identification of that natural person",
    ),
    _p(
        "gdpr-9-1",
        f"{GDPR}, Art. 9(1)",
        "Biometric data processed to uniquely identify a person are a special category: processing is "
        "prohibited unless an Art. 9(2) exception (such as explicit consent) applies.",
        "VERIFIED-S",
        "brief §2.3",
        "biometric data for the purpose of uniquely identifying a natural person",
    ),
    _p(
        "gdpr-9-open",
        f"{GDPR}, Art. 9(1) (interpretation)",
        "Emotion classification without identification is not, on its face, biometric data for "
        "identifying; whether Art. 9 applies depends on what else it reveals (health, for example), "
        "and regulators differ.",
        "VERIFIED-S",
        "brief §2.3",
    ),
    _p(
        "gdpr-35-3-a",
        f"{GDPR}, Art. 35(3)(a)",
        "A data-protection impact assessment is required for systematic automated evaluation on which "
        "decisions with legal or similarly significant effects are based.",
        "VERIFIED-S",
        "brief §2.5",
        "a systematic and extensive evaluation of personal aspects",
    ),
    _p(
        "gdpr-35-3-b",
        f"{GDPR}, Art. 35(3)(b)",
        "A DPIA is required for large-scale processing of special categories of data.",
        "VERIFIED-S",
        "brief §2.5",
        "processing on a large scale of special categories of data referred to in Article 9(1)",
    ),
    _p(
        "gdpr-35-3-c",
        f"{GDPR}, Art. 35(3)(c)",
        "A DPIA is required for systematic monitoring of a publicly accessible area on a large scale.",
        "VERIFIED-S",
        "brief §2.5",
        "a systematic monitoring of a publicly accessible area on a large scale",
    ),
    _p(
        "gdpr-21-1",
        f"{GDPR}, Art. 21(1)",
        "People may object to processing based on public interest or legitimate interests (Art. 6(1)(e) "
        "or (f)); in a street or a station they cannot, in practice, do so before being filmed.",
        "VERIFIED-S",
        "brief §2.4",
        "The data subject shall have the right to object, on grounds relating to his or her particular "
        "situation, at any time to processing of personal data concerning him or her which is based on "
        "point (e) or (f) of Article 6(1)",
    ),
    _p(
        "garante-shareart",
        "Garante per la protezione dei dati personali, provvedimento n. 123 of 13 April 2023",
        "Italy's data-protection authority found that the municipality had no legal basis and gave "
        "insufficient information, and reprimanded it.",
        "VERIFIED-P",
        "brief §2.10",
        url="https://gpdp.it/web/guest/home/docweb/-/docweb-display/docweb/9896808",
    ),
    # ----- the CNIL (France) ----------------------------------------------------------------------
    _p(
        "cnil-statistics",
        "CNIL, position on 'augmented' cameras in public spaces, 19 July 2022",
        "Cameras producing anonymised statistics with no immediate operational purpose do not need a "
        "specific legal framework.",
        "VERIFIED-S",
        "brief §2.7",
        "intégrer des mesures permettant la suppression quasi immédiate des images sources ou la "
        "production d'informations anonymes",
        "https://www.cnil.fr/fr/cameras-dites-augmentees-dans-les-espaces-publics-la-position-de-la-cnil",
    ),
    _p(
        "cnil-public-space",
        "CNIL, position on 'augmented' cameras in public spaces, 19 July 2022",
        "The CNIL's position concerns cameras in public spaces; other places fall under the GDPR's "
        "general rules.",
        "VERIFIED-P",
        "brief §2.7",
        url="https://www.cnil.fr/fr/cameras-dites-augmentees-dans-les-espaces-publics-la-position-de-la-cnil",
    ),
    _p(
        "cnil-specific-law",
        "CNIL, position on 'augmented' cameras in public spaces, 19 July 2022",
        "Other uses of augmented cameras in public space need a specific law, because people in a street "
        "cannot in practice exercise their right to object.",
        "VERIFIED-S",
        "brief §2.7",
        url="https://www.cnil.fr/fr/cameras-dites-augmentees-dans-les-espaces-publics-la-position-de-la-cnil",
    ),
    _p(
        "cnil-2020-letter",
        "CNIL, letter to Datakalab and RATP, 11 June 2020",
        "The statistical exception to the right to object (Art. 21(6)) could not be used, because the "
        "mask-wearing rates were only a means to each client's own aim.",
        "VERIFIED-P",
        "brief §2.7",
        url="https://data.technopolice.fr/en/entity/rgp85zlnz8e",
    ),
    _p(
        "cnil-head-shake",
        "CNIL, June 2020, as reported by La Gazette des communes and RTL",
        "Shaking your head at the camera was rejected as a way to object.",
        "VERIFIED-S",
        "brief §2.7",
        "faire non de la tête est une modalité d'opposition insuffisante et peu pratique",
    ),
    _p(
        "decree-2021-269",
        "Décret n° 2021-269 du 10 mars 2021",
        "A decree later allowed transport operators, for one year, to measure mask-wearing rates with "
        "existing CCTV, for statistics only, with images anonymised at once and not stored.",
        "VERIFIED-S",
        "brief §2.7",
    ),
    # ----- China ---------------------------------------------------------------------------------
    _p(
        "pipl-26",
        f"{PIPL}, Art. 26",
        "Cameras in public places only where necessary for public security, with prominent signs; the "
        "images only for public security unless people give separate consent.",
        "VERIFIED-P",
        "addendum A3.1",
        "Image collection and personal identification equipment in public places shall be installed only "
        "when it is necessary for the purpose of maintaining public security",
        "http://en.npc.gov.cn.cdurl.cn/2021-12/29/c_694559_2.htm",
    ),
    _p(
        "pipl-28",
        f"{PIPL}, Art. 28",
        "Biometric information is sensitive personal information: only for a specific purpose, when "
        "necessary, with strict protective measures.",
        "VERIFIED-P",
        "addendum A3.1",
        "'Sensitive personal information' is personal information that once leaked or illegally used, may "
        "easily lead to the infringement of the personal dignity of a natural person",
        "http://en.npc.gov.cn.cdurl.cn/2021-12/29/c_694559_2.htm",
    ),
    _p(
        "pipl-29",
        f"{PIPL}, Art. 29",
        "Processing sensitive personal information needs the individual's separate consent.",
        "VERIFIED-P",
        "addendum A3.1",
        "For the processing of sensitive personal information, individual's separate consent shall be "
        "obtained.",
        "http://en.npc.gov.cn.cdurl.cn/2021-12/29/c_694559_2.htm",
    ),
    _p(
        "frt-measures",
        "CAC and Ministry of Public Security, Measures for the Security Management of the Application of "
        "Facial Recognition Technology (Order No. 19), in force 1 June 2025",
        "Face recognition needs a specific purpose and sufficient necessity, notice, separate consent and "
        "a prior impact assessment; alternatives must exist where they serve the same purpose.",
        "VERIFIED-S",
        "addendum A3.2",
        url="https://www.csrcare.com/Law/LawShowEn?id=234349",
    ),
    _p(
        "frt-no-emotion",
        "CAC and MPS facial-recognition Measures (2025)",
        "No provision on emotion recognition was found in the parts of the Measures the course's sources "
        "read; that absence is itself unverified.",
        "UNVERIFIED",
        "addendum A3.2",
    ),
    _p(
        "moe-2019",
        "Ministry of Education of the PRC, Lei Chaozi, 5 September 2019, as reported",
        "The Ministry said face recognition in schools should be restricted and used very cautiously "
        "(a statement, not a law).",
        "VERIFIED-S",
        "addendum A3.4",
    ),
    # ----- United States -------------------------------------------------------------------------
    _p(
        "us-none-found",
        "No enacted US federal or state law naming emotion recognition was found",
        "Not found is not proven absent: bills naming it exist (California AB 1651, Rhode Island S 2499), "
        "outcomes unverified.",
        "UNVERIFIED",
        "addendum A4.5",
    ),
    _p(
        "ftc-2023",
        "FTC, Policy Statement on Biometric Information and Section 5 of the FTC Act, 18 May 2023",
        "Unsubstantiated claims about the accuracy or fairness of biometric technologies can be deceptive "
        "practices; the Rite Aid order (Dec. 2023) banned one retailer's facial recognition for five years.",
        "VERIFIED-S",
        "brief §3.2",
        "false or unsubstantiated marketing claims relating to the validity, reliability, accuracy, "
        "performance, fairness, or efficacy of technologies using biometric information",
    ),
    _p(
        "bipa",
        "Illinois Biometric Information Privacy Act (BIPA), 740 ILCS 14, §15(b)",
        "A private entity must inform people in writing and obtain a written release before collecting "
        "a biometric identifier, which includes a scan of face geometry (not a photograph).",
        "VERIFIED-P",
        "brief §3.2",
        "a retina or iris scan, fingerprint, voiceprint, or scan of hand or face geometry",
    ),
    _p(
        "cubi",
        "Texas Bus. & Com. Code §503.001 (CUBI)",
        "No capture of a record of face geometry for a commercial purpose without informing the person "
        "and receiving their consent.",
        "VERIFIED-P",
        "addendum A4.3",
        "'Biometric identifier' means a retina or iris scan, fingerprint, voiceprint, or record of hand "
        "or face geometry.",
    ),
    _p(
        "us-city-bans",
        "San Francisco Stop Secret Surveillance Ordinance (14 May 2019); Portland City Code ch. 34.10 "
        "(9 Sept. 2020)",
        "San Francisco banned face recognition by city departments; Portland banned it for city bureaus "
        "and for private entities in places of public accommodation.",
        "VERIFIED-S",
        "brief §3.2",
    ),
    _p(
        "colorado",
        "Colorado SB 26-189 (signed May 2026, in effect from 1 January 2027)",
        "Rules for automated decision-making technology in consequential decisions (education, employment, "
        "and others); it replaced SB 24-205 before that law took effect.",
        "VERIFIED-P",
        "addendum A4.2",
        "This new law and its provisions go into effect January 1, 2027.",
        "https://coag.gov/resources/ai/",
    ),
    # ----- the deployments' own sources ---------------------------------------------------------
    _p(
        "claim-milan",
        "An unattributed, undated blog post (no city department, operator, vendor or date named)",
        "Claim: cameras in a busy public square in Milan analyse expressions, posture and behaviour to "
        "detect stress, agitation or fear.",
        "UNVERIFIED",
        "brief §5.2",
    ),
    _p(
        "claim-barcelona",
        "An unattributed, undated blog post (no city department, operator, vendor or date named)",
        "Claim: Barcelona piloted emotion-aware cameras in transport hubs, and staff were alerted to a "
        "passenger before a medical emergency.",
        "UNVERIFIED",
        "brief §5.2",
    ),
    _p(
        "tmb-2025",
        "Transports Metropolitans de Barcelona, bus-stop pilot (Nov. 2025), as reported",
        "AI cameras at 14 bus stops count people and vehicles, without recording anyone, to match "
        "service to demand.",
        "VERIFIED-S",
        "brief §5.2",
        "sin grabar a ninguna persona",
    ),
    _p(
        "guardian-taigusys",
        "The Guardian, 'Smile for the camera: the dark side of China's emotion-recognition tech', "
        "3 March 2021",
        "Taigusys said its systems were in about 300 prisons and detention centres, linking 60,000+ cameras.",
        "VERIFIED-S",
        "brief §3.1",
        "people will just have to live with it",
        "https://www.theguardian.com/global-development/2021/mar/03/"
        "china-positive-energy-emotion-surveillance-recognition-tech",
    ),
    _p(
        "guardian-taigusys-schools",
        "The Guardian, 3 March 2021 (as summarised in the course's news-claims table)",
        "Taigusys said its systems were also used in schools, care homes and shopping centres.",
        "VERIFIED-S",
        "news-claims #9",
        url="https://www.theguardian.com/global-development/2021/mar/03/"
        "china-positive-energy-emotion-surveillance-recognition-tech",
    ),
    _p(
        "ft-xinjiang",
        "Financial Times, 'Emotion recognition is China's new surveillance craze', 1 Nov. 2019",
        "A Xinjiang public-security expert said emotion recognition was used to identify criminal "
        "suspects by their 'mental state', mostly at customs.",
        "VERIFIED-S",
        "brief §3.1",
        "We've already started using it.",
    ),
    _p(
        "viaquatro",
        "Idec v. ViaQuatro (São Paulo), injunction of 14 Sept. 2018, as reported",
        "Metro doors with advertising screens detected presence, gender, age band and four 'emotions' of "
        "people watching; a court stopped the collection and later awarded collective moral damages.",
        "VERIFIED-S",
        "brief §3.4",
        url="https://www.zdnet.com/article/sao-paulo-subway-introduces-interactive-doors/",
    ),
    _p(
        "cannes-2020",
        "Cannes, Datakalab mask-detection cameras from 26 April 2020, as reported (Next INpact)",
        "Cameras on three markets counted masked faces; the vendor said frames were processed in memory "
        "and only aggregate counts kept.",
        "VERIFIED-S",
        "brief §2.7",
        url="https://next.ink/6033/108956-la-cnil-se-penche-sur-camerasdetectant-port-masque",
    ),
    _p(
        "shareart",
        "Garante, provvedimento n. 123 of 13 April 2023 (ShareArt, Bologna)",
        "Cameras in Bologna's municipal art collections captured visitors' viewing time, gender, age "
        "group and 'stato d'animo' (mood).",
        "VERIFIED-P",
        "brief §2.10",
        url="https://gpdp.it/web/guest/home/docweb/-/docweb-display/docweb/9896808",
    ),
]

PROVISIONS: dict[str, Provision] = {provision.key: provision for provision in _ALL}
