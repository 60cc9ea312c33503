"""The administrators' case list: filters, search and sort (django-filter).

Every figure on the operations dashboard links here with the same parameters, so a number and the list it
counts come from one definition (``queue``, ``due``, ``status``, ``reviewer``).
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from cases.clocks import records_overdue_q
from cases.models import OPEN_STATUSES, Case, CaseStatus, ReviewType, TreatingProvider

DUE_WINDOWS = [
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("3", "Due within 3 days"),
    ("7", "Due within 7 days"),
    ("14", "Due within 14 days"),
    ("30", "Due within 30 days"),
]

# The cases the administrators act on next; the dashboard counts each (operations.figures).
QUEUES = [
    ("unassigned", "Eligible, not assigned"),
    ("awaiting_records", "Waiting on records"),
    ("records_overdue", "Records overdue from the claims administrator"),
    ("letter_failed", "Letter failed to render"),
]
# Eligible for assignment (the sources of Case.assign) and not assigned: assigning moves the status on.
UNASSIGNED_STATUSES = [CaseStatus.ELIGIBLE, CaseStatus.RECORDS_REQUESTED]
AWAITING_RECORDS_STATUSES = [CaseStatus.RECORDS_REQUESTED, CaseStatus.INSUFFICIENT_RECORDS]

SHOW = [("open", "Open cases"), ("all", "All cases")]

# Sort keys a user may ask for -> the columns they order by. Every order ends on the case number (unique),
# so pages never repeat or skip a case. Anything else is ignored (no user input reaches order_by).
SORTS = {
    "case": ["case_number"],
    "status": ["status", "due_date", "case_number"],
    "received": ["received_date", "case_number"],
    "due": ["due_date", "case_number"],
    "items": ["item_count", "due_date", "case_number"],
    "reviewer": ["reviewer_name", "due_date", "case_number"],
    "claims_administrator": ["claims_administrator", "due_date", "case_number"],
}
DEFAULT_SORT = "due"


def sort_order(value: str | None) -> tuple[str, list[str]]:
    """The whitelisted sort ``value`` ('due', '-received'...) and its ORDER BY; unknown keys sort by due."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value[1:] if descending else value
    if key not in SORTS:
        return DEFAULT_SORT, SORTS[DEFAULT_SORT]
    columns = SORTS[key]
    if descending:
        return value, [f"-{c}" for c in columns]
    return key, list(columns)


def open_queue(queryset: QuerySet[Case], queue: str, today: datetime.date | None = None) -> QuerySet[Case]:
    """The open cases in one of ``QUEUES``."""
    open_cases = queryset.filter(status__in=OPEN_STATUSES)
    if queue == "unassigned":
        return open_cases.filter(status__in=UNASSIGNED_STATUSES)
    if queue == "awaiting_records":
        return open_cases.filter(status__in=AWAITING_RECORDS_STATUSES, records_complete_date__isnull=True)
    if queue == "records_overdue":
        return open_cases.filter(records_overdue_q(today))
    if queue == "letter_failed":
        return queryset.filter(Exists(failed_letters().filter(case=OuterRef("pk"))))
    return queryset


def failed_letters() -> QuerySet:
    """Letters whose newest version failed to render (an older failure since regenerated does not count)."""
    letter = apps.get_model("reviews", "DeterminationLetter")
    return letter.objects.filter(status="failed", superseded_by__isnull=True)


SELECT = {"class": "form-select"}


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    # A status is a column of the case (no join, no duplicate rows): no DISTINCT over every column.
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, distinct=False, widget=forms.CheckboxSelectMultiple
    )
    show = django_filters.ChoiceFilter(label="Show", choices=SHOW, method="show_scope", empty_label=None)
    review_type = django_filters.ChoiceFilter(
        choices=ReviewType.choices, empty_label="Any review type", widget=forms.Select(attrs=SELECT)
    )
    due = django_filters.ChoiceFilter(
        label="Due",
        choices=DUE_WINDOWS,
        method="due_window",
        empty_label="Any time",
        widget=forms.Select(attrs=SELECT),
    )
    queue = django_filters.ChoiceFilter(
        label="Queue",
        choices=QUEUES,
        method="in_queue",
        empty_label="Any queue",
        widget=forms.Select(attrs=SELECT),
    )
    reviewer = django_filters.NumberFilter(label="Reviewer", method="held_by_reviewer")

    class Meta:
        model = Case
        fields = ["q", "status", "show", "review_type", "due", "queue", "reviewer"]

    @property
    def qs(self) -> QuerySet[Case]:
        queryset = super().qs
        # Open cases unless the user asked for all, or ticked statuses (which say what they want).
        data = self.form.cleaned_data if self.form.is_bound and self.form.is_valid() else {}
        if data.get("show") != "all" and not data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return queryset

    def show_scope(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset  # applied in ``qs``, where the status filter is known

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        """One box: case number, claim number, employer, claims administrator, treating provider.

        Each is a substring match served by its own trigram index on PostgreSQL (migrations 0004, 0005);
        the matches are gathered as a UNION of ids, one index scan each, because an OR across columns
        defeats every index (the planner then filters the whole table in list order). SQLite scans its
        few demo cases. Case numbers are upper case, so an upper-cased exact-case match finds the same
        cases as icontains and uses the case-number index as it is."""
        value = value.strip()
        if not value:
            return queryset
        ids = Case.objects.order_by().values("pk")
        matches = (
            ids.filter(case_number__contains=value.upper())
            .union(ids.filter(claim_number__icontains=value))
            .union(ids.filter(employer__icontains=value))
            .union(ids.filter(claims_administrator__icontains=value))
            .union(TreatingProvider.objects.order_by().filter(name__icontains=value).values("case_id"))
        )
        return queryset.filter(pk__in=matches)

    def due_window(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        today = timezone.localdate()
        open_cases = queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return open_cases.filter(due_date__lt=today)
        if value == "today":
            return open_cases.filter(due_date=today)
        return open_cases.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=int(value))
        )

    def in_queue(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return open_queue(queryset, value)

    def held_by_reviewer(self, queryset: QuerySet[Case], name: str, value) -> QuerySet[Case]:
        assignment = apps.get_model("reviews", "Assignment")
        held = assignment.objects.active().filter(reviewer_id=int(value))
        return queryset.filter(Exists(held.filter(case=OuterRef("pk"))))


LIST_PARAMETERS = frozenset({*CaseFilter.base_filters, "sort"})


def list_querystring(params) -> str:
    """The case list's own parameters from ``params`` (a QueryDict), url-encoded, in a stable order: what a
    saved filter keeps and what the export and pagination links carry. Anything else is dropped."""
    from django.http import QueryDict

    kept = QueryDict(mutable=True)
    for key in sorted(LIST_PARAMETERS):
        values = [v for v in params.getlist(key) if v]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()
