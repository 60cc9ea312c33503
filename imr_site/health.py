"""Liveness and readiness for load balancers and orchestrators. No login, and nothing about any case.

``/healthz`` answers while the process can serve Python; ``/readyz`` also proves that the database, the
broker and file storage answer, and reports the letter queue so an operator sees a stuck worker early.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from imr_site.celery import app, queue_names

BROKER_TIMEOUT_SECONDS = 2.0


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _check_broker() -> dict:
    """Ping the broker and count the messages waiting in each queue (Redis keeps a queue as a list)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process (no broker configured)"}
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        depth = {}
        if conn.transport.driver_type == "redis":
            client = conn.default_channel.client
            depth = {queue: client.llen(queue) for queue in queue_names()}
    return {"ok": True, "queue_depth": depth}


def _check_storage() -> dict:
    """Write, read back and delete a probe file: read-only or unreachable storage loses letters."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as probe:
            ok = probe.read() == b"ok"
    finally:
        default_storage.delete(name)
    return {"ok": ok}


def _letter_queue() -> dict:
    from reviews.models import DeterminationLetter, LetterStatus

    waiting = DeterminationLetter.objects.filter(status=LetterStatus.QUEUED)
    oldest = waiting.aggregate(at=Min("requested_at"))["at"]
    return {
        "queued": waiting.count(),
        "rendering": DeterminationLetter.objects.filter(status=LetterStatus.RENDERING).count(),
        "failed": DeterminationLetter.objects.filter(status=LetterStatus.FAILED).count(),
        "oldest_queued_age_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else None,
    }


@require_GET
@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, 503 naming the one that does not (the error class only)."""
    checks: dict[str, dict] = {}
    probes = (("database", _check_database), ("broker", _check_broker), ("storage", _check_storage))
    for name, check in probes:
        started = time.monotonic()
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the class says which
            checks[name] = {"ok": False, "error": type(exc).__name__}
        checks[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    ready = all(c["ok"] for c in checks.values())
    body: dict = {"status": "ready" if ready else "unavailable", "checks": checks}
    if checks["database"]["ok"]:
        body["letters"] = _letter_queue()
    return JsonResponse(body, status=200 if ready else 503)
