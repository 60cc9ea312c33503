"""Statutory clocks of an IMR case. Each number carries its source.

Dates are calendar dates in California (America/Los_Angeles), whatever the server's ``TIME_ZONE``:
"today" is ``california_today()``. Due dates are counted on dates, never with 24-hour timedeltas, so a
daylight-saving change never moves one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import holidays
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from cases.models import Case

# 8 CCR 9792.10.5(a)(1): the claims administrator must provide the records within 15 days of the
# mailing of the notice that the request was assigned, 12 days if the notice was sent electronically.
RECORDS_DUE_DAYS_MAILED = 15
RECORDS_DUE_DAYS_ELECTRONIC = 12
# 8 CCR 9792.10.5(a)(2): for expedited review, records are due within 24 hours of the notice.
RECORDS_DUE_HOURS_EXPEDITED = 24

# Labor Code 4610.6(d): the determination is due 30 days after the IMR organisation receives the
# request and supporting documentation (the records-complete date) for a standard review, and 3 days
# for an expedited review (imminent and serious threat to health).
DETERMINATION_DAYS_STANDARD = 30
DETERMINATION_DAYS_EXPEDITED = 3
# Labor Code 4610.6(d) as amended for the MTUS Drug Formulary: a dispute only over formulary drugs is
# decided within 5 working days of receipt of the records.
DETERMINATION_WORKING_DAYS_FORMULARY = 5

# Labor Code 4610.5(h)(1): the application must be filed within 30 days of service of the UR decision.
APPLICATION_FILING_DAYS = 30


# Deadlines run on California's calendar (the DWC's and the IMR organisation's), not the server's.
CALIFORNIA = ZoneInfo("America/Los_Angeles")


def california_now(now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment ``now`` (default: the current time) on California's clock."""
    return (now or timezone.now()).astimezone(CALIFORNIA)


def california_today(now: datetime.datetime | None = None) -> datetime.date:
    """The calendar date in California at ``now``: the date every clock counts from."""
    return california_now(now).date()


def deadline_at(due_date: datetime.date) -> datetime.datetime:
    """The moment a due date ends: midnight at the start of the next day in California (PST or PDT,
    whichever is in force that night), so "due March 9" lasts the whole of March 9 on a California clock."""
    return datetime.datetime.combine(due_date + datetime.timedelta(days=1), datetime.time.min, CALIFORNIA)


@lru_cache(maxsize=32)
def _california_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", subdiv="CA", years=year)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _california_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (weekends and California state holidays skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def records_due_for(requested_on: datetime.date, *, electronically: bool, expedited: bool) -> datetime.date:
    """When records asked for on ``requested_on`` are due (8 CCR 9792.10.5(a)): 24 hours if expedited,
    else 12 days after an electronic notice and 15 after a mailed one."""
    if expedited:
        return requested_on + datetime.timedelta(hours=RECORDS_DUE_HOURS_EXPEDITED)
    days = RECORDS_DUE_DAYS_ELECTRONIC if electronically else RECORDS_DUE_DAYS_MAILED
    return requested_on + datetime.timedelta(days=days)


def records_due_date(case: Case) -> datetime.date | None:
    """When the claims administrator's records are due, or None before they were requested."""
    if case.records_requested_date is None:
        return None
    return records_due_for(
        case.records_requested_date,
        electronically=case.records_requested_electronically,
        expedited=case.review_type == "expedited",
    )


def records_overdue_q(today: datetime.date | None = None) -> Q:
    """The cases whose records are overdue from the claims administrator, as a query: requested, not yet
    complete, and past ``records_due_date`` (the same three periods, counted back from today)."""
    today = today or timezone.localdate()

    def requested_before(days: int) -> Q:
        return Q(records_requested_date__lt=today - datetime.timedelta(days=days))

    expedited_days = RECORDS_DUE_HOURS_EXPEDITED // 24
    return Q(records_requested_date__isnull=False, records_complete_date__isnull=True) & (
        (Q(review_type="expedited") & requested_before(expedited_days))
        | (~Q(review_type="expedited") & Q(records_requested_electronically=True)
           & requested_before(RECORDS_DUE_DAYS_ELECTRONIC))
        | (~Q(review_type="expedited") & Q(records_requested_electronically=False)
           & requested_before(RECORDS_DUE_DAYS_MAILED))
    )  # fmt: skip


def due_date_is_provisional(case: Case) -> bool:
    """A due date counted from receipt because the records are not complete yet: it moves when they are
    (Labor Code 4610.6(d) counts from the records-complete date)."""
    return case.due_date is not None and case.records_complete_date is None and case.is_open


def determination_due_date(case: Case) -> datetime.date | None:
    """When the final determination is due: counted from the records-complete date, else receipt."""
    start = case.clock_start
    if start is None:
        return None
    if case.review_type == "expedited":
        return start + datetime.timedelta(days=DETERMINATION_DAYS_EXPEDITED)
    if case.formulary_only:
        return add_working_days(start, DETERMINATION_WORKING_DAYS_FORMULARY)
    return start + datetime.timedelta(days=DETERMINATION_DAYS_STANDARD)


def application_filed_late(case: Case) -> bool:
    """True when the application came more than 30 days after the UR decision (an eligibility ground)."""
    return (case.received_date - case.ur_decision_date).days > APPLICATION_FILING_DAYS


@dataclass(frozen=True)
class Clock:
    due_date: datetime.date | None
    days_left: int | None
    overdue: bool
    due_soon: bool

    @property
    def label(self) -> str:
        if self.days_left is None:
            return "no due date"
        if self.overdue:
            n = -self.days_left
            return f"overdue by {n} day{'s' if n != 1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def clock_for(
    due_date: datetime.date | None, today: datetime.date | None = None, stopped: bool = False
) -> Clock:
    """Days left before a due date; a stopped clock (decision issued, withdrawn) is never overdue."""
    if due_date is None or stopped:
        return Clock(due_date, None, False, False)
    today = today or california_today()
    left = (due_date - today).days
    return Clock(due_date, left, left < 0, 0 <= left <= 3)


def case_clock(case: Case, today: datetime.date | None = None) -> Clock:
    return clock_for(case.due_date, today, stopped=not case.is_open)
