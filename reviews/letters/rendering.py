"""The Final Determination letter: its context, its HTML, and the PDF WeasyPrint makes of that HTML.

One template (``reviews/letters/letter.html``) serves the PDF, the browser preview before sign-off and
``manage.py render_letter``, so what the reviewer previews is what the recipients get. Rendering is
deterministic: the same review and letter version give the same bytes (dates come from the records,
never from the clock), so a lost file can be restored byte-for-byte and its SHA-256 still holds.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from guidelines.services import is_mtus_citation
from reviews.letters.texts import TYPED_CITATION_PREFIX, letter_texts
from reviews.models import DeterminationLetter, ItemDecision, Review, ReviewStatus
from reviews.models.reviewers import US_STATES, Specialty

# WeasyPrint logs every layout step at INFO: quiet it unless the project's LOGGING says otherwise.
_progress_logger = logging.getLogger("weasyprint.progress")
if _progress_logger.level == logging.NOTSET:
    _progress_logger.setLevel(logging.WARNING)

LETTER_TEMPLATE = "reviews/letters/letter.html"
# Relative URLs in the letter (none today) resolve against the project's static folder, on disk.
STATIC_BASE = Path(settings.BASE_DIR) / "static"
HEADER_DATE = "%m/%d/%Y"
# A tagged PDF: headings, paragraphs and reading order for screen readers (about 5% more render time).
PDF_OPTIONS = {"pdf_tags": True}


class LetterNotRenderable(Exception):
    """The review cannot make a Final Determination letter (not signed, an item undecided)."""


@dataclass
class LetterItem:
    heading: str
    decision: str
    claims_administrator_guideline: list[str]
    organisation_guideline: list[str]
    rationale: list[SafeString] = field(default_factory=list)


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _us_date(value: datetime.date | None) -> str:
    return value.strftime(HEADER_DATE) if value else ""


def _long_date(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def paragraphs(text: str) -> list[SafeString]:
    """Blank lines separate paragraphs, single newlines are kept as line breaks; everything escaped."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return []
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return [mark_safe("<br>".join(escape(line) for line in block.split("\n"))) for block in blocks]  # noqa: S308


def _sentence(citation: str) -> str:
    citation = citation.strip().rstrip(".").strip()
    if citation.lower().startswith(TYPED_CITATION_PREFIX):
        citation = citation[len(TYPED_CITATION_PREFIX) :]
    return citation


def decision_based_on_sentence(citation: str, texts: dict[str, str]) -> str:
    """'Decision based on <citation>.' for one citation line, as the letter prints it."""
    return texts["decision_based_on"].format(citation=_sentence(citation))


def _based_on(citations: list[str], texts: dict[str, str]) -> list[str]:
    return [decision_based_on_sentence(c, texts) for c in citations if _sentence(c)]


def organisation_guideline_sentences(decision: ItemDecision | None, texts: dict[str, str]) -> list[str]:
    """'Decision based on <citation>.' per citation, as the letters print the reviewer's guideline line."""
    citations = decision.citation_lines if decision else []
    sentences = _based_on(citations, texts)
    if not sentences:
        return [texts["reviewer_no_citation"]]
    if not any(is_mtus_citation(cited) for cited in map(_sentence, citations) if cited):
        return [texts["outside_mtus"], *sentences]
    return sentences


def claims_administrator_sentences(guidelines: list[str], texts: dict[str, str]) -> list[str]:
    sentences = _based_on(list(guidelines or []), texts)
    return sentences or [texts["claims_administrator_no_citation"]]


def credentials(review: Review) -> tuple[list[str], list[str]]:
    """States of licensure and certifications/specialties: the copy taken at sign-off, else the profile.

    Never the reviewer's name, email, license numbers or user id.
    """
    snapshot = review.credentials_snapshot or {}
    states = list(snapshot.get("states") or [])
    specialties = list(snapshot.get("specialties") or [])
    if not states:
        states = review.reviewer.licensure_states()
    if not specialties:
        specialties = review.reviewer.specialty_labels()
    state_names = dict(US_STATES)
    specialty_labels = dict(Specialty.choices)
    states = [state_names.get(s, s) for s in states]
    specialties = [specialty_labels.get(s, s) for s in specialties]
    return states, specialties


def _date_assigned(review: Review) -> datetime.date | None:
    assignment = review.assignment
    if assignment is None:
        assignment = review.case.assignments.filter(reviewer=review.reviewer).order_by("-assigned_at").first()
    return _local_date(assignment.assigned_at) if assignment else None


def _same(text: str) -> str:
    return text


def letter_items(
    review: Review, texts: dict[str, str], *, final: bool, redact: Callable[[str], str] = _same
) -> list[LetterItem]:
    decisions = {d.disputed_item_id: d for d in review.decisions.all()}
    items = []
    for item in review.case.disputed_items.all():
        decision = decisions.get(item.pk)
        if final and (decision is None or not decision.decision):
            raise LetterNotRenderable(f"Disputed item {item.position + 1} has no decision.")
        items.append(
            LetterItem(
                heading=redact(item.heading),
                decision=(
                    decision.get_decision_display()
                    if decision and decision.decision
                    else texts["not_decided"]
                ),
                claims_administrator_guideline=claims_administrator_sentences(
                    item.claims_administrator_guidelines, texts
                ),
                organisation_guideline=organisation_guideline_sentences(decision, texts),
                rationale=paragraphs(redact(decision.rationale) if decision else ""),
            )
        )
    return items


def letter_context(
    review: Review,
    letter: DeterminationLetter | None = None,
    *,
    preview: bool = False,
    redact: Callable[[str], str] = _same,
) -> dict:
    """Everything the letter template prints, from the review (and the letter version, when issued).

    A final letter needs a signed review with every item decided; a preview renders any draft. ``redact``
    rewrites the reviewer's free text (summary, item headings, rationales): the public form's names out
    (``reviews.letters.publication``).
    """
    final = not preview
    if final and review.status not in (ReviewStatus.SIGNED, ReviewStatus.SUPERSEDED):
        raise LetterNotRenderable(f"Review {review.pk} is not signed off.")
    case = review.case
    texts = letter_texts()
    states, specialties = credentials(review)
    issued_at = letter.requested_at if letter and letter.requested_at else timezone.now()
    decision_date = _local_date(review.signed_at) if review.signed_at else None
    replaces = ""
    if letter is not None and letter.supersedes_id:
        previous = letter.supersedes
        replaces = texts["replaces"].format(
            version=letter.version,
            previous=previous.version,
            previous_date=_long_date(_local_date(previous.requested_at)),
        )
    return {
        "texts": texts,
        "organisation": settings.IMR_ORGANISATION,
        "case_number": case.case_number,
        "header": {
            "date_assigned": _us_date(_date_assigned(review)),
            "date_of_injury": _us_date(case.injury_date),
            "decision_date": _us_date(decision_date),
            "ur_denial_date": _us_date(case.ur_decision_date),
            "priority": case.get_review_type_display(),
            "application_received": _us_date(case.received_date),
        },
        "date_issued": _long_date(_local_date(issued_at)),
        # PDF metadata: fixed per version so that re-rendering gives the same bytes.
        "created_iso": timezone.localtime(issued_at).replace(microsecond=0).isoformat(),
        "version": letter.version if letter else None,
        "replaces": replaces,
        "licensure_states": ", ".join(states),
        "specialties": ", ".join(specialties),
        "clinical_summary": paragraphs(redact(review.clinical_summary)),
        "items": letter_items(review, texts, final=final, redact=redact),
        "preview": preview,
    }


def render_letter_html(
    review: Review, letter: DeterminationLetter | None = None, *, preview: bool = False
) -> str:
    """The letter as HTML, from the one template the PDF and the browser preview share."""
    return render_to_string(LETTER_TEMPLATE, letter_context(review, letter, preview=preview))


class _LocalOnlyFetcher:
    """Lets WeasyPrint read the project's own static files and nothing else: no network, ever."""

    def __init__(self) -> None:
        from weasyprint.urls import URLFetcher

        self._fetcher = URLFetcher(allowed_protocols=["file"], timeout=1)
        self._root = STATIC_BASE.resolve()

    def allows(self, url: str) -> bool:
        """Whether ``url`` is a file inside the static folder once ``..`` and symbolic links are resolved
        (a prefix check on the text would let ``static/../..`` through)."""
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return self._root in path.parents

    def fetch(self, url: str, headers=None):
        if not self.allows(url):
            raise ValueError(f"The letter may only load the project's static files, not {url[:80]}")
        return self._fetcher.fetch(url, headers)

    __call__ = fetch


@dataclass
class RenderedPdf:
    content: bytes
    page_count: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def render_letter_pdf(html: str) -> RenderedPdf:
    """WeasyPrint's PDF of the letter HTML, with its page count (from the same layout)."""
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=STATIC_BASE.resolve().as_uri() + "/", url_fetcher=_LocalOnlyFetcher()
    ).render()
    return RenderedPdf(content=document.write_pdf(**PDF_OPTIONS), page_count=len(document.pages))
