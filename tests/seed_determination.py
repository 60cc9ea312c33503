"""The seed letter's determination (../shared/seeds/), as a reviewer would enter it for the seed case.

Used by the letter tests and by bench/bench_letters.py to complete and sign the seed case's review. The
text itself is the project's data file reviews/examples/seed-determination.json (also used by load_demo).
"""

from __future__ import annotations

import json

from cases.demo import to_eligible
from cases.intake import EXAMPLE_CASE_PATH
from cases.models import Case
from reviews.assignment.services import accept_assignment, assign
from reviews.demo import SEED_DETERMINATION, SEED_SUMMARY, draft_review
from reviews.models import Review, ReviewerProfile
from reviews.workspace.signoff import sign_off

SEED_CASE = json.loads(EXAMPLE_CASE_PATH.read_text())

SEED_DECISIONS = [
    {
        **d,
        "heading": item["description"]
        + (f", quantity {item['quantity']}" if item.get("quantity", 1) > 1 else ""),
    }
    for d, item in zip(SEED_DETERMINATION["decisions"], SEED_CASE["disputed_items"], strict=True)
]
SEED_STATES = tuple(SEED_DETERMINATION["credentials"]["states"])
SEED_SPECIALTIES = tuple(SEED_DETERMINATION["credentials"]["specialties"])


def sign_seed_review(
    case: Case, reviewer: ReviewerProfile, *, signed: bool = True, keep_letter: bool = False
) -> Review:
    """Assign the case to the reviewer and complete its review with the seed letter's decisions.

    Goes through the product's own services, as an administrator and the reviewer would: eligibility,
    screened assignment, acceptance with the conflict attestation, the draft, and sign-off (which requests
    the letter). Tests of the letter machinery itself request the letter on their own terms, so the
    letter sign-off asked for is removed unless ``keep_letter``.
    """
    to_eligible(case, by=None)
    assignment = assign(case, reviewer, by=None, reason="Seed letter")
    accept_assignment(assignment, by=reviewer.user)
    decisions = [(d["decision"], d["guideline_citations"], d["rationale"]) for d in SEED_DECISIONS]
    review = draft_review(case, reviewer.user.get_username(), SEED_SUMMARY, decisions)
    if signed:
        sign_off(review, by=reviewer.user)
        review.refresh_from_db()
        if not keep_letter:
            for letter in review.letters.all():
                if letter.file:
                    letter.file.delete(save=False)
                letter.delete()
    return review
