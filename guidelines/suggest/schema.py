"""Plain dataclasses the engine reads and returns: no Django, so it is tested and benchmarked alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Record:
    """One medical record, or one page of it, (or the clinical case summary) as plain text.

    ``record_id`` and ``page`` are the caller's plain identifiers of where the text came from (the
    workspace passes one Record per page of each record); the engine never reads them, only carries them
    into the evidence it quotes, so the reviewer can open that page."""

    title: str
    date: dt.date | None = None
    text: str = ""
    record_id: int | None = None
    page: int | None = None


@dataclass
class ItemRequest:
    """A disputed item's free text parsed into what it asks for."""

    description: str
    core: str = ""  # the IMR-eligible part of the description
    families: list[str] = field(default_factory=list)  # treatment families, most specific first
    kind: str = ""  # therapy, imaging, drug, injection, surgery, dme, ...
    drug: str = ""  # drug name as written, lower-case
    strength: str = ""
    count: int | None = None  # tablets/units (#120)
    sessions: int | None = None  # visits or sessions requested
    frequency_per_week: float | None = None
    weeks: int | None = None
    regions: list[str] = field(default_factory=list)
    sides: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    postoperative: bool = False
    retrospective: bool = False
    additional: bool = False  # "additional", "continue", "more": a renewal of a prior course
    initial: bool = False  # "initial", "trial", "evaluation"
    compound: bool = False  # several active ingredients
    quantity: int | None = None  # quantity field from the case file when given

    @property
    def units(self) -> int | None:
        """Visits/sessions if given, else the tablet count or quantity."""
        if self.sessions is not None:
            return self.sessions
        return self.count if self.count is not None else self.quantity


@dataclass
class CaseFacts:
    """What the engine may know about the case; every field optional so bad input degrades gracefully."""

    diagnoses: list[str] = field(default_factory=list)
    body_regions: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    requesting_specialty: str = ""
    request_date: dt.date | None = None
    injury_date: dt.date | None = None
    claims_administrator_guidelines: list[str] = field(default_factory=list)
    summary_text: str = ""
    concurrent_surgery: str = ""  # suggested decision for a surgery requested in the same case, if any

    def all_records(self) -> list[Record]:
        """The records plus the reviewer's summary (as its own record) that have text."""
        out = [r for r in self.records if r.text and r.text.strip()]
        if self.summary_text and self.summary_text.strip():
            out.append(Record("Clinical case summary", None, self.summary_text))
        return out


@dataclass(frozen=True)
class GuidelineInfo:
    """One guideline edition (e.g. MTUS Chronic Pain Medical Treatment 2016)."""

    key: str
    title: str
    year: int | None
    is_mtus: bool
    rank: int
    in_force_from: dt.date | None = None
    in_force_to: dt.date | None = None
    current: bool = True
    source: str = ""

    def in_force_on(self, day: dt.date | None) -> bool:
        """True when this edition applied to a request made on ``day`` (unknown date: the current one)."""
        if day is None:
            return self.current
        if self.in_force_from and day < self.in_force_from:
            return False
        return not (self.in_force_to and day > self.in_force_to)


@dataclass(frozen=True)
class SectionInfo:
    """One guideline section or recommendation as letters cite it."""

    key: str
    guideline: GuidelineInfo
    section: str  # as printed after "Section(s):" ('' when letters cite the guideline alone)
    chapter: str = ""
    page: int | None = None
    pages: str = ""
    body_regions: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    stance: str = "conditional"
    criteria_text: tuple[str, ...] = ()
    limits: tuple[dict, ...] = ()
    source: str = ""
    confidence: str = "medium"
    unverified: bool = False
    unverified_figures: tuple[str, ...] = ()
    priority: int = 50  # lower first among equally matching sections
    role: str = "primary"  # primary: citable for an item; supporting: general rules (9792.20e)
    match_treatment_only: bool = False  # drug- or device-specific: applies only when the item names it
    phase: str = "any"  # acute | subacute | chronic | postoperative | any (opioid guideline sections)
    evidence_note: str = ""
    supports: tuple[str, ...] = ()  # check keys this section is cited for alongside another (e.g. page 8)

    @cached_property
    def citation(self) -> str:
        """Formatted once per section (the knowledge base is read-only once built)."""
        from .citation import format_citation

        return format_citation(self.guideline, [self.section] if self.section else [], self.chapter)


@dataclass
class SectionMatch:
    """A ranked section with the reasons it applies."""

    section: SectionInfo
    score: float
    reasons: list[str]
    # What the hand-set score was made of (family, treatment, region, phase, the claims administrator's
    # citation ...): the learned ranking's inputs (``ranking.candidate_features``).
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return self.section.citation


@dataclass
class Evidence:
    """A sentence quoted from a record, with where it came from (the Record's ``record_id`` and ``page``)."""

    quote: str
    record_title: str
    record_date: dt.date | None = None
    record_id: int | None = None
    page: int | None = None


@dataclass
class CriterionCheck:
    """One criterion checked against the case: met / not met / unknown, with evidence and a reason."""

    key: str
    label: str
    status: str  # "met" | "not met" | "unknown"
    detail: str
    favours: str  # "Overturned" when met favours certifying, "Upheld" when it favours denial, "" neutral
    weight: float = 1.0
    evidence: list[Evidence] = field(default_factory=list)
    section_key: str = ""
    unverified: bool = False


@dataclass
class Suggestion:
    """What the reviewer sees for one disputed item; never final until the reviewer decides."""

    request: ItemRequest
    sections: list[SectionMatch]
    checks: list[CriterionCheck]
    decision: str  # "Upheld" | "Overturned"
    confidence: float
    drivers: list[str]
    rationale: str
    message: str = ""  # e.g. "No guideline matched"
    citation_line: str = ""  # the top guideline with its sections, as the letter's guideline line prints it

    @property
    def citations(self) -> list[str]:
        return [m.citation for m in self.sections]

    @property
    def key(self) -> str:
        """Stable identifier of what was suggested, recorded with reviewer feedback."""
        first = self.sections[0].section.key if self.sections else "none"
        return f"{first}:{self.decision}"
