"""Guideline-backed suggestions for disputed items: a plain Python package (no Django), so it can be
tested and benchmarked alone. Django code reaches it through ``guidelines.services``."""

from .engine import suggest, suggest_case
from .knowledge import KnowledgeBase, default_knowledge_base
from .parse import parse_item
from .schema import CaseFacts, CriterionCheck, ItemRequest, Record, SectionMatch, Suggestion

__all__ = [
    "CaseFacts",
    "CriterionCheck",
    "ItemRequest",
    "KnowledgeBase",
    "Record",
    "SectionMatch",
    "Suggestion",
    "default_knowledge_base",
    "parse_item",
    "suggest",
    "suggest_case",
]
