"""Rank the guideline sections that apply to a request.

MTUS before non-MTUS; the edition in force on the request date; each match says why it applies.
"""

from __future__ import annotations

import datetime as dt

from .knowledge import KnowledgeBase
from .parse import detect_regions, find_phrases
from .ranking import RankingModel
from .schema import CaseFacts, ItemRequest, SectionInfo, SectionMatch

REGION_LABELS = {
    "lumbar": "low back",
    "cervical": "neck",
    "thoracic": "upper back",
    "shoulder": "shoulder",
    "elbow": "elbow",
    "wrist_hand": "wrist/hand",
    "hip": "hip/pelvis",
    "knee": "knee",
    "ankle_foot": "ankle/foot",
    "head": "head",
    "upper_extremity": "upper extremities",
    "lower_extremity": "lower extremities",
    "psych": "mental health",
}
# Extremity studies (EMG/NCV) are covered by the spine chapter the nerves come from.
REGION_ALIASES = {
    "upper_extremity": {"cervical", "wrist_hand"},
    "lower_extremity": {"lumbar", "knee", "ankle_foot"},
}


CA_PRIOR = 1.5
CA_GUIDELINE_PRIOR = 1.0


def _names_guideline(sec: SectionInfo, ca_text: str) -> bool:
    """The claims administrator's citation names this guideline edition (title and year)."""
    g = sec.guideline
    if not ca_text or not g.is_mtus or not g.year:
        return False
    return f"{g.title.replace('MTUS ', '').lower()} {g.year}" in ca_text


def pain_phase(request: ItemRequest, facts: CaseFacts) -> str:
    """acute (< 6 weeks), subacute (6 weeks-3 months), chronic, or postoperative, from the injury date."""
    if request.postoperative:
        return "postoperative"
    if facts.injury_date and facts.request_date:
        days = (facts.request_date - facts.injury_date).days
        if days < 42:
            return "acute"
        if days < 90:
            return "subacute"
    return "chronic"


def _region_score(sec: SectionInfo, regions: list[str], from_case: bool) -> tuple[float, str] | None:
    if not sec.body_regions:
        return 0.0, ""
    expanded = set(regions)
    for r in regions:
        expanded |= REGION_ALIASES.get(r, set())
    overlap = [r for r in sec.body_regions if r in expanded]
    if overlap:
        label = REGION_LABELS.get(overlap[0], overlap[0])
        return (0.5 if from_case else 1.0), f"body region: {label}" + (
            " (from the case)" if from_case else ""
        )
    return None  # a body-part section needs that body part, named by the item or, failing that, the case


def _latest_before(sections: list[SectionInfo], day: dt.date | None) -> list[SectionInfo]:
    """MTUS sections of the most recent edition of each guideline title that ended before ``day``."""
    if day is None:
        return []
    ended = [
        s
        for s in sections
        if s.guideline.is_mtus and s.guideline.in_force_to and s.guideline.in_force_to < day
    ]
    newest: dict[str, dt.date] = {}
    for s in ended:
        t = s.guideline.title
        newest[t] = max(newest.get(t, s.guideline.in_force_to), s.guideline.in_force_to)
    return [s for s in ended if s.guideline.in_force_to == newest[s.guideline.title]]


def _in_force(sections: list[SectionInfo], day: dt.date | None) -> list[SectionInfo]:
    return [s for s in sections if s.guideline.in_force_on(day)]


def rank_sections(
    kb: KnowledgeBase,
    request: ItemRequest,
    facts: CaseFacts,
    limit: int = 8,
    ranker: RankingModel | None = None,
) -> list[SectionMatch]:
    """Sections for the request, best first, each with the reasons it matched.

    ``ranker`` (the learned order, ``ranking``) reorders the matches; without it, the hand-set order.
    Every item with a description gets at least a citation: when no section names the treatment, the ODG
    chapter for the body region (``fallback_sections``), labelled as such.
    """
    if not (request.core or request.description).strip():
        return []
    matches = _rank(kb, request, facts) if request.families else []
    if ranker is not None:
        matches = ranker.rerank(matches, request, facts)
    return matches[:limit] or fallback_sections(kb, request, facts)


def ranked_candidates(kb: KnowledgeBase, request: ItemRequest, facts: CaseFacts) -> list[SectionMatch]:
    """Every matched section in the hand-set order, before any ranker or limit (what a ranker learns on)."""
    return _rank(kb, request, facts) if request.families else []


FALLBACK_REASONS = (
    "no section on file names this treatment: the MTUS as stored here does not address it",
    "starting point: the ODG chapter for the body region (8 CCR 9792.21.1, medical evidence search sequence)",
)


def fallback_sections(kb: KnowledgeBase, request: ItemRequest, facts: CaseFacts) -> list[SectionMatch]:
    """The ODG chapter for the item's body region (else the case's, else Pain (Chronic)), as a fallback."""
    regions = request.regions or facts.body_regions or detect_regions(" ".join(facts.diagnoses))
    pointers = [s for s in kb.sections if s.role == "fallback"]
    chosen = next(
        (s for r in regions for s in pointers if s.body_regions and s.body_regions[0] == r),
        next((s for s in pointers if not s.body_regions), None),
    )
    return [SectionMatch(chosen, 0.0, list(FALLBACK_REASONS))] if chosen else []


def is_fallback(match: SectionMatch) -> bool:
    return match.section.role == "fallback"


def _rank(kb: KnowledgeBase, request: ItemRequest, facts: CaseFacts) -> list[SectionMatch]:
    candidates = [s for s in kb.candidates(request.families) if s.role == "primary"]
    day = facts.request_date or dt.date.today()  # no request date: the editions in force today
    in_force = _in_force(candidates, day)
    stale: set[str] = set()
    if not any(s.guideline.is_mtus for s in in_force):
        # The MTUS edition in force on the request date is not in the knowledge base: show the latest one on
        # file for each guideline, flagged, rather than let a non-MTUS source look like the first authority.
        latest = _latest_before(candidates, day)
        stale = {s.key for s in latest}
        in_force = in_force + latest
    regions, from_case = request.regions, False
    if not regions:
        regions = list(dict.fromkeys(facts.body_regions + detect_regions(" ".join(facts.diagnoses))))
        from_case = True
    text = (request.core or request.description).lower()
    phase = pain_phase(request, facts)
    ca_text = " ".join(facts.claims_administrator_guidelines).lower()
    matches = _score(in_force, request, facts, regions, from_case, text, phase, ca_text)
    for m in matches:
        if m.section.key in stale:
            m.reasons[-1] = (
                "edition in force on the request date is not in the knowledge base: latest edition on "
                "file, check the current MTUS"
            )
    if not matches and regions and not from_case:
        # Nothing covers this body part: fall back to sections for the treatment anywhere, and say so.
        matches = _score(in_force, request, facts, [], True, text, phase, ca_text)
        for m in matches:
            m.reasons.append("no section for the named body region; matched on the treatment")
    matches.sort(key=lambda m: (m.section.guideline.rank, -m.score, m.section.priority, m.section.key))
    out: list[SectionMatch] = []
    seen: set[str] = set()
    for m in matches:
        if m.citation in seen:
            continue
        seen.add(m.citation)
        out.append(m)
    # Keep the best match per guideline family high: drop weak stragglers well below the top score.
    if out:
        top = max(m.score for m in out)
        out = [m for m in out if m.score >= top - 9 or not m.section.guideline.is_mtus]
    return out


def _score(
    in_force: list[SectionInfo],
    request: ItemRequest,
    facts: CaseFacts,
    regions: list[str],
    from_case: bool,
    text: str,
    phase: str,
    ca_text: str,
) -> list[SectionMatch]:
    day = facts.request_date
    matches: list[SectionMatch] = []
    for sec in in_force:
        reasons: list[str] = []
        score = 0.0
        parts: dict[str, float] = {}
        fam_hits = [f for f in request.families if f in sec.families or "~" + f in sec.families]
        primary = request.families[0] in sec.families
        secondary = "~" + request.families[0] in sec.families
        treat_hits = find_phrases(text, [t.lower() for t in sec.treatments])
        if sec.match_treatment_only and not treat_hits:
            continue
        if sec.match_treatment_only and request.compound:
            score -= (
                4  # a compound is judged as a whole (any non-recommended ingredient), not by one ingredient
            )
        if primary:
            score += 10
            parts["family_primary"] = 1.0
        elif secondary:
            score += 7
            parts["family_secondary"] = 1.0
        elif fam_hits:
            score += 4
            parts["family_other"] = 1.0
        if treat_hits:
            score += 3 if sec.match_treatment_only else 1
            parts["treatment_named"] = 1.0
            reasons.append(f"treatment: {max(treat_hits, key=len)}")
        elif fam_hits:
            reasons.append(f"treatment family: {fam_hits[0].replace('_', ' ')}")
        region = _region_score(sec, regions, from_case)
        if region is None:
            continue
        score += region[0]
        if region[1]:
            reasons.append(region[1])
            parts["region_case" if from_case else "region_item"] = 1.0
        if sec.phase != "any":
            if sec.phase == phase:
                score += 3
                reasons.append(f"phase of care: {phase}")
                parts["phase_match"] = 1.0
            else:
                score -= 3
                parts["phase_mismatch"] = 1.0
        cond_hits = _condition_hits(sec, facts)
        if cond_hits:
            score += 0.5
            parts["condition"] = 1.0
            reasons.append(f"condition: {cond_hits[0]}")
        cited_guideline = _names_guideline(sec, ca_text)
        if cited_guideline and sec.section and sec.section.lower() in ca_text:
            score += CA_PRIOR
            reasons.append("also cited by the claims administrator")
            parts["ca_section"] = 1.0
        elif cited_guideline:
            score += CA_GUIDELINE_PRIOR
            parts["ca_guideline"] = 1.0
            reasons.append("guideline also cited by the claims administrator")
        if sec.stance == "not recommended":
            reasons.append("guideline stance: not recommended")
        reasons.append(
            f"{'MTUS' if sec.guideline.is_mtus else 'non-MTUS'} guideline in force on the request date"
            if day
            else "current guideline (no request date)"
        )
        matches.append(SectionMatch(sec, score, reasons, parts))
    return matches


def _condition_hits(sec: SectionInfo, facts: CaseFacts) -> list[str]:
    if not sec.conditions or not facts.diagnoses:
        return []
    diag = " ".join(facts.diagnoses).lower()
    return [c for c in sec.conditions if c.lower() != "any" and c.lower() in diag]


def top_citations(matches: list[SectionMatch], n: int = 3) -> list[str]:
    """The best MTUS sections plus the best non-MTUS alternative, for a short list (e.g. n=3).

    They keep the ranking's order: a non-MTUS source comes first only where the ranking put it first.
    """
    mtus = [m for m in matches if m.section.guideline.is_mtus]
    other = [m for m in matches if not m.section.guideline.is_mtus]
    chosen = mtus[: n - 1] + other[:1] if mtus and other else (mtus or other)[:n]
    keep = {id(m) for m in chosen}
    return [m.citation for m in matches if id(m) in keep]
