"""The whole journey with a real Celery worker on Redis and a local webhook receiver.

A claims administrator's client subscribes to webhooks and gets an OAuth token; the seed case becomes
eligible and the worker issues its records request (a signed webhook arrives); the client uploads the
records through the API (retried with the same Idempotency-Key: one record); the case is reviewed and
signed through the services; the worker renders the letter and prepares the delivery; the signed
``determination.issued`` webhook arrives; the client downloads the determination as JSON and as PDF.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from cases.demo import to_eligible
from cases.intake import EXAMPLE_CASE_PATH, import_file
from parties import webhooks
from parties.models import ClaimsAdministratorName, ClaimsAdministratorOrganisation, RecordsRequest
from parties.organisations import create_api_client
from tests import factories
from tests.parties.conftest import get_token
from tests.parties.receiver import Receiver
from tests.reviews.letters.helpers import seed_reviewer
from tests.seed_determination import SEED_DECISIONS, sign_seed_review

pytestmark = pytest.mark.integration

WAIT_SECONDS = 180  # only so that a broken worker fails the test instead of hanging it


def wait_for(what: str, check):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def events_of(receiver: Receiver, event_type: str) -> list[tuple[dict, bytes]]:
    return [(h, b) for h, b in receiver.received if h.get("imr-event-type") == event_type]


def test_records_upload_review_webhook_and_determination_download(celery_worker, client):
    organisation = ClaimsAdministratorOrganisation.objects.create(name="Example Claims Services Inc.")
    ClaimsAdministratorName.objects.create(organisation=organisation, name="Example Claims Services")
    credentials = create_api_client(organisation, "Journey client")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {get_token(client, credentials)}"

    with Receiver() as receiver:
        subscribed = client.post(
            "/api/v1/webhooks/",
            {
                "url": receiver.url,
                "events": ["records.requested", "determination.issued", "case.status_changed"],
            },
            content_type="application/json",
        )
        assert subscribed.status_code == 201
        secret = subscribed.json()["secret"]

        case = import_file(EXAMPLE_CASE_PATH).imported[0].case
        to_eligible(case, by=None)
        # The worker issues the records request: the notice PDF is made and the webhook arrives signed.
        request = wait_for(
            "the records request notice", lambda: RecordsRequest.objects.exclude(notice="").first()
        )
        assert request.electronically
        headers, body = wait_for(
            "records.requested", lambda: events_of(receiver, "records.requested") or None
        )[0]
        webhooks.verify_signature(secret, body, headers["imr-signature"])
        assert json.loads(body)["data"]["due_date"] == request.due_date.isoformat()
        shown = client.get(f"/api/v1/cases/{case.case_number}/records-request/").json()
        assert shown["status"] == "open" and shown["sent"] == "electronic"

        content = factories.pdf_bytes(3)
        for _ in range(2):
            uploaded = client.post(
                f"/api/v1/cases/{case.case_number}/documents/",
                {
                    "file": SimpleUploadedFile(f"{case.case_number} Medical Records.pdf", content),
                    "kind": "progress_note",
                },
                HTTP_IDEMPOTENCY_KEY="journey-upload-1",
            )
            assert uploaded.status_code == 201, uploaded.content
        assert case.records.filter(upload__isnull=False).count() == 1
        assert client.get(f"/api/v1/cases/{case.case_number}/records-request/").json()["status"] == "received"

        review = sign_seed_review(case, seed_reviewer(), keep_letter=True)
        assert review.is_signed
        headers, body = wait_for(
            "determination.issued", lambda: events_of(receiver, "determination.issued") or None
        )[0]
        webhooks.verify_signature(secret, body, headers["imr-signature"])
        event = json.loads(body)
        assert event["data"]["case_number"] == case.case_number
        statuses = [json.loads(b)["data"]["to"] for _, b in events_of(receiver, "case.status_changed")]
        assert statuses[-1] == "Closed" and "Clinical Review" in statuses

    determination = client.get(event["data"]["determination_url"])
    assert determination.status_code == 200
    data = determination.json()
    assert [item["decision"] for item in data["items"]] == [d["decision"] for d in SEED_DECISIONS]
    assert data["items"][1]["citations"] == ["MTUS Low Back Complaints 2004, Section(s): Special Studies"]
    assert data["version"] == 1 and data["date_issued"] == event["data"]["date_issued"]
    letter = client.get(event["data"]["letter_url"])
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    pdf = b"".join(letter.streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "IMR ISSUES, DECISIONS AND RATIONALES" in text
    assert review.reviewer.user.last_name not in text
