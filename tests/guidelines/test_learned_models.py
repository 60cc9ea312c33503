"""The learned models (issue 15): the packaged decision model loads with its provenance, fitting is
deterministic, the engine falls back sensibly without the file, and a learned ranking reorders citations."""

from __future__ import annotations

import json
import logging
import re

from guidelines.suggest import decision
from guidelines.suggest.decision import MODEL_FILE, VERSION, DecisionModel, fit, load
from guidelines.suggest.engine import suggest
from guidelines.suggest.match import rank_sections, top_citations
from guidelines.suggest.parse import parse_item
from guidelines.suggest.ranking import RankingModel, guideline_group
from guidelines.suggest.schema import CaseFacts, CriterionCheck, ItemRequest

FEATURE = re.compile(r"^[a-z_]+\|(met|not met)\|(Upheld|Overturned)$")
RED_FLAGS = CriterionCheck("red_flags", "Red flags documented", "met", "documented", "Overturned", 2.0)
FAILED_CARE = CriterionCheck("conservative_failed", "Conservative care failed", "met", "yes", "Overturned")
NO_IMPROVEMENT = CriterionCheck("functional_improvement", "Functional improvement", "not met", "no", "Upheld")


def test_the_packaged_decision_model_loads_with_its_provenance():
    model = load(MODEL_FILE)
    assert model.fitted
    assert json.loads(MODEL_FILE.read_text())["version"] == VERSION
    prov = model.provenance
    assert re.fullmatch(r"[0-9a-f]{16}", prov["letters_sha256"])  # which letters, never their text
    assert "131 letters" in prov["fitted_on"]
    for key in ("method", "features", "date", "by"):
        assert prov[key]
    assert model.weights and all(FEATURE.match(k) for k in model.weights)


def test_fitting_is_deterministic():
    rows = [
        ({"red_flags|met|Overturned": 1.0}, "Overturned"),
        ({"red_flags|met|Overturned": 1.0}, "Upheld"),
        ({"functional_improvement|not met|Upheld": 1.0}, "Upheld"),
        ({"functional_improvement|not met|Upheld": 1.0, "red_flags|met|Overturned": 1.0}, "Upheld"),
        ({}, "Upheld"),
        ({"conservative_failed|met|Overturned": 1.0}, "Overturned"),
    ]
    first, second = fit(rows).to_dict(), fit(list(rows)).to_dict()
    assert first == second
    assert first["weights"]["red_flags|met|Overturned"] > 0


def test_without_the_model_file_the_criteria_decide_only_when_they_agree(tmp_path, caplog):
    # The level is the test's own: an earlier test's Celery worker may have raised the root logger's.
    caplog.set_level(logging.WARNING, logger="guidelines.suggest.decision")
    missing = load(tmp_path / "decision_model.json")
    assert not missing.fitted
    assert "missing or unreadable" in caplog.text
    assert missing.decide(ItemRequest("MRI"), [RED_FLAGS, FAILED_CARE])[0] == "Overturned"
    assert missing.decide(ItemRequest("PT"), [NO_IMPROVEMENT])[0] == "Upheld"
    decision_, _, drivers = missing.decide(ItemRequest("MRI"), [RED_FLAGS, NO_IMPROVEMENT])
    assert decision_ == ""  # criteria point both ways: no suggestion, never a default "Overturned"
    assert "point both ways" in drivers[0]


def test_a_model_file_for_other_features_is_not_used(tmp_path):
    path = tmp_path / "decision_model.json"
    stale = load(MODEL_FILE).to_dict() | {"version": VERSION - 1}
    path.write_text(json.dumps(stale))
    assert not load(path).fitted


def test_the_engine_still_suggests_when_the_packaged_file_is_missing(kb, monkeypatch, tmp_path):
    monkeypatch.setattr(decision, "MODEL_FILE", tmp_path / "nothing.json")
    monkeypatch.setattr(decision, "_DEFAULT", None)
    s = suggest(kb, "Norco 10/325mg #120", CaseFacts(summary_text="No red flags. Pain 8/10."))
    assert decision.default_model().fitted is False
    assert s.sections and s.citation_line
    assert s.decision in ("", "Upheld", "Overturned")


def test_a_learned_ranking_reorders_the_citations_and_no_ranking_keeps_the_hand_set_order(kb):
    request = parse_item("MRI of the cervical spine")
    facts = CaseFacts(claims_administrator_guidelines=["Official Disability Guidelines (ODG), Neck"])
    hand_set = rank_sections(kb, request, facts)
    assert hand_set[0].section.guideline.is_mtus
    assert rank_sections(kb, request, facts, ranker=RankingModel()) == hand_set
    prefers_odg = RankingModel({"ca_same_non_mtus": 5.0})
    learned = rank_sections(kb, request, facts, ranker=prefers_odg)
    assert guideline_group(learned[0].section.guideline) == "odg"
    assert "ODG" in top_citations(learned, 3)[0] or "Official Disability" in top_citations(learned, 3)[0]
    assert DecisionModel().to_dict()["version"] == VERSION
