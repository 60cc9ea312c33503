"""Timing knobs of letter generation, with defaults; each can be overridden by a setting of that name."""

from __future__ import annotations

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def queued_timeout() -> int:
    """Seconds a letter may wait in ``queued`` after being handed to the broker before the sweep
    re-queues it (the broker was down at sign-off, or a message was lost)."""
    return _setting("IMR_LETTER_QUEUED_TIMEOUT", 300)


def rendering_timeout() -> int:
    """Seconds a render may run before it is presumed dead (worker killed) and the sweep re-queues it.
    Must exceed the task's hard time limit, so a live render is never taken over."""
    return _setting("IMR_LETTER_RENDERING_TIMEOUT", 600)


def render_time_limit() -> int:
    """Hard time limit of one render task, in seconds."""
    return _setting("IMR_LETTER_RENDER_TIME_LIMIT", 300)


def max_retries() -> int:
    """Retries of a render after a transient error (storage or database unavailable)."""
    return _setting("IMR_LETTER_MAX_RETRIES", 5)
