"""Reviewer and assignment querysets, each shaped for the page that lists them (constant query counts)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value

from cases.models import Case, CaseStatus, TreatingProvider
from reviews.assignment.conflicts import CaseParty, parties_of
from reviews.models import Assignment, ReviewerProfile

# A case counts against a reviewer's capacity while it is being worked on.
WORKLOAD_STATUSES = [CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW]


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.active().filter(case__status__in=WORKLOAD_STATUSES)


def workload(due_on_or_before: datetime.date | None = None) -> dict[int, tuple[int, int]]:
    """For each reviewer with open cases: (open cases, those due on or before ``due_on_or_before``).

    One aggregate query over the open assignments only: past assignments stay active after a case
    closes, so counting per reviewer through its assignments would read its whole history (about 1,500
    rows per reviewer at 200,000 cases); starting from the cases' status finds the few thousand open ones.
    """
    # COUNT(case_id), not COUNT(id): the join then reads assignment_open_idx alone (15 ms, not 100 ms).
    due = (
        Count("case", filter=Q(case__due_date__lte=due_on_or_before))
        if due_on_or_before is not None
        else Value(0, output_field=IntegerField())
    )
    rows = open_assignments().order_by().values("reviewer_id").annotate(n=Count("case"), due=due)
    return {row["reviewer_id"]: (row["n"], row["due"]) for row in rows}


def _reviewers() -> QuerySet[ReviewerProfile]:
    return ReviewerProfile.objects.select_related("user").prefetch_related(
        "licenses", "certifications", "affiliations"
    )


# Every reviewer with its credentials, shared by the web processes through Redis for at most a minute
# (issue 11: "caching in Redis where a figure may be a minute old"). Building them was most of the
# assignment panel's and the Reviewers page's own time at 150 reviewers (Django's prefetch makes a
# queryset per reviewer and relation: 28 ms of CPU; unpickling the list: 9 ms). Saving or deleting a
# reviewer, its user, license, certification or affiliation moves the version once committed
# (``reviews.signals``), so an edit shows at once; one that bypasses signals (``QuerySet.update``) within
# the minute. Only facts are cached: eligibility, conflicts and workload are computed on every request.
REVIEWERS_CACHE_SECONDS = 60
REVIEWERS_VERSION_KEY = "reviews:reviewers:version"


OPEN_CASES_VERSION_KEY = "reviews:open-cases:version"


def _move(version_key: str) -> None:
    try:
        cache.incr(version_key)
    except ValueError:  # not set yet, or evicted
        cache.set(version_key, 1, None)


def forget_reviewers() -> None:
    """Make the next request read the reviewers from the database (a reviewer or credential changed)."""
    _move(REVIEWERS_VERSION_KEY)


def forget_open_cases() -> None:
    """Make the next Reviewers page read the open assignments again (an assignment or a party changed)."""
    _move(OPEN_CASES_VERSION_KEY)


def _shared(name: str, version_key: str, build: Callable[[], list]) -> list:
    """``build()``, shared through Redis for ``REVIEWERS_CACHE_SECONDS`` under the current version."""
    if connection.in_atomic_block:
        # Inside a transaction the rows read may be uncommitted, or about to roll back: never share them.
        return build()
    key = f"reviews:{name}:{cache.get(version_key, 0)}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, REVIEWERS_CACHE_SECONDS)
    return value


def _reviewer_list() -> list[ReviewerProfile]:
    return _shared("reviewers", REVIEWERS_VERSION_KEY, lambda: list(_reviewers()))


def _with_workload(
    reviewers: list[ReviewerProfile], due_on_or_before: datetime.date | None
) -> list[ReviewerProfile]:
    counts = workload(due_on_or_before)
    for reviewer in reviewers:
        reviewer.open_cases, due_before = counts.get(reviewer.pk, (0, 0))
        if due_on_or_before is not None:
            reviewer.due_before = due_before
    return reviewers


def reviewers_with_workload(due_on_or_before: datetime.date | None = None) -> list[ReviewerProfile]:
    """Every reviewer with its credentials prefetched and ``open_cases`` (and ``due_before``) counted."""
    return _with_workload(_reviewer_list(), due_on_or_before)


@dataclass(frozen=True)
class OpenCase:
    """An open assignment as the Reviewers page screens and lists it: plain values, no model objects."""

    reviewer_id: int
    case_number: str
    due_date: datetime.date | None
    parties: list[CaseParty]


def open_cases_with_parties() -> list[OpenCase]:
    """Every open assignment with its case's parties, due date first, in two queries of plain rows.

    The Reviewers page screens each for conflicts found after assignment: as model objects (assignment,
    case, providers) the 3,800 open assignments of 150 reviewers were 12,000 objects and seconds of
    Python per request; as tuples they are a few milliseconds. The two queries (160 ms at 200,000 cases
    on a busy machine) are shared for a minute, read again once an assignment, a case or a provider
    changes (``reviews.signals``).
    """
    return _shared("open-cases", OPEN_CASES_VERSION_KEY, _open_cases_with_parties)


def _open_cases_with_parties() -> list[OpenCase]:
    providers: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for case_id, name, requesting in TreatingProvider.objects.filter(
        case__in=open_assignments().values("case_id")
    ).values_list("case_id", "name", "requesting"):  # the model's order: requesting provider first
        providers[case_id].append((name, requesting))
    rows = (
        open_assignments()
        .order_by("case__due_date", "case__case_number")
        .values_list(
            "reviewer_id", "case_id", "case__case_number", "case__due_date", "case__employer",
            "case__claims_administrator",
        )
    )  # fmt: skip
    return [
        OpenCase(reviewer_id, number, due, parties_of(employer, administrator, providers.get(case_id, ())))
        for reviewer_id, case_id, number, due, employer, administrator in rows
    ]


def open_case_count(reviewer: ReviewerProfile) -> int:
    return open_assignments().filter(reviewer=reviewer).count()


def cases_for_panel() -> QuerySet[Case]:
    """Cases with what the assignment panel reads (parties, items, assignments) prefetched."""
    return Case.objects.prefetch_related(
        "treating_providers",
        "disputed_items",
        Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer__user", "assigned_by")),
    )
