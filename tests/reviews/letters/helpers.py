"""Shared set-up for the letter tests: signed reviews, issued letters, PDF text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reviews.letters import services
from reviews.models import DeterminationLetter, ReviewerProfile
from tests import factories
from tests.seed_determination import SEED_SPECIALTIES, SEED_STATES, sign_seed_review

# The organisation that issued the seed letter (../shared/seeds/): tests that compare our letter with it
# print the same letterhead. The application's own default is a fictional demo organisation.
SEED_ORGANISATION = {
    "name": "MAXIMUS Federal Services",
    "short_name": "MAXIMUS",
    "address_lines": ["Independent Medical Review", "P.O. Box 138009", "Sacramento, CA 95813-8009"],
    "phone": "(855) 865-8873",
}


@pytest.fixture
def seed_letterhead(settings) -> dict:
    settings.IMR_ORGANISATION = SEED_ORGANISATION
    return SEED_ORGANISATION


def seed_reviewer() -> ReviewerProfile:
    return factories.reviewer_with_credentials(
        states=SEED_STATES, specialties=SEED_SPECIALTIES, user__first_name="Dana", user__last_name="Rivera"
    )


def signed_seed_review(seed_case, reviewer: ReviewerProfile | None = None):
    return sign_seed_review(seed_case, reviewer or seed_reviewer())


def issue(review, by=None, capture=None) -> DeterminationLetter:
    """request_letter as sign-off calls it, running the on-commit enqueue (eager in unit tests)."""
    with capture(execute=True):
        letter = services.request_letter(review, by=by)
    letter.refresh_from_db()
    return letter


RUNNING_FOOTER = re.compile(r"\s*Case Number: \S+\s+Page \d+ of \d+\s*$")


def pdf_text(content: bytes) -> str:
    """The letter's text with whitespace collapsed and each page's running header/footer (case number,
    "Page N of M") taken out, so passages that cross a page break read as one."""
    reader = PdfReader(io.BytesIO(content))
    return normalise(" ".join(RUNNING_FOOTER.sub("", page.extract_text()) for page in reader.pages))


def page_texts(content: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
