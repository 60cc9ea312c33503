"""Criteria checks: each guideline criterion checked against the case, marked met / not met / unknown.

Each check says which way it points (a met imaging criterion favours certifying, a visit count over the
guideline's allowance favours upholding the denial) and quotes the record it rests on. Phrases are found
with negation from medspaCy's ConText (see ``nlp``), so "no red flags" is not a red flag; the phrase lists
live in ``vocabulary``. Which criteria apply to a request is the table ``FAMILY_CHECKS`` at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .match import pain_phase
from .nlp import Mention, find_mentions
from .schema import CaseFacts, CriterionCheck, Evidence, ItemRequest, SectionInfo
from .vocabulary import (
    ACUTE_LESION,
    ASSOCIATED_WITH_SURGERY,
    CANNOT_SELF_TRANSPORT,
    COMPLEXITY,
    CONSERVATIVE_FAILED,
    CONSTIPATION,
    ESWT_INDICATION,
    FAMILY_WORDS,
    GI_RISK,
    HOME_MEDICAL_CARE,
    HOMEBOUND,
    IMPROVEMENT,
    MECHANICAL,
    NEURO,
    NEURO_SYMPTOMS,
    NO_IMPROVEMENT,
    NOT_RECOMMENDED_IN_COMPOUNDS,
    OFF_WORK,
    OPIOID_IN_USE,
    OPIOID_MONITORING,
    PARTLY_CERTIFIED,
    PRIOR_IMAGING,
    RED_FLAGS,
    SEIZURE_OR_DETERIORATION,
    SUPPLY_NEED,
    SURGERY,
    SURGICAL_LESION,
    SURGICAL_SPECIALTIES,
    UDS_CONSISTENT,
    UDS_INCONSISTENT,
    UDS_TEST,
    provider_specialty,
)

MET, NOT_MET, UNKNOWN = "met", "not met", "unknown"
UP, OVER = "Upheld", "Overturned"

ASSOCIATED = re.compile(ASSOCIATED_WITH_SURGERY)
_PARTLY_CERTIFIED = re.compile(PARTLY_CERTIFIED)


def _evidence(mentions: list[Mention], n: int = 2) -> list[Evidence]:
    out: list[Evidence] = []
    for m in mentions:
        if any(e.quote == m.sentence and e.record_title == m.record_title for e in out):
            continue
        out.append(Evidence(m.sentence, m.record_title, m.record_date, m.record_id, m.page))
        if len(out) >= n:
            break
    return out


# "Urine drug screen ... was negative for hydrocodone": the negation is the test's *result*, about what
# follows it; the test itself was done. A phrase followed by a result word is present, not absent.
_RESULT_AFTER = r"\b(?:was|were|is|came back|returned)?\s*(?:negative|positive|inconsistent|consistent)\b"


def _is_result(m: Mention) -> bool:
    sentence = m.sentence.lower()
    at = sentence.find(m.phrase.lower())
    return at >= 0 and bool(re.search(_RESULT_AFTER, sentence[at + len(m.phrase) :]))


def _present(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if not m.negated or _is_result(m)]


def _negated(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.negated and not _is_result(m)]


# CPMTG "Opioids, on-going management" (page 78): the pain score before and after taking the medication.
_PAIN_RELIEF = re.compile(
    r"(?P<a>\d{1,2})\s*/\s*10\s*(?:without|w/o|before)\b[^.;]{0,60}?(?P<b>\d{1,2})\s*/\s*10\s*(?:with|after)\b|"
    r"(?P<c>\d{1,2})\s*/\s*10\s*(?:with|after)\b[^.;]{0,60}?(?P<d>\d{1,2})\s*/\s*10\s*(?:without|w/o|before)\b|"
    r"(?:decrease|reduce|reduction|lower|bring)s?d?\b[^.;]{0,40}?from\s*(?P<e>\d{1,2})\s*(?:/\s*10)?\s*to\s*(?P<f>\d{1,2})",
    re.I,
)


_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


def pain_relief_check(facts: CaseFacts) -> CriterionCheck:
    """Analgesia from the medication, quantified: pain lower with it than without it (2 points or more)."""
    label = "Pain relief from the medication quantified"
    for rec in facts.all_records():
        if "/10" not in (rec.text or ""):
            continue
        sentences = [x for x in _SENTENCE.split(rec.text) if "/10" in x]
        for m in (m for sentence in sentences for m in _PAIN_RELIEF.finditer(sentence)):
            g = m.groupdict()
            without, with_ = (g["a"], g["b"]) if g["a"] else (g["d"], g["c"]) if g["c"] else (g["e"], g["f"])
            if int(without) - int(with_) >= 2:
                quote = m.string.strip()
                return CriterionCheck(
                    "pain_relief",
                    label,
                    MET,
                    f"pain {without}/10 without the medication and {with_}/10 with it",
                    OVER,
                    1.0,
                    [Evidence(quote[:400], rec.title, rec.date, rec.record_id, rec.page)],
                )
    return CriterionCheck("pain_relief", label, UNKNOWN, "not quantified in the records", "", 0.0)


_UDS_INCONSISTENT = re.compile(UDS_INCONSISTENT, re.I)
_UDS_CONSISTENT = re.compile(UDS_CONSISTENT, re.I)


def uds_result_check(facts: CaseFacts) -> CriterionCheck | None:
    """The latest urine drug test result: consistent with the prescribed opioid, or not (an aberrant finding).

    "Urine drug screen on 12/20/2016 was negative for hydrocodone" is a test that was done, whose result is
    inconsistent with the prescription: that points against continuing, it is not a missing test.
    """
    mentions = [m for m in find_mentions(facts.all_records(), UDS_TEST) if _is_result(m) or not m.negated]
    inconsistent = [m for m in mentions if _UDS_INCONSISTENT.search(m.sentence)]
    consistent = [
        m for m in mentions if not _UDS_INCONSISTENT.search(m.sentence) and _UDS_CONSISTENT.search(m.sentence)
    ]
    label = "Urine drug test results consistent with the prescribed medication"
    if inconsistent:
        return CriterionCheck(
            "uds_consistent",
            label,
            NOT_MET,
            "a urine drug test result inconsistent with the prescribed medication is documented",
            UP,
            1.5,
            _evidence(inconsistent),
        )
    if consistent:
        return CriterionCheck(
            "uds_consistent",
            label,
            MET,
            "the urine drug test result was consistent",
            OVER,
            0.5,
            _evidence(consistent),
        )
    return None


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
            "documented in the records",
            favours,
            weight,
            _evidence(present),
        )
    if negated:
        return CriterionCheck(
            key,
            label,
            NOT_MET,
            "the records state that it is absent",
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
            "documented in the records",
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
    if provider_specialty(facts.requesting_specialty) in SURGICAL_SPECIALTIES:
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
            "an acute lesion is documented",
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


def partial_certification_check(req: ItemRequest) -> CriterionCheck | None:
    if not _PARTLY_CERTIFIED.search(req.description.lower()):
        return None
    return CriterionCheck(
        "partial_certification",
        "Part of the request already certified by the claims administrator",
        MET,
        "the claims administrator already certified part of this request; the "
        "remaining portion must itself meet the guideline",
        UP,
        1.0,
    )


# --- The criteria of each kind of request. Each takes the request, its ranked sections, the case and the
# checks made so far for it (a later criterion may depend on an earlier one), and gives a check or None.

Criterion = Callable[[ItemRequest, list[SectionInfo], CaseFacts, list[CriterionCheck]], CriterionCheck | None]


@dataclass(frozen=True)
class Findings:
    """A criterion met when the records document one of its phrases (``findings_check``)."""

    key: str
    label: str
    phrases: list[str]
    favours: str
    weight: float
    absent_is_not_met: bool = False

    def __call__(self, req, sections, facts, done) -> CriterionCheck:
        args = (self.key, self.label, self.phrases, facts, self.favours, self.weight, self.absent_is_not_met)
        return findings_check(*args)


def _on_case(check: Callable[[CaseFacts], CriterionCheck | None]) -> Criterion:
    return lambda req, sections, facts, done: check(facts)


def _on_request(check: Callable[[ItemRequest], CriterionCheck | None]) -> Criterion:
    return lambda req, sections, facts, done: check(req)


def _on_request_and_case(check: Callable[[ItemRequest, CaseFacts], CriterionCheck | None]) -> Criterion:
    return lambda req, sections, facts, done: check(req, facts)


def _in_phases(phases: tuple[str, ...], criterion: Criterion) -> Criterion:
    """The criterion only in these phases of care (``pain_phase``)."""
    return lambda req, sections, facts, done: (
        criterion(req, sections, facts, done) if pain_phase(req, facts) in phases else None
    )


def _phase(ok: tuple[str, ...], label: str) -> Criterion:
    return lambda req, sections, facts, done: phase_check(req, facts, ok, label, OVER, 1.5)


def _earlier(done: list[CriterionCheck], key: str) -> CriterionCheck | None:
    return next((c for c in done if c.key == key), None)


def _visit_limit(req, sections, facts, done):
    lim_section = next((s for s in sections if _limit_for(s, facts)), None)
    return visit_limit_check(req, lim_section, facts) if lim_section is not None else None


def _course_improvement(req, sections, facts, done):
    """Continued treatment after a course needs functional improvement; an initial course does not."""
    prior = _earlier(done, "prior_course")
    if req.additional or (prior and prior.status == MET):
        return functional_improvement_check(facts)
    if req.initial:
        return None
    fi = functional_improvement_check(facts, weight_for=1.0)
    fi.weight = min(fi.weight, 1.0)
    return fi


def _mechanical_signs(req, sections, facts, done):
    if not set(req.regions) & {"knee", "shoulder", "wrist_hand", "elbow", "ankle_foot"}:
        return None
    label = "Mechanical signs or suspected internal derangement"
    return Findings("mechanical", label, MECHANICAL, OVER, 1.0)(req, sections, facts, done)


def _imaging_timing(req, sections, facts, done):
    """Imaging waits out the first weeks of conservative care unless there are red flags."""
    red_flags = _earlier(done, "red_flags")
    if pain_phase(req, facts) != "acute" or (red_flags and red_flags.status == MET):
        return None
    return CriterionCheck(
        "phase",
        "Beyond the first 4-6 weeks of conservative care, or red flags",
        NOT_MET,
        "acute phase without red flags: imaging is not yet indicated",
        UP,
        1.0,
    )


def _stance(req, sections, facts, done):
    return stance_check(sections[0]) if sections else None


# Criteria every request meets first: a tied surgery, the guideline's stance, a partial certification.
COMMON: tuple[Criterion, ...] = (
    _on_request_and_case(concurrent_surgery_check),
    _stance,
    _on_request(partial_certification_check),
)

_COURSE = (_visit_limit, _on_request_and_case(prior_course_check), _course_improvement)
_IMAGING_FINDINGS = (
    Findings("red_flags", "Red flags documented", RED_FLAGS, OVER, 2.0),
    Findings("neuro_findings", "Objective neurologic findings on examination", NEURO, OVER, 1.5),
)
_IMAGING_CONTEXT = (
    Findings("prior_imaging", "No recent imaging of the same region", PRIOR_IMAGING, UP, 0.5),
    _imaging_timing,
)
_CROSS_SECTIONAL = (*_IMAGING_FINDINGS, _on_case(specialty_check), _mechanical_signs, *_IMAGING_CONTEXT)
_NEURO_SYMPTOMS = Findings(
    "neuro_symptoms", "Neurologic symptoms (numbness, tingling, radiating pain)", NEURO_SYMPTOMS, OVER, 0.5
)
_OPIOID = (
    _phase(("acute", "postoperative"), "Acute or post-operative pain"),
    _in_phases(("chronic", "subacute"), _on_case(functional_improvement_check)),
    _in_phases(("chronic", "subacute"), _on_case(uds_result_check)),
    _in_phases(("chronic", "subacute"), _on_case(pain_relief_check)),
    _in_phases(
        ("chronic", "subacute"),
        Findings(
            "opioid_monitoring", "Monitoring documented (UDT, CURES, agreement)", OPIOID_MONITORING, OVER, 0.5
        ),
    ),
)
_SHORT_COURSE = (_on_request_and_case(ongoing_use_check),)
_TOPICAL = (_on_request(compound_check),)

# Treatment family (the request's first) -> its criteria, in the order the reviewer reads them.
FAMILY_CHECKS: dict[str, tuple[Criterion, ...]] = {
    "physical_therapy": _COURSE,
    "chiropractic": _COURSE,
    "acupuncture": _COURSE,
    "massage": _COURSE,
    "psych_treatment": _COURSE,
    "postop_pt": _COURSE[:2],  # post-operative therapy follows the surgery, not 9792.20e
    "mri": _CROSS_SECTIONAL,
    "ct": _CROSS_SECTIONAL,
    "xray": (*_IMAGING_FINDINGS, *_IMAGING_CONTEXT),
    "emg_ncv": (*_IMAGING_FINDINGS, _NEURO_SYMPTOMS, *_IMAGING_CONTEXT),
    "opioid": _OPIOID,
    "tramadol": _OPIOID,
    "muscle_relaxant": _SHORT_COURSE,
    "benzodiazepine": _SHORT_COURSE,
    "sleep_aid": _SHORT_COURSE,
    "gi_protect": (
        Findings("gi_risk", "GI risk factors or symptoms with NSAID use", GI_RISK, OVER, 2.0, True),
    ),
    "nsaid": (
        _phase(("acute", "subacute", "postoperative"), "Acute or subacute pain"),
        _on_case(partial(functional_improvement_check, weight_for=1.0)),
    ),
    "topical": _TOPICAL,
    "topical_compound": _TOPICAL,
    "surgery": (
        _on_request_and_case(conservative_duration_check),
        Findings(
            "imaging_lesion", "Imaging shows a lesion that surgery can correct", SURGICAL_LESION, OVER, 1.0
        ),
        Findings("conservative_failed", "Failed conservative care", CONSERVATIVE_FAILED, OVER, 1.0),
    ),
    # Issue 15 breadth: criteria from the sections cited for these kinds (CPMTG page 77, ODG topics).
    "laxative": (
        Findings(
            "opioid_prescribed",
            "An opioid is prescribed (opioid-induced constipation)",
            OPIOID_IN_USE,
            OVER,
            2.0,
            True,
        ),
        Findings("constipation", "Constipation documented", CONSTIPATION, OVER, 1.0),
    ),
    "home_health": (
        Findings("homebound", "Homebound status documented", HOMEBOUND, OVER, 1.5, True),
        Findings("home_medical_care", "Medical treatment needed at home", HOME_MEDICAL_CARE, OVER, 1.0),
    ),
    "transportation": (
        Findings(
            "cannot_self_transport",
            "Unable to drive or use public transport",
            CANNOT_SELF_TRANSPORT,
            OVER,
            1.5,
            True,
        ),
    ),
    "medical_supplies": (
        Findings("supply_need", "A medical need for the supplies documented", SUPPLY_NEED, OVER, 1.0, True),
    ),
    "eeg": (
        Findings(
            "seizure_or_deterioration",
            "Seizure, loss of consciousness or neurologic deterioration",
            SEIZURE_OR_DETERIORATION,
            OVER,
            1.5,
            True,
        ),
    ),
    "shockwave": (
        Findings("eswt_indication", "Calcific tendinitis or plantar fasciitis", ESWT_INDICATION, OVER, 1.0),
        Findings("conservative_failed", "Failed conservative care", CONSERVATIVE_FAILED, OVER, 1.0),
    ),
    "bone_scan": (*_IMAGING_FINDINGS, *_IMAGING_CONTEXT),
    "consult": (
        Findings(
            "complexity",
            "Diagnosis uncertain or complex, or plan needs added expertise",
            COMPLEXITY,
            OVER,
            1.0,
        ),
    ),
}


def run_checks(req: ItemRequest, sections: list[SectionInfo], facts: CaseFacts) -> list[CriterionCheck]:
    """The criteria that apply to this kind of request (``FAMILY_CHECKS``), each checked against the case."""
    family = req.families[0] if req.families else ""
    checks: list[CriterionCheck] = []
    for criterion in (*COMMON, *FAMILY_CHECKS.get(family, ())):
        check = criterion(req, sections, facts, checks)
        if check is not None:
            checks.append(check)
    return checks
