"""Delivery of the Final Determination: each party's cover notice text, its packet and the mail batch."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from parties import delivery, texts
from parties.models import (
    Channel,
    DeterminationDelivery,
    Party,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from tests.reviews.letters.helpers import issue, signed_seed_review

ITEMS = [
    ("Physical therapy for the lumbar spine, quantity 12", "Upheld"),
    ("MRI of the lumbar spine", "Overturned"),
]


def notice(party):
    return texts.cover_notice(
        party=party,
        case_number="CM15-0165834",
        claims_administrator="Example Claims Services",
        provider="Dr. Example",
        date_issued="March 2, 2026",
        items=ITEMS,
    )


@pytest.mark.parametrize("party", list(Party))
def test_every_cover_notice_has_the_case_number_one_sentence_per_item_and_appeal_rights(party):
    lines = notice(party).lines
    text = " ".join(lines)
    assert "Case Number: CM15-0165834" in lines
    assert (
        "Physical therapy for the lumbar spine, quantity 12: Upheld. "
        "The treatment is not medically necessary; the denial stands." in lines
    )
    assert (
        "MRI of the lumbar spine: Overturned. The treatment is medically necessary and must be authorised."
        in lines
    )
    assert (
        "Workers' Compensation Appeals Board within 30 days of the date this determination was mailed" in text
    )
    assert "Labor Code 4610.6(h)" in text


def test_each_party_is_addressed_and_told_what_happens_next():
    assert notice(Party.CLAIMS_ADMINISTRATOR).addressee == "Claims administrator: Example Claims Services"
    assert (
        "You must authorise every overturned item promptly" in notice(Party.CLAIMS_ADMINISTRATOR).next_steps
    )
    assert notice(Party.INJURED_WORKER).addressee == "The injured worker"
    assert "talk with your doctor" in notice(Party.INJURED_WORKER).next_steps
    assert notice(Party.ATTORNEY).addressee == "The injured worker's attorney"
    assert notice(Party.REQUESTING_PROVIDER).addressee == "Requesting provider: Dr. Example"
    assert "you may then provide it" in notice(Party.REQUESTING_PROVIDER).next_steps


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)


def test_a_ready_letter_is_delivered_to_each_party_by_its_channels(
    seed_case, org, portal_admin, django_capture_on_commit_callbacks
):
    from django.core import mail

    WebhookSubscription.objects.create(
        organisation=org, url="https://example.invalid/h", events=[WebhookEvent.DETERMINATION_ISSUED]
    )
    review = signed_seed_review(seed_case)
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.is_ready
    rows = {(d.party, d.channel) for d in DeterminationDelivery.objects.filter(letter=letter)}
    expected = {
        (Party.CLAIMS_ADMINISTRATOR, Channel.PORTAL),
        (Party.CLAIMS_ADMINISTRATOR, Channel.API),
        (Party.CLAIMS_ADMINISTRATOR, Channel.EMAIL),
        (Party.INJURED_WORKER, Channel.MAIL),
    }
    if seed_case.applicant_represented:
        expected.add((Party.ATTORNEY, Channel.MAIL))
    if seed_case.requesting_provider:
        expected.add((Party.REQUESTING_PROVIDER, Channel.MAIL))
    assert rows == expected
    packet = DeterminationDelivery.objects.get(letter=letter, party=Party.INJURED_WORKER)
    text = pdf_text(packet.packet.read())
    assert text.startswith(f"{texts_org()}") or "Independent Medical Review: Final Determination" in text
    assert "To: The injured worker" in text and "talk with your doctor" in text
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text  # the letter follows the cover notice
    assert (
        WebhookDelivery.objects.get(event=WebhookEvent.DETERMINATION_ISSUED).payload["data"]["case_number"]
        == seed_case.case_number
    )
    assert [m.to for m in mail.outbox] == [[portal_admin.email]]
    assert "MRI" not in mail.outbox[0].body and "lumbar" not in mail.outbox[0].body
    # Prepared once: a second run changes nothing.
    assert delivery.prepare_delivery(letter.pk) == []


def texts_org() -> str:
    from django.conf import settings

    return settings.IMR_ORGANISATION["name"]


def test_the_days_mail_batch_is_one_pdf_of_every_mailed_packet(seed_case, django_capture_on_commit_callbacks):
    from django.utils import timezone

    letter = issue(signed_seed_review(seed_case), capture=django_capture_on_commit_callbacks)
    mailed = DeterminationDelivery.objects.filter(letter=letter, channel=Channel.MAIL)
    assert mailed.count() >= 2  # not on the system: the claims administrator too
    content, count = delivery.mail_batch(timezone.localdate())
    assert count == mailed.count()
    pages = sum(len(PdfReader(io.BytesIO(d.packet.read())).pages) for d in mailed)
    assert len(PdfReader(io.BytesIO(content)).pages) == pages
    assert all(d.sent_at for d in DeterminationDelivery.objects.filter(channel=Channel.MAIL))


def test_the_mail_batch_command_writes_the_days_pdf(seed_case, django_capture_on_commit_callbacks, tmp_path):
    from django.core.management import call_command

    issue(signed_seed_review(seed_case), capture=django_capture_on_commit_callbacks)
    out = tmp_path / "batch.pdf"
    call_command("mail_batch", "--out", str(out), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) > 2
