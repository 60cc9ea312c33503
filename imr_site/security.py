"""Response headers that protect health information in the browser, and the session keep-alive.

- ``Cache-Control: no-store, private`` on every response to a logged-in user: every such page may show
  health information (45 CFR 164.312(a)(1), access control), so no browser or proxy cache keeps a copy
  for the next person at a shared workstation.
- ``Permissions-Policy``: the application uses no camera, microphone, location, payment or USB; the
  browser refuses them to any script that might get onto a page.

The Content-Security-Policy itself comes from django-csp (settings ``CONTENT_SECURITY_POLICY``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy to every response and no-store to every response to a logged-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """ "Stay logged in" on the idle warning: any request renews the session (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)
