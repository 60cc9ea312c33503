"""The reviews app's answers to what happens to a case elsewhere (django-fsm's ``post_transition``).

``cases`` never imports ``reviews``; when a case is withdrawn (the claims administrator authorised the
treatment), its open draft or review with QA is voided here, in the same transaction, so nobody signs a
determination of a withdrawn dispute and the draft stays readable.
"""

from __future__ import annotations

from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.models import Case


@receiver(post_transition, sender=Case, dispatch_uid="reviews_void_on_withdraw")
def void_open_review_of_withdrawn_case(sender, instance: Case, name: str, **kwargs) -> None:
    if name != "withdraw":
        return
    from reviews.models import Review, ReviewStatus

    open_reviews = Review.objects.select_for_update().filter(
        case=instance, status__in=[ReviewStatus.DRAFT, ReviewStatus.IN_QA]
    )
    method_kwargs = kwargs.get("method_kwargs") or {}
    reason = method_kwargs.get("reason") or ""
    for review in open_reviews:
        review.void(by=method_kwargs.get("by"), reason=f"The case was withdrawn. {reason}".strip())
        review.save()
