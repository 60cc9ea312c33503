"""Every list of letters goes through ``letters_for_user``: the one place that scopes letters."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.rules import is_administrator, is_qa
from reviews.models import DeterminationLetter


def letters_for_user(user) -> QuerySet[DeterminationLetter]:
    """Letters a user may read: administrators and QA all; a reviewer those of its own reviews and of
    cases actively assigned to it (the same as ``reviews.letters.rules.can_read_letter``)."""
    letters = DeterminationLetter.objects.select_related("case", "review")
    if not user.is_authenticated:
        return letters.none()
    if is_administrator(user) or is_qa(user):
        return letters
    return letters.filter(
        Q(review__reviewer__user=user)
        | Q(case__assignments__active=True, case__assignments__reviewer__user=user)
    ).distinct()
