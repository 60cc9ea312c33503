"""The suggestion engine: parse, match, check criteria, suggest a decision and draft a rationale.

Pure Python (no Django); the knowledge base is passed in, loaded once per process by the caller.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from .citation import format_citation
from .criteria import ASSOCIATED, MET, NOT_MET, run_checks
from .decision import DecisionModel, default_model
from .knowledge import KnowledgeBase
from .match import is_fallback, rank_sections
from .parse import parse_item
from .ranking import RankingModel
from .rationale import draft_rationale
from .schema import CaseFacts, CriterionCheck, ItemRequest, SectionMatch, Suggestion

log = logging.getLogger(__name__)

NO_MATCH = "No guideline matched this item. Search the knowledge base to find the section to cite."
MTUS_SILENT = (
    "No guideline matched this item: the MTUS as stored here does not address it. The ODG chapter for the "
    "body region is a starting point (8 CCR 9792.21.1); search the knowledge base for the topic to cite."
)


def suggest(
    kb: KnowledgeBase,
    description: str | None,
    facts: CaseFacts | None = None,
    quantity: int | None = None,
    model: DecisionModel | None = None,
    ranker: RankingModel | None = None,
) -> Suggestion:
    """Suggestions for one disputed item; never raises on bad input (it says what it could not do).

    ``model`` decides from the checks (``decision``); the packaged one unless given (cross-validation).
    ``ranker`` reorders the sections (``ranking``: measured by ``suggest_cv --learned-ranking``, not
    shipped); without it, the hand-set order.
    """
    facts = facts or CaseFacts()
    model = model or default_model()
    try:
        request = parse_item(description, quantity)
    except Exception:  # noqa: BLE001 - degrade, never break the reviewer's page
        log.exception("item parsing failed")
        request = ItemRequest(description=description or "")
    try:
        sections = rank_sections(kb, request, facts, ranker=ranker)
    except Exception:  # noqa: BLE001
        log.exception("section matching failed")
        sections = []
    try:
        checks = run_checks(request, [m.section for m in sections], facts)
    except Exception:  # noqa: BLE001
        log.exception("criteria checks failed")
        checks = []
    decision, confidence, drivers = model.decide(request, checks)
    message = "" if sections else NO_MATCH
    if sections and is_fallback(sections[0]):
        message = MTUS_SILENT
    if (
        sections
        and request.kind in ("imaging", "diagnostic")
        and not request.regions
        and not facts.body_regions
    ):
        message = "The item names no body region: name it (e.g. lumbar spine) for the chapter that applies."
    if not (description or "").strip():
        message = "The item has no description. " + NO_MATCH
    rationale = draft_rationale(request, sections, checks, decision)
    return Suggestion(
        request,
        sections,
        checks,
        decision,
        confidence,
        drivers,
        rationale,
        message,
        citation_line=citation_line(kb, sections, checks),
    )


# One disputed item of a case: (description, quantity, the claims administrator's cited guidelines).
CaseItem = tuple[str, int | None, list[str]]


def concurrent_surgery(
    kb: KnowledgeBase,
    items: list[CaseItem],
    facts: CaseFacts,
    model: DecisionModel | None = None,
    ranker: RankingModel | None = None,
) -> str:
    """The decision suggested for the first surgery among a case's items ('' when none is requested).

    Services requested with a surgery (post-op therapy, cold therapy, slings, clearance) follow it, as the
    letters do ("the concurrent request for surgery is supported").
    """
    for text, qty, ca in items:
        if parse_item(text, qty).families[:1] == ["surgery"]:
            case_facts = replace(facts, claims_administrator_guidelines=list(ca))
            return suggest(kb, text, case_facts, qty, model, ranker).decision
    return ""


def _suggest_item(
    kb: KnowledgeBase,
    item: CaseItem,
    facts: CaseFacts,
    concurrent: str,
    model: DecisionModel | None,
    ranker: RankingModel | None = None,
) -> Suggestion:
    text, qty, ca = item
    item_facts = replace(facts, claims_administrator_guidelines=list(ca), concurrent_surgery=concurrent)
    return suggest(kb, text, item_facts, qty, model, ranker)


def suggest_case(
    kb: KnowledgeBase,
    items: list[CaseItem],
    facts: CaseFacts,
    model: DecisionModel | None = None,
    ranker: RankingModel | None = None,
) -> list[Suggestion]:
    """Suggestions for every item of a case; a surgery among them is suggested first (see above)."""
    concurrent = concurrent_surgery(kb, items, facts, model, ranker)
    return [_suggest_item(kb, item, facts, concurrent, model, ranker) for item in items]


def suggest_case_item(kb: KnowledgeBase, items: list[CaseItem], index: int, facts: CaseFacts) -> Suggestion:
    """What ``suggest_case`` gives for ``items[index]``, without suggesting the case's other items.

    The surgery is suggested only when the item may be tied to one (the check ignores it otherwise).
    """
    text = items[index][0]
    tied = ASSOCIATED.search((text or "").lower())
    return _suggest_item(kb, items[index], facts, concurrent_surgery(kb, items, facts) if tied else "", None)


def citation_line(kb: KnowledgeBase, sections: list[SectionMatch], checks: list[CriterionCheck]) -> str:
    """The top guideline with its section and the sections cited alongside it (page 8 for continued care)."""
    if not sections:
        return ""
    top = sections[0].section
    used = {c.key for c in checks if c.status in (MET, NOT_MET)}
    extra = [
        s
        for s in kb.by_guideline.get(top.guideline.key, ())
        if s.key != top.key and used & set(s.supports) and s.section and s.section != top.section
    ]
    # Letters list sections in page order ("Introduction, Physical Medicine"); without pages, the general
    # section (the Introduction's functional-improvement rule) comes first.
    if top.page and all(s.page for s in extra[:1]):
        chosen = sorted([top, *extra[:1]], key=lambda s: s.page)
    else:
        chosen = [*extra[:1], top]
    return format_citation(top.guideline, [s.section for s in chosen if s.section], top.chapter)


__all__ = ["suggest", "suggest_case", "suggest_case_item", "concurrent_surgery", "MET", "NOT_MET"]
