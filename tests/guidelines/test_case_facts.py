"""The engine's facts about a case come from the case's own properties, with the case's fallbacks."""

from __future__ import annotations

import pytest

from guidelines.services import case_facts_for
from tests.factories import CaseFactory, DisputedItemFactory, TreatingProviderFactory

pytestmark = pytest.mark.django_db


def test_request_date_and_requesting_specialty_are_the_cases():
    case = CaseFactory()
    TreatingProviderFactory(case=case, specialty="Family Practice", requesting=False)
    TreatingProviderFactory(case=case, specialty="Orthopedic Surgery", requesting=True)
    facts = case_facts_for(DisputedItemFactory(case=case))
    assert facts.request_date == case.request_date == case.ur_date_of_service
    assert facts.requesting_specialty == "Orthopedic Surgery"


def test_no_provider_marked_requesting_is_not_guessed_from_the_others():
    """A treating provider that did not request the treatment is not the requester (the ranking of
    reviewers reads the same ``Case.requesting_provider``)."""
    case = CaseFactory(ur_date_of_service=None)
    TreatingProviderFactory(case=case, specialty="Orthopedic Surgery", requesting=False)
    facts = case_facts_for(DisputedItemFactory(case=case))
    assert case.requesting_provider is None
    assert facts.requesting_specialty == ""
    assert facts.request_date == case.ur_decision_date
