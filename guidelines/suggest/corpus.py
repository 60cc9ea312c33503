"""Run the engine over an inputs file in the corpus format and write the scorer's predictions format.

Reads only what the inputs file holds (case summary, items, the claims administrator's cited guideline,
dates); never the gold file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .decision import DecisionModel
from .engine import suggest_case
from .knowledge import KnowledgeBase
from .match import top_citations
from .parse import detect_regions
from .ranking import RankingModel
from .schema import CaseFacts, Suggestion


def _us_date(value: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime((value or "").strip(), "%m/%d/%Y").date()
    except ValueError:
        return None


def case_facts_from_input(case: dict[str, Any]) -> CaseFacts:
    """CaseFacts from one inputs.json case (the summary is the only record text available)."""
    summary = case.get("clinical_summary") or ""
    return CaseFacts(
        body_regions=detect_regions(summary[:600]),
        request_date=_us_date(case.get("ur_denial_date")),
        injury_date=_us_date(case.get("date_of_injury")),
        claims_administrator_guidelines=[],
        summary_text=summary,
        requesting_specialty="",
    )


def case_suggestions(
    case: dict[str, Any],
    kb: KnowledgeBase,
    model: DecisionModel | None = None,
    ranker: RankingModel | None = None,
) -> list[Suggestion]:
    """The engine's suggestions for one inputs.json case, in its item order."""
    items = case.get("items", [])
    return suggest_case(
        kb,
        [(i.get("item") or "", None, [i.get("claims_administrator_guideline") or ""]) for i in items],
        case_facts_from_input(case),
        model,
        ranker,
    )


def predict(inputs: list[dict[str, Any]], kb: KnowledgeBase) -> dict[str, list[dict[str, Any]]]:
    """{case_number: [{"citations": [...], "decision": ...}, ...]} in the inputs' item order.

    ``decision`` is "" where the engine suggests none (thin evidence): the scorer counts it as a miss.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    for case in inputs:
        suggestions = case_suggestions(case, kb)
        preds = [
            {
                "citations": top_citations(s.sections, 3),
                "decision": s.decision,
                "confidence": round(s.confidence, 2),
            }
            for s in suggestions
        ]
        out[case.get("case_number", "")] = preds
    return out


def run(inputs_path: str | Path, out_path: str | Path, kb: KnowledgeBase) -> int:
    """Write predictions; returns the number of items."""
    inputs = json.loads(Path(inputs_path).read_text(encoding="utf-8"))
    preds = predict(inputs, kb)
    Path(out_path).write_text(json.dumps(preds, indent=1), encoding="utf-8")
    return sum(len(v) for v in preds.values())
