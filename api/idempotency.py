"""``Idempotency-Key`` on POSTs: the first request with a key runs and its answer is stored with the key
(per client); a retry with the same key and the same request gets the stored answer
(``Idempotent-Replayed: true``) and creates nothing. The same key on a different request is refused (422);
a retry while the first is still running is told to wait (409). Keys are kept for
``settings.API_IDEMPOTENCY_RETENTION_HOURS`` (24 by default) and then purged (``purge_expired``, hourly by
Celery beat), after which a key may be used again."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from api.problems import Problem
from parties.models import IdempotencyRecord

HEADER = "Idempotency-Key"
# A first request that never stored its answer (its process died) no longer holds its key after this.
ABANDONED_AFTER = timedelta(minutes=5)


def retention() -> timedelta:
    return timedelta(hours=settings.API_IDEMPOTENCY_RETENTION_HOURS)


def purge_expired(now=None) -> int:
    """Delete the stored answers older than the retention period; returns how many went."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    for name in sorted(request.data.keys()) if hasattr(request.data, "keys") else []:
        if name in request.FILES:
            for upload in request.FILES.getlist(name):
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        else:
            values = request.data.getlist(name) if hasattr(request.data, "getlist") else [request.data[name]]
            digest.update(f"{name}={values!r}\n".encode())
    return digest.hexdigest()


def _claim(user, key: str, print_: str) -> IdempotencyRecord | Response | None:
    """The stored answer to replay, or None when this request now holds the key."""
    # A key past its retention is forgotten even if the hourly purge has not run yet.
    IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=timezone.now() - retention()).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(user=user, key=key, fingerprint=print_)
        return None
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(user=user, key=key)
    if record.fingerprint != print_:
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key already used for another request",
            f"The key {key!r} was first used for a different request; use a new key for a new request.",
        )
    if record.status_code is None:
        if record.created_at > timezone.now() - ABANDONED_AFTER:
            raise Problem(
                409, "idempotency-in-progress", "A request with this key is in progress", "Retry shortly."
            )
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now())
        return None
    response = Response(record.body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(method):
    """Decorate a view's ``post``: honours an ``Idempotency-Key`` header when one is sent."""

    @wraps(method)
    def wrapped(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return method(view, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            raise Problem(
                400, "invalid-idempotency-key", "Invalid Idempotency-Key", "At most 255 printable characters."
            )
        replay = _claim(request.user, key, fingerprint(request))
        if replay is not None:
            return replay
        try:
            with transaction.atomic():
                response = method(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    IdempotencyRecord.objects.filter(user=request.user, key=key).update(
                        status_code=response.status_code, body=response.data
                    )
        except BaseException:
            IdempotencyRecord.objects.filter(user=request.user, key=key, status_code__isnull=True).delete()
            raise
        if not 200 <= response.status_code < 300:
            IdempotencyRecord.objects.filter(user=request.user, key=key, status_code__isnull=True).delete()
        return response

    return wrapped
