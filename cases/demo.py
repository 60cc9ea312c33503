"""The cases app's demo data: the documented logins in their roles, the seed case and the synthetic cases.

One part of ``manage.py load_demo`` (``imr_site``). Idempotent: what is already there is left alone.
Demo only: never load these logins into a production database.
"""

from __future__ import annotations

import datetime
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cases.intake import EXAMPLE_CASE_PATH, import_file, import_payload
from cases.models import Case
from cases.services import transition_case
from imr_site.roles import ADMINISTRATOR, QA, REVIEWER, SECURITY_OFFICER, ensure_roles

# The README's table of logins: username, password, role, first name, last name. The reviewers'
# credentials (licences, specialties, practice) are the reviews app's demo data.
DEMO_USERS = [
    ("admin", "imr-demo-admin", ADMINISTRATOR, "Alex", "Admin"),
    ("dr.rivera", "imr-demo-reviewer", REVIEWER, "Dana", "Rivera"),
    ("dr.chen", "imr-demo-reviewer", REVIEWER, "Morgan", "Chen"),
    ("qa", "imr-demo-qa", QA, "Quinn", "Assurance"),
    ("security", "imr-demo-security", SECURITY_OFFICER, "Sasha", "Officer"),
    ("dr.patel", "imr-demo-reviewer", REVIEWER, "Priya", "Patel"),
    ("dr.okafor", "imr-demo-reviewer", REVIEWER, "Sam", "Okafor"),
    ("dr.nguyen", "imr-demo-reviewer", REVIEWER, "Lee", "Nguyen"),
]

SEED_CASE_NUMBER = "CM15-0165834"
# Synthetic cases (no real PHI), one for each stage the reviews app's demo data brings them to.
DEMO_CASES_PATH = EXAMPLE_CASE_PATH.parent / "demo-cases.json"
DEMO_CASE_NUMBERS = ["CM26-0000101", "CM26-0000102", "CM26-0000103", "CM26-0000104"]
UNASSIGNED_CASE_NUMBER = "CM26-0000101"


def load() -> list[str]:
    """The logins, then the seed case and the synthetic cases, each imported once."""
    lines = [f"user {name}" for name in load_logins()]
    admin = get_user_model().objects.get(username="admin")
    if not Case.objects.filter(case_number=SEED_CASE_NUMBER).exists():
        lines += import_file(EXAMPLE_CASE_PATH).lines()
    data = shifted_demo_cases(datetime.date.today())
    missing = [c for c in data["cases"] if not Case.objects.filter(case_number=c["case_number"]).exists()]
    if missing:
        lines += import_payload({"cases": missing}, None, by=admin).lines()
    to_eligible(Case.objects.get(case_number=UNASSIGNED_CASE_NUMBER), by=admin)
    return lines


@transaction.atomic
def load_logins() -> list[str]:
    """Create each login once with its documented password; an existing login keeps its password."""
    ensure_roles()
    User = get_user_model()
    for username, password, group, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.is_staff = group in (ADMINISTRATOR, SECURITY_OFFICER)
            user.save()
        user.groups.add(Group.objects.get(name=group))
    return [row[0] for row in DEMO_USERS]


def status_lines() -> list[str]:
    """Where each demo case stands once every app's demo data is loaded."""
    lines = []
    for number in [*DEMO_CASE_NUMBERS, SEED_CASE_NUMBER]:
        case = Case.objects.get(case_number=number)
        lines.append(f"case {number}: {case.get_status_display().lower()}")
    return lines


def to_eligible(case: Case, by) -> None:
    """Through eligibility review to eligible, as an administrator would; a later case is left alone."""
    if case.status == "received":
        transition_case(case, "start_eligibility_review", by=by)
    if case.status == "eligibility_review":
        transition_case(case, "mark_eligible", by=by)


def shifted_demo_cases(today: datetime.date) -> dict:
    """The synthetic cases with their dates moved so each clock is running when the demo is loaded."""
    data = json.loads(DEMO_CASES_PATH.read_text(encoding="utf-8"))
    for case in data["cases"]:
        received = datetime.date.fromisoformat(case["received_date"])
        target = today - datetime.timedelta(days=2 if case["review_type"] == "expedited" else 12)
        _shift_dates(case, target - received)
    return data


def _shift_dates(node, delta: datetime.timedelta) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
                node[key] = (datetime.date.fromisoformat(value) + delta).isoformat()
            else:
                _shift_dates(value, delta)
    elif isinstance(node, list):
        for value in node:
            _shift_dates(value, delta)
