"""Every list of cases goes through ``cases_for_user``: the one place that scopes cases to a user."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case
from cases.rules import is_administrator, is_qa


def cases_for_user(user) -> QuerySet[Case]:
    """Cases a user may see: administrators and QA all; a reviewer only its actively assigned cases."""
    if not user.is_authenticated:
        return Case.objects.none()
    if is_administrator(user) or is_qa(user):
        return Case.objects.all()
    return Case.objects.filter(assignments__active=True, assignments__reviewer__user=user).distinct()
