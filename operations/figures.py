"""The operations dashboard's figures, each an aggregate query (a fixed handful per page, whatever the
number of cases), each with the case-list query string that lists the cases it counts.

The definitions are the case list's own (``cases.filters``: due windows, queues), so a number and the list
behind its link never disagree. The counts by status span every case ever received (a scan of the status
index): they are cached for a minute in Redis. Everything about open cases is counted live from the open
cases' partial index (``case_open_due_idx``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Case as CaseWhen
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from cases.clocks import records_overdue_q
from cases.filters import AWAITING_RECORDS_STATUSES, UNASSIGNED_STATUSES, failed_letters
from cases.models import OPEN_STATUSES, Case, CaseStatus, ReviewType
from reviews.assignment.queries import workload
from reviews.models import ReviewerProfile

STATUS_COUNTS_CACHE_KEY = "operations:status-counts"
STATUS_COUNTS_CACHE_SECONDS = 60
# How many cases the "due first" list shows; the figures above it link to all of them.
ATTENTION_ROWS = 15


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    query: str  # the case list's query string for exactly these cases
    tone: str = ""  # a cases.status_display tone key, for the colour
    expedited: Figure | None = None  # the expedited cases among them, listed first


@dataclass
class ReviewerLoad:
    reviewer: ReviewerProfile
    open_cases: int
    due_soon: int
    capacity: int

    @property
    def query(self) -> str:
        return urlencode({"reviewer": self.reviewer.pk})

    @property
    def full(self) -> bool:
        return self.open_cases >= self.capacity

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.open_cases / self.capacity)) if self.capacity else 100


@dataclass
class Dashboard:
    today: datetime.date
    by_status: list[Figure]
    deadlines: list[Figure]
    queues: list[Figure]
    letters_failed: Figure
    attention: list[Case]
    reviewers: list[ReviewerLoad] = field(default_factory=list)


def status_counts() -> dict[str, int]:
    """Cases per status, over every case: one GROUP BY, at most a minute old."""

    def count() -> dict[str, int]:
        rows = Case.objects.order_by().values("status").annotate(n=Count("pk"))
        return {row["status"]: row["n"] for row in rows}

    return cache.get_or_set(STATUS_COUNTS_CACHE_KEY, count, STATUS_COUNTS_CACHE_SECONDS)


def _open_cases() -> QuerySet[Case]:
    return Case.objects.filter(status__in=OPEN_STATUSES)


def open_case_figures(today: datetime.date) -> dict[str, int]:
    """Every count over the open cases in one aggregate query."""
    soon = today + datetime.timedelta(days=3)
    return _open_cases().aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        overdue_expedited=Count("pk", filter=Q(due_date__lt=today, review_type=ReviewType.EXPEDITED)),
        due_today=Count("pk", filter=Q(due_date=today)),
        due_today_expedited=Count("pk", filter=Q(due_date=today, review_type=ReviewType.EXPEDITED)),
        due_3=Count("pk", filter=Q(due_date__gte=today, due_date__lte=soon)),
        due_3_expedited=Count(
            "pk", filter=Q(due_date__gte=today, due_date__lte=soon, review_type=ReviewType.EXPEDITED)
        ),
        unassigned=Count("pk", filter=Q(status__in=UNASSIGNED_STATUSES)),
        awaiting_records=Count(
            "pk", filter=Q(status__in=AWAITING_RECORDS_STATUSES, records_complete_date__isnull=True)
        ),
        records_overdue=Count("pk", filter=records_overdue_q(today)),
    )


def attention_cases(today: datetime.date) -> list[Case]:
    """The open cases due first (overdue, today, the next 3 days): expedited ones at the top (their clock
    is 3 days), then by due date."""
    expedited_first = CaseWhen(
        When(review_type=ReviewType.EXPEDITED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(
        _open_cases()
        .filter(due_date__lte=today + datetime.timedelta(days=3))
        .order_by(expedited_first, "due_date", "case_number")[:ATTENTION_ROWS]
    )


def reviewer_loads(today: datetime.date) -> list[ReviewerLoad]:
    """Each active reviewer's open cases against its capacity, fullest first: two queries. A deactivated
    reviewer still holding open cases is listed too: its cases must move."""
    counts = workload(today + datetime.timedelta(days=3))
    reviewers = ReviewerProfile.objects.filter(Q(is_active=True) | Q(pk__in=list(counts))).select_related(
        "user"
    )
    loads = [ReviewerLoad(r, *counts.get(r.pk, (0, 0)), capacity=r.max_open_cases) for r in reviewers]
    return sorted(loads, key=lambda load: (-load.percent, -load.open_cases, str(load.reviewer)))


def dashboard(today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    statuses = status_counts()
    figures = open_case_figures(today)
    by_status = [
        Figure(label, statuses.get(value, 0), urlencode({"status": value}))
        for value, label in CaseStatus.choices
    ]
    deadlines = [
        Figure("Overdue", figures["overdue"], "due=overdue", "overdue",
               Figure("expedited", figures["overdue_expedited"], "due=overdue&review_type=expedited")),
        Figure("Due today", figures["due_today"], "due=today", "at_risk",
               Figure("expedited", figures["due_today_expedited"], "due=today&review_type=expedited")),
        Figure("Due within 3 days", figures["due_3"], "due=3", "at_risk",
               Figure("expedited", figures["due_3_expedited"], "due=3&review_type=expedited")),
    ]  # fmt: skip
    queues = [
        Figure("Eligible, not assigned", figures["unassigned"], "queue=unassigned", "in_progress"),
        Figure("Waiting on records", figures["awaiting_records"], "queue=awaiting_records", "waiting"),
        Figure(
            "Records overdue from the claims administrator",
            figures["records_overdue"],
            "queue=records_overdue",
            "overdue",
        ),
    ]
    letters = Figure(
        "Letters that failed to render",
        failed_letters().values("case").distinct().count(),
        "queue=letter_failed&show=all",
        "overdue",
    )
    return Dashboard(
        today=today,
        by_status=by_status,
        deadlines=deadlines,
        queues=queues,
        letters_failed=letters,
        attention=attention_cases(today),
        reviewers=reviewer_loads(today),
    )
