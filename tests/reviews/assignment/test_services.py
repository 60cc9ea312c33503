"""Assign, reassign, unassign, bulk assign, accept and decline: the rules and what they record."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from cases.models import CaseTransition
from reviews.assignment import services
from reviews.assignment.services import AssignmentError
from reviews.models import Assignment, AssignmentEvent
from tests.factories import AdminUserFactory, AssignmentFactory, LicenseFactory, reviewer_with_credentials
from tests.reviews.assignment.helpers import affiliate, eligible_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def ortho():
    return reviewer_with_credentials(specialties=("orthopedic_surgery",))


def test_assign_records_who_when_and_moves_the_case(
    admin_user, ortho, mailoutbox, django_capture_on_commit_callbacks
):
    case = eligible_case()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign(case, ortho, by=admin_user, reason="Best match")
    case.refresh_from_db()
    assert case.status == "assigned"
    assert assignment.active and assignment.reviewer == ortho and assignment.assigned_by == admin_user
    event = AssignmentEvent.objects.get(case=case)
    assert (event.action, event.actor, event.to_reviewer, event.reason) == (
        "assigned",
        admin_user,
        ortho,
        "Best match",
    )
    transition = CaseTransition.objects.get(case=case, transition="assign")
    assert transition.actor == admin_user
    assert len(mailoutbox) == 1
    due = case.due_date  # the assignment's deadline is the case's due date
    assert f"Determination due: {due:%B} {due.day}, {due.year}" in mailoutbox[0].body


def test_the_email_names_only_the_case_number(
    admin_user, ortho, mailoutbox, django_capture_on_commit_callbacks
):
    case = eligible_case(diagnoses=["lumbar radiculopathy"], injury_description="Fell from a ladder")
    # A surname no e-mail word can contain (Faker once drew "Case", which every subject holds).
    ortho.user.last_name = "Zwolinski-Oyelaran"
    ortho.user.save(update_fields=["last_name"])
    with django_capture_on_commit_callbacks(execute=True):
        services.assign(case, ortho, by=admin_user)
    (mail,) = mailoutbox
    assert mail.to == [ortho.user.email]
    assert case.case_number in mail.subject and case.case_number in mail.body
    text = mail.subject + mail.body
    for phi in ["lumbar radiculopathy", "ladder", case.employer, case.claims_administrator, "Jane Roe"]:
        assert phi not in text
    assert ortho.user.last_name not in text


def test_a_conflicting_reviewer_is_never_assigned(
    admin_user, ortho, mailoutbox, django_capture_on_commit_callbacks
):
    case = eligible_case(claims_administrator="Example Claims Services")
    affiliate(ortho, "EXAMPLE CLAIMS SERVICES, INC.", kind="claims_administrator")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AssignmentError, match="matches the case's claims administrator"),
    ):
        services.assign(case, ortho, by=admin_user)
    case.refresh_from_db()
    assert case.status == "eligible"
    assert not Assignment.objects.filter(case=case).exists()
    assert mailoutbox == []


def test_expired_license_on_the_day_of_assignment(admin_user):
    reviewer = reviewer_with_credentials(states=())
    today = timezone.localdate()
    LicenseFactory(reviewer=reviewer, state="CA", expires_on=today - datetime.timedelta(days=1))
    case = eligible_case()
    with pytest.raises(AssignmentError, match="California license expired on"):
        services.assign(case, reviewer, by=admin_user)
    # The same credentials were fine the day before.
    assignment = services.assign(case, reviewer, by=admin_user, on=today - datetime.timedelta(days=1))
    assert assignment.active


def test_reviewer_at_capacity(admin_user):
    reviewer = reviewer_with_credentials(max_open_cases=1)
    AssignmentFactory(reviewer=reviewer)
    with pytest.raises(AssignmentError, match=r"At capacity: 1 of 1 open cases\."):
        services.assign(eligible_case(), reviewer, by=admin_user)


def test_assigning_an_assigned_case_is_refused_with_who_has_it(admin_user, ortho):
    case = eligible_case()
    services.assign(case, ortho, by=admin_user)
    other = reviewer_with_credentials()
    with pytest.raises(AssignmentError, match=f"already assigned to {ortho}"):
        services.assign(case, other, by=AdminUserFactory())
    assert Assignment.objects.filter(case=case, active=True).count() == 1


def test_only_eligible_cases_can_be_assigned(admin_user, ortho):
    case = eligible_case(status="eligibility_review")
    with pytest.raises(AssignmentError, match="only eligible cases"):
        services.assign(case, ortho, by=admin_user)


@pytest.mark.parametrize("status", ["eligible", "records_requested", "received", "insufficient_records"])
def test_the_case_state_machine_decides_which_cases_can_be_assigned(admin_user, ortho, status):
    """``Case.assign``'s sources are the one list: a case awaiting records can be assigned too."""
    case = eligible_case(status=status)
    if status in ("eligible", "records_requested"):
        assert services.assign(case, ortho, by=admin_user).active
        assert case.status == "assigned"
    else:
        with pytest.raises(AssignmentError, match="only eligible cases"):
            services.assign(case, ortho, by=admin_user)


def test_the_database_allows_one_active_assignment_per_case(ortho):
    first = AssignmentFactory(reviewer=ortho)
    with pytest.raises(IntegrityError):
        Assignment.objects.create(case=first.case, reviewer=reviewer_with_credentials(), active=True)


def test_reassign_needs_a_reason_and_records_from_and_to(
    admin_user, ortho, mailoutbox, django_capture_on_commit_callbacks
):
    case = eligible_case()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.assign(case, ortho, by=admin_user)
    other = reviewer_with_credentials(specialties=("sports_medicine",))
    with pytest.raises(AssignmentError, match="Give a reason to reassign"):
        services.reassign(case, other, by=admin_user, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reassign(case, other, by=admin_user, reason="Reviewer on leave")
    first.refresh_from_db()
    case.refresh_from_db()
    assert (first.active, first.end_reason, first.ended_by) == (False, "Reviewer on leave", admin_user)
    assert second.active and second.reviewer == other
    assert case.status == "assigned"
    event = AssignmentEvent.objects.filter(case=case).last()
    assert (event.action, event.from_reviewer, event.to_reviewer) == ("reassigned", ortho, other)
    assert [m.to for m in mailoutbox] == [[ortho.user.email], [other.user.email]]


def test_reassign_to_a_conflicting_reviewer_leaves_the_assignment_untouched(admin_user, ortho):
    case = eligible_case()
    first = services.assign(case, ortho, by=admin_user)
    conflicted = reviewer_with_credentials()
    affiliate(conflicted, "Jane Roe", kind="provider")
    with pytest.raises(AssignmentError, match="requesting provider"):
        services.reassign(case, conflicted, by=admin_user, reason="Balance workload")
    first.refresh_from_db()
    case.refresh_from_db()
    assert first.active and case.status == "assigned"


def test_unassign_returns_the_case_to_eligible(admin_user, ortho):
    case = eligible_case()
    services.assign(case, ortho, by=admin_user)
    with pytest.raises(AssignmentError, match="Give a reason to unassign"):
        services.unassign(case, by=admin_user, reason="")
    services.unassign(case, by=admin_user, reason="Case withdrawn by mistake")
    case.refresh_from_db()
    assert case.status == "eligible"
    assert not case.assignments.filter(active=True).exists()
    assert AssignmentEvent.objects.filter(case=case, action="unassigned", from_reviewer=ortho).exists()


def test_bulk_assign_screens_each_case(admin_user, ortho, mailoutbox, django_capture_on_commit_callbacks):
    fine1, fine2 = eligible_case(), eligible_case()
    conflicting = eligible_case(employer="Northwind Traders")
    affiliate(ortho, "northwind traders inc")
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = services.bulk_assign([fine1, conflicting, fine2], ortho, by=admin_user)
    assert [(o.case_number, o.ok) for o in outcomes] == [
        (fine1.case_number, True),
        (conflicting.case_number, False),
        (fine2.case_number, True),
    ]
    assert "Conflict of interest" in outcomes[1].message
    assert not conflicting.assignments.exists()
    assert len(mailoutbox) == 2


def test_bulk_assign_stops_at_capacity(admin_user):
    reviewer = reviewer_with_credentials(max_open_cases=2)
    cases = [eligible_case() for _ in range(3)]
    outcomes = services.bulk_assign(cases, reviewer, by=admin_user)
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "At capacity: 2 of 2 open cases." in outcomes[2].message


def test_accept_records_the_conflict_attestation(admin_user, ortho):
    assignment = services.assign(eligible_case(), ortho, by=admin_user)
    with pytest.raises(AssignmentError, match="attest"):
        services.accept_assignment(assignment, by=ortho.user, attest_no_conflict=False)
    with pytest.raises(AssignmentError, match="Only the assigned reviewer"):
        services.accept_assignment(assignment, by=reviewer_with_credentials().user)
    services.accept_assignment(assignment, by=ortho.user)
    assert assignment.accepted_at is not None
    assert assignment.conflict_attested_at == assignment.accepted_at
    assert assignment.state == "accepted"
    assert AssignmentEvent.objects.filter(assignment=assignment, action="accepted", actor=ortho.user).exists()


def test_conflict_declared_after_assignment_returns_the_case_and_screens_it_next_time(admin_user, ortho):
    case = eligible_case()
    assignment = services.assign(case, ortho, by=admin_user)
    services.decline_assignment(
        assignment, by=ortho.user, reason="I treated this worker's physician", conflict=True,
        conflicting_party="Jane Roe MD",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == "eligible"
    assert (assignment.active, assignment.declared_conflict, assignment.state) == (
        False,
        True,
        "conflict declared",
    )
    event = AssignmentEvent.objects.filter(case=case).last()
    assert (event.action, event.reason) == ("conflict_declared", "I treated this worker's physician")
    transition = CaseTransition.objects.filter(case=case, transition="unassign").last()
    assert "conflict of interest" in transition.reason
    with pytest.raises(AssignmentError, match="requesting provider"):
        services.assign(case, ortho, by=admin_user)


def test_decline_needs_a_reason(admin_user, ortho):
    assignment = services.assign(eligible_case(), ortho, by=admin_user)
    with pytest.raises(AssignmentError, match="Give a reason to decline"):
        services.decline_assignment(assignment, by=ortho.user, reason="")
    assignment.refresh_from_db()
    assert assignment.active


def test_deactivated_reviewer_keeps_its_open_cases_listed_and_gets_no_new_ones(admin_user, ortho):
    case = eligible_case()
    services.assign(case, ortho, by=admin_user)
    open_cases = services.deactivate_reviewer(ortho, by=admin_user, reason="Contract ended")
    assert [a.case for a in open_cases] == [case]
    with pytest.raises(AssignmentError, match="Deactivated on"):
        services.assign(eligible_case(), ortho, by=admin_user)
