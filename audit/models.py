"""Append-only record of who read which health information, and of logins.

Rows are only ever inserted: ``save`` refuses an update, ``delete`` refuses, the queryset refuses bulk
updates and deletes, the admin site shows them read-only, and on PostgreSQL a trigger refuses UPDATE and
DELETE on the table itself (migration 0002), so not even a bug in the application can rewrite history.
Nothing in a row is health information: the case number, the object's id, the page, never its content
(a search records the number of characters searched for, not the words).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW_CASE = "view_case", "Case page"
    VIEW_CASE_FILE = "view_case_file", "Case file (workspace)"
    VIEW_REVIEW_VERSION = "view_review_version", "Determination version"
    VIEW_RECORD_FILE = "view_record_file", "Record file"
    SEARCH_RECORDS = "search_records", "Record search"
    PREVIEW_LETTER = "preview_letter", "Letter preview"
    DOWNLOAD_LETTER = "download_letter", "Letter download"
    PUBLIC_LETTER = "public_letter", "Public (redacted) letter made"
    EXPORT_CASE_LIST = "export_case_list", "Case list export (CSV)"
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Failed login"
    LOGOUT = "logout", "Logout"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor device enrolled"
    TWO_FACTOR_VERIFIED = "2fa_verified", "Two-factor code accepted"
    TWO_FACTOR_FAILED = "2fa_failed", "Wrong two-factor code"


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AccessEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
        related_name="+",
    )  # fmt: skip
    # As typed at a failed login, or the user's name when the event happened (kept if the user is renamed).
    username = models.CharField(max_length=150, blank=True, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    case_number = models.CharField(max_length=32, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [("view_audit_record", "Can view and export the audit record")]

    def __str__(self) -> str:
        who = self.username or "-"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.get_action_display()} {self.case_number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")
