"""Final Determination letters. A ready letter never changes; a regeneration or an amendment is a new
version that points to the one it replaces."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class DeterminationLetter(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="letters/", blank=True)
    error = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(blank=True, help_text="Why this version was made (regeneration, amendment).")

    class Meta:
        ordering = ["case", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="unique_letter_version")]

    def __str__(self) -> str:
        return f"{self.case} letter v{self.version} ({self.status})"


class LetterDownload(models.Model):
    letter = models.ForeignKey(DeterminationLetter, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.letter} downloaded by {self.user} at {self.at:%Y-%m-%d %H:%M}"
