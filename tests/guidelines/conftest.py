"""Fixtures for the guidelines tests: the packaged knowledge base (pure) and the seed case's facts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from guidelines.suggest.knowledge import KnowledgeBase
from guidelines.suggest.parse import detect_regions
from guidelines.suggest.schema import CaseFacts, Record

SEED_CASE = Path(__file__).resolve().parents[2] / "cases" / "examples" / "seed-case.json"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_json()


def seed_facts(item_index: int = 0) -> tuple[str, int | None, CaseFacts]:
    """The seed letter's case (CM15-0165834) as the engine sees it, for one of its two items."""
    data = json.loads(SEED_CASE.read_text())
    records = [
        Record(r["title"], dt.date.fromisoformat(r["date"]) if r["date"] else None, r["text"])
        for r in data["records"]
    ]
    item = data["disputed_items"][item_index]
    facts = CaseFacts(
        diagnoses=data["injury"]["diagnoses"],
        body_regions=detect_regions(" ".join(data["injury"]["body_regions"])),
        records=records,
        requesting_specialty=data["treating_providers"][0]["specialty"],
        request_date=dt.date.fromisoformat(data["utilization_review"]["date_of_service"]),
        injury_date=dt.date.fromisoformat(data["injury"]["date"]),
        claims_administrator_guidelines=item["claims_administrator_guidelines"],
    )
    return item["description"], item["quantity"], facts


@pytest.fixture
def loaded_guidelines(db):
    """The packaged knowledge data loaded into the test database."""
    from guidelines.loader import load_guidelines
    from guidelines.services import reset_knowledge_base

    report = load_guidelines()
    reset_knowledge_base()
    yield report
    reset_knowledge_base()
