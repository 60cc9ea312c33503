"""Reviewer eligibility is computed from credentials on a given day, with the reasons shown."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from reviews.assignment import eligibility as rules
from reviews.assignment.eligibility import ReasonCode, evaluate_eligibility
from tests.factories import CaseFactory, CertificationFactory, LicenseFactory, reviewer_with_credentials

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def messages(reasons) -> list[str]:
    return [reason.message for reason in reasons]


def test_a_qualified_reviewer_is_eligible(reviewer):
    result = evaluate_eligibility(reviewer, on=DAY)
    assert result.eligible, result.reasons
    assert result.reasons == []


def test_practice_thresholds_come_from_the_letter_statement():
    # "more than five years" and "at least 24 hours a week"
    assert rules.MORE_THAN_YEARS_IN_PRACTICE == 5
    assert rules.MIN_HOURS_PER_WEEK == 24
    five_years = reviewer_with_credentials(years_in_practice=5, hours_per_week=24)
    six_years = reviewer_with_credentials(years_in_practice=6, hours_per_week=24)
    part_time = reviewer_with_credentials(years_in_practice=20, hours_per_week=23)
    assert not evaluate_eligibility(five_years, on=DAY).eligible
    assert "5 years in active practice; more than 5 are required." in messages(
        evaluate_eligibility(five_years).reasons
    )
    assert evaluate_eligibility(six_years, on=DAY).eligible
    reasons = evaluate_eligibility(part_time, on=DAY).reasons
    assert messages(reasons) == ["23 hours a week in active practice; at least 24 are required."]
    assert [r.code for r in reasons] == [ReasonCode.TOO_FEW_HOURS]


def test_a_license_expiring_on_the_day_is_still_current_and_the_day_after_it_is_not():
    reviewer = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=reviewer, state="CA", expires_on=DAY)
    assert evaluate_eligibility(reviewer, on=DAY).eligible
    result = evaluate_eligibility(reviewer, on=DAY + datetime.timedelta(days=1))
    assert not result.eligible
    assert "No current, nonrestricted medical license." in messages(result.reasons)
    assert "California license expired on Mar 10, 2026." in messages(result.reasons)


def test_an_expired_license_in_another_state_makes_the_reviewer_ineligible():
    """The letter prints every state of licensure: an expired one would make it untrue."""
    reviewer = reviewer_with_credentials(states=("CA",))
    LicenseFactory(reviewer=reviewer, state="NY", expires_on=DAY - datetime.timedelta(days=1))
    result = evaluate_eligibility(reviewer, on=DAY)
    assert messages(result.reasons) == ["New York license expired on Mar 9, 2026."]
    assert [r.code for r in result.reasons] == [ReasonCode.LICENSE_EXPIRED]


def test_no_license_restricted_license_and_no_certification():
    nothing = reviewer_with_credentials(states=(), specialties=())
    assert messages(evaluate_eligibility(nothing, on=DAY).reasons) == [
        "No medical license on file.",
        "No board certification on file.",
    ]
    restricted = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=restricted, restricted=True, expires_on=DAY + datetime.timedelta(days=400))
    assert messages(evaluate_eligibility(restricted, on=DAY).reasons) == [
        "No current, nonrestricted medical license.",
        "California license is restricted.",
    ]


def test_expired_certification_deactivation_leave_and_discipline_each_give_a_reason():
    reviewer = reviewer_with_credentials(
        is_active=False, availability="on_leave", disciplinary_history=True, specialties=()
    )
    CertificationFactory(
        reviewer=reviewer, specialty="neurology", expires_on=DAY - datetime.timedelta(days=2)
    )
    result = evaluate_eligibility(reviewer, on=DAY)
    reasons = messages(result.reasons)
    assert "Deactivated." in reasons
    assert "On leave." in reasons
    assert "History of disciplinary action or sanctions (Labor Code 139.5(d))." in reasons
    assert "Neurology certification expired on Mar 8, 2026." in reasons
    assert {r.code for r in result.reasons} == {
        ReasonCode.DEACTIVATED,
        ReasonCode.ON_LEAVE,
        ReasonCode.DISCIPLINARY_HISTORY,
        ReasonCode.CERTIFICATION_EXPIRED,
    }


def test_california_license_required_by_policy(settings):
    texan = reviewer_with_credentials(states=("TX",))
    standard = CaseFactory(review_type="standard")
    expedited = CaseFactory(review_type="expedited")
    settings.IMR_CALIFORNIA_LICENSE_REQUIRED = "never"
    assert evaluate_eligibility(texan, case=expedited).eligible
    settings.IMR_CALIFORNIA_LICENSE_REQUIRED = "expedited"
    assert evaluate_eligibility(texan, case=standard).eligible
    assert evaluate_eligibility(texan, case=expedited).reasons == [
        rules.Reason(
            ReasonCode.CALIFORNIA_LICENSE_REQUIRED, "This case requires a current California license."
        )
    ]
    settings.IMR_CALIFORNIA_LICENSE_REQUIRED = "always"
    assert not evaluate_eligibility(texan, case=standard).eligible
    californian = reviewer_with_credentials(states=("CA",))
    assert evaluate_eligibility(californian, case=standard).eligible


def test_credentials_expiring_within_30_days_are_flagged_not_blocking():
    reviewer = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=reviewer, state="CA", expires_on=DAY + datetime.timedelta(days=30))
    LicenseFactory(reviewer=reviewer, state="NY", expires_on=DAY + datetime.timedelta(days=31))
    result = evaluate_eligibility(reviewer, on=DAY)
    assert result.eligible
    assert [(c.label, c.expires_on) for c in result.expiring] == [
        ("California license", DAY + datetime.timedelta(days=30))
    ]


def test_letter_credentials_are_states_and_certifications_never_name_or_numbers():
    reviewer = reviewer_with_credentials(
        states=("TX", "NY", "CA"), specialties=("preventive_medicine", "occupational_medicine")
    )
    assert reviewer.licensure_states() == ["Texas", "New York", "California"]
    assert reviewer.specialty_labels() == ["Preventive Medicine", "Occupational Medicine"]
    LicenseFactory(
        reviewer=reviewer, state="NV", expires_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    CertificationFactory(
        reviewer=reviewer,
        specialty="neurology",
        expires_on=datetime.date.today() - datetime.timedelta(days=1),
    )
    assert reviewer.licensure_states() == [
        "Texas",
        "New York",
        "California",
    ]  # a lapsed license is not licensure
    assert reviewer.specialty_labels() == ["Preventive Medicine", "Occupational Medicine"]
    printed = " ".join(reviewer.licensure_states() + reviewer.specialty_labels())
    assert reviewer.user.last_name not in printed
    for lic in reviewer.licenses.all():
        assert lic.number not in printed


def test_reviewers_page_shows_why_not_eligible_and_expiring_credentials(admin_client):
    ok = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=ok, state="CA", expires_on=datetime.date.today() + datetime.timedelta(days=10))
    reviewer_with_credentials(hours_per_week=10)
    page = admin_client.get(reverse("reviews:assignment:reviewers")).content.decode()
    assert "Credentials expiring within 30 days" in page
    assert "California license expires" in page
    assert "10 hours a week in active practice; at least 24 are required." in page


def test_a_license_lapsing_before_the_case_is_due_is_a_coded_warning_not_a_reason():
    reviewer = reviewer_with_credentials(states=())
    case = CaseFactory()
    LicenseFactory(reviewer=reviewer, state="CA", expires_on=case.due_date - datetime.timedelta(days=1))
    result = evaluate_eligibility(reviewer, case=case)
    assert result.eligible
    assert result.has(ReasonCode.LICENSE_LAPSES_BEFORE_DUE)
    assert "before the case is due" in messages(result.warnings)[0]
    on_the_day = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=on_the_day, state="CA", expires_on=case.due_date)
    assert not evaluate_eligibility(on_the_day, case=case).has(ReasonCode.LICENSE_LAPSES_BEFORE_DUE)
