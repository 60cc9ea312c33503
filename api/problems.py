"""Every API error as RFC 9457 problem details (``application/problem+json``): one handler for DRF.

``type`` names the kind of problem (a URI relative to /api/problems/), ``title`` is its fixed summary,
``detail`` this occurrence, ``status`` the HTTP status; invalid input adds ``errors``, one per field, each
naming the field and the reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/problems/"


class Problem(exceptions.APIException):
    """An error with its own problem type, e.g. ``Problem(409, "determination-not-issued", ...)``."""

    def __init__(self, status_code: int, kind: str, title: str, detail: str = "") -> None:
        super().__init__(detail or title)
        self.status_code = status_code
        self.kind = kind
        self.title = title


KINDS = {
    400: ("invalid-request", "The request is not valid"),
    401: ("unauthenticated", "Authentication needed"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
}


def _field_errors(detail, prefix: str = "") -> list[dict]:
    errors = []
    if isinstance(detail, dict):
        for field, value in detail.items():
            name = f"{prefix}.{field}" if prefix else str(field)
            errors += _field_errors(value, name)
    elif isinstance(detail, list):
        for value in detail:
            if isinstance(value, (dict, list)):
                errors += _field_errors(value, prefix)
            else:
                errors.append({"field": prefix or "non_field_errors", "detail": str(value)})
    else:
        errors.append({"field": prefix or "non_field_errors", "detail": str(detail)})
    return errors


def problem_response(
    status_code: int, kind: str, title: str, detail: str, instance: str, **extra
) -> Response:
    body = {
        "type": PROBLEM_BASE + kind,
        "title": title,
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    body.update(extra)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 (logged), never details of it
    request = context["request"]
    code = response.status_code
    kind, title = KINDS.get(code, ("error", "Error"))
    extra = {}
    if isinstance(exc, Problem):
        kind, title, detail = exc.kind, exc.title, str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        extra["errors"] = errors
        detail = "; ".join(f"{e['field']}: {e['detail']}" for e in errors)
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else title
    else:
        detail = title
    problem = problem_response(code, kind, title, detail, request.path, **extra)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem


def not_found(what: str = "Not found.") -> exceptions.NotFound:
    return exceptions.NotFound(what)


HTTP_409 = status.HTTP_409_CONFLICT
