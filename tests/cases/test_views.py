"""Case pages: who may see them, what they show, and that lists do not grow in queries."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.intake import EXAMPLE_CASE_PATH
from cases.models import Case
from tests.auth import log_in
from tests.factories import (
    AssignmentFactory,
    CaseFactory,
    DisputedItemFactory,
    MedicalRecordFactory,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db
MINIMAL_PDF = pdf_bytes()


def test_every_page_needs_a_login(client):
    case = CaseFactory()
    for url in [
        reverse("cases:list"),
        reverse("cases:import"),
        reverse("cases:create"),
        reverse("cases:detail", args=[case.case_number]),
        reverse("reviews:dashboard"),
        "/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_reviewer_cannot_reach_admin_pages(reviewer_client):
    assert reviewer_client.get(reverse("cases:list")).status_code == 403
    assert reviewer_client.get(reverse("cases:import")).status_code == 403
    assert reviewer_client.get(reverse("cases:create")).status_code == 403
    case = CaseFactory(status="eligibility_review")
    response = reviewer_client.post(
        reverse("cases:transition", args=[case.case_number]), {"action": "mark_eligible"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "eligibility_review"


def test_reviewer_sees_only_assigned_cases(reviewer_client, reviewer):
    mine = AssignmentFactory(reviewer=reviewer, accepted_at=timezone.now()).case
    other = CaseFactory()
    assert reviewer_client.get(reverse("cases:detail", args=[mine.case_number])).status_code == 200
    assert reviewer_client.get(reverse("cases:detail", args=[other.case_number])).status_code == 404
    assert reviewer_client.get(reverse("cases:detail", args=["CM99-0000000"])).status_code == 404
    dashboard = reviewer_client.get(reverse("reviews:dashboard")).content.decode()
    assert mine.case_number in dashboard
    assert other.case_number not in dashboard


def test_django_admin_site_is_for_administrators_only(client, admin_user, reviewer):
    log_in(client, reviewer.user)
    assert client.get("/admin/cases/case/").status_code == 302
    log_in(client, admin_user)
    assert client.get("/admin/cases/case/").status_code == 200


def test_case_list_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            case = CaseFactory()
            DisputedItemFactory.create_batch(3, case=case)

    make(3)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(reverse("cases:list")).status_code == 200
    make(20)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert len(many) == len(few)
    assert "23 cases" in response.content.decode()


def test_case_list_filters_and_search(admin_client):
    today = datetime.date.today()
    overdue = CaseFactory(received_date=today - datetime.timedelta(days=40), records_complete_date=None)
    soon = CaseFactory(review_type="expedited", records_complete_date=today - datetime.timedelta(days=1))
    closed = CaseFactory(
        status="closed", received_date=today - datetime.timedelta(days=40), records_complete_date=None
    )
    page = admin_client.get(reverse("cases:list"), {"due": "overdue"}).content.decode()
    assert overdue.case_number in page and soon.case_number not in page and closed.case_number not in page
    assert "overdue by" in page
    page = admin_client.get(reverse("cases:list"), {"review_type": "expedited"}).content.decode()
    assert soon.case_number in page and overdue.case_number not in page
    page = admin_client.get(reverse("cases:list"), {"q": soon.case_number[-4:].lower()}).content.decode()
    assert soon.case_number in page and overdue.case_number not in page
    page = admin_client.get(reverse("cases:list"), {"status": ["closed"]}).content.decode()
    assert closed.case_number in page and soon.case_number not in page


def test_case_list_paginates(admin_client):
    CaseFactory.create_batch(30)
    first = admin_client.get(reverse("cases:list")).content.decode()
    assert "Page 1 of 2" in first
    second = admin_client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_case_list_pages_read_from_the_end_show_the_same_cases_as_forward_paging(admin_client):
    """Pages in the second half are read with the order reversed (no OFFSET over every case): the rows,
    their order and the item counts are those forward paging would show."""
    today = datetime.date.today()
    for n in range(80):  # 4 pages; pages 3 and 4 are read from the end
        case = CaseFactory(records_complete_date=today - datetime.timedelta(days=n % 7))
        DisputedItemFactory.create_batch(1 + n % 3, case=case)
    expected = list(Case.objects.order_by("due_date", "case_number").values_list("case_number", flat=True))

    def shown(page):
        response = admin_client.get(reverse("cases:list"), {"page": page})
        return [c.case_number for c in response.context["cases"]], response

    seen = []
    for page in (1, 2, 3, 4):
        numbers, response = shown(page)
        seen += numbers
        counts = {c.case_number: c.item_count for c in response.context["cases"]}
        assert counts == {n: Case.objects.get(case_number=n).disputed_items.count() for n in numbers}
    assert seen == expected
    last, response = shown("last")
    assert last == expected[75:]
    assert "Page 4 of 4 · 80 cases" in response.content.decode()


def test_case_list_total_of_a_large_table_is_at_most_a_minute_old(admin_client, monkeypatch):
    """Past the size where counting every case costs a scan, the default view's total (the open cases)
    comes from the cache; filtered lists are always counted exactly."""
    from django.core.cache import cache

    from cases import views

    monkeypatch.setattr(views, "EXACT_TOTAL_BELOW", -1)  # treat the test table as a large one
    cache.delete(views.TOTAL_CACHE_KEY)
    try:
        CaseFactory.create_batch(2)
        CaseFactory(status="closed")  # not open: not in the default view
        assert "2 cases" in admin_client.get(reverse("cases:list")).content.decode()
        CaseFactory()
        assert "2 cases" in admin_client.get(reverse("cases:list")).content.decode()
        filtered = admin_client.get(reverse("cases:list"), {"status": ["closed"]}).content.decode()
        assert "1 case" in filtered
        cache.delete(views.TOTAL_CACHE_KEY)
        assert "3 cases" in admin_client.get(reverse("cases:list")).content.decode()
    finally:
        cache.delete(views.TOTAL_CACHE_KEY)


def test_upload_json_imports_good_cases_and_names_bad_fields(admin_client):
    good = json.loads(EXAMPLE_CASE_PATH.read_text())
    bad = {**good, "case_number": "CM16-0000002", "disputed_items": [{"description": "PT", "quantity": 0}]}
    upload = SimpleUploadedFile("cases.json", json.dumps({"cases": [good, bad]}).encode(), "application/json")
    response = admin_client.post(reverse("cases:import"), {"intake_file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Imported <a" in page and "CM15-0165834" in page
    assert "Rejected CM16-0000002 (case 2 in cases.json)" in page
    assert "disputed item 1 › quantity" in page
    assert "0 is less than the minimum of 1" in page
    assert list(Case.objects.values_list("case_number", flat=True)) == ["CM15-0165834"]


def test_upload_with_record_pdf_checks_bytes(admin_client):
    case = json.loads(EXAMPLE_CASE_PATH.read_text())
    case["records"][0]["file"] = "scan.pdf"
    intake = SimpleUploadedFile("case.json", json.dumps(case).encode(), "application/json")
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    page = admin_client.post(reverse("cases:import"), {"intake_file": intake, "record_files": [fake]}).content
    assert b"not a PDF (the file does not start with %PDF-)" in page
    assert not Case.objects.exists()


def test_upload_of_garbage_is_a_clear_error_not_a_500(admin_client):
    upload = SimpleUploadedFile("cases.json", b"\xff\xfe garbage", "application/json")
    response = admin_client.post(reverse("cases:import"), {"intake_file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "cases.json is not valid JSON" in page
    assert "Choose cases.json again before importing" in page


def _case_form_data(**overrides) -> dict:
    data = {
        "case_number": "CM16-0000100",
        "review_type": "standard",
        "received_date": "2016-11-28",
        "records_received_date": "2016-12-01",
        "applicant_age": "57",
        "applicant_sex": "female",
        "applicant_represented": "on",
        "injury_date": "2016-10-14",
        "injury_description": "Jammed finger",
        "body_regions": "right hand",
        "diagnoses": "trigger finger\njammed interphalangeal joint",
        "employer": "Acme",
        "claims_administrator": "Example Claims",
        "ur_decision_date": "2016-11-16",
        "ur_date_of_service": "2016-11-09",
        "appealed_by": "applicant",
    }
    for prefix in ("providers", "items", "records"):
        data.update({f"{prefix}-TOTAL_FORMS": "3", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "providers-0-name": "Hand Surgeon, MD",
            "providers-0-specialty": "Orthopedic Surgery",
            "providers-0-requesting": "on",
            "items-0-description": "Physical therapy 3 times a week for 2 weeks",
            "items-0-quantity": "6",
            "items-0-claims_administrator_guidelines": "MTUS Forearm, Wrist, and Hand Complaints 2004",
            "records-0-title": "Progress note",
            "records-0-kind": "progress_note",
            "records-0-date": "2016-10-31",
            "records-0-text": "Increasing pain and new thumb triggering.",
            "records-1-kind": "progress_note",
            "records-2-kind": "progress_note",
        }
    )
    data.update(overrides)
    return data


def test_case_form_creates_case_with_items_and_records(admin_client):
    pdf = SimpleUploadedFile("note.pdf", MINIMAL_PDF, "application/pdf")
    data = _case_form_data(**{"records-1-title": "Scanned note", "records-1-file": pdf})
    response = admin_client.post(reverse("cases:create"), data)
    assert response.status_code == 302
    case = Case.objects.get(case_number="CM16-0000100")
    assert case.diagnoses == ["trigger finger", "jammed interphalangeal joint"]
    assert case.disputed_items.get().claims_administrator_guidelines == [
        "MTUS Forearm, Wrist, and Hand Complaints 2004"
    ]
    assert case.requesting_provider.name == "Hand Surgeon, MD"
    scanned = case.records.get(title="Scanned note")
    assert scanned.file.read() == MINIMAL_PDF


def test_case_form_errors_name_the_field_and_keep_what_was_typed(admin_client):
    response = admin_client.post(reverse("cases:create"), _case_form_data(injury_date="2016-12-01"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error_1_id_injury_date"><strong>2016-12-01 is after the UR decision date 2016-11-16' in page
    assert 'value="Physical therapy 3 times a week for 2 weeks"' in page
    response = admin_client.post(reverse("cases:create"), _case_form_data(**{"items-0-quantity": "-3"}))
    page = response.content.decode()
    assert '<p id="error_1_id_items-0-quantity"><strong>-3 is less than the minimum of 1' in page
    assert "Jammed finger</textarea>" in page
    assert not Case.objects.exists()


def test_case_form_rejects_a_fake_pdf_on_the_record_row(admin_client):
    fake = SimpleUploadedFile("note.pdf", b"hello", "application/pdf")
    data = _case_form_data(**{"records-1-title": "Scan", "records-1-file": fake})
    page = admin_client.post(reverse("cases:create"), data).content.decode()
    assert "not a PDF (the file does not start with %PDF-)" in page
    assert not Case.objects.exists()


def test_record_file_is_served_only_to_those_who_may_see_the_case(client, admin_client, reviewer):
    assignment = AssignmentFactory(reviewer=reviewer, accepted_at=timezone.now())
    record = MedicalRecordFactory(case=assignment.case)
    record.attach_pdf(MINIMAL_PDF)
    record.save()
    url = reverse("cases:record_file", args=[assignment.case.case_number, record.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    log_in(client, reviewer.user)
    assert client.get(url).status_code == 200
    other = AssignmentFactory()
    other_record = MedicalRecordFactory(case=other.case)
    other_record.attach_pdf(MINIMAL_PDF)
    other_record.save()
    assert (
        client.get(reverse("cases:record_file", args=[other.case.case_number, other_record.pk])).status_code
        == 404
    )


def test_admin_moves_a_case_through_eligibility(admin_client):
    case = CaseFactory()
    url = reverse("cases:transition", args=[case.case_number])
    admin_client.post(url, {"action": "start_eligibility_review"})
    response = admin_client.post(url, {"action": "mark_ineligible", "reason": "late"}, follow=True)
    case.refresh_from_db()
    assert case.status == "ineligible"
    assert "Filed more than 30 days after the UR decision" in response.content.decode()
    response = admin_client.post(url, {"action": "mark_eligible"}, follow=True)
    assert "cannot mark eligible" in response.content.decode()


def test_admin_adds_a_record_that_came_in_later(admin_client):
    case = CaseFactory(status="records_requested")
    pdf = SimpleUploadedFile("answer.pdf", MINIMAL_PDF, "application/pdf")
    url = reverse("cases:add_record", args=[case.case_number])
    data = {"title": "Physical therapy notes", "kind": "therapy_note", "date": "2026-01-05", "file": pdf}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    record = case.records.get(title="Physical therapy notes")
    assert record.file.read() == MINIMAL_PDF
    assert record.kind == "therapy_note"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"title": "Scan", "kind": "other", "file": "fake"},
            "not a PDF (the file does not start with %PDF-)",
        ),
        ({"title": "Note", "kind": "other"}, "A record needs its text or a PDF."),
        (
            {"title": "Note", "kind": "other", "text": "x", "date": "2099-01-01"},
            "2099-01-01 is in the future",
        ),
        ({"kind": "other", "text": "Follow-up visit"}, "This field is required."),
    ],
)
def test_a_bad_record_is_refused_with_the_reason_and_keeps_what_was_typed(admin_client, data, message):
    case = CaseFactory(status="records_requested")
    if data.get("file") == "fake":
        data = {**data, "file": SimpleUploadedFile("scan.pdf", b"GIF89a", "application/pdf")}
    response = admin_client.post(reverse("cases:add_record", args=[case.case_number]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    if data.get("text"):
        assert f">{data['text']}</textarea>" in page or f"\n{data['text']}</textarea>" in page
    assert not case.records.exists()


def test_records_complete_restarts_the_clock(admin_client):
    case = CaseFactory(
        received_date=datetime.date(2026, 1, 2),
        records_complete_date=None,
        ur_decision_date=datetime.date(2026, 1, 1),
    )
    url = reverse("cases:records_complete", args=[case.case_number])
    response = admin_client.post(url, {"records_complete_date": "2026-01-10"}, follow=True)
    case.refresh_from_db()
    assert case.due_date == datetime.date(2026, 2, 9)
    assert "the determination is due February 9, 2026" in response.content.decode()
    response = admin_client.post(url, {"records_complete_date": "2025-12-31"})
    assert response.status_code == 400
    assert "2025-12-31 is before the received date 2026-01-02" in response.content.decode()


def test_reviewers_cannot_add_records(reviewer_client, reviewer):
    case = AssignmentFactory(reviewer=reviewer).case
    response = reviewer_client.post(
        reverse("cases:add_record", args=[case.case_number]), {"title": "x", "kind": "other", "text": "y"}
    )
    assert response.status_code == 403
    assert not case.records.exists()
