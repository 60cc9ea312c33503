"""The expert reviewer's work on a case: the clinical case summary and one decision per disputed item.

A signed review is frozen; an amendment is a new version that points to the one it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from reviews.models.reviewers import ReviewerProfile


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_QA = "in_qa", "In quality assurance"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded by an amendment"


class Decision(models.TextChoices):
    UPHELD = "Upheld", "Upheld"
    OVERTURNED = "Overturned", "Overturned"


class Review(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveSmallIntegerField(default=1)
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="reviews")
    assignment = models.ForeignKey(
        "reviews.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    clinical_summary = models.TextField("Clinical case summary", blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    # Bumped on every save of the review or one of its decisions: a save that names an older revision is
    # a conflict (another tab or person saved in between) and is shown to the user, never applied blindly.
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The credentials printed on the letter, copied at sign-off so later profile edits never change it.
    credentials_snapshot = models.JSONField(default=dict, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    amendment_reason = models.TextField(blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="unique_review_version")]

    def __str__(self) -> str:
        return f"{self.case} review v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status in (ReviewStatus.SIGNED, ReviewStatus.SUPERSEDED)


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

    class Meta:
        ordering = ["review", "disputed_item__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "disputed_item"], name="unique_decision_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.disputed_item}: {self.decision or 'undecided'}"

    @property
    def citation_lines(self) -> list[str]:
        return [line.strip().rstrip(".") for line in self.guideline_citations.splitlines() if line.strip()]
