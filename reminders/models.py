"""Every reminder and alert sent, one row each.

A notice is recorded in the same transaction that sends its e-mail, and the database refuses a second
notice for the same subject, kind, point and due date. So running the job again, or in two processes at
once, sends nothing new: the second insert waits for the first to commit and then fails (never a SELECT
first, which two processes could both pass).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class NoticeKind(models.TextChoices):
    REVIEWER_DUE = "reviewer_due", "Reminder to the reviewer: determination due"
    AT_RISK = "at_risk", "Alert: case at risk"
    OVERDUE = "overdue", "Alert: determination overdue"
    RECORDS_OVERDUE = "records_overdue", "Alert: records overdue from the claims administrator"
    CREDENTIAL_EXPIRING = "credential_expiring", "Alert: reviewer credential expiring"


class Notice(models.Model):
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    # When the notice became due, in the rule's own terms: "72h" (before the end of the due date),
    # "overdue", "records_overdue", "30d" (before a credential expires).
    point = models.CharField(max_length=20)
    # The date the notice was about, as the e-mail said it: the determination due date, the records due
    # date or the credential's expiry. A due date that moves (records complete later) is a new subject.
    due_date = models.DateField()
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    reviewer = models.ForeignKey(
        "reviews.ReviewerProfile", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    # Which credential a credential alert is about, e.g. "California license" (no licence number).
    credential = models.CharField(max_length=100, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0, help_text="How many addresses it went to.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(reviewer__isnull=False), name="notice_has_subject"
            ),
            # A reminder to the reviewer holding a case (a new reviewer after reassignment gets its own).
            models.UniqueConstraint(
                fields=["case", "reviewer", "kind", "point", "due_date"],
                condition=Q(case__isnull=False, reviewer__isnull=False),
                name="one_reviewer_reminder",
            ),
            # An alert to the administrators about a case.
            models.UniqueConstraint(
                fields=["case", "kind", "point", "due_date"],
                condition=Q(case__isnull=False, reviewer__isnull=True),
                name="one_case_alert",
            ),
            # An alert to the administrators about a reviewer's credential.
            models.UniqueConstraint(
                fields=["reviewer", "kind", "point", "due_date", "credential"],
                condition=Q(case__isnull=True, reviewer__isnull=False),
                name="one_reviewer_alert",
            ),
        ]
        indexes = [models.Index(fields=["case", "-sent_at"], name="notice_case_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.point}, {self.due_date})"

    @property
    def hours_before(self) -> int | None:
        """For a reminder point such as "72h": the hours before the end of the due date."""
        hours = self.point.removesuffix("h")
        return int(hours) if self.point.endswith("h") and hours.isdigit() else None
