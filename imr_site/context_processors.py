from django.conf import settings
from django.http import HttpRequest


def organisation(request: HttpRequest) -> dict:
    """The organisation's name in every page header (it is a setting, never a literal in templates)."""
    return {"IMR_ORGANISATION": settings.IMR_ORGANISATION}


def session(request: HttpRequest) -> dict:
    """The idle timeout, for the warning before the session ends (static/js/imr.js)."""
    return {"IDLE_TIMEOUT_SECONDS": settings.SESSION_COOKIE_AGE}
