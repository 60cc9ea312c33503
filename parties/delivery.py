"""Delivery of the Final Determination to each party (Labor Code 4610.6).

When a letter version is ready, each party gets a packet: a cover notice addressed to it, then the letter
(one PDF), recorded per party and channel. The claims administrator, when it is an organisation on the
system, receives it in the portal and through the API (a ``determination.issued`` webhook) and gets an
e-mail notice without health information; every other party (and a claims administrator not on the
system) is mailed, in the day's print batch (``mail_batch``: one PDF for the mailroom).
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from parties import texts
from parties.models import Channel, DeterminationDelivery, Party, WebhookEvent
from parties.notices import concatenate, cover_notice_html
from parties.records import organisation_of_case
from reviews.letters.rendering import render_letter_pdf
from reviews.models import DeterminationLetter, LetterStatus


def _long_date(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def recipients(case) -> list[tuple[str, list[str]]]:
    """(party, channels) for each party of the case."""
    on_system = organisation_of_case(case) is not None
    parties = [
        (
            Party.CLAIMS_ADMINISTRATOR,
            [Channel.PORTAL, Channel.API, Channel.EMAIL] if on_system else [Channel.MAIL],
        ),
        (Party.INJURED_WORKER, [Channel.MAIL]),
    ]
    if case.applicant_represented:
        parties.append((Party.ATTORNEY, [Channel.MAIL]))
    if case.requesting_provider is not None:
        parties.append((Party.REQUESTING_PROVIDER, [Channel.MAIL]))
    return parties


def determination_items(letter: DeterminationLetter) -> list[tuple[str, str]]:
    """(item heading, Upheld/Overturned) in the letter's order, from the letter's signed review."""
    decisions = {d.disputed_item_id: d.decision for d in letter.review.decisions.all()}
    return [
        (item.heading, decisions[item.pk])
        for item in letter.case.disputed_items.all()
        if decisions.get(item.pk)
    ]


def date_issued(letter: DeterminationLetter) -> datetime.date:
    """The date the letter prints as issued (``reviews.letters.rendering``: the version's request date)."""
    return timezone.localtime(letter.requested_at).date()


def notice_for(letter: DeterminationLetter, party: str) -> texts.CoverNotice:
    case = letter.case
    provider = case.requesting_provider
    address = case.mailing_addresses.filter(party=party).first()
    return texts.cover_notice(
        party=party,
        case_number=case.case_number,
        claims_administrator=case.claims_administrator,
        provider=provider.name if provider else "",
        date_issued=_long_date(date_issued(letter)),
        items=determination_items(letter),
        address_lines=address.lines() if address else (),
    )


def prepare_delivery(letter_id: int) -> list[DeterminationDelivery]:
    """Make each party's packet for a ready letter and record its deliveries (idempotent per letter,
    party and channel). The organisation's webhook goes out once the packets exist."""
    from parties import webhooks

    letter = (
        DeterminationLetter.objects.select_related("case", "review")
        .filter(pk=letter_id, status=LetterStatus.READY)
        .first()
    )
    if letter is None or letter.deliveries.exists():
        return []
    letter_pdf = letter.file.read() if letter.file else b""
    letter.file.close()
    created_iso = timezone.localtime(letter.requested_at).replace(microsecond=0).isoformat()
    made = []
    organisation = organisation_of_case(letter.case)
    with transaction.atomic():
        for party, channels in recipients(letter.case):
            html = cover_notice_html(notice_for(letter, party), created_iso, mailed=Channel.MAIL in channels)
            cover = render_letter_pdf(html).content
            packet = concatenate([cover, letter_pdf]) if letter_pdf else cover
            for channel in channels:
                delivery = DeterminationDelivery(letter=letter, party=party, channel=channel)
                delivery.packet.save("packet.pdf", ContentFile(packet), save=False)
                if channel in (Channel.PORTAL, Channel.API):
                    delivery.sent_at = timezone.now()  # available from now on
                delivery.save()
                made.append(delivery)
        webhooks.emit(organisation, WebhookEvent.DETERMINATION_ISSUED, determination_event(letter))
    if organisation is not None:
        _email_notice(letter, organisation)
    return made


def determination_event(letter: DeterminationLetter) -> dict:
    from django.conf import settings
    from django.urls import reverse

    number = letter.case.case_number
    return {
        "case_number": number,
        "version": letter.version,
        "date_issued": date_issued(letter).isoformat(),
        "determination_url": settings.IMR_SITE_URL + reverse("api:determination", args=[number]),
        "letter_url": settings.IMR_SITE_URL + reverse("api:determination_letter", args=[number]),
    }


def _email_notice(letter: DeterminationLetter, organisation) -> None:
    """The e-mail notice: the case number and where to read it; no health information."""
    from django.conf import settings
    from django.core.mail import send_mail

    emails = list(
        organisation.memberships.filter(is_service_account=False, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if emails:
        send_mail(
            f"IMR case {letter.case.case_number}: Final Determination issued",
            f"The Final Determination of IMR case {letter.case.case_number} is available in the claims "
            f"administrator portal.\n\n{settings.IMR_SITE_URL}",
            None,
            emails,
        )
    DeterminationDelivery.objects.filter(
        letter=letter, party=Party.CLAIMS_ADMINISTRATOR, channel=Channel.EMAIL
    ).update(sent_at=timezone.now())


def unaddressed(deliveries) -> list[DeterminationDelivery]:
    """Mailed deliveries whose party has no mailing address on file (their cover notice says so)."""
    from cases.models import MailingAddress

    return [
        d
        for d in deliveries
        if d.channel == Channel.MAIL
        and not MailingAddress.objects.filter(case_id=d.letter.case_id, party=d.party).exists()
    ]


def mailed_on(day: datetime.date):
    """The packets to be mailed that were prepared on ``day`` (California time), in case order."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        DeterminationDelivery.objects.filter(
            channel=Channel.MAIL, prepared_at__gte=start, prepared_at__lt=end
        )
        .select_related("letter__case")
        .order_by("letter__case__case_number", "party")
    )


def mail_batch(day: datetime.date) -> tuple[bytes, int] | None:
    """The mailroom's PDF for ``day``: every packet to be mailed that was prepared that day (California
    time), in case order; marks them sent. None when nothing is to be mailed."""
    deliveries = list(mailed_on(day))
    if not deliveries:
        return None
    pdfs = []
    for delivery in deliveries:
        with delivery.packet.open("rb") as handle:
            pdfs.append(handle.read())
    DeterminationDelivery.objects.filter(pk__in=[d.pk for d in deliveries], sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    return concatenate(pdfs), len(deliveries)
