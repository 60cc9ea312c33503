"""The reviews app's demo data: the reviewers' credentials, assignments, drafts, QA and the signed seed case.

One part of ``manage.py load_demo`` (``imr_site``); it runs after the cases app's part, which creates the
logins and the cases. Every step goes through the product's own services, as the administrator and the
reviewer would, and runs only if the case has not reached it yet.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from cases.demo import DEMO_CASE_NUMBERS, SEED_CASE_NUMBER, to_eligible
from cases.models import Case
from reviews.assignment.services import accept_assignment, assign
from reviews.models import Affiliation, Certification, License, ReviewerProfile, ReviewStatus
from reviews.workspace import drafts, signoff


@dataclass(frozen=True)
class DemoReviewer:
    username: str
    licenses: list[tuple[str, str, int]]  # state, number, days until the licence expires
    specialties: list[str]
    years: int
    hours: int
    max_open_cases: int
    affiliations: list[tuple[str, str]] = field(default_factory=list)  # kind, name


LONG_VALID = 3 * 365

DEMO_REVIEWERS = [
    # The seed letter's expert reviewer (its states of licensure and certifications).
    DemoReviewer("dr.rivera", [("TX", "TX-D-40001", LONG_VALID), ("NY", "NY-263001", LONG_VALID),
                               ("CA", "CA-A-120001", LONG_VALID)],
                 ["preventive_medicine", "occupational_medicine"], years=18, hours=32, max_open_cases=8),
    DemoReviewer("dr.chen", [("CA", "CA-G-88002", LONG_VALID)], ["orthopedic_surgery"],
                 years=12, hours=40, max_open_cases=8),
    # The next three show each assignment rule at work. A licence expiring within 30 days: flagged.
    DemoReviewer("dr.patel", [("CA", "CA-A-130003", 20)], ["pmr", "pain_medicine"],
                 years=14, hours=36, max_open_cases=6),
    # Works for the seed case's employer: screened out of it, with the reason shown.
    DemoReviewer("dr.okafor", [("CA", "CA-G-140004", 900)], ["orthopedic_surgery"],
                 years=22, hours=30, max_open_cases=6,
                 affiliations=[("employer", "Example Distribution, Inc.")]),
    # Part-time practice: shown as not eligible (fewer than 24 hours a week).
    DemoReviewer("dr.nguyen", [("CA", "CA-A-150005", 900)], ["family_medicine"],
                 years=9, hours=12, max_open_cases=6),
]  # fmt: skip

# The seed letter's clinical case summary and decisions, verbatim.
SEED_DETERMINATION_PATH = Path(__file__).resolve().parent / "examples" / "seed-determination.json"
SEED_DETERMINATION = json.loads(SEED_DETERMINATION_PATH.read_text())
SEED_SUMMARY = SEED_DETERMINATION["clinical_summary"]
SEED_DECISIONS = [
    (d["decision"], d["guideline_citations"], d["rationale"]) for d in SEED_DETERMINATION["decisions"]
]

# Synthetic drafts (no real PHI, written for the demo).
DRAFT_SUMMARY = (
    "The applicant is a represented 46-year-old who has filed a claim for chronic low back pain reportedly "
    "associated with cumulative trauma. In a Utilization Review report, the claims administrator modified "
    "a request for Norco and failed to approve cyclobenzaprine. The applicant remains off work. Pain "
    "scores of 7/10 fall to 5/10 with medications; no urine drug screen is on file."
)
QA_SUMMARY = (
    "The applicant is a 29-year-old who has filed a claim for left shoulder pain after lifting overhead. "
    "The claims administrator failed to approve 8 sessions of physical therapy. The applicant has returned "
    "to modified duty, has had no prior physical therapy, and shows a painful arc and a positive Neer sign."
)
QA_RATIONALE = (
    "The request for 8 sessions of physical therapy for the left shoulder was medically necessary, "
    "medically appropriate, and indicated here. The applicant had received no prior physical therapy for "
    "the shoulder, had returned to modified duty, and an initial course of active therapy with a home "
    "exercise program is the first-line treatment the MTUS describes for impingement syndrome. Therefore, "
    "the request was medically necessary."
)


def load() -> None:
    """The reviewers' credentials, then each synthetic case brought to its stage and the seed case signed."""
    load_reviewers()
    load_reviews()


@transaction.atomic
def load_reviewers() -> None:
    """Give each demo reviewer login its profile, licences, certifications and affiliations."""
    today = datetime.date.today()
    for spec in DEMO_REVIEWERS:
        profile, _ = ReviewerProfile.objects.get_or_create(
            user=_user(spec.username),
            defaults={
                "years_in_practice": spec.years,
                "hours_per_week": spec.hours,
                "max_open_cases": spec.max_open_cases,
            },
        )
        for state, number, days in spec.licenses:
            License.objects.get_or_create(
                reviewer=profile,
                state=state,
                defaults={
                    "number": number,
                    "expires_on": today + datetime.timedelta(days=days),
                    "verified_on": today,
                },
            )
        for specialty in spec.specialties:
            Certification.objects.get_or_create(reviewer=profile, specialty=specialty)
        for kind, name in spec.affiliations:
            Affiliation.objects.get_or_create(reviewer=profile, kind=kind, name=name)


def load_reviews() -> None:
    """CM26-0000102 awaiting acceptance, CM26-0000103 in review with a draft, CM26-0000104 in QA, and the
    seed case signed exactly as the seed letter."""
    cases = {
        c.case_number: c for c in Case.objects.filter(case_number__in=[*DEMO_CASE_NUMBERS, SEED_CASE_NUMBER])
    }

    _assign(cases["CM26-0000102"], "dr.rivera", accepted=False)

    _assign(cases["CM26-0000103"], "dr.rivera", accepted=True)
    draft_review(
        cases["CM26-0000103"],
        "dr.rivera",
        DRAFT_SUMMARY,
        [("Upheld", "MTUS Chronic Pain Medical Treatment 2009, Section(s): Opioids", "")],
    )

    _assign(cases["CM26-0000104"], "dr.chen", accepted=True)
    review = draft_review(
        cases["CM26-0000104"],
        "dr.chen",
        QA_SUMMARY,
        [("Overturned", "MTUS Shoulder Complaints 2004, Section(s): Initial Care", QA_RATIONALE)],
    )
    if review.status == ReviewStatus.DRAFT:
        signoff.submit_for_qa(review, by=_user("dr.chen"))

    seed = cases[SEED_CASE_NUMBER]
    _assign(seed, "dr.rivera", accepted=True)
    if seed.reviews.latest_signed() is None:
        review = draft_review(seed, "dr.rivera", SEED_SUMMARY, SEED_DECISIONS)
        if review.status == ReviewStatus.DRAFT:
            if settings.IMR_QA_REQUIRED:
                signoff.submit_for_qa(review, by=_user("dr.rivera"))
                signoff.qa_approve(review, by=_user("qa"))
            else:
                signoff.sign_off(review, by=_user("dr.rivera"))


def draft_review(case: Case, username: str, summary: str, decisions: list[tuple[str, str, str]]):
    """Write the review through the workspace's own services, as the reviewer would."""
    user = _user(username)
    review = drafts.start_review(case, user)
    if not review.is_editable or review.revision:
        return review
    data = {drafts.SUMMARY_KEY: summary}
    items = list(case.disputed_items.all())
    for item, (decision, citation, rationale) in zip(items, decisions, strict=False):
        data[drafts.item_key(item.pk, "decision")] = decision
        data[drafts.item_key(item.pk, "guideline_citations")] = citation
        data[drafts.item_key(item.pk, "rationale")] = rationale
    drafts.save_draft(review, data, review.revision, by=user)
    review.refresh_from_db()
    return review


def _assign(case: Case, username: str, accepted: bool):
    """Assign (and accept) through the assignment workflow, screened and recorded as in real use."""
    admin = _user("admin")
    assignment = case.assignments.filter(active=True).first()
    if assignment is None:
        to_eligible(case, by=admin)
        profile = ReviewerProfile.objects.get(user__username=username)
        assignment = assign(case, profile, by=admin, reason="Demo data")
    if accepted and not assignment.accepted_at:
        assignment = accept_assignment(assignment, by=assignment.reviewer.user)
    return assignment


def _user(username: str):
    return get_user_model().objects.get(username=username)
