"""What a case's status looks like on screen: the one place that gives a colour a meaning.

Colours mean something only if they mean one thing everywhere: red is overdue, amber at risk (due within
``cases.clocks`` "due soon", 3 days), blue waiting on the claims administrator's records, green with an
expert reviewer, grey no longer open. The status words themselves are ``CaseStatus`` labels (one
vocabulary); the colour comes from the status and the clock together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cases.clocks import Clock, case_clock
from cases.models import CaseStatus

if TYPE_CHECKING:
    from cases.models import Case


@dataclass(frozen=True)
class Tone:
    key: str
    label: str  # what the colour means, for the legend and for screen readers
    css: str  # Bootstrap's badge classes


OVERDUE = Tone("overdue", "Overdue", "text-bg-danger")
AT_RISK = Tone("at_risk", "At risk: due within 3 days", "text-bg-warning")
WAITING = Tone("waiting", "Waiting on records", "text-bg-info")
WITH_REVIEWER = Tone("with_reviewer", "With an expert reviewer", "text-bg-success")
IN_PROGRESS = Tone("in_progress", "With the administrators", "text-bg-primary")
CLOSED = Tone("closed", "No longer open", "text-bg-secondary")

# The legend above the case list, in the order the eye should take them.
TONES = [OVERDUE, AT_RISK, WAITING, WITH_REVIEWER, IN_PROGRESS, CLOSED]

WAITING_STATUSES = frozenset({CaseStatus.RECORDS_REQUESTED, CaseStatus.INSUFFICIENT_RECORDS})
WITH_REVIEWER_STATUSES = frozenset({CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW})


def case_tone(case: Case, clock: Clock | None = None) -> Tone:
    """The colour of ``case``'s status: the clock first (overdue, at risk), then what the case waits on."""
    if not case.is_open:
        return CLOSED
    clock = clock or case_clock(case)
    if clock.overdue:
        return OVERDUE
    if clock.due_soon:
        return AT_RISK
    if case.status in WAITING_STATUSES:
        return WAITING
    if case.status in WITH_REVIEWER_STATUSES:
        return WITH_REVIEWER
    return IN_PROGRESS
