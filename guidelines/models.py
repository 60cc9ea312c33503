"""The guideline knowledge base (editions and their sections) and what reviewers did with suggestions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Stance(models.TextChoices):
    RECOMMENDED = "recommended", "Recommended"
    NOT_RECOMMENDED = "not recommended", "Not recommended"
    CONDITIONAL = "conditional", "Conditional"


class Guideline(models.Model):
    """One guideline edition as letters name it, e.g. "MTUS Chronic Pain Medical Treatment" 2016."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200, help_text="As printed in letters, without the year.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Edition year printed after the title."
    )
    is_mtus = models.BooleanField(default=True)
    rank = models.PositiveSmallIntegerField(
        default=1,
        help_text="Evidence hierarchy: 1 MTUS, 2 other evidence-based guidelines, 3 other evidence.",
    )
    current = models.BooleanField(default=True)
    in_force_from = models.DateField(
        null=True, blank=True, help_text="First request date the edition applies to."
    )
    in_force_to = models.DateField(
        null=True, blank=True, help_text="Last request date the edition applies to."
    )
    source = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "title", "year"]

    def __str__(self) -> str:
        return f"{self.title} {self.year}" if self.year else self.title


class GuidelineSection(models.Model):
    """A section or recommendation as letters cite it, with what it covers and its checkable criteria."""

    key = models.SlugField(max_length=80, unique=True)
    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="sections")
    section = models.CharField(max_length=300, blank=True, help_text="As printed after 'Section(s):'.")
    chapter = models.CharField(
        max_length=200, blank=True, help_text="Non-MTUS chapter, e.g. 'Low Back Chapter'."
    )
    page = models.PositiveSmallIntegerField(null=True, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    body_regions = models.JSONField(default=list, blank=True)
    families = models.JSONField(default=list, blank=True, help_text="Treatment families ('~' = secondary).")
    treatments = models.JSONField(default=list, blank=True, help_text="Treatments and synonyms covered.")
    conditions = models.JSONField(default=list, blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.CONDITIONAL)
    criteria = models.JSONField(default=list, blank=True, help_text="Criteria as statements.")
    limits = models.JSONField(
        default=list,
        blank=True,
        help_text="Machine-checkable limits: quantity, min, max, over_weeks, applies_to.",
    )
    evidence_note = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where each fact comes from.")
    confidence = models.CharField(max_length=20, default="medium")
    unverified = models.BooleanField(default=False)
    unverified_figures = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(
        default=50, help_text="Lower ranks first among equal matches."
    )
    role = models.CharField(max_length=20, default="primary")
    match_treatment_only = models.BooleanField(default=False)
    phase = models.CharField(max_length=20, default="any")
    supports = models.JSONField(
        default=list, blank=True, help_text="Checks this section is cited for (e.g. page 8)."
    )
    search_text = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["guideline__rank", "guideline__title", "section"]

    def __str__(self) -> str:
        return self.citation

    def save(self, *args, **kwargs) -> None:
        parts = [
            self.section,
            self.chapter,
            self.guideline.title if self.guideline_id else "",
            *self.treatments,
            *self.conditions,
        ]
        self.search_text = " | ".join(str(p) for p in parts if p).lower()
        super().save(*args, **kwargs)

    @property
    def citation(self) -> str:
        from guidelines.suggest.citation import format_citation
        from guidelines.suggest.knowledge import guideline_from_dict

        g = self.guideline
        info = guideline_from_dict({"key": g.key, "title": g.title, "year": g.year, "is_mtus": g.is_mtus})
        return format_citation(info, [self.section] if self.section else [], self.chapter)


class FeedbackAction(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    EDITED = "edited", "Edited"
    REJECTED = "rejected", "Rejected"


class SuggestionFeedback(models.Model):
    """What a reviewer did with a suggestion, so suggestion quality can be measured on real use."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    disputed_item = models.ForeignKey(
        "cases.DisputedItem", on_delete=models.CASCADE, related_name="suggestion_feedback"
    )
    suggestion_key = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=FeedbackAction.choices)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.suggestion_key}: {self.action}"
