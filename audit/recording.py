"""Writing the audit record: one function for every read and login (``record``), and the table of the
pages that show health information (``READS``), which ``AuditMiddleware`` consults for every request."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from audit.models import AccessEvent, AuditAction

# URL name -> (action, the URL argument naming the object, if any). A page that shows health information
# and is missing here is not audited: tests/test_audit.py checks this table against the URLconf.
READS: dict[str, tuple[str, str | None]] = {
    "cases:detail": (AuditAction.VIEW_CASE, None),
    "cases:record_file": (AuditAction.VIEW_RECORD_FILE, "record_id"),
    "reviews:workspace": (AuditAction.VIEW_CASE_FILE, None),
    "reviews:record_search": (AuditAction.SEARCH_RECORDS, None),
    "reviews:record_list": (AuditAction.VIEW_CASE_FILE, None),
    "reviews:record_text": (AuditAction.VIEW_RECORD_FILE, "record_id"),
    "reviews:compare_versions": (AuditAction.VIEW_REVIEW_VERSION, None),
    "reviews:review_version": (AuditAction.VIEW_REVIEW_VERSION, "version"),
    "reviews:letter_preview": (AuditAction.PREVIEW_LETTER, None),
    "reviews:letter_download": (AuditAction.DOWNLOAD_LETTER, "version"),
    "reviews:letter_case": (AuditAction.VIEW_CASE, None),
}


# A chunk of a file (a 206 answer to a Range request) read by a user who already has a successful read of
# that file in the record within this window is part of that read, not a new one: PDF.js opens a record
# with one whole-file request (recorded) and then asks for 64 KiB chunks as pages are shown. A client that
# asks only for ranges is still recorded at its first chunk and again at least once per window.
RANGE_READ_WINDOW = datetime.timedelta(minutes=30)


def _continues_a_read(
    request: HttpRequest, response: HttpResponse, user, action: str, case_number: str, object_id: str
) -> bool:
    if response.status_code != 206 or "HTTP_RANGE" not in request.META:
        return False
    return AccessEvent.objects.filter(
        user=user,
        action=action,
        case_number=case_number,
        object_id=object_id,
        status_code__in=(200, 206),
        at__gte=timezone.now() - RANGE_READ_WINDOW,
    ).exists()


def client_address(request: HttpRequest) -> str | None:
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # behind the TLS proxy (DEPLOYING.md)
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(
    request: HttpRequest | None,
    action: str,
    *,
    user=None,
    username: str = "",
    case_number: str = "",
    object_id: str = "",
    status_code: int | None = None,
    detail: str = "",
) -> AccessEvent:
    """Append one entry. ``user`` defaults to the request's user when logged in."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AccessEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        case_number=case_number[:32],
        object_id=str(object_id)[:64],
        path=(request.path[:300] if request is not None else ""),
        status_code=status_code,
        ip_address=client_address(request) if request is not None else None,
        detail=detail[:200],
    )


class AuditMiddleware:
    """Records every request to a page in ``READS`` by a logged-in user, whatever the answer (a 403 or 404
    is an attempt worth seeing too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.method not in ("GET", "HEAD"):
            return response
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return response
        entry = READS.get(match.view_name)
        if entry is None:
            return response
        action, object_kwarg = entry
        case_number = str(match.kwargs.get("case_number", ""))
        object_id = str(match.kwargs.get(object_kwarg, "")) if object_kwarg else ""
        if _continues_a_read(request, response, user, action, case_number, object_id):
            return response
        detail = ""
        if action == AuditAction.SEARCH_RECORDS:
            detail = f"query of {len(request.GET.get('q', ''))} characters"
        record(
            request,
            action,
            case_number=case_number,
            object_id=object_id,
            status_code=response.status_code,
            detail=detail,
        )
        return response
