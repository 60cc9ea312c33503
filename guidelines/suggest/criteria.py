"""Criteria checks: each guideline criterion checked against the case, marked met / not met / unknown.

Each check says which way it points (a met imaging criterion favours certifying, a visit count over the
guideline's allowance favours upholding the denial) and quotes the record it rests on. Phrases are found
with negation from medspaCy's ConText (see ``nlp``), so "no red flags" is not a red flag.
"""

from __future__ import annotations

import re

from .match import pain_phase
from .nlp import Mention, find_mentions
from .schema import CaseFacts, CriterionCheck, Evidence, ItemRequest, SectionInfo
from .vocabulary import SURGICAL_SPECIALTIES

MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"
UP, OVER = "Upheld", "Overturned"

IMPROVEMENT = [
    "functional improvement",
    "improved function",
    "improvement in function",
    "increased function",
    "returned to work",
    "return to work",
    "back to work",
    "working full duty",
    "working regular duty",
    "working modified duty",
    "reduction in work restrictions",
    "improved activities of daily living",
    "improved ability",
    "improvement in activities",
    "increased activity",
    "decreased pain and improved",
    "objective functional improvement",
    "quantifiable",
]
# Still off work after a course of treatment: IMR letters read it as no functional improvement
# (MTUS 9792.20e).
OFF_WORK = [
    "temporary total disability",
    "temporarily totally disabled",
    "total temporary disability",
    "ttd",
    "off work",
    "off of work",
]
NO_IMPROVEMENT = [
    *OFF_WORK,
    "not working",
    "no improvement",
    "without improvement",
    "did not improve",
    "not improved",
    "no functional improvement",
    "no benefit",
    "no relief",
    "failed to improve",
    "minimal relief",
    "little relief",
    "no significant improvement",
    "not currently working",
    "unchanged",
]
RED_FLAGS = [
    "red flag",
    "red flags",
    "cauda equina",
    "fracture",
    "tumor",
    "malignancy",
    "cancer",
    "infection",
    "progressive neurologic",
    "progressive weakness",
    "bowel or bladder",
    "bowel and bladder",
    "saddle anesthesia",
    "dislocation",
    "foot drop",
    "myelopathy",
]
NEURO = [
    "decreased sensation",
    "diminished sensation",
    "decreased sensory",
    "sensory deficit",
    "dermatome sensation",
    "dermatomal",
    "positive straight leg",
    "straight leg raise positive",
    "diminished reflex",
    "decreased reflex",
    "absent reflex",
    "hyporeflexia",
    "neurologic deficit",
    "neurological deficit",
    "atrophy",
    "motor weakness",
    "decreased strength",
    "positive spurling",
    "positive tinel",
    "positive phalen",
    "foot drop",
]
NEURO_SYMPTOMS = [
    "radiculopathy",
    "radicular",
    "numbness",
    "tingling",
    "paresthesia",
    "paresthesias",
    "radiating",
]
MECHANICAL = [
    "locking",
    "catching",
    "giving way",
    "gives way",
    "instability",
    "positive mcmurray",
    "mcmurray's is positive",
    "effusion",
    "unable to bear weight",
    "positive drawer",
    "positive lachman",
    "positive apprehension",
    "positive hawkins",
    "positive neer",
    "positive drop arm",
]
SURGERY = [
    "surgery",
    "surgical",
    "surgeon",
    "preoperative",
    "pre-operative",
    "operative planning",
    "surgical candidate",
    "candidate for surgery",
    "surgical consultation",
]
PRIOR_IMAGING = [
    "prior mri",
    "previous mri",
    "mri dated",
    "mri performed",
    "mri revealed",
    "mri showed",
    "mri of the",
    "prior imaging",
    "previous imaging",
    "prior x-ray",
    "x-rays revealed",
]
GI_RISK = [
    "gastritis",
    "gerd",
    "reflux",
    "dyspepsia",
    "ulcer",
    "gi bleed",
    "gastrointestinal",
    "stomach upset",
    "upset stomach",
    "heartburn",
    "abdominal pain",
    "epigastric",
    "anticoagula",
    "nsaid-induced",
    "gi upset",
    "gi symptoms",
    "stomach pain",
]
ACUTE_LESION = [
    "dislocation",
    "fracture",
    "instability",
    "apprehension",
    "deformity",
    "cauda equina",
    "progressive neurologic",
    "progressive weakness",
    "locked knee",
    "unable to bear weight",
]
CONSERVATIVE_FAILED = [
    "failed conservative",
    "despite",
    "persistent",
    "not responded",
    "no relief",
    "failure of conservative",
    "continued pain",
    "ongoing pain",
    "continues to have",
]
NOT_RECOMMENDED_IN_COMPOUNDS = [
    "gabapentin",
    "cyclobenzaprine",
    "baclofen",
    "ketoprofen",
    "dextromethorphan",
    "amitriptyline",
    "bupivacaine",
    "dexamethasone",
    "flurbiprofen",
    "tramadol",
    "lidocaine",
]
FAMILY_WORDS = {
    "physical_therapy": ["physical therapy", "therapy", "pt"],
    "chiropractic": ["chiropractic", "manipulation"],
    "acupuncture": ["acupuncture"],
    "massage": ["massage"],
    "postop_pt": ["physical therapy"],
    "psych_treatment": ["psychotherapy", "cognitive behavioral", "cbt"],
}


def _evidence(mentions: list[Mention], n: int = 2) -> list[Evidence]:
    out: list[Evidence] = []
    for m in mentions:
        if any(e.quote == m.sentence and e.record_title == m.record_title for e in out):
            continue
        out.append(Evidence(m.sentence, m.record_title, m.record_date))
        if len(out) >= n:
            break
    return out


def _present(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if not m.negated]


def _negated(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.negated]


def _other(direction: str) -> str:
    return UP if direction == OVER else OVER


def findings_check(
    key: str,
    label: str,
    phrases: list[str],
    facts: CaseFacts,
    favours: str,
    weight: float,
    absent_is_not_met: bool = False,
) -> CriterionCheck:
    """Met when a phrase is present (not negated); not met when only negated mentions exist.

    ``favours`` is the direction a met result points; a not-met result points the other way at half weight.
    """
    mentions = find_mentions(facts.all_records(), phrases)
    present, negated = _present(mentions), _negated(mentions)
    if present:
        return CriterionCheck(
            key,
            label,
            MET,
            f"documented: \u201c{present[0].phrase}\u201d",
            favours,
            weight,
            _evidence(present),
        )
    if negated:
        return CriterionCheck(
            key,
            label,
            NOT_MET,
            f"documented as absent: \u201c{negated[0].phrase}\u201d (negated)",
            _other(favours),
            weight / 2,
            _evidence(negated),
        )
    if absent_is_not_met and facts.all_records():
        return CriterionCheck(
            key, label, NOT_MET, "not documented in the records", _other(favours), weight / 2
        )
    return CriterionCheck(key, label, UNKNOWN, "not found in the records", "", 0.0)


def _limit_for(section: SectionInfo, facts: CaseFacts) -> dict | None:
    limits = [
        lim
        for lim in section.limits
        if lim.get("max")
        and str(lim.get("quantity", "")).lower() in ("visits", "sessions", "treatments", "visits per course")
    ]
    if not limits:
        return None
    text = (" ".join(facts.diagnoses) + " " + facts.summary_text[:3000]).lower()
    for lim in limits:
        words = re.split(r"[/,;() ]+", str(lim.get("applies_to", "")).lower())
        if any(len(w) > 5 and w[:7] in text for w in words):  # stems: radiculitis ~ radiculopathy
            return lim
    return limits[0]


def visit_limit_check(req: ItemRequest, section: SectionInfo, facts: CaseFacts) -> CriterionCheck | None:
    lim = _limit_for(section, facts)
    if lim is None:
        return None
    allowed = f"{lim['min']}-{lim['max']}" if lim.get("min") else f"up to {lim['max']}"
    over = f" over {lim['over_weeks']} weeks" if lim.get("over_weeks") else ""
    applies = lim.get("applies_to", "")
    label = f"Visit count within {allowed} visits{over} ({applies}), page {section.page or 'n/a'}"
    units = req.units
    if units is None:
        return CriterionCheck(
            "visit_limit",
            label,
            UNKNOWN,
            "no quantity in the request",
            UP,
            1.5,
            section_key=section.key,
            unverified=section.unverified,
        )
    if units > lim["max"]:
        detail = f"{units} sessions requested; guideline allows {allowed} visits{over} for {applies}: exceeds"
        return CriterionCheck(
            "visit_limit",
            label,
            NOT_MET,
            detail,
            UP,
            2.0,
            section_key=section.key,
            unverified=section.unverified,
        )
    detail = f"{units} sessions requested; guideline allows {allowed} visits{over}: within"
    return CriterionCheck(
        "visit_limit", label, MET, detail, OVER, 1.0, section_key=section.key, unverified=section.unverified
    )


_PRIOR_COUNT = re.compile(
    r"(\d{1,2}|twelve|eight|six|ten|twenty|eighteen|twenty-four)\s+(?:prior\s+|previous\s+|"
    r"completed\s+|sessions?\s+of\s+|visits?\s+of\s+|)(?:sessions?|visits?|treatments?)?\s*(?:of\s+)?"
)


def prior_course_check(req: ItemRequest, facts: CaseFacts) -> CriterionCheck | None:
    words = FAMILY_WORDS.get(req.families[0] if req.families else "", [])
    if not words:
        return None
    phrases = (
        [f"prior {w}" for w in words]
        + [f"previous {w}" for w in words]
        + [f"sessions of {w}" for w in words]
        + [f"completed {w}" for w in words]
        + [f"had {w}" for w in words]
        + [f"{w} sessions" for w in words]
        + [f"course of {w}" for w in words]
        + [f"{w} visits" for w in words]
    )
    mentions = [
        m
        for m in _present(find_mentions(facts.all_records(), phrases, limit=12))
        if not re.search(r"\brequest|\bsought\b|\bauthoriz", m.sentence.lower())
    ]
    if mentions:
        m = mentions[0]
        count = re.search(r"(\d{1,2})\s+(?:[a-z]+\s+){0,3}(?:sessions?|visits?)", m.sentence.lower())
        detail = (
            f"at least {count.group(1)} prior sessions documented"
            if count
            else "a prior course is documented"
        )
        return CriterionCheck(
            "prior_course",
            f"Prior course of {words[0]} documented",
            MET,
            detail,
            UP,
            0.5,
            _evidence(mentions),
        )
    if req.initial:
        return CriterionCheck(
            "prior_course",
            f"Prior course of {words[0]} documented",
            NOT_MET,
            "request is for an initial course or trial",
            OVER,
            1.0,
        )
    return CriterionCheck(
        "prior_course",
        f"Prior course of {words[0]} documented",
        UNKNOWN,
        "no prior course found in the records",
        "",
        0.0,
    )


def functional_improvement_check(facts: CaseFacts, weight_for: float = 2.0) -> CriterionCheck:
    """MTUS 9792.20(e): continued treatment needs documented functional improvement."""
    records = facts.all_records()
    pos = find_mentions(records, IMPROVEMENT)
    neg = _present(find_mentions(records, NO_IMPROVEMENT))
    pos_present, pos_negated = _present(pos), _negated(pos)
    label = "Functional improvement documented (MTUS 9792.20e; CPMTG page 8)"
    if pos_present and not neg:
        return CriterionCheck(
            "functional_improvement",
            label,
            MET,
            f"documented: \u201c{pos_present[0].phrase}\u201d",
            OVER,
            weight_for,
            _evidence(pos_present),
        )
    if neg or pos_negated:
        ev = neg or pos_negated
        phrase = ev[0].phrase
        detail = (
            "off work on total temporary disability: no documented functional improvement"
            if phrase in OFF_WORK
            else f"no documented functional improvement (\u201c{phrase}\u201d)"
        )
        return CriterionCheck("functional_improvement", label, NOT_MET, detail, UP, 1.5, _evidence(ev))
    return CriterionCheck("functional_improvement", label, UNKNOWN, "not addressed in the records", UP, 1.0)


def specialty_check(facts: CaseFacts) -> CriterionCheck:
    label = "Requesting provider is a surgeon considering surgery"
    spec = (facts.requesting_specialty or "").lower()
    if spec and any(s in spec for s in SURGICAL_SPECIALTIES):
        return CriterionCheck(
            "surgeon_requesting",
            label,
            MET,
            f"the requesting provider's specialty is {facts.requesting_specialty} (a surgeon): "
            "imaging criterion met",
            OVER,
            1.5,
        )
    return findings_check("surgery_considered", "Surgery is being considered", SURGERY, facts, OVER, 1.5)


def phase_check(
    req: ItemRequest, facts: CaseFacts, ok_phases: tuple[str, ...], label: str, favours_ok: str, weight: float
) -> CriterionCheck:
    phase = pain_phase(req, facts)
    if facts.injury_date is None and not req.postoperative:
        return CriterionCheck("phase", label, UNKNOWN, "injury date unknown", "", 0.0)
    if phase in ok_phases:
        return CriterionCheck("phase", label, MET, f"{phase} phase of care", favours_ok, weight)
    return CriterionCheck("phase", label, NOT_MET, f"{phase} phase of care", "", 0.0)


def ongoing_use_check(req: ItemRequest, facts: CaseFacts) -> CriterionCheck:
    """Short-term drugs (muscle relaxants, benzodiazepines, hypnotics): ongoing use exceeds the guideline."""
    label = "Short-term use only (a few weeks)"
    name = req.drug or ""
    phrases = [p for p in (name, f"continue {name}", f"taking {name}") if p]
    mentions = _present(find_mentions(facts.all_records(), phrases)) if name else []
    chronic = pain_phase(req, facts) == "chronic"
    if mentions and (chronic or req.additional):
        return CriterionCheck(
            "ongoing_use",
            label,
            NOT_MET,
            f"{name} already in use; continued use exceeds the short course recommended",
            UP,
            2.0,
            _evidence(mentions),
        )
    if pain_phase(req, facts) in ("acute", "postoperative"):
        if req.count and req.count > 30:
            return CriterionCheck(
                "ongoing_use", label, NOT_MET, f"#{req.count} is more than a short (2-3 week) course", UP, 1.0
            )
        return CriterionCheck(
            "ongoing_use", label, MET, "acute phase: a short course fits the guideline", OVER, 1.0
        )
    if chronic:
        return CriterionCheck(
            "ongoing_use", label, NOT_MET, "chronic phase: long-term use is not recommended", UP, 1.0
        )
    return CriterionCheck("ongoing_use", label, UNKNOWN, "duration of use not documented", UP, 0.5)


def compound_check(req: ItemRequest) -> CriterionCheck | None:
    if req.kind != "drug" or "topical" not in req.families:
        return None
    text = (req.core or req.description).lower()
    bad = [d for d in NOT_RECOMMENDED_IN_COMPOUNDS if d in text]
    label = "Topical product contains only recommended ingredients"
    if req.compound and bad:
        return CriterionCheck(
            "compound_ingredients",
            label,
            NOT_MET,
            f"compound contains {', '.join(bad)}, not recommended in topical form: "
            "the whole compound is not recommended",
            UP,
            3.0,
        )
    if bad:
        return CriterionCheck(
            "compound_ingredients",
            label,
            NOT_MET,
            f"{bad[0]} in this form is not recommended (lidocaine only as a patch after first-line therapy)",
            UP,
            2.0,
        )
    return CriterionCheck("compound_ingredients", label, UNKNOWN, "ingredients not fully specified", UP, 0.5)


def stance_check(section: SectionInfo) -> CriterionCheck | None:
    if section.stance != "not recommended":
        return None
    return CriterionCheck(
        "stance",
        f"{section.citation}: recommended",
        NOT_MET,
        "the guideline does not recommend this treatment",
        UP,
        3.0,
        section_key=section.key,
        unverified=section.unverified,
    )


def conservative_duration_check(req: ItemRequest, facts: CaseFacts) -> CriterionCheck:
    """ACOEM surgical considerations: months of failed conservative care, unless an acute traumatic lesion."""
    label = "At least 3 months of conservative care, or an acute lesion needing early surgery"
    lesion = _present(find_mentions(facts.all_records(), ACUTE_LESION))
    if lesion:
        return CriterionCheck(
            "conservative_duration",
            label,
            MET,
            f"acute lesion documented: \u201c{lesion[0].phrase}\u201d",
            OVER,
            1.5,
            _evidence(lesion),
        )
    if facts.injury_date and facts.request_date:
        days = (facts.request_date - facts.injury_date).days
        if days < 90:
            return CriterionCheck(
                "conservative_duration",
                label,
                NOT_MET,
                f"request {days} days after the injury: conservative care not yet exhausted",
                UP,
                2.5,
            )
        return CriterionCheck(
            "conservative_duration", label, MET, f"request {days} days after the injury", OVER, 0.5
        )
    return CriterionCheck("conservative_duration", label, UNKNOWN, "injury or request date unknown", "", 0.0)


ASSOCIATED = re.compile(
    r"associated surgical|post-?op|postoperative|pre-?op|preoperative|medical clearance|"
    r"labs to include|\bekg\b|chest x-ray"
)


def concurrent_surgery_check(req: ItemRequest, facts: CaseFacts) -> CriterionCheck | None:
    """Services tied to a surgery stand or fall with it ("the concurrent request for surgery ...")."""
    if not facts.concurrent_surgery or req.kind == "drug" or req.families[:1] == ["surgery"]:
        return None
    if not ASSOCIATED.search((req.core or req.description).lower()):
        return None
    label = "The concurrent surgery is supported"
    if facts.concurrent_surgery == OVER:
        return CriterionCheck(
            "concurrent_surgery",
            label,
            MET,
            "the surgery requested with it is suggested as medically necessary",
            OVER,
            3.0,
        )
    return CriterionCheck(
        "concurrent_surgery",
        label,
        NOT_MET,
        "the surgery requested with it is not supported, so the associated service is not needed",
        UP,
        3.0,
    )


def run_checks(req: ItemRequest, sections: list[SectionInfo], facts: CaseFacts) -> list[CriterionCheck]:
    """The criteria that apply to this kind of request, each checked against the case."""
    checks: list[CriterionCheck] = []
    fam = req.families[0] if req.families else ""
    concurrent = concurrent_surgery_check(req, facts)
    if concurrent:
        checks.append(concurrent)
    top = sections[0] if sections else None
    if top is not None:
        st = stance_check(top)
        if st:
            checks.append(st)
    if re.search(
        r"authorized by the claims administrator|was authorized|certified by the claims administrator",
        req.description.lower(),
    ):
        checks.append(
            CriterionCheck(
                "partial_certification",
                "Part of the request already certified by the claims administrator",
                MET,
                "the claims administrator already certified part of this request; the "
                "remaining portion must itself meet the guideline",
                UP,
                1.0,
            )
        )
    if fam in ("physical_therapy", "chiropractic", "acupuncture", "massage", "postop_pt", "psych_treatment"):
        lim_section = next((s for s in sections if _limit_for(s, facts)), None)
        if lim_section is not None:
            c = visit_limit_check(req, lim_section, facts)
            if c:
                checks.append(c)
        prior = prior_course_check(req, facts)
        if prior:
            checks.append(prior)
        if fam != "postop_pt" and (req.additional or (prior and prior.status == MET)):
            checks.append(functional_improvement_check(facts))
        elif fam != "postop_pt" and not req.initial:
            fi = functional_improvement_check(facts, weight_for=1.0)
            fi.weight = min(fi.weight, 1.0)
            checks.append(fi)
    elif fam in ("mri", "ct", "xray", "bone_scan", "emg_ncv"):
        checks.append(findings_check("red_flags", "Red flags documented", RED_FLAGS, facts, OVER, 2.0))
        checks.append(
            findings_check(
                "neuro_findings", "Objective neurologic findings on examination", NEURO, facts, OVER, 1.5
            )
        )
        if fam == "emg_ncv":
            checks.append(
                findings_check(
                    "neuro_symptoms",
                    "Neurologic symptoms (numbness, tingling, radiating pain)",
                    NEURO_SYMPTOMS,
                    facts,
                    OVER,
                    0.5,
                )
            )
        if fam in ("mri", "ct"):
            checks.append(specialty_check(facts))
            if set(req.regions) & {"knee", "shoulder", "wrist_hand", "elbow", "ankle_foot"}:
                checks.append(
                    findings_check(
                        "mechanical",
                        "Mechanical signs or suspected internal derangement",
                        MECHANICAL,
                        facts,
                        OVER,
                        1.0,
                    )
                )
        checks.append(
            findings_check(
                "prior_imaging", "No recent imaging of the same region", PRIOR_IMAGING, facts, UP, 0.5
            )
        )
        phase = pain_phase(req, facts)
        if phase == "acute" and not any(c.key == "red_flags" and c.status == MET for c in checks):
            checks.append(
                CriterionCheck(
                    "phase",
                    "Beyond the first 4-6 weeks of conservative care, or red flags",
                    NOT_MET,
                    "acute phase without red flags: imaging is not yet indicated",
                    UP,
                    1.0,
                )
            )
    elif fam in ("opioid", "tramadol"):
        phase = pain_phase(req, facts)
        checks.append(
            phase_check(req, facts, ("acute", "postoperative"), "Acute or post-operative pain", OVER, 1.5)
        )
        if phase in ("chronic", "subacute"):
            checks.append(functional_improvement_check(facts))
            checks.append(
                findings_check(
                    "opioid_monitoring",
                    "Monitoring documented (UDT, CURES, agreement)",
                    ["urine drug", "cures", "opioid agreement", "pain agreement", "consistent"],
                    facts,
                    OVER,
                    0.5,
                )
            )
    elif fam in ("muscle_relaxant", "benzodiazepine", "sleep_aid"):
        checks.append(ongoing_use_check(req, facts))
    elif fam == "gi_protect":
        checks.append(
            findings_check(
                "gi_risk",
                "GI risk factors or symptoms with NSAID use",
                GI_RISK,
                facts,
                OVER,
                2.0,
                absent_is_not_met=True,
            )
        )
    elif fam == "nsaid":
        checks.append(
            phase_check(
                req, facts, ("acute", "subacute", "postoperative"), "Acute or subacute pain", OVER, 1.5
            )
        )
        checks.append(functional_improvement_check(facts, weight_for=1.0))
    elif fam in ("topical", "topical_compound"):
        c = compound_check(req)
        if c:
            checks.append(c)
    elif fam == "surgery":
        checks.append(conservative_duration_check(req, facts))
        checks.append(
            findings_check(
                "imaging_lesion",
                "Imaging shows a lesion that surgery can correct",
                ["tear", "herniation", "stenosis", "fracture", "instability", "impingement", "compression"],
                facts,
                OVER,
                1.0,
            )
        )
        checks.append(
            findings_check(
                "conservative_failed", "Failed conservative care", CONSERVATIVE_FAILED, facts, OVER, 1.0
            )
        )
    elif fam in ("consult",):
        checks.append(
            findings_check(
                "complexity",
                "Diagnosis uncertain or complex, or plan needs added expertise",
                SURGERY + ["uncertain", "complex", "persistent", "worsening"],
                facts,
                OVER,
                1.0,
            )
        )
    return checks
