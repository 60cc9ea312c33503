"""Reviewer and assignment querysets, each shaped for the page that lists them (constant query counts)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from cases.models import Case, CaseStatus
from reviews.models import Assignment, ReviewerProfile

# A case counts against a reviewer's capacity while it is being worked on.
WORKLOAD_STATUSES = [CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW]
_OPEN = Q(assignments__active=True, assignments__case__status__in=WORKLOAD_STATUSES)


def open_assignments() -> QuerySet[Assignment]:
    return Assignment.objects.active().filter(case__status__in=WORKLOAD_STATUSES)


def reviewers_with_workload(due_on_or_before: datetime.date | None = None) -> QuerySet[ReviewerProfile]:
    """Every reviewer with its credentials prefetched and ``open_cases`` (and ``due_before``) counted."""
    queryset = (
        ReviewerProfile.objects.select_related("user")
        .prefetch_related("licenses", "certifications", "affiliations")
        .annotate(open_cases=Count("assignments", filter=_OPEN, distinct=True))
    )
    if due_on_or_before is not None:
        queryset = queryset.annotate(
            due_before=Count(
                "assignments",
                filter=_OPEN & Q(assignments__case__due_date__lte=due_on_or_before),
                distinct=True,
            )
        )
    return queryset


def reviewers_for_dashboard() -> QuerySet[ReviewerProfile]:
    """The administrators' Reviewers page: workload, credentials and open cases in a fixed few queries."""
    return reviewers_with_workload().prefetch_related(
        Prefetch(
            "assignments",
            queryset=open_assignments()
            .select_related("case")
            .prefetch_related("case__treating_providers")
            .order_by("case__due_date", "case__case_number"),
            to_attr="open_assignment_list",
        )
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
