"""Sign-off, with quality assurance when the organisation asks for it (``settings.IMR_QA_REQUIRED``).

The reviewer's signature validates strictly (``reviews.workspace.checks``), then freezes the review with
the credentials the letter prints and issues the determination. With QA, the review goes to a QA reader
first, who approves it (signed in the reviewer's name) or returns it to draft with comments. Who may take
each step is a rule in ``reviews/rules.py``, named by the Review state machine's transitions; when it may
be taken is the state machine's.
"""

from __future__ import annotations

import datetime

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from cases.services import transition_case
from reviews.models import FrozenReviewError, QAComment, QAOutcome, QAReview, Review
from reviews.workspace.checks import consistency_checks, credentials_problems, failing
from reviews.workspace.errors import ChecksFailed, WorkspaceError, require_case_under_review


def _require_signer(review: Review, by) -> None:
    if review.is_frozen:
        raise FrozenReviewError(f"{review} is already {review.get_status_display().lower()}.")
    if review.is_in_qa:
        raise WorkspaceError("The review is already with quality assurance.")
    require_case_under_review(review.case)
    # The transition's permission hook is the rule ``reviews.sign_off_review``.
    if not has_transition_perm(review.sign, by):
        raise PermissionDenied("Only the assigned reviewer signs off this review.")


def _validated(review: Review, today: datetime.date) -> None:
    checks = consistency_checks(review, today)
    if failing(checks):
        raise ChecksFailed(checks)


def _lock_for_signature(review: Review, base_revision: int | None) -> Review:
    locked = Review.objects.select_for_update().select_related("case", "reviewer").get(pk=review.pk)
    if not can_proceed(locked.sign):
        raise WorkspaceError(
            f"The review is {locked.get_status_display().lower()}; it cannot be signed again."
        )
    if base_revision is not None and locked.revision != base_revision:
        raise WorkspaceError("The review was saved again after you opened this page; look it over once more.")
    return locked


def sign_off(review: Review, by, base_revision: int | None = None) -> Review:
    """The reviewer's signature: validates strictly, then freezes the review and issues the determination.

    When the organisation asks for QA the review goes to QA instead and is frozen only when a QA reader
    approves it. ``base_revision``, when given, is the revision the reviewer looked at on the sign-off
    page: a later save (another tab) makes them look again.
    """
    _require_signer(review, by)
    if settings.IMR_QA_REQUIRED:
        return submit_for_qa(review, by, base_revision=base_revision)
    with transaction.atomic():
        locked = _lock_for_signature(review, base_revision)
        _validated(locked, timezone.localdate())
        _finalise(locked, locked.sign, signer=by)
    review.refresh_from_db()
    return review


def _finalise(locked: Review, transition, signer) -> None:
    """Freeze the review with the credentials the letter prints, issue the determination, ask for the PDF.

    ``transition`` is ``locked.sign`` (the reviewer signs) or ``locked.approve`` (QA approves).
    """
    from guidelines.services import citation_sources
    from reviews.letters.services import request_letter

    require_case_under_review(locked.case)

    for decision in locked.decisions.all():
        decision.citation_sources = citation_sources(decision.citation_lines)
        decision.save(update_fields=["citation_sources"])
    profile = locked.reviewer
    locked.credentials_snapshot = {
        "states": profile.licensure_states(),
        "specialties": profile.specialty_labels(),
    }
    transition(signer)
    locked.save()
    transition_case(locked.case, "issue_determination", by=signer)
    request_letter(locked, by=signer)


def submit_for_qa(review: Review, by, base_revision: int | None = None) -> Review:
    """The reviewer signs the draft over to QA: validated strictly, read-only until QA answers."""
    _require_signer(review, by)
    with transaction.atomic():
        locked = _lock_for_signature(review, base_revision)
        _validated(locked, timezone.localdate())
        locked.submit_for_qa()
        locked.save(update_fields=["status", "submitted_for_qa_at"])
    review.refresh_from_db()
    return review


def _lock_in_qa(review: Review, by) -> Review:
    if not rules.has_perm("reviews.qa_review", by, review):
        raise PermissionDenied(
            "Only a quality-assurance reader answers a QA request, never on its own review."
        )
    locked = Review.objects.select_for_update().select_related("case", "reviewer__user").get(pk=review.pk)
    if not can_proceed(locked.approve):
        raise WorkspaceError(f"The review is {locked.get_status_display().lower()}, not waiting for QA.")
    require_case_under_review(locked.case)
    return locked


def _require_assigned_author(review: Review) -> None:
    """QA signs in the name of the reviewer who holds the case's active, accepted assignment now, never
    in the name of one removed from it (a reassignment voids the open review, this is the last guard)."""
    held = review.case.assignments.active().accepted().filter(reviewer_id=review.reviewer_id)
    if not held.exists():
        raise WorkspaceError(
            f"{review.reviewer} no longer holds case {review.case.case_number}; the review cannot be signed "
            "in its name."
        )


def qa_approve(review: Review, by, comments: str = "") -> Review:
    """QA agrees: the review is signed in the reviewer's name and the determination issued."""
    with transaction.atomic():
        locked = _lock_in_qa(review, by)
        _require_assigned_author(locked)
        problems = credentials_problems(locked.reviewer, timezone.localdate(), case=locked.case)
        if problems:
            raise WorkspaceError("The reviewer's credentials are not eligible today: " + "; ".join(problems))
        QAReview.objects.create(review=locked, by=by, outcome=QAOutcome.APPROVED, comments=comments.strip())
        _finalise(locked, locked.approve, signer=locked.reviewer.user)
    review.refresh_from_db()
    return review


def qa_return(review: Review, by, comments: str, item_comments: dict[int, str] | None = None) -> Review:
    """QA sends the draft back to the reviewer saying what to change: on the whole determination (its
    summary), on particular disputed items, or both. Each item comment is shown on that item's tab."""
    item_comments = {k: v.strip() for k, v in (item_comments or {}).items() if v and v.strip()}
    if not (comments and comments.strip()) and not item_comments:
        raise WorkspaceError("say what the reviewer should change.", field="comments")
    with transaction.atomic():
        locked = _lock_in_qa(review, by)
        qa = QAReview.objects.create(
            review=locked, by=by, outcome=QAOutcome.RETURNED, comments=(comments or "").strip()
        )
        items = set(locked.decisions.values_list("disputed_item_id", flat=True))
        QAComment.objects.bulk_create(
            QAComment(qa_review=qa, disputed_item_id=item_id, text=text)
            for item_id, text in item_comments.items()
            if item_id in items
        )
        locked.return_to_draft()
        locked.save(update_fields=["status"])
    review.refresh_from_db()
    return review
