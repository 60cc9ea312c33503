"""Logins, failed logins and logouts go into the audit record (django.contrib.auth's signals)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction
from audit.recording import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    record(request, AuditAction.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(request, AuditAction.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The username as typed (never the password: Django has already masked it in ``credentials``).
    record(request, AuditAction.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150])
