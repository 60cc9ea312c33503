"""What the product does to a case: status transitions with their actor, under a row lock; records that
arrive after intake; the records-complete date that starts the review clock."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django_fsm import can_proceed

from cases import clocks
from cases.models import (
    Case,
    CaseStatus,
    DeterminationFixedError,
    MedicalRecord,
    check_determination_not_fixed,
)


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
# through the reviews app's services (assignment, workspace), which keep the assignment and review
# records consistent with the case.
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


@dataclass(frozen=True)
class AdminAction:
    """A status change offered on the case page: the button says what it does, ``effect`` what follows,
    and ``kind`` whether it is the step forward or a step aside (withdraw, ineligible: styled apart)."""

    name: str
    button: str
    effect: str
    kind: str  # "forward" | "aside"


ADMIN_ACTIONS = {
    a.name: a
    for a in [
        AdminAction("start_eligibility_review", "Start eligibility review",
                    "Check the application against the eligibility grounds.", "forward"),
        AdminAction("mark_eligible", "Mark eligible",
                    "The case can be assigned; request the records next.", "forward"),
        AdminAction("request_records", "Record that records were requested",
                    "Starts the claims administrator's records clock (8 CCR 9792.10.5).", "forward"),
        AdminAction("mark_insufficient_records", "Mark records insufficient",
                    "The records received cannot support a review; request them again.", "aside"),
        AdminAction("mark_ineligible", "Mark ineligible",
                    "Ends the review on the ground chosen.", "aside"),
        AdminAction("close", "Close case", "No further action on this case.", "forward"),
        AdminAction("withdraw", "Withdraw case",
                    "The claims administrator authorised the treatment; the review stops.", "aside"),
    ]
}  # fmt: skip


def available_admin_transitions(case: Case) -> list[AdminAction]:
    """The status changes an administrator may make by hand now, forward steps first."""
    actions = [ADMIN_ACTIONS[n] for n in ADMIN_TRANSITIONS if can_proceed(getattr(case, n))]
    return sorted(actions, key=lambda a: a.kind != "forward")


class CaseInputError(Exception):
    """Input that cannot be applied to a case; the message names the field and the reason."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def add_medical_record(
    case: Case,
    *,
    title: str,
    kind: str,
    date: datetime.date | None = None,
    author: str = "",
    text: str = "",
    pdf: bytes | None = None,
    by=None,
) -> MedicalRecord:
    """Add a record to the case file (its PDF already checked by its bytes, see cases.intake.check_pdf).

    ``by`` is recorded as the actor of the record's history (the audit record), also outside a request."""
    if date and date > clocks.california_today():
        raise CaseInputError("date", f"{date} is in the future")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        try:
            check_determination_not_fixed(locked.pk, "medical records")
        except DeterminationFixedError as exc:
            raise CaseInputError("title", str(exc)) from exc
        position = (locked.records.aggregate(last=Max("position"))["last"] or 0) + 1
        record = MedicalRecord(
            case=locked, position=position, title=title, kind=kind, date=date, author=author, text=text
        )
        if pdf:
            record.attach_pdf(pdf)
        record._history_user = by
        record.save()
    return record


def set_records_complete(case: Case, on: datetime.date) -> Case:
    """The records are complete: the determination clock (Labor Code 4610.6(d)) starts from ``on``."""
    if on < case.received_date:
        raise CaseInputError(
            "records_complete_date", f"{on} is before the received date {case.received_date}"
        )
    if on > clocks.california_today():
        raise CaseInputError("records_complete_date", f"{on} is in the future")
    if not case.is_open:
        raise CaseInputError("records_complete_date", f"case {case.case_number} is no longer open")
    try:
        check_determination_not_fixed(case.pk, "records-complete date")
    except DeterminationFixedError as exc:
        raise CaseInputError("records_complete_date", str(exc)) from exc
    case.records_complete_date = on
    case.save(update_fields=["records_complete_date", "updated_at"])
    return case


# -- bulk status changes from the case list ------------------------------------------------------------

# What the case list's bulk bar may do to several cases at once: each case goes through transition_case
# (its own lock, its own check of the state machine), so one case that cannot change never blocks the rest.
BULK_TRANSITIONS = {"mark_ineligible": "Marked ineligible", "withdraw": "Withdrawn"}


@dataclass
class BulkResult:
    case_number: str
    ok: bool
    message: str


def bulk_transition(cases: list[Case], name: str, by, reason: str = "") -> list[BulkResult]:
    """Apply ``name`` (one of ``BULK_TRANSITIONS``) to each case on its own; report each outcome."""
    if name not in BULK_TRANSITIONS:
        raise TransitionError(f"Unknown bulk action {name!r}.")
    results = []
    for case in cases:
        try:
            transition_case(case, name, by=by, reason=reason)
        except TransitionError as exc:
            results.append(BulkResult(case.case_number, False, str(exc)))
        else:
            results.append(BulkResult(case.case_number, True, f"{BULK_TRANSITIONS[name]}."))
    return results
