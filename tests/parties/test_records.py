"""Records requests: issued when a case becomes eligible, the clock of 8 CCR 9792.10.5, received, overdue
(one reminder), insufficient; uploads by file-name prefix."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from pypdf import PdfReader

from cases import clocks
from cases.services import transition_case
from parties import records
from parties.models import (
    RecordsRequest,
    RecordsRequestStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests import factories

DAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("electronically", "expedited", "due"),
    [
        (False, False, DAY + datetime.timedelta(days=15)),
        (True, False, DAY + datetime.timedelta(days=12)),
        (False, True, DAY + datetime.timedelta(days=1)),
        (True, True, DAY + datetime.timedelta(days=1)),
    ],
)
def test_records_are_due_15_days_after_mailing_12_electronically_24_hours_expedited(
    electronically, expedited, due
):
    assert clocks.records_due_for(DAY, electronically=electronically, expedited=expedited) == due


def _eligible(case, capture):
    with capture(execute=True):
        transition_case(case, "start_eligibility_review")
        transition_case(case, "mark_eligible")
    case.refresh_from_db()
    return case


def test_an_eligible_case_gets_its_records_request_electronically_when_on_the_system(
    own_case, org, django_capture_on_commit_callbacks
):
    WebhookSubscription.objects.create(
        organisation=org, url="https://example.invalid/h", events=[WebhookEvent.RECORDS_REQUESTED]
    )
    case = _eligible(own_case, django_capture_on_commit_callbacks)
    assert case.status == "records_requested"
    request = RecordsRequest.objects.get(case=case)
    assert request.electronically and request.requested_on == case.records_requested_date
    assert request.due_date == request.requested_on + datetime.timedelta(days=12)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(request.notice.read())).pages)
    assert "Request for medical records" in text and case.case_number in text
    assert f"{request.due_date:%B} {request.due_date.day}, {request.due_date.year}" in text
    assert "within 12 days" in text
    delivery = WebhookDelivery.objects.get(event=WebhookEvent.RECORDS_REQUESTED)
    assert delivery.payload["data"]["due_date"] == request.due_date.isoformat()


def test_a_claims_administrator_not_on_the_system_is_mailed_with_15_days(
    db, django_capture_on_commit_callbacks
):
    case = _eligible(
        factories.CaseFactory(claims_administrator="Paper Only Claims"), django_capture_on_commit_callbacks
    )
    request = RecordsRequest.objects.get(case=case)
    assert not request.electronically
    assert request.due_date == request.requested_on + datetime.timedelta(days=15)


def test_an_expedited_case_has_24_hours(org, django_capture_on_commit_callbacks):
    case = _eligible(factories.CaseFactory(review_type="expedited"), django_capture_on_commit_callbacks)
    request = RecordsRequest.objects.get(case=case)
    assert request.due_date == request.requested_on + datetime.timedelta(days=1)


def test_status_runs_open_received_overdue_insufficient(
    own_case, org, portal_user, django_capture_on_commit_callbacks
):
    case = _eligible(own_case, django_capture_on_commit_callbacks)
    request = RecordsRequest.objects.get(case=case)
    assert request.status() == RecordsRequestStatus.OPEN
    assert request.status(request.due_date + datetime.timedelta(days=1)) == RecordsRequestStatus.OVERDUE
    records.upload_record(
        case, by=portal_user, organisation=org, content=factories.pdf_bytes(), file_name="a.pdf"
    )
    assert request.status(request.due_date + datetime.timedelta(days=1)) == RecordsRequestStatus.RECEIVED
    assert request.received_on == datetime.date.today() or request.received_on is not None
    transition_case(case, "mark_insufficient_records")
    request.refresh_from_db()
    assert request.status() == RecordsRequestStatus.INSUFFICIENT
    case.refresh_from_db()
    assert case.external_status == "Insufficient Records"


def test_an_overdue_request_gets_one_reminder(
    own_case, org, portal_admin, django_capture_on_commit_callbacks
):
    WebhookSubscription.objects.create(
        organisation=org, url="https://example.invalid/h", events=[WebhookEvent.RECORDS_OVERDUE]
    )
    case = _eligible(own_case, django_capture_on_commit_callbacks)
    request = RecordsRequest.objects.get(case=case)
    assert records.remind_overdue(request.due_date) == []
    late = request.due_date + datetime.timedelta(days=1)
    assert records.remind_overdue(late) == [request]
    assert records.remind_overdue(late) == []
    assert WebhookDelivery.objects.filter(event=WebhookEvent.RECORDS_OVERDUE).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [portal_admin.email]
    assert case.injury_description not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("CM16-0001234 Medical Records.pdf", ("CM16-0001234", "Medical Records")),
        ("cm16-0001234_progress.PDF", ("CM16-0001234", "progress")),
        ("CM16-00012345.pdf", ("CM16-00012345", "")),
        ("Medical Records CM16-0001234.pdf", None),
        ("CM16-000123 notes.pdf", None),
    ],
)
def test_the_case_number_is_read_from_the_start_of_the_file_name(name, parsed):
    assert records.case_number_from_file_name(name) == parsed


def test_a_request_the_case_moved_past_is_no_longer_awaited_nor_overdue(
    own_case, django_capture_on_commit_callbacks
):
    from cases.models import Case

    case = _eligible(own_case, django_capture_on_commit_callbacks)
    request = RecordsRequest.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        transition_case(case, "withdraw", reason="Treatment authorised")
    request = RecordsRequest.objects.select_related("case").get(pk=request.pk)
    assert Case.objects.get(pk=case.pk).status == "withdrawn"
    assert request.status(request.due_date + datetime.timedelta(days=30)) == RecordsRequestStatus.NOT_AWAITED
    assert records.overdue_requests(request.due_date + datetime.timedelta(days=30)) == []
