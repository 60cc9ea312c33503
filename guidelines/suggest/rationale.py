"""Draft decision rationale in the letters' style, for the reviewer to edit."""

from __future__ import annotations

import re

from .citation import guideline_name
from .schema import CriterionCheck, ItemRequest, SectionMatch

OVER = "Overturned"
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
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _where(m: SectionMatch) -> str:
    ref = _page_ref(m)
    return f"on {ref}" if ref.startswith("page ") else f"in {ref}"


def _finding(c: CriterionCheck) -> str:
    """What the records show for one criterion, in prose: the criterion, the outcome, the record quoted."""
    label = _sentence_case(c.label.split(" (")[0])
    if c.evidence:
        ev = c.evidence[0]
        when = f" of {ev.record_date:%m/%d/%Y}" if ev.record_date else ""
        quote = ev.quote.strip().rstrip(".")
        if len(quote) > 200:
            quote = quote[:200].rsplit(" ", 1)[0] + " ..."
        status = "is documented" if c.status == "met" else "is not met"
        return f"Here, {label} {status}: the {ev.record_title}{when} states \u201c{quote}.\u201d"
    return f"Here, {label}: {c.detail}."


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
            f"the {_page_ref(sections[0])} is the starting point, and the evidence relied on should be cited."
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
