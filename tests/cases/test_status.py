"""The case state machine: legal transitions are recorded with who and when; illegal ones are refused."""

import pytest

from cases.models import CaseStatus, CaseTransition
from cases.services import TransitionError, available_admin_transitions, transition_case
from tests.factories import AdminUserFactory, CaseFactory

pytestmark = pytest.mark.django_db


def test_happy_path_is_recorded_with_actor_and_reason():
    admin = AdminUserFactory()
    case = CaseFactory()
    for name in ["start_eligibility_review", "mark_eligible", "request_records", "assign", "start_review"]:
        transition_case(case, name, by=admin, reason=f"because {name}")
    transition_case(case, "issue_determination", by=admin)
    assert case.status == CaseStatus.DETERMINATION_ISSUED
    rows = list(
        CaseTransition.objects.filter(case=case).values_list("from_status", "to_status", "actor", "reason")
    )
    assert rows[0] == ("received", "eligibility_review", admin.pk, "because start_eligibility_review")
    assert [r[1] for r in rows] == [
        "eligibility_review",
        "eligible",
        "records_requested",
        "assigned",
        "in_review",
        "determination_issued",
    ]


def test_ineligible_needs_a_known_reason():
    case = CaseFactory()
    transition_case(case, "start_eligibility_review")
    with pytest.raises(TransitionError, match="Unknown ineligibility reason"):
        transition_case(case, "mark_ineligible", reason="bored")
    assert case.status == "eligibility_review"
    transition_case(case, "mark_ineligible", reason="late")
    assert case.status == "ineligible"
    assert case.get_ineligible_reason_display() == "Filed more than 30 days after the UR decision"


@pytest.mark.parametrize(
    ("status", "name"),
    [
        ("received", "mark_eligible"),
        ("received", "assign"),
        ("eligible", "issue_determination"),
        ("determination_issued", "withdraw"),
        ("closed", "start_eligibility_review"),
        ("withdrawn", "assign"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(status, name):
    case = CaseFactory(status=status)
    with pytest.raises(TransitionError, match=f"Case {case.case_number} is"):
        transition_case(case, name)
    case.refresh_from_db()
    assert case.status == status
    assert not CaseTransition.objects.filter(case=case).exists()


def test_status_cannot_be_typed_directly():
    case = CaseFactory()
    with pytest.raises(AttributeError):
        case.status = "closed"


def test_withdrawn_when_claims_administrator_authorised_then_closed():
    case = CaseFactory(status="in_review")
    transition_case(case, "withdraw", reason="Claims administrator authorised the treatment")
    transition_case(case, "close", reason="done")
    assert case.status == "closed"
    assert case.external_status == "Closed"


def test_amendment_reopens_only_with_a_reason():
    case = CaseFactory(status="determination_issued")
    with pytest.raises(TransitionError, match="An amendment needs a reason"):
        transition_case(case, "reopen_for_amendment")
    transition_case(case, "reopen_for_amendment", reason="typo in rationale")
    assert case.status == "in_review"


def test_admin_sees_only_the_transitions_the_status_allows():
    case = CaseFactory(status="eligibility_review")
    names = [a.name for a in available_admin_transitions(case)]
    assert names == ["mark_eligible", "mark_ineligible", "withdraw"]
