"""Demo data for a newcomer: documented logins, the seed case and cases at every stage.

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cases.intake import EXAMPLE_CASE_PATH, import_file
from cases.models import Case
from cases.roles import ensure_roles
from cases.rules import ADMINISTRATOR, QA, REVIEWER
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
    return lines
