"""Placeholder for the letters issue (6): records a letter request so sign-off has something to call.

The letters engineer's full version (Celery task enqueued on commit, rendering, storage) replaces this
file at merge; the signature is the agreed interface.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from reviews.models import DeterminationLetter, LetterStatus, Review


def request_letter(review: Review, by, reason: str = "") -> DeterminationLetter:
    """Record a queued letter for a signed review (the next version for its case)."""
    with transaction.atomic():
        version = (
            DeterminationLetter.objects.filter(case=review.case).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        previous = DeterminationLetter.objects.filter(case=review.case).order_by("-version").first()
        return DeterminationLetter.objects.create(
            case=review.case,
            review=review,
            version=version,
            status=LetterStatus.QUEUED,
            requested_by=by,
            supersedes=previous,
            reason=reason,
        )
