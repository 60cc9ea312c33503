"""Reviewer and assignment querysets, each shaped for the page that lists them (constant query counts)."""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value

from cases.models import Case, CaseStatus
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


def _with_workload(
    queryset: QuerySet[ReviewerProfile], due_on_or_before: datetime.date | None
) -> list[ReviewerProfile]:
    counts = workload(due_on_or_before)
    reviewers = list(queryset)
    for reviewer in reviewers:
        reviewer.open_cases, due_before = counts.get(reviewer.pk, (0, 0))
        if due_on_or_before is not None:
            reviewer.due_before = due_before
    return reviewers


def reviewers_with_workload(due_on_or_before: datetime.date | None = None) -> list[ReviewerProfile]:
    """Every reviewer with its credentials prefetched and ``open_cases`` (and ``due_before``) counted."""
    return _with_workload(_reviewers(), due_on_or_before)


def reviewers_for_dashboard() -> list[ReviewerProfile]:
    """The administrators' Reviewers page: workload, credentials and open cases in a fixed few queries."""
    return _with_workload(
        _reviewers().prefetch_related(
            Prefetch(
                "assignments",
                queryset=open_assignments()
                .select_related("case")
                .prefetch_related("case__treating_providers")
                .order_by("case__due_date", "case__case_number"),
                to_attr="open_assignment_list",
            )
        ),
        None,
    )


def open_case_count(reviewer: ReviewerProfile) -> int:
    return open_assignments().filter(reviewer=reviewer).count()


def cases_for_panel() -> QuerySet[Case]:
    """Cases with what the assignment panel reads (parties, items, assignments) prefetched."""
    return Case.objects.prefetch_related(
        "treating_providers",
        "disputed_items",
        Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer__user", "assigned_by")),
    )
