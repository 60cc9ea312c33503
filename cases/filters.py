"""The administrators' case list filters (django-filter)."""

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseStatus, ReviewType

DUE_WINDOWS = [
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("3", "Due within 3 days"),
    ("7", "Due within 7 days"),
    ("14", "Due within 14 days"),
    ("30", "Due within 30 days"),
]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Case number", method="search")
    # A status is a column of the case (no join, no duplicate rows): no DISTINCT over every column.
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices, distinct=False)
    review_type = django_filters.ChoiceFilter(choices=ReviewType.choices, empty_label="Any review type")
    due = django_filters.ChoiceFilter(
        label="Due", choices=DUE_WINDOWS, method="due_window", empty_label="Any time"
    )

    class Meta:
        model = Case
        fields = ["q", "status", "review_type", "due"]

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # Case numbers are upper case (CASE_NUMBER_RE): a case-sensitive match on the upper-cased input
        # finds the same cases as icontains, and the trigram index (migration 0002) serves it.
        value = value.strip().upper()
        return queryset.filter(Q(case_number__contains=value)) if value else queryset

    def due_window(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        today = timezone.localdate()
        from cases.models import OPEN_STATUSES

        open_cases = queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return open_cases.filter(due_date__lt=today)
        if value == "today":
            return open_cases.filter(due_date=today)
        return open_cases.filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=int(value))
        )
