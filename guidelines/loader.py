"""Load the knowledge data into the database: idempotent (update_or_create by stable key), reports changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from guidelines.models import Guideline, GuidelineSection
from guidelines.suggest.knowledge import SECTION_FIELDS, read_data

GUIDELINE_FIELDS = ("title", "year", "is_mtus", "rank", "current", "in_force_from", "in_force_to", "source")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: {"guidelines": 0, "sections": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"guidelines": 0, "sections": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"guidelines": 0, "sections": 0})

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in ("guidelines", "sections")
        ]


def _date(v):
    return dt.date.fromisoformat(v) if isinstance(v, str) and v else v


def _apply(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert(model, key: str, values: dict, report: LoadReport, kind: str):
    obj = model.objects.filter(key=key).first()
    if obj is None:
        obj = model(key=key, **values)
        obj.save()
        report.created[kind] += 1
    elif _apply(obj, values):
        obj.save()
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return obj


@transaction.atomic
def load_guidelines(path: str | Path | None = None) -> LoadReport:
    """Create or update every guideline and section in the data file; never duplicates."""
    guidelines, sections = read_data(path)
    report = LoadReport()
    by_key = {}
    for g in guidelines:
        values = {f: (_date(g.get(f)) if f.startswith("in_force") else g.get(f)) for f in GUIDELINE_FIELDS}
        values["source"] = values["source"] or ""
        values["current"] = bool(values["current"]) if values["current"] is not None else True
        by_key[g["key"]] = _upsert(Guideline, g["key"], values, report, "guidelines")
    for s in sections:
        guideline = by_key.get(s["guideline"]) or Guideline.objects.get(key=s["guideline"])
        values = {"guideline": guideline}
        for f in SECTION_FIELDS:
            if f in s:
                v = s[f]
                values[f] = (
                    "" if v is None and f in ("section", "chapter", "pages", "source", "evidence_note") else v
                )
        _upsert(GuidelineSection, s["key"], values, report, "sections")
    return report
