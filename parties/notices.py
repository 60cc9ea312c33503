"""The parties' PDFs: the records request notice and the cover notice of the determination, made by
WeasyPrint like the letters (the same local-only renderer), from texts in ``parties/texts.py``."""

from __future__ import annotations

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from parties import texts
from reviews.letters.rendering import RenderedPdf, render_letter_pdf


def _long_date(value) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def records_request_html(request) -> str:
    case = request.case
    if case.review_type == "expedited":
        basis = texts.RECORDS_DUE_BASIS["expedited"]
    else:
        basis = texts.RECORDS_DUE_BASIS["electronic" if request.electronically else "mailed"]
    due = _long_date(request.due_date)
    return render_to_string(
        "parties/notices/records_request.html",
        {
            "organisation": settings.IMR_ORGANISATION,
            "case_number": case.case_number,
            "addressee": f"Claims administrator: {case.claims_administrator}",
            "requested_on": _long_date(request.requested_on),
            "channel": "electronically" if request.electronically else "by mail",
            "due": due,
            "intro": texts.RECORDS_REQUEST_INTRO.format(case_number=case.case_number),
            "records_to_send": texts.RECORDS_TO_SEND,
            "due_sentence": texts.RECORDS_REQUEST_DUE.format(due=due, basis=basis),
            "how_to_send": texts.RECORDS_HOW_TO_SEND.format(case_number=case.case_number),
            "created_iso": timezone.localtime(request.created_at).replace(microsecond=0).isoformat(),
        },
    )


def render_records_request(request) -> RenderedPdf:
    return render_letter_pdf(records_request_html(request))


def cover_notice_html(notice: texts.CoverNotice, created_iso: str, *, mailed: bool = False) -> str:
    """The cover notice; a mailed one carries the party's address block where a window envelope shows it."""
    return render_to_string(
        "parties/notices/cover_notice.html",
        {
            "organisation": settings.IMR_ORGANISATION,
            "case_number": notice.case_number,
            "notice": notice,
            "created_iso": created_iso,
            "mailed": mailed,
            "no_address": texts.NO_ADDRESS,
        },
    )


def concatenate(pdfs: list[bytes]) -> bytes:
    """One PDF of several (a cover notice and the letter; the day's mail batch)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for content in pdfs:
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
