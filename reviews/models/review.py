"""The expert reviewer's work on a case: the clinical case summary and one decision per disputed item.

The review's status is a state machine (django-fsm-2), like the case's: draft -> in QA -> signed ->
superseded, draft -> signed when the organisation does not ask for QA, and in QA -> draft when QA returns
it. A draft or a review in QA is voided when its case is reassigned or unassigned: only the reviewer
assigned (and accepted) at the moment of signing signs, so the next reviewer starts a version of its own.
Each transition names the rule (``reviews/rules.py``) of who may take it. A signed review is frozen; an
amendment is a new version that points to the one it replaces.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from reviews.models.reviewers import ReviewerProfile


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_QA = "in_qa", "In quality assurance"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded by an amendment"
    VOIDED = "voided", "Voided: the case was reassigned or withdrawn"


class FrozenReviewError(Exception):
    """A signed (or superseded) review was about to change; only an amendment may follow it."""


class Decision(models.TextChoices):
    UPHELD = "Upheld", "Upheld"
    OVERTURNED = "Overturned", "Overturned"


FROZEN_STATUSES = (ReviewStatus.SIGNED, ReviewStatus.SUPERSEDED, ReviewStatus.VOIDED)

# While the case's review is with QA or signed, what it was made on (the case's disputed items, parties,
# records and the facts the letter prints) is fixed: a change needs an amendment, which reopens the case.
FIXING_STATUSES = (ReviewStatus.IN_QA, ReviewStatus.SIGNED)


LIVE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.IN_QA, ReviewStatus.SIGNED)


class ReviewQuerySet(models.QuerySet):
    def live(self) -> ReviewQuerySet:
        """The reviews not superseded by an amendment, newest first: a case has one at a time."""
        return self.filter(status__in=LIVE_STATUSES).order_by("-version")

    def latest_signed(self) -> Review | None:
        """The newest signed review (the determination in force), or None."""
        return self.filter(status=ReviewStatus.SIGNED).order_by("-version").first()


def _rule(name: str, of_case: bool = False):
    """A transition's ``permission=``: the rule from ``reviews/rules.py`` on the review (or its case),
    asked of the rules registry, not Django's superuser shortcut: a superuser does not sign or QA a review
    it does not hold."""

    def check(review: Review, user) -> bool:
        return rules.has_perm(name, user, review.case if of_case else review)

    return check


class Review(FSMModelMixin, models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveSmallIntegerField(default=1)
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="reviews")
    assignment = models.ForeignKey(
        "reviews.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    clinical_summary = models.TextField("Clinical case summary", blank=True)
    status = FSMField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, protected=True)
    # Bumped on every save of the review or one of its decisions: a save that names an older revision is
    # a conflict (another tab or person saved in between) and is shown to the user, never applied blindly.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For each field key ("clinical_summary", "item-<pk>-rationale", ...) the revision that last changed
    # it: a stale save conflicts only on fields someone else changed since, so two tabs editing different
    # items both succeed.
    field_revisions = models.JSONField(default=dict, blank=True)
    submitted_for_qa_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The credentials printed on the letter, copied at sign-off so later profile edits never change it.
    credentials_snapshot = models.JSONField(default=dict, blank=True)
    # The signed version this one amends. A key, not one-to-one: when an amendment's draft is voided (the
    # case was reassigned), the new reviewer's version amends the same signed version.
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    amendment_reason = models.TextField(blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    void_reason = models.TextField(blank=True)

    objects = ReviewQuerySet.as_manager()

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords(excluded_fields=["field_revisions"])

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="unique_review_version")]
        indexes = [
            # The reports (reports.queries.issued): first signed versions by the time they were signed.
            models.Index(
                fields=["signed_at"],
                condition=models.Q(signed_at__isnull=False, supersedes__isnull=True),
                name="review_issued_idx",
            ),
            # The determinations in force signed in a period (the reports' Upheld and Overturned counts).
            models.Index(
                fields=["signed_at"], condition=models.Q(status="signed"), name="review_in_force_idx"
            ),
            # "My cases" (reviews.workspace.dashboard.recently_decided): a reviewer's determinations signed
            # lately, a few rows out of its ~1,250 signed over five years.
            models.Index(
                fields=["reviewer", "signed_at"],
                condition=models.Q(status="signed"),
                name="review_signed_by_idx",
            ),
            # The QA readers' queue on "My cases": the reviews with QA, oldest first, out of every review.
            models.Index(
                fields=["submitted_for_qa_at"], condition=models.Q(status="in_qa"), name="review_in_qa_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} review v{self.version}"

    def save(self, *args, **kwargs) -> None:
        """Refuse any change to a signed or superseded review except marking a signed one superseded."""
        if self.pk:
            stored = Review.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            allowed = stored == ReviewStatus.SIGNED and self.status == ReviewStatus.SUPERSEDED
            if stored in FROZEN_STATUSES and not allowed:
                raise FrozenReviewError(f"{self} is {ReviewStatus(stored).label.lower()}; it cannot change.")
            if allowed:
                kwargs["update_fields"] = ["status"]
        super().save(*args, **kwargs)

    # -- transitions (services call them under the review's row lock, then save) ----------------------
    @transition(
        field=status,
        source=ReviewStatus.DRAFT,
        target=ReviewStatus.IN_QA,
        permission=_rule("reviews.sign_off_review"),
    )
    def submit_for_qa(self) -> None:
        """The reviewer signs the draft over to QA; read-only until QA answers."""
        self.submitted_for_qa_at = timezone.now()

    @transition(
        field=status,
        source=ReviewStatus.DRAFT,
        target=ReviewStatus.SIGNED,
        permission=_rule("reviews.sign_off_review"),
    )
    def sign(self, signer) -> None:
        """The reviewer signs (no QA asked for)."""
        self._signed_by(signer)

    @transition(
        field=status,
        source=ReviewStatus.IN_QA,
        target=ReviewStatus.SIGNED,
        permission=_rule("reviews.qa_review"),
    )
    def approve(self, signer) -> None:
        """QA agrees: signed in the reviewer's name."""
        self._signed_by(signer)

    @transition(
        field=status,
        source=ReviewStatus.IN_QA,
        target=ReviewStatus.DRAFT,
        permission=_rule("reviews.qa_review"),
    )
    def return_to_draft(self) -> None:
        """QA sends the review back to the reviewer with comments."""

    @transition(
        field=status,
        source=ReviewStatus.SIGNED,
        target=ReviewStatus.SUPERSEDED,
        permission=_rule("reviews.amend_determination", of_case=True),
    )
    def supersede(self) -> None:
        """An amendment replaces this signed review; it stays readable."""

    @transition(
        field=status,
        source=[ReviewStatus.DRAFT, ReviewStatus.IN_QA],
        target=ReviewStatus.VOIDED,
        permission=_rule("reviews.assign_reviewer", of_case=True),
    )
    def void(self, by, reason: str) -> None:
        """The case was reassigned or unassigned while this review was open: it stays readable, is never
        signed, and the next reviewer starts a version of its own."""
        self.voided_at = timezone.now()
        self.voided_by = by
        self.void_reason = reason

    def _signed_by(self, signer) -> None:
        self.signed_at = timezone.now()
        self.signed_by = signer

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_in_qa(self) -> bool:
        return self.status == ReviewStatus.IN_QA

    @property
    def is_signed(self) -> bool:
        return self.status == ReviewStatus.SIGNED

    @property
    def is_editable(self) -> bool:
        """Only a draft takes edits: in QA, signed or superseded it is read-only."""
        return self.status == ReviewStatus.DRAFT


class ItemDecision(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    disputed_item = models.ForeignKey(
        "cases.DisputedItem", on_delete=models.PROTECT, related_name="decisions"
    )
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    # One citation per line in the letters' style, e.g.
    # "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine" or
    # "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter".
    guideline_citations = models.TextField("Guideline", blank=True)
    # What was copied from the knowledge base when a citation was picked (guideline, edition, section,
    # page), so later edits of the knowledge base never change a signed determination.
    citation_sources = models.JSONField(default=list, blank=True)
    non_mtus_reason = models.TextField("Why the MTUS does not address this item", blank=True)
    rationale = models.TextField("Decision rationale", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "disputed_item__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "disputed_item"], name="unique_decision_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.disputed_item}: {self.decision or 'undecided'}"

    def save(self, *args, **kwargs) -> None:
        if self.review_id and Review.objects.filter(pk=self.review_id, status__in=FROZEN_STATUSES).exists():
            raise FrozenReviewError(f"The review of {self.disputed_item} is signed; it cannot change.")
        super().save(*args, **kwargs)

    @property
    def citation_lines(self) -> list[str]:
        return [line.strip().rstrip(".") for line in self.guideline_citations.splitlines() if line.strip()]


class QAOutcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"


class QAReview(models.Model):
    """A quality-assurance reader's verdict on a review submitted for QA (when the organisation asks)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="qa_reviews")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=QAOutcome.choices)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_outcome_display()}"


class QAComment(models.Model):
    """A QA reader's return comment on one disputed item, shown to the reviewer on that item's tab (the
    comment on the whole determination, or its summary, is ``QAReview.comments``)."""

    qa_review = models.ForeignKey(QAReview, on_delete=models.CASCADE, related_name="item_comments")
    disputed_item = models.ForeignKey("cases.DisputedItem", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["qa_review", "disputed_item__position", "id"]

    def __str__(self) -> str:
        return f"QA comment on {self.disputed_item}"
