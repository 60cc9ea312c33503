"""Final Determination letters. A ready letter never changes; a regeneration or an amendment is a new
version that points to the one it replaces (pretix's invoices: a legal document is never edited)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def letter_upload_path(instance: DeterminationLetter, filename: str) -> str:
    # A random name: the case number (and anything else about the case) stays out of storage keys.
    return f"letters/{uuid.uuid4().hex}.pdf"


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user) -> LetterQuerySet:
        """Letters a user may read (``reviews.read_letter``): administrators and QA all; a reviewer those of
        the cases it actively holds and has accepted. A reviewer removed from a case (reassigned,
        unassigned) no longer reads its letters."""
        from imr_site.roles import is_administrator, is_qa
        from reviews.models.assignments import Assignment

        if not user.is_authenticated:
            return self.none()
        if is_administrator(user) or is_qa(user):
            return self
        held = Assignment.objects.active().accepted().held_by(user).values("case")
        return self.filter(case__in=held)


class DeterminationLetter(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    review = models.ForeignKey("reviews.Review", on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the render job was last handed to the broker: the sweep re-queues a letter still queued long
    # after this (the broker was down, or the message was lost).
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Which render run holds this version: only that run may store the file, so two workers never
    # record two different files for one version.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file = models.FileField(upload_to=letter_upload_path, blank=True)
    # The HTML the PDF was made from, stored with the file: a lost file is rendered again from this
    # snapshot (byte for byte, checked against ``sha256``), never from the case as it is now.
    html = models.TextField(blank=True, editable=False)
    error = models.TextField(blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    reason = models.TextField(blank=True, help_text="Why this version was made (regeneration, amendment).")

    objects = LetterQuerySet.as_manager()

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        # By the case's id, not "case": ordering by the relation would join cases_case (sorted by due
        # date), and a row lock taken on letters would then lock the case row too.
        ordering = ["case_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="unique_letter_version")]
        indexes = [models.Index(fields=["status", "queued_at"], name="letter_status_queued_idx")]

    def __str__(self) -> str:
        return f"{self.case} letter v{self.version} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == LetterStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (LetterStatus.QUEUED, LetterStatus.RENDERING)

    @property
    def download_filename(self) -> str:
        """What the recipient's browser saves: the case number and the version, nothing else."""
        return f"{self.case.case_number}-final-determination-v{self.version}.pdf"


class LetterDownload(models.Model):
    """Every download of a letter: who, when, which version (the letter row carries the version)."""

    letter = models.ForeignKey(DeterminationLetter, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    # The stored file was missing and was rendered again, byte-for-byte the same, before this download.
    file_restored = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.letter} downloaded by {self.user} at {self.at:%Y-%m-%d %H:%M}"
