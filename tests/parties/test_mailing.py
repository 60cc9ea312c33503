"""Parties' mailing addresses through the API intake, and on the mailed cover notices where a window
envelope shows them."""

from __future__ import annotations

import io

from pypdf import PdfReader

from cases.clocks import california_today
from cases.models import MailingAddress
from parties import delivery
from parties.models import Channel, DeterminationDelivery, Party
from tests.parties.test_api import _application
from tests.reviews.letters.helpers import issue, signed_seed_review

ADDRESS = {"line1": "1200 Orchard Lane", "city": "Fresno", "state": "CA", "postal_code": "93701"}
POINTS_PER_INCH = 72
PAGE_HEIGHT_IN = 11


def test_the_api_intake_takes_addresses_and_names_a_bad_field(api, org):
    org.may_submit_applications = True
    org.save()
    payload = _application("CM26-0009101", "Example Claims Services")
    payload["claims_administrator_address"] = {**ADDRESS, "state": "Calif."}
    refused = api.post("/api/v1/applications/", payload, content_type="application/json")
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["claims_administrator_address.state"]
    payload["claims_administrator_address"]["state"] = "CA"
    payload["applicant"].update(name="Jordan Applicant", mailing_address=ADDRESS)
    created = api.post("/api/v1/applications/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert set(
        MailingAddress.objects.filter(case__case_number="CM26-0009101").values_list("party", flat=True)
    ) == {"claims_administrator", "injured_worker"}


def _lines_with_position(content: bytes) -> list[tuple[str, float, float]]:
    """(text, inches from the left edge, inches from the top edge) of each text run on page 1."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = cm[4] + tm[4] * cm[0]
            y = cm[5] + tm[5] * cm[3]
            runs.append((text.strip(), x / POINTS_PER_INCH, PAGE_HEIGHT_IN - y / POINTS_PER_INCH))

    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return runs


def test_each_mailed_cover_notice_prints_the_address_in_the_envelope_window(
    seed_case, django_capture_on_commit_callbacks
):
    MailingAddress.objects.create(
        case=seed_case, party=Party.INJURED_WORKER, name="Jordan Applicant", **ADDRESS
    )
    MailingAddress.objects.create(
        case=seed_case,
        party=Party.REQUESTING_PROVIDER,
        line1="9 Clinic Way",
        city="Fresno",
        state="CA",
        postal_code="93702",
    )
    letter = issue(signed_seed_review(seed_case), capture=django_capture_on_commit_callbacks)
    worker = DeterminationDelivery.objects.get(
        letter=letter, party=Party.INJURED_WORKER, channel=Channel.MAIL
    )
    runs = _lines_with_position(worker.packet.read())
    block = {text: (x, y) for text, x, y in runs}
    for line in ("Jordan Applicant", "1200 Orchard Lane", "Fresno CA 93701"):
        x, y = next(pos for text, pos in block.items() if line in text)
        # A #10 window: 7/8 in to 5 3/8 in from the left, 2 in to 3 1/8 in from the top (tri-folded).
        assert 0.85 <= x <= 5.3, (line, x)
        assert 1.95 <= y <= 3.15, (line, y)
    provider = DeterminationDelivery.objects.get(letter=letter, party=Party.REQUESTING_PROVIDER)
    provider_text = PdfReader(io.BytesIO(provider.packet.read())).pages[0].extract_text()
    assert "Treating Orthopedic Spine Surgeon" in provider_text and "9 Clinic Way" in provider_text
    # The attorney has no address on file: its notice says so, and the batch command names it.
    attorney = DeterminationDelivery.objects.get(letter=letter, party=Party.ATTORNEY)
    assert (
        "No mailing address on file" in PdfReader(io.BytesIO(attorney.packet.read())).pages[0].extract_text()
    )
    # The mailroom's day is California's: from 4 pm Pacific the UTC date is already tomorrow's.
    held = delivery.unaddressed(delivery.mailed_on(california_today(worker.prepared_at)))
    assert {d.party for d in held} == {Party.ATTORNEY, Party.CLAIMS_ADMINISTRATOR}
