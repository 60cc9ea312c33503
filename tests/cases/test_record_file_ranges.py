"""The record file view answers HTTP range requests (RFC 9110 section 14), so the records viewer (PDF.js)
fetches a large PDF chunk by chunk; the permission check still comes first and the audit record keeps one
read per opening of a record, not one per chunk."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, AuditAction
from imr_site.ranges import Unsatisfiable, parse_range
from tests.auth import log_in
from tests.factories import AssignmentFactory, MedicalRecordFactory, pdf_bytes, reviewer_with_credentials

pytestmark = pytest.mark.django_db
PDF = pdf_bytes(pages=40)  # a few kilobytes: enough for ranges inside, at the start and at the end


@pytest.fixture
def opened(reviewer_client, reviewer):
    """A reviewer's accepted case with a PDF record, and the record file's URL."""
    assignment = AssignmentFactory(reviewer=reviewer, accepted_at=timezone.now())
    record = MedicalRecordFactory(case=assignment.case)
    record.attach_pdf(PDF)
    record.save()
    url = reverse("cases:record_file", args=[assignment.case.case_number, record.pk])
    return reviewer_client, url, record


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_gets_exactly_those_bytes_with_206_and_content_range(opened):
    client, url, _ = opened
    size = len(PDF)
    response = client.get(url, HTTP_RANGE="bytes=100-1123")
    assert response.status_code == 206
    assert body(response) == PDF[100:1124]
    assert response["Content-Range"] == f"bytes 100-1123/{size}"
    assert response["Content-Length"] == "1024"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"

    start = client.get(url, HTTP_RANGE="bytes=0-9")
    assert (start.status_code, body(start)) == (206, PDF[:10])
    open_ended = client.get(url, HTTP_RANGE=f"bytes={size - 30}-")
    assert body(open_ended) == PDF[-30:]
    assert open_ended["Content-Range"] == f"bytes {size - 30}-{size - 1}/{size}"
    suffix = client.get(url, HTTP_RANGE="bytes=-7")
    assert (suffix.status_code, body(suffix)) == (206, PDF[-7:])
    past_the_end = client.get(url, HTTP_RANGE=f"bytes={size - 5}-{size + 5000}")  # clamped to the file
    assert body(past_the_end) == PDF[-5:]
    assert past_the_end["Content-Range"] == f"bytes {size - 5}-{size - 1}/{size}"


def test_a_range_beyond_the_file_is_416_naming_the_size(opened):
    client, url, _ = opened
    response = client.get(url, HTTP_RANGE=f"bytes={len(PDF)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PDF)}"
    assert client.get(url, HTTP_RANGE="bytes=-0").status_code == 416


def test_without_a_usable_range_the_whole_file_comes_with_200(opened):
    client, url, _ = opened
    for header in (None, "bytes=5-2", "items=0-4", "bytes=0-4,10-14", "bytes=abc"):
        extra = {"HTTP_RANGE": header} if header else {}
        response = client.get(url, **extra)
        assert response.status_code == 200, header
        assert body(response) == PDF, header
        assert response["Accept-Ranges"] == "bytes"
    # If-Range: no validator to compare with, so the whole file (never a chunk of a changed file).
    response = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"abc"')
    assert (response.status_code, body(response)) == (200, PDF)


def test_another_reviewer_gets_404_for_a_range_too(opened, client):
    _, url, _ = opened
    stranger = reviewer_with_credentials()
    AssignmentFactory(reviewer=stranger, accepted_at=timezone.now())  # a case of its own
    log_in(client, stranger.user)
    response = client.get(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_one_audit_entry_per_opening_not_per_chunk(opened, reviewer):
    """PDF.js opens with one whole-file request, then asks for chunks: one read in the audit record."""
    client, url, record = opened

    def reads():
        return AccessEvent.objects.filter(action=AuditAction.VIEW_RECORD_FILE, object_id=str(record.pk))

    client.get(url)
    for start in (0, 1000, 2000):
        client.get(url, HTTP_RANGE=f"bytes={start}-{start + 999}")
    assert reads().count() == 1
    assert reads().get().username == reviewer.user.username


def test_a_client_asking_only_for_ranges_is_still_recorded(opened):
    client, url, record = opened
    client.get(url, HTTP_RANGE=f"bytes={len(PDF)}-")  # 416: an attempt, recorded, not a read
    client.get(url, HTTP_RANGE="bytes=500-999")
    client.get(url, HTTP_RANGE="bytes=1000-1999")
    events = AccessEvent.objects.filter(action=AuditAction.VIEW_RECORD_FILE, object_id=str(record.pk))
    assert sorted(events.values_list("status_code", flat=True)) == [206, 416]


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=0-", (0, 99)),
        ("bytes=-100", (0, 99)),
        ("bytes=-1000", (0, 99)),
        ("Bytes = 10 - 20", (10, 20)),
        ("bytes=90-500", (90, 99)),
        ("bytes=20-10", None),
        ("bytes=-", None),
        ("bytes=1-2, 4-5", None),
        ("", None),
    ],
)
def test_parse_range(header, span):
    assert parse_range(header, 100) == span


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0"])
def test_parse_range_unsatisfiable(header):
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)
