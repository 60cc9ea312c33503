"""The knowledge base the engine reads: guideline editions and their sections, loaded once per process.

The same JSON reader feeds the Django loader (``load_guidelines``) and pure-Python tests/benchmarks, so
the data has one format and one set of rules (e.g. ``inherits`` for a later edition of a section).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .schema import GuidelineInfo, SectionInfo

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DATA_FILE = DATA_DIR / "guidelines.json"

SECTION_FIELDS = (
    "section",
    "chapter",
    "page",
    "pages",
    "body_regions",
    "families",
    "treatments",
    "conditions",
    "stance",
    "criteria",
    "limits",
    "source",
    "confidence",
    "unverified",
    "unverified_figures",
    "priority",
    "role",
    "match_treatment_only",
    "phase",
    "evidence_note",
    "supports",
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def read_data(path: str | Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(guideline dicts, section dicts) from a data file, with ``inherits`` resolved."""
    raw = json.loads(Path(path or DEFAULT_DATA_FILE).read_text(encoding="utf-8"))
    guidelines = raw.get("guidelines", [])
    by_key: dict[str, dict[str, Any]] = {}
    sections: list[dict[str, Any]] = []
    for rec in raw.get("sections", []):
        merged = dict(by_key.get(rec.get("inherits", ""), {}))
        merged.pop("inherits", None)
        merged.update(rec)
        merged.setdefault("priority", 50)
        merged.setdefault("role", "primary")
        by_key[merged["key"]] = merged
        sections.append(merged)
    return guidelines, sections


def guideline_from_dict(d: dict[str, Any]) -> GuidelineInfo:
    return GuidelineInfo(
        key=d["key"],
        title=d["title"],
        year=d.get("year"),
        is_mtus=bool(d.get("is_mtus")),
        rank=int(d.get("rank", 9)),
        in_force_from=_date(d.get("in_force_from")),
        in_force_to=_date(d.get("in_force_to")),
        current=bool(d.get("current", True)),
        source=d.get("source", ""),
    )


def section_from_dict(d: dict[str, Any], guideline: GuidelineInfo) -> SectionInfo:
    return SectionInfo(
        key=d["key"],
        guideline=guideline,
        section=d.get("section") or "",
        chapter=d.get("chapter") or "",
        page=d.get("page"),
        pages=d.get("pages") or "",
        body_regions=tuple(d.get("body_regions") or ()),
        families=tuple(d.get("families") or ()),
        treatments=tuple(d.get("treatments") or ()),
        conditions=tuple(d.get("conditions") or ()),
        stance=d.get("stance") or "conditional",
        criteria_text=tuple(d.get("criteria") or ()),
        limits=tuple(d.get("limits") or ()),
        source=d.get("source") or "",
        confidence=d.get("confidence") or "medium",
        unverified=bool(d.get("unverified")),
        unverified_figures=tuple(d.get("unverified_figures") or ()),
        priority=int(d.get("priority", 50)),
        role=d.get("role") or "primary",
        match_treatment_only=bool(d.get("match_treatment_only")),
        phase=d.get("phase") or "any",
        evidence_note=d.get("evidence_note") or "",
        supports=tuple(d.get("supports") or ()),
    )


_ABBREVIATION = re.compile(r"\(([A-Z]{2,})\)")


def _names(guideline: GuidelineInfo) -> list[str]:
    """How a typed citation may name a guideline: its title, without or with its abbreviation ("ODG")."""
    names = [guideline.title, _ABBREVIATION.sub("", guideline.title), *_ABBREVIATION.findall(guideline.title)]
    return list(dict.fromkeys(" ".join(n.lower().split()) for n in names if n.strip()))


class KnowledgeBase:
    """Sections indexed by treatment family; build once per process and share (read-only)."""

    def __init__(self, guidelines: Iterable[GuidelineInfo], sections: Iterable[SectionInfo]):
        self.guidelines = {g.key: g for g in guidelines}
        # Longest name first: a title wins over a shorter one it begins with.
        names = sorted(
            ((n, g) for g in self.guidelines.values() for n in _names(g)), key=lambda p: -len(p[0])
        )
        self._named = [(re.compile(rf"{re.escape(n)}(?![a-z0-9])"), g) for n, g in names]
        self.sections = list(sections)
        self.by_family: dict[str, list[SectionInfo]] = defaultdict(list)
        for s in self.sections:
            for fam in s.families:
                self.by_family[fam.lstrip("~")].append(s)
        self.by_key = {s.key: s for s in self.sections}
        self.by_guideline: dict[str, list[SectionInfo]] = defaultdict(list)
        for s in self.sections:
            self.by_guideline[s.guideline.key].append(s)

    @classmethod
    def from_dicts(cls, guidelines: list[dict[str, Any]], sections: list[dict[str, Any]]) -> KnowledgeBase:
        gmap = {g["key"]: guideline_from_dict(g) for g in guidelines}
        return cls(
            gmap.values(),
            [section_from_dict(s, gmap[s["guideline"]]) for s in sections if s["guideline"] in gmap],
        )

    @classmethod
    def from_json(cls, path: str | Path | None = None) -> KnowledgeBase:
        return cls.from_dicts(*read_data(path))

    def guideline_named(self, line: str) -> GuidelineInfo | None:
        """The guideline a citation line begins with (by title or abbreviation), or None."""
        text = line.strip().lower()
        return next((g for pattern, g in self._named if pattern.match(text)), None)

    def is_mtus_citation(self, line: str) -> bool:
        """Whether a guideline line cites the MTUS: the one test the workspace checks and the letters use.

        The letters' own label decides first ("Non-MTUS Citation ..."); then the knowledge base's
        ``is_mtus`` for the guideline the line names ("ODG Low Back Chapter" is not MTUS); a line naming
        no guideline on file counts as MTUS only when it says so first ("MTUS ...").
        """
        text = line.strip().rstrip(".").strip()
        if text.lower().startswith("non-mtus"):
            return False
        guideline = self.guideline_named(text)
        if guideline is not None:
            return guideline.is_mtus
        return text.upper().startswith("MTUS")

    def candidates(self, families: Iterable[str]) -> list[SectionInfo]:
        seen: dict[str, SectionInfo] = {}
        for fam in families:
            for s in self.by_family.get(fam, ()):
                seen.setdefault(s.key, s)
        return list(seen.values())


_DEFAULT: KnowledgeBase | None = None


def default_knowledge_base() -> KnowledgeBase:
    """The packaged data, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = KnowledgeBase.from_json()
    return _DEFAULT
