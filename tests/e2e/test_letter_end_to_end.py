"""From the seed case to the downloaded Final Determination letter, with a real Celery worker on Redis.

Imports the seed case, assigns it, completes the review with the seed letter's decisions, signs it and
requests the letter as sign-off does; a real worker (not eager mode) renders it; the letter is then
downloaded through the view and its text checked against the seed letter.
"""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from cases.intake import EXAMPLE_CASE_PATH, import_file
from reviews.models import DeterminationLetter, LetterDownload, LetterStatus
from tests.auth import log_in
from tests.reviews.letters.helpers import (  # noqa: F401 - seed_letterhead is a fixture
    normalise,
    page_texts,
    pdf_text,
    seed_letterhead,
    seed_reviewer,
)
from tests.seed_determination import SEED_DECISIONS, sign_seed_review

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("seed_letterhead")]

# Generous: only there so that a broken worker fails the test instead of hanging it.
WAIT_FOR_LETTER_SECONDS = 180


def _wait_until_settled(letter: DeterminationLetter) -> DeterminationLetter:
    deadline = time.monotonic() + WAIT_FOR_LETTER_SECONDS
    seen = []
    while time.monotonic() < deadline:
        letter.refresh_from_db()
        if not seen or seen[-1] != letter.status:
            seen.append(letter.status)
        if not letter.in_progress:
            return letter
        time.sleep(0.1)
    pytest.fail(f"the letter never left {letter.status}; statuses seen: {seen}")


def test_seed_case_letter_rendered_by_a_real_worker_and_downloaded(celery_worker, client):
    report = import_file(EXAMPLE_CASE_PATH)
    assert report.ok, report.lines()
    case = report.imported[0].case
    reviewer = seed_reviewer()
    # Assigned, accepted, decided as in the seed letter and signed off through the services; sign-off
    # records the letter request and queues it for the worker.
    review = sign_seed_review(case, reviewer, keep_letter=True)
    letter = _wait_until_settled(review.letters.get())
    assert letter.status == LetterStatus.READY, letter.error
    assert letter.attempts == 1

    log_in(client, reviewer.user)
    response = client.get(reverse("reviews:letter_download", args=[case.case_number, letter.version]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="CM15-0165834')
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert LetterDownload.objects.filter(letter=letter, user=reviewer.user).count() == 1

    for heading in [
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "The Expert Reviewer has the following credentials:",
        "CLINICAL CASE SUMMARY",
        "IMR ISSUES, DECISIONS AND RATIONALES",
    ]:
        assert heading in text
    assert "MAXIMUS Federal Services sent the complete case file to an expert reviewer." in text
    assert "State(s) of Licensure: Texas, New York, California" in text
    assert "Certification(s)/Specialty: Preventive Medicine, Occupational Medicine" in text
    assert "Physical therapy for the lumbar spine, quantity 12: Upheld" in text
    assert "MRI of the lumbar spine: Overturned" in text
    assert (
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009."
    ) in text
    assert (
        "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004. Decision based on "
        "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter."
    ) in text
    assert (
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009, Section(s): "
        "Introduction, Physical Medicine."
    ) in text
    assert (
        "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies."
    ) in text
    for entry in SEED_DECISIONS:
        assert "Decision rationale: " + normalise(entry["rationale"]) in text
    for identifying in [reviewer.user.first_name, reviewer.user.last_name, reviewer.user.email]:
        assert identifying not in text
    pages = page_texts(content)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Case Number: CM15-0165834" in page
