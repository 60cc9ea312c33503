"""The reviewer's "My cases": what it works on now in full, what it decided lately, the rest on demand.

A reviewer holds about 1,500 cases over five years (issue 11), almost all of them closed. The page shows
in full the open ones (awaiting acceptance, in review, with QA, returned by QA: 10-40 at a time) and
those decided in the last ``RECENT_DAYS`` days; earlier ones come ``EARLIER_PAGE`` at a time (keyset
pagination on the assignment, newest first, no count) or by a case-number search. Each list is one query
that joins the reviewer's active assignments, the case's live review and its items and decisions (no
query per row, no subquery per row), so the page costs the same number of queries for any history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone

from cases.models import OPEN_STATUSES, Case
from reviews.models import Assignment, ReviewerProfile, ReviewStatus
from reviews.models.review import LIVE_STATUSES, QAOutcome

RECENT_DAYS = 30
EARLIER_PAGE = 25


class BadCursor(ValueError):
    """The ``before`` marker of the earlier cases' page is not one this page wrote (an assignment's id)."""


@dataclass(frozen=True)
class EarlierPage:
    cases: list[Case]
    next_cursor: str | None  # the ``before`` value of the next page, None on the last one
    query: str  # the case-number fragment searched for, "" for none


def held_cases(reviewer: ReviewerProfile | None) -> QuerySet[Case]:
    """The cases the reviewer actively holds, each with its assignment's acceptance and its live review.

    One row per case: a case has one active assignment and one live review (draft, with QA or signed).
    Filter on the annotations (``signed_at``...), not on ``live__``: a second ``filter()`` through the
    reverse relation would join the reviews a second time."""
    if reviewer is None:
        return Case.objects.none()
    live = FilteredRelation("reviews", condition=Q(reviews__status__in=LIVE_STATUSES))
    return (
        Case.objects.filter(assignments__active=True, assignments__reviewer=reviewer)
        .alias(live=live)
        .annotate(
            accepted_at=F("assignments__accepted_at"),
            review_status=F("live__status"),
            signed_at=F("live__signed_at"),
            signed_by=F("live__reviewer_id"),
        )
    )


def open_cases(reviewer: ReviewerProfile | None) -> list[Case]:
    """The open cases the reviewer holds, soonest due first, each with its progress (``item_count``,
    ``decided_count``) and whether QA returned its review (``qa_returns``)."""
    if reviewer is None:
        return []
    # The same cases again as a semi-join, which PostgreSQL answers from two indexes alone (the
    # reviewer's ~1,500 assignments in assignment_held_idx, the open case ids in case_open_id_idx)
    # instead of reading each of the reviewer's cases to find its status: 37 ms to 11 ms at 200,000.
    held_open = Assignment.objects.active().filter(reviewer=reviewer, case__status__in=OPEN_STATUSES)
    return list(
        held_cases(reviewer)
        .filter(status__in=OPEN_STATUSES, pk__in=held_open.values("case"))
        .annotate(
            item_count=Count("disputed_items", distinct=True),
            decided_count=Count("live__decisions", filter=~Q(live__decisions__decision=""), distinct=True),
            # A draft with a QA verdict on it was returned (an approved review is signed).
            qa_returns=Count(
                "live__qa_reviews",
                filter=Q(live__status=ReviewStatus.DRAFT, live__qa_reviews__outcome=QAOutcome.RETURNED),
                distinct=True,
            ),
        )
        .order_by("due_date", "case_number")
    )


def recent_cutoff(today: datetime.date) -> datetime.datetime:
    """Midnight (local time) ``RECENT_DAYS`` days before ``today``: a moment, so the sign-off time's
    comparison stays a plain range."""
    day = today - datetime.timedelta(days=RECENT_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def recently_decided(reviewer: ReviewerProfile | None, today: datetime.date) -> list[Case]:
    """The closed cases the reviewer holds whose determination in force it signed in the last
    ``RECENT_DAYS`` days, newest first (read from ``review_signed_by_idx``, not from its whole history)."""
    if reviewer is None:
        return []
    return list(
        held_cases(reviewer)
        .exclude(status__in=OPEN_STATUSES)
        .filter(review_status=ReviewStatus.SIGNED, signed_by=reviewer.pk, signed_at__gte=recent_cutoff(today))
        .order_by("-signed_at", "-case_number")
    )


def earlier_cases(
    reviewer: ReviewerProfile | None, today: datetime.date, query: str = "", before: str = ""
) -> EarlierPage:
    """One page of the reviewer's earlier cases, most recently assigned first (``assignment_held_idx``
    read backwards: no sort of its whole history): without ``query`` the closed ones not in the recent
    list; with it every case it holds whose number contains ``query``. ``before`` is the previous page's
    ``next_cursor`` (raises ``BadCursor`` when it is not one)."""
    cases = held_cases(reviewer).annotate(held_id=F("assignments__id"))
    query = query.strip().upper()
    if query:
        cases = cases.filter(case_number__contains=query)
    else:
        cutoff = recent_cutoff(today)
        cases = cases.exclude(status__in=OPEN_STATUSES).filter(
            Q(signed_at__isnull=True) | Q(signed_at__lt=cutoff)
        )
    if before:
        if not before.isdigit():
            raise BadCursor(before)
        cases = cases.filter(held_id__lt=int(before))
    rows = list(cases.order_by("-held_id")[: EARLIER_PAGE + 1])
    more = len(rows) > EARLIER_PAGE
    rows = rows[:EARLIER_PAGE]
    return EarlierPage(rows, str(rows[-1].held_id) if more else None, query)
