"""Citation text in the exact style of IMR Final Determination letters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .schema import GuidelineInfo


def guideline_name(guideline: GuidelineInfo) -> str:
    """'MTUS Chronic Pain Medical Treatment 2009' or 'Official Disability Guidelines (ODG)'."""
    return f"{guideline.title} {guideline.year}" if guideline.year else guideline.title


def format_citation(guideline: GuidelineInfo, sections: Sequence[str] = (), chapter: str = "") -> str:
    """One guideline line as letters print it.

    MTUS: "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine".
    Non-MTUS: "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter[, topic]".
    """
    names = [s for s in sections if s]
    if guideline.is_mtus:
        text = guideline_name(guideline)
        return f"{text}, Section(s): {', '.join(names)}" if names else text
    parts = [guideline_name(guideline)]
    if chapter:
        parts.append(chapter)
    parts.extend(n for n in names if n != chapter)
    return "Non-MTUS Citation " + ", ".join(parts)
