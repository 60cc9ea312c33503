"""The Django side of the guidelines: what a signed determination copies from the knowledge base, and
suggestions for a disputed item as the reviewer's page asks for them."""

import datetime as dt

import pytest

from guidelines.services import case_facts_for, knowledge_base, suggest_for_disputed_item
from guidelines.suggest.engine import suggest_case
from tests import factories


def test_citation_sources_name_guideline_edition_and_pages_and_keep_unknown_lines(loaded_guidelines):
    from guidelines.services import citation_sources

    known, odg, typed = citation_sources(
        [
            "MTUS Low Back Complaints 2004, Section(s): Special Studies.",
            "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter",
            "Non-MTUS Citation Sildenafil: Drug information, accessed from a drug reference",
        ]
    )
    assert (known["guideline"], known["edition"]) == ("MTUS Low Back Complaints", 2004)
    assert known["matched"]
    assert 304 in [s["page"] for s in known["sections"]]
    assert odg["matched"] and odg["is_mtus"] is False
    assert typed == {
        "line": "Non-MTUS Citation Sildenafil: Drug information, accessed from a drug reference",
        "matched": False,
        "sections": [],
    }


def _shoulder_case(injury_date, note: str):
    case = factories.CaseFactory(
        body_regions=["left shoulder"],
        diagnoses=["shoulder instability"],
        injury_date=injury_date,
        ur_date_of_service=dt.date(2016, 11, 21),
        ur_decision_date=dt.date(2016, 11, 28),
    )
    factories.MedicalRecordFactory(case=case, title="Orthopedic note", date=dt.date(2016, 11, 10), text=note)
    factories.DisputedItemFactory(
        case=case, position=1, description="Left shoulder arthroscopy with Bankart repair", quantity=None
    )
    cold = factories.DisputedItemFactory(
        case=case,
        position=2,
        description="Associated surgical service: Cold therapy for one week",
        quantity=None,
    )
    return cold


@pytest.mark.parametrize(
    ("injury_date", "note", "surgery", "status"),
    [
        (
            dt.date(2016, 10, 21),
            "Recurrent anterior shoulder dislocation with apprehension.",
            "Overturned",
            "met",
        ),
        (dt.date(2016, 10, 10), "Shoulder pain with overhead reaching.", "Upheld", "not met"),
    ],
)
def test_a_service_tied_to_a_surgery_follows_it_in_the_app(
    loaded_guidelines, injury_date, note, surgery, status
):
    """The reviewer's page asks for one item at a time; the surgery requested with it still decides it."""
    cold = _shoulder_case(injury_date, note)
    s = suggest_for_disputed_item(cold)
    assert [(c.key, c.status) for c in s.checks if c.key == "concurrent_surgery"] == [
        ("concurrent_surgery", status)
    ]
    assert s.decision == surgery
    # The same answer as suggesting the whole case at once (the engine's path).
    items = [
        (i.description, i.quantity, i.claims_administrator_guidelines) for i in cold.case.disputed_items.all()
    ]
    whole = suggest_case(knowledge_base(), items, case_facts_for(cold))
    assert whole[0].decision == surgery
    assert (whole[1].decision, whole[1].checks) == (s.decision, s.checks)


def test_an_item_not_tied_to_a_surgery_ignores_it(loaded_guidelines):
    cold = _shoulder_case(dt.date(2016, 10, 21), "Recurrent anterior shoulder dislocation with apprehension.")
    cold.description = "Cold therapy unit for one week"
    cold.save()
    s = suggest_for_disputed_item(cold)
    assert not [c for c in s.checks if c.key == "concurrent_surgery"]
