"""Reading the audit record: access events and the change history of every model holding case data, one
list filtered by case, user and time, for the administrators' page and its CSV export."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from audit.models import AccessEvent

MAX_ROWS = 2000


@dataclass
class AuditRow:
    at: datetime.datetime
    username: str
    kind: str  # "access" or "change"
    action: str
    case_number: str
    what: str
    details: str


def _histories() -> list[tuple[type, str, str]]:
    """(historical model, lookup to the case number, label) for each model with a change history."""
    from cases.models import Case, DisputedItem, MedicalRecord, TreatingProvider
    from reviews.models import Assignment, DeterminationLetter, ItemDecision, Review

    return [
        (Case.history.model, "case_number", "Case"),
        (DisputedItem.history.model, "case__case_number", "Disputed item"),
        (TreatingProvider.history.model, "case__case_number", "Treating provider"),
        (MedicalRecord.history.model, "case__case_number", "Medical record"),
        (Assignment.history.model, "case__case_number", "Assignment"),
        (Review.history.model, "case__case_number", "Review"),
        (ItemDecision.history.model, "review__case__case_number", "Item decision"),
        (DeterminationLetter.history.model, "case__case_number", "Letter"),
    ]


_CHANGE = {"+": "created", "~": "changed", "-": "deleted"}


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 300 else text[:300] + "…"


def _change_details(record) -> str:
    if record.history_type != "~":
        return ""
    previous = record.prev_record
    if previous is None:
        return ""
    delta = record.diff_against(previous)
    return "; ".join(f"{c.field}: {_short(c.old)!r} -> {_short(c.new)!r}" for c in delta.changes)


def _filtered(queryset, case_field: str, user_field: str, at_field: str, case, user, since, until):
    """The same four filters on the access events and on every history table."""
    conditions = {case_field: case, user_field: user, f"{at_field}__gte": since, f"{at_field}__lt": until}
    return queryset.filter(**{field: value for field, value in conditions.items() if value})


def audit_rows(
    case_number: str = "",
    username: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> list[AuditRow]:
    """Newest first, at most MAX_ROWS."""
    rows: list[AuditRow] = []
    wanted = {"case": case_number, "user": username, "since": since, "until": until}
    events = _filtered(AccessEvent.objects.all(), "case_number", "username", "at", **wanted)
    for e in events[:MAX_ROWS]:
        what = f"{e.path} ({e.status_code})" if e.status_code else e.path
        rows.append(
            AuditRow(e.at, e.username, "access", e.get_action_display(), e.case_number, what, e.detail)
        )
    for model, case_lookup, label in _histories():
        history = model.objects.select_related("history_user").order_by("-history_date")
        history = _filtered(history, case_lookup, "history_user__username", "history_date", **wanted)
        for h in history[:MAX_ROWS]:
            rows.append(
                AuditRow(
                    at=h.history_date,
                    username=h.history_user.get_username() if h.history_user else "(system)",
                    kind="change",
                    action=f"{label} {_CHANGE.get(h.history_type, h.history_type)}",
                    case_number=_case_number_of(h, case_lookup),
                    what=f"{label} #{h.id}",
                    details=_change_details(h),
                )
            )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:MAX_ROWS]


def _case_number_of(record, lookup: str) -> str:
    value = record
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return ""
    return str(value)
