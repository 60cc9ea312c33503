"""Demo data for a newcomer: documented logins, the seed case and cases at every stage.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cases.intake import EXAMPLE_CASE_PATH, import_file
from cases.models import Case
from imr_site.roles import ADMINISTRATOR, QA, REVIEWER, ensure_roles
from reviews.models import Certification, License, ReviewerProfile

# Documented in the README. Demo only: never load these into a production database.
DEMO_USERS = [
    # username, password, group, first, last
    ("admin", "imr-demo-admin", ADMINISTRATOR, "Alex", "Admin"),
    ("dr.rivera", "imr-demo-reviewer", REVIEWER, "Dana", "Rivera"),
    ("dr.chen", "imr-demo-reviewer", REVIEWER, "Morgan", "Chen"),
    ("qa", "imr-demo-qa", QA, "Quinn", "Assurance"),
]

# The seed letter's expert reviewer credentials (states of licensure, certifications).
DEMO_REVIEWERS = {
    "dr.rivera": {
        "licenses": [("TX", "TX-D-40001"), ("NY", "NY-263001"), ("CA", "CA-A-120001")],
        "specialties": ["preventive_medicine", "occupational_medicine"],
        "years": 18,
        "hours": 32,
    },
    "dr.chen": {
        "licenses": [("CA", "CA-G-88002")],
        "specialties": ["orthopedic_surgery"],
        "years": 12,
        "hours": 40,
    },
}


@transaction.atomic
def load_users() -> dict[str, object]:
    ensure_roles()
    User = get_user_model()
    users = {}
    for username, password, group, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.is_staff = group == ADMINISTRATOR
            user.save()
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    far_future = datetime.date.today() + datetime.timedelta(days=3 * 365)
    for username, spec in DEMO_REVIEWERS.items():
        profile, _ = ReviewerProfile.objects.get_or_create(
            user=users[username],
            defaults={
                "years_in_practice": spec["years"],
                "hours_per_week": spec["hours"],
                "max_open_cases": 8,
            },
        )
        for state, number in spec["licenses"]:
            License.objects.get_or_create(
                reviewer=profile,
                state=state,
                defaults={"number": number, "expires_on": far_future, "verified_on": datetime.date.today()},
            )
        for specialty in spec["specialties"]:
            Certification.objects.get_or_create(reviewer=profile, specialty=specialty)
    return users


# More reviewers so the assignment screens show each rule at work (added by the assignment part):
# username, first, last, licenses (state, number, days until expiry), specialties, years, hours, affiliations.
ASSIGNMENT_DEMO_REVIEWERS = [
    ("dr.patel", "Priya", "Patel", [("CA", "CA-A-130003", 20)], ["pmr", "pain_medicine"], 14, 36, []),
    # Works for the seed case's employer: screened out of it, with the reason shown.
    ("dr.okafor", "Sam", "Okafor", [("CA", "CA-G-140004", 900)], ["orthopedic_surgery"], 22, 30,
     [("employer", "Example Distribution, Inc.")]),
    # Part-time practice: shown as not eligible (fewer than 24 hours a week).
    ("dr.nguyen", "Lee", "Nguyen", [("CA", "CA-A-150005", 900)], ["family_medicine"], 9, 12, []),
]  # fmt: skip


@transaction.atomic
def load_assignment_reviewers() -> list[str]:
    from reviews.models import Affiliation

    User = get_user_model()
    group = Group.objects.get(name=REVIEWER)
    today = datetime.date.today()
    for username, first, last, licenses, specialties, years, hours, affiliations in ASSIGNMENT_DEMO_REVIEWERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password("imr-demo-reviewer")
            user.save()
        user.groups.add(group)
        profile, _ = ReviewerProfile.objects.get_or_create(
            user=user, defaults={"years_in_practice": years, "hours_per_week": hours, "max_open_cases": 6}
        )
        for state, number, days in licenses:
            License.objects.get_or_create(
                reviewer=profile,
                state=state,
                defaults={
                    "number": number,
                    "expires_on": today + datetime.timedelta(days=days),
                    "verified_on": today,
                },
            )
        for specialty in specialties:
            Certification.objects.get_or_create(reviewer=profile, specialty=specialty)
        for kind, name in affiliations:
            Affiliation.objects.get_or_create(reviewer=profile, kind=kind, name=name)
    return [f"user {row[0]}" for row in ASSIGNMENT_DEMO_REVIEWERS]


def load_cases() -> list[str]:
    lines = []
    if not Case.objects.filter(case_number="CM15-0165834").exists():
        lines += import_file(EXAMPLE_CASE_PATH).lines()
    return lines


def load_demo() -> list[str]:
    users = load_users()
    lines = [f"user {name}" for name in users]
    lines += load_assignment_reviewers()
    lines += load_cases()
    lines += load_workspace_demo(users)
    return lines


# -- the reviewer's workspace: the seed case signed as in the seed letter, and cases at every stage -----
DEMO_CASES_PATH = EXAMPLE_CASE_PATH.parent / "demo-cases.json"
SEED_CASE_NUMBER = "CM15-0165834"

# The seed letter's clinical case summary and decisions, verbatim (the seed letter in ../shared/seeds/).
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


def _shifted_demo_cases(today: datetime.date) -> dict:
    """The synthetic cases with their dates moved so each clock is running when the demo is loaded."""
    import json

    data = json.loads(DEMO_CASES_PATH.read_text(encoding="utf-8"))
    for case in data["cases"]:
        received = datetime.date.fromisoformat(case["received_date"])
        target = today - datetime.timedelta(days=2 if case["review_type"] == "expedited" else 12)
        _shift_dates(case, target - received)
    return data


def _shift_dates(node, delta: datetime.timedelta):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
                node[key] = (datetime.date.fromisoformat(value) + delta).isoformat()
            else:
                _shift_dates(value, delta)
    elif isinstance(node, list):
        for value in node:
            _shift_dates(value, delta)


def _to_eligible(case: Case, admin) -> None:
    from cases.services import transition_case

    if case.status == "received":
        transition_case(case, "start_eligibility_review", by=admin)
    if case.status == "eligibility_review":
        transition_case(case, "mark_eligible", by=admin)


def _assign(case: Case, username: str, admin, accepted: bool):
    """Assign (and accept) through the assignment workflow, screened and recorded as in real use."""
    from reviews.assignment.services import accept_assignment, assign

    assignment = case.assignments.filter(active=True).first()
    if assignment is None:
        _to_eligible(case, admin)
        profile = ReviewerProfile.objects.get(user__username=username)
        assignment = assign(case, profile, by=admin, reason="Demo data")
    if accepted and not assignment.accepted_at:
        assignment = accept_assignment(assignment, by=assignment.reviewer.user)
    return assignment


def draft_review(case: Case, username: str, summary: str, decisions: list[tuple[str, str, str]]):
    """Write the review through the workspace's own services, as the reviewer would."""
    from reviews.workspace import drafts

    user = get_user_model().objects.get(username=username)
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


def load_workspace_demo(users: dict) -> list[str]:
    """The seed case signed exactly as the seed letter; synthetic cases unassigned, awaiting acceptance,
    in review with a draft, and in QA. Each step runs only if the case has not reached it yet."""
    from cases.intake import import_payload
    from reviews.models import ReviewStatus
    from reviews.workspace import signoff

    admin = users["admin"]
    lines = []
    data = _shifted_demo_cases(datetime.date.today())
    missing = [c for c in data["cases"] if not Case.objects.filter(case_number=c["case_number"]).exists()]
    if missing:
        lines += import_payload({"cases": missing}, None, by=admin).lines()
    cases = {
        c.case_number: c for c in Case.objects.filter(case_number__in=[*DEMO_CASE_NUMBERS, SEED_CASE_NUMBER])
    }

    _to_eligible(cases["CM26-0000101"], admin)
    _assign(cases["CM26-0000102"], "dr.rivera", admin, accepted=False)

    _assign(cases["CM26-0000103"], "dr.rivera", admin, accepted=True)
    draft_review(
        cases["CM26-0000103"],
        "dr.rivera",
        DRAFT_SUMMARY,
        [("Upheld", "MTUS Chronic Pain Medical Treatment 2009, Section(s): Opioids", "")],
    )

    _assign(cases["CM26-0000104"], "dr.chen", admin, accepted=True)
    review = draft_review(
        cases["CM26-0000104"],
        "dr.chen",
        QA_SUMMARY,
        [("Overturned", "MTUS Shoulder Complaints 2004, Section(s): Initial Care", QA_RATIONALE)],
    )
    if review.status == ReviewStatus.DRAFT:
        signoff.submit_for_qa(review, by=users["dr.chen"])

    seed = cases[SEED_CASE_NUMBER]
    _assign(seed, "dr.rivera", admin, accepted=True)
    if not seed.reviews.filter(status=ReviewStatus.SIGNED).exists():
        review = draft_review(seed, "dr.rivera", SEED_SUMMARY, SEED_DECISIONS)
        if review.status == ReviewStatus.DRAFT:
            if settings.IMR_QA_REQUIRED:
                signoff.submit_for_qa(review, by=users["dr.rivera"])
                signoff.qa_approve(review, by=users["qa"])
            else:
                signoff.sign_off(review, by=users["dr.rivera"])
    for number in [*DEMO_CASE_NUMBERS, SEED_CASE_NUMBER]:
        case = Case.objects.get(case_number=number)
        lines.append(f"case {number}: {case.get_status_display().lower()}")
    return lines


DEMO_CASE_NUMBERS = ["CM26-0000101", "CM26-0000102", "CM26-0000103", "CM26-0000104"]
