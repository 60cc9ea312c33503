"""The case page's header and status controls: one status vocabulary, each reason beside its own action,
the records-due date, a provisional due date, and a header that follows an assignment without a reload."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CaseFactory, reviewer_with_credentials
from tests.reviews.assignment.helpers import eligible_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def page_of(client, case) -> str:
    return client.get(reverse("cases:detail", args=[case.case_number])).content.decode()


def test_one_status_vocabulary_on_the_page(admin_client):
    page = page_of(admin_client, CaseFactory(status="eligible"))
    assert "Organisation status" not in page
    assert "Eligibility Review" not in page  # the coarser external vocabulary is the API's, not the page's
    assert ">Eligible<" in page


def test_each_reason_box_is_inside_its_own_action_and_withdraw_is_set_apart(admin_client):
    page = page_of(admin_client, CaseFactory(status="eligibility_review"))
    forms = re.findall(r'<form method="post" action="[^"]*/transition/".*?</form>', page, re.S)
    by_action = {re.search(r'name="action" value="(\w+)"', f).group(1): f for f in forms}
    assert set(by_action) == {"mark_eligible", "mark_ineligible", "withdraw"}
    assert (
        'name="reason"' in by_action["mark_ineligible"]
        and "Ground for ineligibility" in by_action["mark_ineligible"]
    )
    assert 'name="reason"' in by_action["withdraw"] and "required" in by_action["withdraw"]
    assert 'name="reason"' not in by_action["mark_eligible"]
    assert "btn-primary" in by_action["mark_eligible"]  # the step forward
    assert "btn-outline-danger" in by_action["withdraw"] and "btn-primary" not in by_action["withdraw"]
    assert ">Withdraw case<" in by_action["withdraw"]
    # The step forward comes first.
    assert page.index('value="mark_eligible"') < page.index('value="withdraw"')


def test_records_due_date_and_provisional_due_date_are_shown(admin_client):
    requested = TODAY - datetime.timedelta(days=2)
    waiting = {"status": "records_requested", "records_complete_date": None, "received_date": requested}
    mailed = CaseFactory(records_requested_date=requested, **waiting)
    page = page_of(admin_client, mailed)
    due = requested + datetime.timedelta(days=15)
    assert f"Records due {due:%b} {due.day}," in page
    assert ">provisional<" in page
    electronic = CaseFactory(
        records_requested_date=requested, records_requested_electronically=True, **waiting
    )
    due = requested + datetime.timedelta(days=12)
    assert f"Records due {due:%b} {due.day}," in page_of(admin_client, electronic)
    complete = CaseFactory(records_complete_date=TODAY - datetime.timedelta(days=1))
    page = page_of(admin_client, complete)
    assert ">provisional<" not in page and "Records due" not in page


def test_after_assignment_the_header_and_controls_update_without_a_reload(admin_client):
    case = eligible_case(status="records_requested", records_requested_date=TODAY, records_complete_date=None,
                         received_date=TODAY)  # fmt: skip
    reviewer = reviewer_with_credentials()
    before = page_of(admin_client, case)
    assert "Mark records insufficient" in before
    response = admin_client.post(
        reverse("reviews:assignment:assign", args=[case.case_number]),
        {"reviewer": reviewer.pk, "mode": "assign"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    header = re.search(r'<div id="case-header"[^>]*hx-swap-oob="true".*?</div>\s*$', body, re.S | re.M)
    assert header is not None
    assert ">Assigned<" in body.split('id="case-header"')[1]
    status = body.split('id="case-status"')[1]
    assert 'hx-swap-oob="true"' in body.split('id="case-status"')[1][:80]
    assert "Mark records insufficient" not in status and "Records requested" not in status
