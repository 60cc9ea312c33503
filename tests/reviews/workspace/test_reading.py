"""The reading side of the workspace: records read page by page once, searched across every page with
hits named by record and page, new records marked, QA comments on an item, the QA queue, and the
word-by-word comparison of two versions."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from cases import record_pages
from cases.models import RecordPage
from reviews.models import QAComment
from reviews.workspace import amendments, drafts, signoff
from tests import factories
from tests.auth import log_in
from tests.reviews.conftest import complete

pytestmark = pytest.mark.django_db

PAGES = [
    "Subjective: low back pain radiating to the left leg.",
    "Objective: straight leg raise negative. Urine drug screen ordered today.",
    "Plan: continue physical therapy twice weekly; urine drug screen next visit.",
]


@pytest.fixture
def scanned(assigned_case, django_capture_on_commit_callbacks):
    record = factories.MedicalRecordFactory(
        case=assigned_case,
        title="Pain follow-up (scanned)",
        kind="progress_note",
        date=datetime.date(2017, 2, 14),
        text="",
    )
    record.attach_pdf(factories.text_pdf_bytes(PAGES))
    with django_capture_on_commit_callbacks(execute=True):
        record.save()
    return record


def test_a_saved_record_is_read_page_by_page_once(scanned):
    # The save queued cases.extract_record_pages (eager in unit tests): three pages, each with its text.
    pages = list(scanned.pages.values_list("number", "text"))
    assert [n for n, _ in pages] == [1, 2, 3]
    assert "straight leg raise negative" in pages[1][1]
    assert scanned.page_count == 3


def test_search_lists_hits_by_record_and_page_and_is_audited(review, scanned, reviewer_client):
    url = reverse("reviews:record_search", args=[review.case.case_number])
    html = reviewer_client.get(url, {"q": "urine drug"}).content.decode()
    assert "1 record mention" in html
    # Pages 2 and 3 hold both words, page 1 neither; each hit opens the record at its page.
    assert re.findall(r'data-page="(\d)"', html) == ["2", "3"]
    assert "(progress note, 02/14/2017)" in html
    assert "<mark>Urine</mark> <mark>drug</mark>" in html
    event = AccessEvent.objects.filter(action=AuditAction.SEARCH_RECORDS).latest("id")
    assert event.case_number == review.case.case_number and "urine" not in event.detail
    # Text records are searched the same way, as one page.
    html = reviewer_client.get(url, {"q": "prior PT sessions"}).content.decode()
    assert "Progress note" in html and 'data-page="1"' in html


def test_search_reads_records_the_task_never_reached(review, reviewer_client):
    record = factories.MedicalRecordFactory(case=review.case, title="Late fax", text="")
    record.attach_pdf(factories.text_pdf_bytes(["Epidural injection declined."]))
    record.save()  # no on-commit here: the task never ran
    RecordPage.objects.filter(record=record).delete()
    url = reverse("reviews:record_search", args=[review.case.case_number])
    assert "Late fax" in reviewer_client.get(url, {"q": "epidural"}).content.decode()
    assert record.pages.count() == 1


def test_search_costs_the_same_queries_with_more_records(review, scanned, reviewer_client):
    url = reverse("reviews:record_search", args=[review.case.case_number])
    reviewer_client.get(url, {"q": "urine"})
    with CaptureQueriesContext(connection) as few:
        reviewer_client.get(url, {"q": "urine"})
    for k in range(5):
        factories.MedicalRecordFactory(case=review.case, title=f"Note {k}", text="urine drug screen negative")
    record_pages.ensure_pages(review.case)
    with CaptureQueriesContext(connection) as many:
        html = reviewer_client.get(url, {"q": "urine"}).content.decode()
    assert "6 records mention" in html
    assert len(many) == len(few)


def test_record_text_and_list_only_for_the_accepted_reviewer(
    review, scanned, reviewer_client, other_reviewer, client
):
    number = review.case.case_number
    text_url = reverse("reviews:record_text", args=[number, scanned.pk])
    html = reviewer_client.get(text_url).content.decode()
    assert html.count('class="record-page"') == 3
    log_in(client, other_reviewer.user)
    assert client.get(text_url).status_code == 404
    assert client.get(reverse("reviews:record_list", args=[number])).status_code == 404
    assert client.get(reverse("reviews:record_search", args=[number]), {"q": "urine"}).status_code == 404


def test_records_received_after_the_review_started_are_marked_new(review, reviewer_client):
    url = reverse("reviews:record_list", args=[review.case.case_number])
    assert ">new<" not in reviewer_client.get(url).content.decode()
    factories.MedicalRecordFactory(case=review.case, title="Supplemental report", text="Arrived late.")
    html = reviewer_client.get(url).content.decode()
    new = re.search(r'data-title="Supplemental report".*?</button>', html, re.S).group(0)
    assert ">new<" in new
    old = re.search(r'data-title="Progress note".*?</button>', html, re.S).group(0)
    assert ">new<" not in old


def test_workspace_header_shows_progress_and_save_state(review, reviewer_client):
    complete(review)
    html = reviewer_client.get(reverse("reviews:workspace", args=[review.case.case_number])).content.decode()
    assert re.search(r'<span id="ws-decided">2</span> of 2 decided', html)
    assert 'id="save-status"' in html and "saved at" in html
    assert 'role="tab"' in html and 'id="shortcuts-help"' in html
    assert 'data-split-key="imr-split:u' in html


def test_qa_returns_with_an_item_comment_shown_on_that_item(review, qa_user, settings, reviewer_client):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    number = review.case.case_number
    first, second = review.case.disputed_items.order_by("position")
    client = Client()  # QA's own browser, beside the reviewer's
    log_in(client, qa_user)
    page = client.get(reverse("reviews:workspace", args=[number])).content.decode()
    assert f'name="item_{second.pk}"' in page
    response = client.post(
        reverse("reviews:qa_return", args=[number]),
        {"comments": "", f"item_{second.pk}": "Cite the imaging page."},
    )
    assert response.status_code == 302
    comment = QAComment.objects.get()
    assert comment.disputed_item == second and comment.text == "Cite the imaging page."
    html = reviewer_client.get(reverse("reviews:workspace", args=[number])).content.decode()
    pane = re.search(rf'id="item-pane-{second.pk}".*?</section>', html, re.S).group(0)
    assert "Cite the imaging page." in pane
    other = re.search(rf'id="item-pane-{first.pk}".*?</section>', html, re.S).group(0)
    assert "Cite the imaging page." not in other


def test_qa_home_is_the_queue_by_due_date(review, qa_user, settings, reviewer_client):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    client = Client()
    log_in(client, qa_user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("reviews:qa_queue")
    html = response.content.decode()
    assert review.case.case_number in html
    assert "Preventive Medicine" in html  # the reviewer's specialty
    assert "days left" in html or "overdue" in html or "due today" in html
    assert reviewer_client.get(reverse("reviews:qa_queue")).status_code == 403


def test_sign_off_flash_names_no_letter_status_and_the_panel_polls(review, reviewer_client):
    complete(review)
    number = review.case.case_number
    response = reviewer_client.post(
        reverse("reviews:sign_off", args=[number]),
        {"confirm": "on", "base_revision": review.revision},
        follow=True,
    )
    html = response.content.decode()
    assert "Signed. The determination is issued." in html
    assert "being prepared" not in html
    # The letter is queued once the sign-off commits: the panel says so and polls its status until ready.
    letter_url = reverse("reviews:letter_status", args=[number, 1])
    assert re.search(rf'id="signed-panel".*hx-get="{letter_url}" hx-trigger="every 2s"', html, re.S)
    assert "<strong>queued</strong>" in html


def test_two_versions_compared_word_by_word(review, admin_user, reviewer, admin_client):
    complete(review)
    signed = signoff.sign_off(review, by=reviewer.user)
    amended = amendments.amend(signed.case, by=admin_user, reason="Wrong body region in the summary.")
    amended.refresh_from_db()
    drafts.save_draft(
        amended,
        {"clinical_summary": "The applicant is a represented 45-year-old with chronic neck pain."},
        amended.revision,
        by=reviewer.user,
    )
    url = reverse("reviews:compare_versions", args=[review.case.case_number])
    html = admin_client.get(url, {"a": 1, "b": 2}).content.decode()
    assert "<del>low back</del><ins>neck</ins>" in html.replace(
        "<del>low</del> <del>back</del>", "<del>low back</del>"
    )
    assert "Wrong body region in the summary." in html
    assert admin_client.get(url, {"a": 1, "b": 9}).status_code == 404
    assert AccessEvent.objects.filter(action=AuditAction.VIEW_REVIEW_VERSION).exists()


def test_received_at_is_kept_per_record(assigned_case):
    before = timezone.now()
    record = factories.MedicalRecordFactory(case=assigned_case)
    assert record.received_at >= before
