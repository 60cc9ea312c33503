"""The text of every page of a case's medical records, read once and kept as ``RecordPage`` rows.

Why: the reviewer searches across hundreds of pages and needs the page a hit is on, for a citation such as
"(progress note, 02/14/2017, p. 3)". Reading a PDF's text costs time, so it is done once per record (a
Celery task queued when a record is saved, and lazily by ``ensure_pages`` for any record still unread),
never per search. A text record is one page.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from cases.models import Case, MedicalRecord, RecordPage

logger = logging.getLogger(__name__)

SNIPPET_CHARS = 70
MAX_QUERY_CHARS = 200
_WORD = re.compile(r"\w[\w'-]*")


def page_texts(record: MedicalRecord) -> list[str]:
    """Each page's text: the PDF's pages (pypdf), else the record's text as one page."""
    if not record.file:
        return [record.text or ""]
    from pypdf import PdfReader

    with record.file.open("rb") as handle:
        content = handle.read()
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        texts = []
        for page in reader.pages:
            try:
                texts.append(page.extract_text() or "")
            except Exception:  # one unreadable page must not hide the others
                texts.append("")
        return texts
    except Exception as exc:  # checked at intake, so only a damaged stored file lands here
        logger.warning("record %s: no text read from its PDF (%s)", record.pk, type(exc).__name__)
        return [record.text or ""]


def extract_pages(record: MedicalRecord) -> int:
    """(Re)build the record's pages; returns how many. Idempotent."""
    texts = page_texts(record)
    with transaction.atomic():
        RecordPage.objects.filter(record=record).delete()
        RecordPage.objects.bulk_create(
            RecordPage(record=record, number=n, text=t.replace("\x00", "")) for n, t in enumerate(texts, 1)
        )
    return len(texts)


def ensure_pages(case: Case) -> None:
    """Read the records of the case that have no pages yet (the task may not have run)."""
    for record in case.records.filter(pages__isnull=True):
        extract_pages(record)


@dataclass
class PageHit:
    number: int
    snippet: str


@dataclass
class RecordHits:
    record: MedicalRecord
    pages: list[PageHit] = field(default_factory=list)
    in_details: bool = False  # the title, author or the record's own text (beside its PDF)


def _snippet(text: str, term: str) -> str:
    flat = " ".join(text.split())
    at = flat.lower().find(term.lower())
    if at < 0:
        return flat[: SNIPPET_CHARS * 2]
    start = max(at - SNIPPET_CHARS, 0)
    end = min(at + len(term) + SNIPPET_CHARS, len(flat))
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


def search(case: Case, query: str) -> list[RecordHits]:
    """Every page of the case's records holding all the words of ``query``, grouped by record in the
    records' order; a record whose title, author or own text (beside a PDF) holds them is listed even
    without a page hit."""
    query = query.strip()[:MAX_QUERY_CHARS]
    terms = _WORD.findall(query) or ([query] if query else [])
    if not terms:
        return []
    ensure_pages(case)
    page_condition, title_condition = Q(), Q()
    for term in terms:
        page_condition &= Q(text__icontains=term)
        title_condition &= Q(title__icontains=term) | Q(author__icontains=term) | Q(text__icontains=term)
    records = list(case.records.all())
    by_record = {r.pk: RecordHits(record=r) for r in records}
    for pk in case.records.filter(title_condition).values_list("pk", flat=True):
        by_record[pk].in_details = True
    pages = RecordPage.objects.filter(page_condition, record__case=case).order_by("record", "number")
    for page in pages.only("record_id", "number", "text"):
        by_record[page.record_id].pages.append(PageHit(page.number, _snippet(page.text, terms[0])))
    return [h for h in (by_record[r.pk] for r in records) if h.pages or h.in_details]
