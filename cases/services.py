"""What the product does to a case: status transitions with their actor, under a row lock."""

from __future__ import annotations

from django.db import transaction
from django_fsm import can_proceed

from cases.models import Case, CaseStatus


class TransitionError(Exception):
    """A transition that the case's current status does not allow; the message is for the user."""


TRANSITION_LABELS = {
    "start_eligibility_review": "start eligibility review",
    "mark_eligible": "mark eligible",
    "mark_ineligible": "mark ineligible",
    "request_records": "request records",
    "mark_insufficient_records": "mark records insufficient",
    "assign": "assign",
    "unassign": "unassign",
    "start_review": "start review",
    "issue_determination": "issue the determination",
    "reopen_for_amendment": "reopen for amendment",
    "withdraw": "withdraw",
    "close": "close",
}

# What an administrator may do by hand from the case page; assignment and review transitions go
# through reviews.services, which keeps the assignment and review records consistent.
ADMIN_TRANSITIONS = [
    "start_eligibility_review",
    "mark_eligible",
    "mark_ineligible",
    "request_records",
    "mark_insufficient_records",
    "withdraw",
    "close",
]


def transition_case(case: Case, name: str, by=None, reason: str = "", **kwargs) -> Case:
    """Apply transition ``name`` to ``case`` under a row lock and record it.

    The lock makes two administrators acting at once serialise: the second sees the new status and is
    told the transition is no longer allowed, instead of silently repeating it.
    """
    if name not in TRANSITION_LABELS:
        raise TransitionError(f"Unknown action {name!r}.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        method = getattr(locked, name)
        if not can_proceed(method):
            raise TransitionError(
                f"Case {locked.case_number} is {CaseStatus(locked.status).label.lower()}: "
                f"cannot {TRANSITION_LABELS[name]}."
            )
        try:
            method(by=by, reason=reason, **kwargs)
        except ValueError as exc:
            raise TransitionError(str(exc)) from exc
        locked.save()
    case.refresh_from_db()
    return case


def available_admin_transitions(case: Case) -> list[tuple[str, str]]:
    return [(n, TRANSITION_LABELS[n]) for n in ADMIN_TRANSITIONS if can_proceed(getattr(case, n))]
