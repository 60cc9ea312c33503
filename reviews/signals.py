"""The reviews app's answers to what happens to a case elsewhere (django-fsm's ``post_transition``).

``cases`` never imports ``reviews``; when a case is withdrawn (the claims administrator authorised the
treatment), its open draft or review with QA is voided here, in the same transaction, so nobody signs a
determination of a withdrawn dispute and the draft stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.models import Case, TreatingProvider
from reviews.assignment.queries import forget_open_cases, forget_reviewers
from reviews.models import Affiliation, Assignment, Certification, License, ReviewerProfile


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


@receiver(post_save, sender=ReviewerProfile, dispatch_uid="reviews_forget_reviewers_profile_saved")
@receiver(post_delete, sender=ReviewerProfile, dispatch_uid="reviews_forget_reviewers_profile_deleted")
@receiver(post_save, sender=License, dispatch_uid="reviews_forget_reviewers_license_saved")
@receiver(post_delete, sender=License, dispatch_uid="reviews_forget_reviewers_license_deleted")
@receiver(post_save, sender=Certification, dispatch_uid="reviews_forget_reviewers_certification_saved")
@receiver(post_delete, sender=Certification, dispatch_uid="reviews_forget_reviewers_certification_deleted")
@receiver(post_save, sender=Affiliation, dispatch_uid="reviews_forget_reviewers_affiliation_saved")
@receiver(post_delete, sender=Affiliation, dispatch_uid="reviews_forget_reviewers_affiliation_deleted")
@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews_forget_reviewers_user_saved")
@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews_forget_reviewers_user_deleted")
def forget_cached_reviewers(sender, update_fields=None, **kwargs) -> None:
    """The reviewers' list cached for the assignment pages (``queries.REVIEWERS_CACHE_SECONDS``) is read
    again once a change to a reviewer, its name, credentials or affiliations is committed. A login only
    stamps ``last_login``, which no assignment page shows."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    transaction.on_commit(forget_reviewers)


@receiver(post_save, sender=Assignment, dispatch_uid="reviews_forget_open_cases_assignment_saved")
@receiver(post_delete, sender=Assignment, dispatch_uid="reviews_forget_open_cases_assignment_deleted")
@receiver(post_save, sender=Case, dispatch_uid="reviews_forget_open_cases_case_saved")
@receiver(post_delete, sender=Case, dispatch_uid="reviews_forget_open_cases_case_deleted")
@receiver(post_save, sender=TreatingProvider, dispatch_uid="reviews_forget_open_cases_provider_saved")
@receiver(post_delete, sender=TreatingProvider, dispatch_uid="reviews_forget_open_cases_provider_deleted")
def forget_cached_open_cases(sender, **kwargs) -> None:
    """The open assignments the Reviewers page screens (``queries.open_cases_with_parties``) are read again
    once an assignment, a case's status or parties, or a treating provider change is committed."""
    transaction.on_commit(forget_open_cases)
