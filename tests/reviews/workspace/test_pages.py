"""The reviewer's dashboard and case file: what a reviewer sees, in what order, at a constant query cost."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from reviews.assignment.services import accept_assignment
from reviews.workspace.drafts import item_key, save_draft
from tests import factories

pytestmark = pytest.mark.django_db
MINIMAL_PDF = factories.pdf_bytes()


def _assigned(reviewer, accepted=True, items=2, **case_fields):
    case = factories.CaseFactory(status="assigned", **case_fields)
    for k in range(items):
        factories.DisputedItemFactory(case=case, position=k)
    assignment = factories.AssignmentFactory(case=case, reviewer=reviewer)
    if accepted:
        accept_assignment(assignment, by=reviewer.user)
    return case


def _rows(html: str) -> list[str]:
    return re.findall(r'href="/reviews/cases/([A-Z0-9-]+)/"', html)


def test_dashboard_lists_only_own_cases_soonest_due_first(reviewer_client, reviewer, other_reviewer):
    today = timezone.localdate()
    later = _assigned(reviewer, records_complete_date=today - datetime.timedelta(days=2))
    sooner = _assigned(reviewer, records_complete_date=today - datetime.timedelta(days=20))
    theirs = _assigned(other_reviewer)
    unassigned = factories.CaseFactory()
    html = reviewer_client.get(reverse("reviews:dashboard")).content.decode()
    assert _rows(html) == [sooner.case_number, later.case_number]
    assert theirs.case_number not in html and unassigned.case_number not in html


def test_dashboard_shows_progress_days_left_and_marks_overdue_and_expedited(reviewer_client, reviewer):
    today = timezone.localdate()
    overdue = _assigned(
        reviewer,
        received_date=today - datetime.timedelta(days=40),
        records_complete_date=today - datetime.timedelta(days=35),
    )
    expedited = _assigned(
        reviewer, review_type="expedited", records_complete_date=today - datetime.timedelta(days=1)
    )
    reviewer_client.get(reverse("reviews:workspace", args=[overdue.case_number]))
    review = overdue.reviews.get()
    first = overdue.disputed_items.first()
    save_draft(review, {item_key(first.pk, "decision"): "Upheld"}, 0, by=reviewer.user)
    html = reviewer_client.get(reverse("reviews:dashboard")).content.decode()
    overdue_row = html[html.index(overdue.case_number) :].split("</tr>")[0]
    assert "1 / 2 decided" in overdue_row
    assert "clock-overdue" in overdue_row and "overdue by 5 days" in overdue_row
    expedited_row = html[html.index(expedited.case_number) :].split("</tr>")[0]
    assert "Expedited" in expedited_row and "2 days left" in expedited_row
    assert "0 / 2 decided" in expedited_row


def test_dashboard_marks_cases_awaiting_acceptance(reviewer_client, reviewer):
    case = _assigned(reviewer, accepted=False)
    html = reviewer_client.get(reverse("reviews:dashboard")).content.decode()
    row = html[html.index(case.case_number) :].split("</tr>")[0]
    assert "Awaiting your acceptance" in row


def test_dashboard_query_count_does_not_grow_with_cases(reviewer_client, reviewer):
    for _ in range(2):
        _assigned(reviewer)
    with CaptureQueriesContext(connection) as few:
        assert reviewer_client.get(reverse("reviews:dashboard")).status_code == 200
    for _ in range(12):
        case = _assigned(reviewer, items=3)
        reviewer_client.get(reverse("reviews:workspace", args=[case.case_number]))
    with CaptureQueriesContext(connection) as many:
        response = reviewer_client.get(reverse("reviews:dashboard"))
    assert len(_rows(response.content.decode())) == 14
    assert len(many) == len(few)


def test_unaccepted_assignment_shows_accept_area_and_no_editing(reviewer_client, reviewer):
    case = _assigned(reviewer, accepted=False)
    html = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number])).content.decode()
    assert "I attest that I have no material" in html
    assert 'id="review-form"' not in html
    case.refresh_from_db()
    assert case.status == "assigned"
    assert not case.reviews.exists()


def test_accepting_starts_the_review_and_the_workspace_opens_it(reviewer_client, reviewer):
    case = _assigned(reviewer, accepted=False)
    assignment = case.assignments.get()
    response = reviewer_client.post(
        reverse("reviews:assignment:accept", args=[assignment.pk]), {"attest_no_conflict": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review"
    review = case.reviews.get()
    assert review.decisions.count() == 2
    html = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number])).content.decode()
    assert 'id="review-form"' in html
    for item in case.disputed_items.all():
        assert f'id="id_item-{item.pk}-guideline_citations"' in html
        assert (
            f"/guidelines/items/{item.pk}/suggestions/?guideline_field=id_item-{item.pk}-guideline_citations"
            in html
        )
    reviewer_client.get(reverse("reviews:workspace", args=[case.case_number]))
    assert Case.objects.get(pk=case.pk).reviews.count() == 1


def test_opening_the_workspace_changes_nothing(reviewer_client, reviewer):
    """A GET only reads: an accepted case without a review (accepted before accepting started it) offers
    to start one, and starting it is a POST."""
    case = _assigned(reviewer, accepted=False)
    case.assignments.update(accepted_at=timezone.now())
    url = reverse("reviews:workspace", args=[case.case_number])
    html = reviewer_client.get(url).content.decode()
    assert "Start the review" in html and 'id="review-form"' not in html
    case.refresh_from_db()
    assert case.status == "assigned" and not case.reviews.exists()
    assert reviewer_client.post(reverse("reviews:start_review", args=[case.case_number])).status_code == 302
    case.refresh_from_db()
    assert case.status == "in_review" and case.reviews.get().decisions.count() == 2
    assert 'id="review-form"' in reviewer_client.get(url).content.decode()


def test_case_file_shows_parties_items_and_records_in_date_order(reviewer_client, reviewer):
    case = _assigned(reviewer)
    case.disputed_items.update(claims_administrator_guidelines=["MTUS Chronic Pain Medical Treatment 2009"])
    today = timezone.localdate()
    factories.MedicalRecordFactory(case=case, title="Later note", date=today - datetime.timedelta(days=3))
    factories.MedicalRecordFactory(case=case, title="Earlier note", date=today - datetime.timedelta(days=90))
    pdf = factories.MedicalRecordFactory(case=case, title="Scanned report", text="")
    pdf.attach_pdf(MINIMAL_PDF)
    pdf.save()
    html = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number])).content.decode()
    assert case.claims_administrator in html and case.employer in html
    assert "Claims Administrator guideline: MTUS Chronic Pain Medical Treatment 2009" in html
    assert "Later note" not in html  # the records list loads with the records pane, not with the page
    html = reviewer_client.get(reverse("reviews:record_list", args=[case.case_number])).content.decode()
    assert html.index("Earlier note") < html.index("Later note")
    file_url = reverse("cases:record_file", args=[case.case_number, pdf.pk])
    assert re.search(rf'data-title="Scanned report"[^>]*data-file-url="{re.escape(file_url)}"', html, re.S)
    assert "· 1 page" in html
    assert "/media/" not in html
    assert reviewer_client.get(file_url).status_code == 200


def test_record_search_finds_and_marks_matches(reviewer_client, reviewer):
    case = _assigned(reviewer)
    factories.MedicalRecordFactory(
        case=case, title="PT note", text="Completed 12 sessions of physical therapy."
    )
    factories.MedicalRecordFactory(case=case, title="Imaging", text="MRI shows stenosis.")
    url = reverse("reviews:record_search", args=[case.case_number])
    html = reviewer_client.get(url, {"q": "physical therapy"}).content.decode()
    assert "PT note" in html and "Imaging" not in html
    assert "<mark>physical</mark> <mark>therapy</mark>" in html
    html = reviewer_client.get(url, {"q": "<script>"}).content.decode()
    assert "<script>" not in html
    assert "No record mentions" in html
