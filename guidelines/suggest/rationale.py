"""Draft decision rationale in the letters' style, for the reviewer to edit."""

from __future__ import annotations

import re

from .citation import guideline_name
from .schema import CriterionCheck, Evidence, ItemRequest, SectionMatch

OVER = "Overturned"
MET = "met"
# Criteria that describe the guideline itself (dates, layout), not a clinical rule: not quoted in a rationale.
_META = re.compile(r"\bapplies to\b|requests? made|effective|regulations?\b|\bupdate\b|organi[sz]ed by", re.I)


def _page_ref(m: SectionMatch) -> str:
    sec = m.section
    name = guideline_name(sec.guideline)
    if sec.guideline.is_mtus:
        # "the MTUS Chronic Pain Medical Treatment 2016 Guidelines", "the MTUS ACOEM Opioids Guideline 2017"
        name = name if "Guideline" in name or "Formulary" in name else f"{name} Guidelines"
        where = f"page {sec.page} of the {name}" if sec.page else f"the {name}"
        if sec.section:
            where += f" ({sec.section})"
        return where
    return (
        f"the {name}"
        + (f", {sec.chapter}" if sec.chapter else "")
        + (f", {sec.section}" if sec.section else "")
    )


def _criterion_for(match: SectionMatch, checks: list[CriterionCheck]) -> str:
    """The criterion the checks used (e.g. the radiculitis visit count), else the section's first."""
    texts = match.section.criteria_text
    if not texts:
        return ""
    for c in checks:
        if c.key == "visit_limit" and c.section_key == match.section.key and "(" in c.label:
            words = [
                w for w in c.label.rsplit("(", 1)[1].replace("/", " ").replace(",", " ").split() if len(w) > 4
            ]
            for t in texts:
                if any(w.lower() in t.lower() for w in words):
                    return t
    clinical = [t for t in texts if not _META.search(t) and not t.startswith("The MTUS ")]
    return (clinical or list(texts))[0]


def _sentence_case(text: str) -> str:
    """Lower-case the first letter to continue a sentence, unless it starts an acronym (GI, NSAIDs, MRI)."""
    if len(text) > 1 and text[0].isupper() and (text[1].islower() or text[1] == " "):
        return text[0].lower() + text[1:]
    return text


def _where(m: SectionMatch) -> str:
    ref = _page_ref(m)
    return f"on {ref}" if ref.startswith("page ") else f"in {ref}"


# What each criterion is about, as a noun phrase the letters would use ("The PR-2 of 12/20/2016 documents
# red flags"). Checks not listed use their label without "documented" and without the bracketed detail.
SUBJECTS = {
    "red_flags": "red flags",
    "neuro_findings": "objective neurologic findings",
    "neuro_symptoms": "neurologic symptoms (numbness, tingling or radiating pain)",
    "functional_improvement": "functional improvement after the prior treatment",
    "opioid_monitoring": "monitoring of opioid use (urine drug testing, CURES or an opioid agreement)",
    "uds_consistent": "urine drug test results consistent with the prescribed medication",
    "mechanical": "mechanical signs",
    "prior_imaging": "prior imaging of the same region",
    "gi_risk": "gastrointestinal risk factors",
    "imaging_lesion": "a lesion on imaging that surgery can correct",
    "conservative_failed": "failed conservative care",
    "complexity": "a diagnosis that is uncertain or complex",
    "opioid_prescribed": "a current opioid prescription",
    "constipation": "constipation",
    "homebound": "homebound status",
    "home_medical_care": "medical treatment needed at home",
    "cannot_self_transport": "an inability to drive or to use public transport",
    "supply_need": "a medical need for the supplies",
    "seizure_or_deterioration": "a seizure, loss of consciousness or neurologic deterioration",
    "eswt_indication": "calcific tendinitis or plantar fasciitis",
    "pain_relief": "quantified pain relief from the medication",
}
# A criterion not met because of what the records do show (a finding, not an absence).
FINDINGS_AGAINST = {
    "uds_consistent": "a urine drug test result inconsistent with the prescribed medication",
    "functional_improvement": "no functional improvement after the prior treatment",
}
_ABSENT = "the records state that it is absent"


def _subject(c: CriterionCheck) -> str:
    if c.key in SUBJECTS:
        return SUBJECTS[c.key]
    label = re.sub(r"\s*\(.*?\)", "", c.label.split(", page")[0])
    return _sentence_case(re.sub(r"\s*\bdocumented\b", "", label).strip())


def _record(ev: Evidence) -> str:
    return f"the {ev.record_title}" + (f" of {ev.record_date:%m/%d/%Y}" if ev.record_date else "")


def _quote(ev: Evidence) -> str:
    quote = " ".join(ev.quote.split()).rstrip(".")
    if len(quote) > 200:
        quote = quote[:200].rsplit(" ", 1)[0] + " ..."
    return f"\u201c{quote}.\u201d"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finding(c: CriterionCheck) -> str:
    """What the records show for one criterion, as a sentence with the record, its date and the quote."""
    subject = _subject(c)
    if c.evidence:
        ev = c.evidence[0]
        if c.status == MET:
            return f"{_capital(_record(ev))} documents {subject}: {_quote(ev)}"
        if c.detail == _ABSENT:
            return f"{_capital(_record(ev))} documents the absence of {subject}: {_quote(ev)}"
        if c.key in FINDINGS_AGAINST:
            return f"{_capital(_record(ev))} documents {FINDINGS_AGAINST[c.key]}: {_quote(ev)}"
        return f"The records do not show {subject}: {_record(ev)} states {_quote(ev)}"
    if c.detail in ("not documented in the records", "not found in the records"):
        return f"The records do not document {subject}."
    return _capital(c.detail.replace(": ", "; ")) + "."


def draft_rationale(
    request: ItemRequest, sections: list[SectionMatch], checks: list[CriterionCheck], decision: str
) -> str:
    """A paragraph citing guideline, section and page, ending with the conclusion matching the decision."""
    item = (request.core or request.description or "the requested item").strip().rstrip(".")
    if not decision:
        opening = ""
        closing = ""
    elif decision == OVER:
        opening = (
            f"Yes, the request for {item} was medically necessary, medically appropriate, and indicated here."
        )
        closing = "Therefore, the request was medically necessary."
    else:
        opening = f"No, the request for {item} was not medically necessary, medically appropriate, or indicated here."  # noqa: E501
        closing = "Therefore, the request was not medically necessary."
    parts = [opening] if opening else []
    if sections and sections[0].section.role == "fallback":
        parts.append(
            f"The MTUS does not address {_sentence_case(item)}, and no guideline topic on file names it; "
            f"{_page_ref(sections[0])} is the starting point, and the evidence relied on should be cited."
        )
    elif sections:
        top = sections[0]
        crit = _criterion_for(top, checks)
        if not top.section.guideline.is_mtus:
            # The letters' way (8 CCR 9792.21.1): say the MTUS is silent, then cite the best non-MTUS source.
            parts.append(f"The MTUS does not address {_sentence_case(item)}.")
        if crit:
            parts.append(f"As noted {_where(top)}, {_sentence_case(crit)}.".replace("..", "."))
        else:
            parts.append(f"The request was reviewed against {_page_ref(top)}.")
    else:
        parts.append(
            "No MTUS or other guideline section matched this request; "
            "the reviewer should cite the evidence relied on."
        )
    for c in checks:
        if (c.favours == decision or not decision) and c.weight > 0 and c.status in ("met", "not met"):
            parts.append(_finding(c))
    if len(parts) == 2 and decision == "Upheld":
        parts.append(
            "Here, the records do not document that the guideline's criteria for this request were met."
        )
    if closing:
        parts.append(closing)
    return " ".join(parts)
