"""A learned order of the matched sections (the guideline a reviewer cites first): measured, not shipped.

Why: the hand-set score in ``match`` (family 10/7/4, region, phase, the claims administrator's citation as
a small prior ...) was tuned by looking at every development letter, so its figures are optimistic. Here
a logistic regression over what that score was made of (``SectionMatch.parts``), the guideline and the
kind of item, and what the claims administrator cited, is fitted on each fold's training letters
(``cv.fit_ranker``, penalty chosen by an inner cross-validation). ``suggest_cv --learned-ranking``
measures it. It did not beat the hand-set order under cross-validation (docs/guidelines.md), so the
engine ships without it: ``rank_sections`` uses a ranker only when one is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .schema import CaseFacts, GuidelineInfo, ItemRequest, SectionMatch

VERSION = 1


def guideline_group(g: GuidelineInfo) -> str:
    """The guideline without its edition ("mtus-cpmtg" for 2009 and 2016): letters name both alike."""
    return re.sub(r"-\d{4}$", "", g.key)


def _ca_source(text: str) -> str:
    """What kind of source the claims administrator's UR decision cited: mtus, odg, other or none."""
    t = text.lower()
    if not t.strip() or "did not cite" in t:
        return "none"
    if "official disability" in t or "odg" in t:
        return "odg"
    if "mtus" in t or "acoem" in t:
        return "mtus"
    return "other"


def _title_without_year(g: GuidelineInfo) -> str:
    return re.sub(r"\s+\d{4}$", "", g.title.replace("MTUS ", "")).lower()


def candidate_features(
    matches: Sequence[SectionMatch], request: ItemRequest, facts: CaseFacts
) -> list[dict[str, float]]:
    """One feature dict per match, in the hand-set order given (position and gap are relative to it)."""
    if not matches:
        return []
    top = max(m.score for m in matches)
    ca_text = " ".join(facts.claims_administrator_guidelines).lower()
    ca = _ca_source(ca_text)
    kind = request.kind or "unknown"
    seen_groups: set[str] = set()
    out = []
    for pos, m in enumerate(matches):
        g = m.section.guideline
        group = guideline_group(g)
        f = dict(m.parts)
        f["handset_first"] = float(pos == 0)
        f["handset_first_of_guideline"] = float(group not in seen_groups)
        f["handset_gap"] = (m.score - top) / 10.0
        seen_groups.add(group)
        f["mtus"] = float(g.is_mtus)
        if m.section.stance == "not recommended":
            f["stance_not_recommended"] = 1.0
        if g.is_mtus and ca == "mtus" and _title_without_year(g) in ca_text:
            f["ca_names_title"] = 1.0  # any edition of this guideline
        if not g.is_mtus and ca == group:
            f["ca_same_non_mtus"] = 1.0
        f[f"ca={ca}&mtus={int(g.is_mtus)}"] = 1.0
        f[f"guideline={group}"] = 1.0
        f[f"kind={kind}&guideline={group}"] = 1.0
        out.append(f)
    return out


@dataclass
class RankingModel:
    """Linear weights over ``candidate_features``; an empty model keeps the hand-set order."""

    weights: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def score(self, feats: dict[str, float]) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in feats.items())

    def rerank(
        self, matches: list[SectionMatch], request: ItemRequest, facts: CaseFacts
    ) -> list[SectionMatch]:
        """The matches by learned score, best first; ties keep the hand-set order."""
        if not self.weights or len(matches) < 2:
            return matches
        feats = candidate_features(matches, request, facts)
        order = sorted(range(len(matches)), key=lambda i: (-self.score(feats[i]), i))
        return [matches[i] for i in order]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "weights": dict(sorted(self.weights.items())),
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RankingModel:
        if d.get("version") != VERSION:
            return cls()  # a file from another feature set: the hand-set order, not a wrong one
        return cls({k: float(v) for k, v in d.get("weights", {}).items()}, dict(d.get("provenance", {})))
