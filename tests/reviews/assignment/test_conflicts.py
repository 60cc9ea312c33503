"""Conflict-of-interest screening against the case's parties, with normalised names."""

from __future__ import annotations

import pytest

from reviews.assignment.conflicts import normalize_party_name, screen_conflicts
from reviews.models import Affiliation
from tests.factories import CaseFactory, TreatingProviderFactory, reviewer_with_credentials

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Example Distribution Co.", "example distribution, inc"),
        ("Example Distribution Co.", "EXAMPLE DISTRIBUTION COMPANY"),
        ("The Hartford", "Hartford, The"),
        ("Acme Claims Services, LLC", "acme claims"),
        ("Smith & Jones Medical Group", "Smith and Jones Medical"),
        ("Jane Roe, M.D.", "Dr. Jane Roe"),
    ],
)
def test_names_that_normalise_to_the_same_party(a, b):
    assert normalize_party_name(a) == normalize_party_name(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Example Distribution Co.", "Example Logistics Co."),
        ("Example Distribution Co.", "Example Distribution West"),
        ("Acme Insurance", "Acme Insurance Brokers"),
    ],
)
def test_names_of_different_parties_stay_different(a, b):
    assert normalize_party_name(a) != normalize_party_name(b)


def _affiliate(reviewer, kind, name):
    return Affiliation.objects.create(reviewer=reviewer, kind=kind, name=name)


def test_screen_names_which_affiliation_matched_which_party():
    case = CaseFactory(employer="Example Distribution Co.", claims_administrator="Example Claims Services")
    TreatingProviderFactory(case=case, name="Jane Roe, MD", requesting=True)
    reviewer = reviewer_with_credentials()
    _affiliate(reviewer, "employer", "example distribution, inc")
    _affiliate(reviewer, "provider", "Roe, Jane")
    _affiliate(reviewer, "claims_administrator", "Other Insurance Co.")
    conflicts = screen_conflicts(reviewer, case)
    assert {(c.affiliation_name, c.party_role, c.party_name) for c in conflicts} == {
        ("Roe, Jane", "requesting provider", "Jane Roe, MD"),
        ("example distribution, inc", "employer", "Example Distribution Co."),
    }
    assert any("matches the case's employer “Example Distribution Co.”" in str(c) for c in conflicts)


def test_an_affiliation_of_any_kind_matches_a_party_in_any_role():
    """A self-insured employer is also the claims administrator: either name conflicts."""
    case = CaseFactory(employer="County of Example", claims_administrator="County of Example")
    reviewer = reviewer_with_credentials()
    _affiliate(reviewer, "claims_administrator", "County Of Example")
    assert {c.party_role for c in screen_conflicts(reviewer, case)} == {"employer", "claims administrator"}


def test_no_conflict_for_unrelated_affiliations():
    case = CaseFactory(employer="Example Distribution Co.")
    TreatingProviderFactory(case=case, name="John Doe, DO")
    reviewer = reviewer_with_credentials()
    _affiliate(reviewer, "employer", "Example Logistics Inc.")
    _affiliate(reviewer, "provider", "John Doerr, DO")
    assert screen_conflicts(reviewer, case) == []
