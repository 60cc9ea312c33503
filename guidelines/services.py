"""Django adapter for the suggestion engine: the public API the reviewer workspace calls.

The knowledge base is built from the database once per process and reused; it is rebuilt when an
administrator edits a guideline (signal, same process) or, for other processes, when a cheap fingerprint
query (checked at most every ``KB_RECHECK_SECONDS``) shows the data changed.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Case, CharField, Count, Expression, F, Max, Q, Value, When
from django.db.models.lookups import Regex
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cases.models import RecordPage
from cases.record_pages import extract_pages
from guidelines.models import FeedbackAction, Guideline, GuidelineSection, SuggestionFeedback
from guidelines.suggest.engine import suggest_case_item
from guidelines.suggest.knowledge import KnowledgeBase, guideline_from_dict, section_from_dict
from guidelines.suggest.parse import detect_regions
from guidelines.suggest.schema import CaseFacts, Record, Suggestion
from guidelines.suggest.vocabulary import CATEGORY_RULES, OTHER_CATEGORY
from guidelines.suggest.vocabulary import treatment_category as category_of_description

KB_RECHECK_SECONDS = 30.0
_lock = threading.Lock()
_kb: KnowledgeBase | None = None
_stamp: tuple | None = None
_checked_at = 0.0


def _fingerprint() -> tuple:
    agg = GuidelineSection.objects.aggregate(
        n=Count("id"), at=Max("updated_at"), g=Max("guideline__updated_at")
    )
    return agg["n"], agg["at"], agg["g"]


def _build() -> KnowledgeBase:
    guidelines = {}
    for g in Guideline.objects.all():
        guidelines[g.pk] = guideline_from_dict(
            {
                "key": g.key,
                "title": g.title,
                "year": g.year,
                "is_mtus": g.is_mtus,
                "rank": g.rank,
                "in_force_from": g.in_force_from.isoformat() if g.in_force_from else None,
                "in_force_to": g.in_force_to.isoformat() if g.in_force_to else None,
                "current": g.current,
                "source": g.source,
            }
        )
    sections = []
    for s in GuidelineSection.objects.all():
        d = {
            "key": s.key,
            "section": s.section,
            "chapter": s.chapter,
            "page": s.page,
            "pages": s.pages,
            "body_regions": s.body_regions,
            "families": s.families,
            "treatments": s.treatments,
            "conditions": s.conditions,
            "stance": s.stance,
            "criteria": s.criteria,
            "limits": s.limits,
            "source": s.source,
            "confidence": s.confidence,
            "unverified": s.unverified,
            "unverified_figures": s.unverified_figures,
            "priority": s.priority,
            "role": s.role,
            "match_treatment_only": s.match_treatment_only,
            "phase": s.phase,
            "evidence_note": s.evidence_note,
            "supports": s.supports,
        }
        sections.append(section_from_dict(d, guidelines[s.guideline_id]))
    return KnowledgeBase(guidelines.values(), sections)


def knowledge_base() -> KnowledgeBase:
    """The knowledge base from the database, loaded once per process and refreshed when the data changes."""
    global _kb, _stamp, _checked_at
    now = time.monotonic()
    if _kb is not None and now - _checked_at < KB_RECHECK_SECONDS:
        return _kb
    with _lock:
        stamp = _fingerprint()
        if _kb is None or stamp != _stamp:
            _kb = _build()
            _stamp = stamp
        _checked_at = now
        return _kb


def reset_knowledge_base() -> None:
    global _kb, _stamp, _checked_at
    with _lock:
        _kb, _stamp, _checked_at = None, None, 0.0


@receiver([post_save, post_delete], sender=GuidelineSection)
@receiver([post_save, post_delete], sender=Guideline)
def _knowledge_changed(**kwargs) -> None:
    reset_knowledge_base()


@lru_cache(maxsize=8192)
def treatment_category(description: str) -> str:
    """The treatment category of a disputed item (the knowledge base's categories, ``vocabulary``), from
    its description by ``vocabulary.CATEGORY_RULES``: the one place reports, the usage page and anything
    else get an item's category. Computed, never stored; ``treatment_category_sql`` is the same rule in
    the database."""
    return category_of_description(description)


def treatment_category_sql(description: str | Expression) -> Case:
    """``treatment_category`` as a SQL expression over ``description`` (a field path such as
    ``"disputed_item__description"``, or an expression), so that a report can count by category in the
    database. Generated from the same ``CATEGORY_RULES``, first match wins as in Python; the ``regex``
    lookup is PostgreSQL's ``~`` and, on SQLite, Python's ``re`` (tests/guidelines/test_categories.py
    holds all three to agree)."""
    text = F(description) if isinstance(description, str) else description
    return Case(
        *(When(Regex(text, Value(pattern)), then=Value(category)) for category, pattern in CATEGORY_RULES),
        default=Value(OTHER_CATEGORY),
        output_field=CharField(),
    )


def is_mtus_citation(line: str) -> bool:
    """Whether a guideline line cites the MTUS, by the knowledge base (``KnowledgeBase.is_mtus_citation``).

    The one classifier: the sign-off checklist asks a reason for every line that is not MTUS, and the
    letter says the decision rests outside the MTUS when no line is.
    """
    return knowledge_base().is_mtus_citation(line)


def records_for_engine(case) -> list[Record]:
    """The case's records as the engine reads them: a PDF record page by page (its ``RecordPage`` rows,
    read once when the record was saved), so each quoted sentence carries the record and page it came from
    and the workspace links it to that page; a text record is its page 1. The note typed beside a PDF is a
    record of its own with no page. Pages not read yet (the extraction task has not run) are read now,
    as the record search does."""
    records = list(case.records.all())
    pdfs = [r for r in records if r.file]
    pages: dict[int, list[RecordPage]] = {}
    if pdfs:
        for page in RecordPage.objects.filter(record__in=pdfs).order_by("record", "number"):
            pages.setdefault(page.record_id, []).append(page)
        for r in pdfs:
            if r.pk not in pages:
                extract_pages(r)
                pages[r.pk] = list(RecordPage.objects.filter(record=r).order_by("number"))
    out = []
    for r in records:
        if not r.file:
            out.append(Record(r.title, r.date, r.text or "", record_id=r.pk, page=1))
            continue
        out.extend(
            Record(r.title, r.date, p.text, record_id=r.pk, page=p.number) for p in pages.get(r.pk, [])
        )
        if r.text:
            out.append(Record(r.title, r.date, r.text, record_id=r.pk))
    return out


def case_facts_for(item, summary_text: str = "") -> CaseFacts:
    """CaseFacts for a disputed item's case (records, requesting provider, dates, prior guideline cited)."""
    case = item.case
    records = records_for_engine(case)
    requesting = case.requesting_provider
    regions = detect_regions(" ".join(str(r) for r in (case.body_regions or [])))
    return CaseFacts(
        diagnoses=[str(d) for d in (case.diagnoses or [])],
        body_regions=regions,
        records=records,
        requesting_specialty=requesting.specialty if requesting else "",
        request_date=case.request_date,
        injury_date=case.injury_date,
        claims_administrator_guidelines=[str(g) for g in (item.claims_administrator_guidelines or [])],
        summary_text=summary_text or "",
    )


def suggest_for_disputed_item(item, summary_text: str = "") -> Suggestion:
    """Suggestions for one disputed item: ranked sections, criteria checks, decision, draft rationale.

    The item is suggested within its case, so a service tied to a surgery in the same case (post-op
    therapy, cold therapy, clearance) follows the suggestion for that surgery.
    """
    items = list(item.case.disputed_items.all())
    case_items = [(i.description, i.quantity, list(i.claims_administrator_guidelines or [])) for i in items]
    index = next(n for n, i in enumerate(items) if i.pk == item.pk)
    return suggest_case_item(knowledge_base(), case_items, index, case_facts_for(item, summary_text))


def search_sections(query: str, limit: int = 20) -> list[GuidelineSection]:
    """Free-text search: every word must appear in a section's names, treatments or conditions."""
    words = [w for w in (query or "").lower().split() if w][:8]
    if not words:
        return []
    cond = Q()
    for w in words:
        cond &= Q(search_text__contains=w)
    qs = GuidelineSection.objects.select_related("guideline").filter(cond).exclude(role="supporting")
    return list(qs.order_by("guideline__rank", "priority", "guideline__title", "section")[:limit])


def record_feedback(
    user, disputed_item, suggestion_key: str, action: str, detail: str = ""
) -> SuggestionFeedback:
    """Record that a reviewer accepted, edited or rejected a suggestion."""
    if action not in FeedbackAction.values:
        raise ValueError(f"unknown feedback action: {action!r}")
    return SuggestionFeedback.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        disputed_item=disputed_item,
        suggestion_key=(suggestion_key or "")[:200],
        action=action,
        detail=(detail or "")[:500],
    )


_CITATION_LINE = re.compile(r"^(?P<title>.+?)\s+(?P<year>\d{4})(?:,?\s*Section\(s\):\s*(?P<sections>.+))?$")


def citation_sources(lines: list[str]) -> list[dict]:
    """What the knowledge base says about each citation line, to be copied into a signed determination.

    A signed determination keeps the guideline, edition, section and page it relied on as they were that
    day, so editing the knowledge base later never changes it. Lines the knowledge base does not know
    (typed non-MTUS citations, say) are kept as typed with ``matched: False``.
    """
    sources = []
    for line in lines:
        text = line.strip().rstrip(".")
        entry: dict = {"line": text, "matched": False, "sections": []}
        m = _CITATION_LINE.match(text)
        guideline = None
        if m:
            guideline = Guideline.objects.filter(
                title__iexact=m["title"].strip(), year=int(m["year"])
            ).first()
        if guideline is None:
            # Non-MTUS lines ("Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter")
            # carry no year: look them up by the citation a section prints.
            for section in GuidelineSection.objects.select_related("guideline").filter(
                guideline__is_mtus=False
            ):
                if section.citation.rstrip(".").lower() == text.lower():
                    guideline = section.guideline
                    entry["sections"].append(_section_source(section))
                    break
        if guideline is not None:
            entry.update(
                matched=True,
                guideline=guideline.title,
                edition=guideline.year,
                is_mtus=guideline.is_mtus,
                guideline_key=guideline.key,
            )
            cited = (m["sections"] or "").lower() if m else ""
            if cited and not entry["sections"]:
                for section in guideline.sections.all():
                    if section.section and section.section.lower() in cited:
                        entry["sections"].append(_section_source(section))
        sources.append(entry)
    return sources


def _section_source(section: GuidelineSection) -> dict:
    return {
        "key": section.key,
        "section": section.section,
        "chapter": section.chapter,
        "page": section.page,
        "pages": section.pages,
        "unverified": section.unverified,
    }


# --- Learning from use (issue 15): what reviewers did with the suggestions, by treatment category. ---

# What a feedback row's ``detail`` says was used (set by the fill buttons in suggest.js).
USAGE_PARTS = {"citation_line": "citation", "decision": "decision", "rationale": "rationale"}


@dataclass
class CategoryUsage:
    category: str
    used: dict[str, int] = field(default_factory=lambda: dict.fromkeys(USAGE_PARTS.values(), 0))
    edited: int = 0
    not_helpful: int = 0

    @property
    def total(self) -> int:
        return sum(self.used.values()) + self.edited + self.not_helpful

    @property
    def not_helpful_share(self) -> float:
        return self.not_helpful / self.total if self.total else 0.0


@dataclass
class NotHelpfulItem:
    description: str
    category: str
    count: int
    suggested: str  # the citation most often suggested when it was marked "Not helpful"


def suggestion_usage(top: int = 10) -> tuple[list[CategoryUsage], list[NotHelpfulItem]]:
    """How often each suggestion was used, edited or marked "Not helpful", by treatment category, and the
    items most often marked "Not helpful". One grouped query; the category is computed from each item's
    description by ``treatment_category`` (never stored: one home for the rule)."""
    rows = (
        SuggestionFeedback.objects.values("disputed_item__description", "action", "detail", "suggestion_key")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_category: dict[str, CategoryUsage] = {}
    rejected: dict[str, dict] = {}
    for row in rows:
        description = " ".join((row["disputed_item__description"] or "").split())
        category = treatment_category(description)
        usage = by_category.setdefault(category, CategoryUsage(category))
        if row["action"] == FeedbackAction.REJECTED:
            usage.not_helpful += row["n"]
            entry = rejected.setdefault(description.lower(), {"description": description, "n": 0, "keys": {}})
            entry["n"] += row["n"]
            key = row["suggestion_key"].rsplit(":", 1)[0]
            entry["keys"][key] = entry["keys"].get(key, 0) + row["n"]
        elif row["action"] == FeedbackAction.EDITED:
            usage.edited += row["n"]
        elif row["detail"] in USAGE_PARTS:
            usage.used[USAGE_PARTS[row["detail"]]] += row["n"]
    kb = knowledge_base()
    items = []
    for entry in sorted(rejected.values(), key=lambda e: (-e["n"], e["description"].lower()))[:top]:
        key = max(entry["keys"], key=entry["keys"].get)
        section = kb.by_key.get(key)
        items.append(
            NotHelpfulItem(
                entry["description"],
                treatment_category(entry["description"]),
                entry["n"],
                section.citation if section else ("none" if key == "none" else "a section no longer on file"),
            )
        )
    categories = sorted(by_category.values(), key=lambda u: (-u.total, u.category))
    return categories, items
