"""Webhooks: events for an organisation's subscriptions, signed deliveries, retries and redelivery.

Each delivery is a POST of a JSON body with three headers:

- ``IMR-Event-Id``: the event's id (the same on every retry and redelivery: receivers drop duplicates);
- ``IMR-Event-Type``: e.g. ``determination.issued``;
- ``IMR-Signature``: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>``.

Replay protection: the timestamp is signed with the body, so a receiver that refuses a timestamp more
than ``TOLERANCE_SECONDS`` from its own clock (``verify_signature``) cannot be fed an old delivery again,
and one that remembers event ids for that long refuses a copy inside the window too. Bodies carry case
numbers, statuses and links, never health information.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parties.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "IMR-Signature"
TOLERANCE_SECONDS = 300


class WebhookSignatureError(Exception):
    """A delivery whose signature or timestamp does not check out."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``IMR-Signature`` header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, body: bytes, header: str, *, tolerance: int = TOLERANCE_SECONDS, now: float | None = None
) -> int:
    """Check a received delivery: the receiver's helper (docs/api.md). Returns the signed timestamp.

    Raises ``WebhookSignatureError`` when the header is malformed, the signature does not match the body,
    or the timestamp is more than ``tolerance`` seconds from ``now`` (a replayed or delayed delivery)."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError) as exc:
        raise WebhookSignatureError("malformed signature header") from exc
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise WebhookSignatureError("signature does not match the body")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise WebhookSignatureError(f"timestamp is {int(now - timestamp)} s away from now (replayed?)")
    return timestamp


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 30 s, 1, 2, 4 min... at most 1 hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def emit(organisation, event: str, data: dict) -> list[WebhookDelivery]:
    """Record a delivery of ``event`` for each of the organisation's active subscriptions to it, and hand
    each to a worker once the transaction commits."""
    if organisation is None:
        return []
    event_id = uuid.uuid4()
    payload = {"id": str(event_id), "type": event, "created_at": timezone.now().isoformat(), "data": data}
    deliveries = []
    for subscription in WebhookSubscription.objects.filter(organisation=organisation, active=True):
        if event not in subscription.events:
            continue
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event_id=event_id, event=event, payload=payload
        )
        deliveries.append(delivery)
        transaction.on_commit(lambda pk=delivery.pk: enqueue(pk))
    return deliveries


def enqueue(delivery_id: int, countdown: int = 0) -> None:
    from parties.tasks import deliver_webhook

    try:
        deliver_webhook.apply_async(args=[delivery_id], countdown=countdown)
    except Exception as exc:  # the broker is down: the sweep hands it over later
        logger.warning("webhook delivery %s: broker unavailable (%s)", delivery_id, type(exc).__name__)


def attempt(delivery: WebhookDelivery) -> bool:
    """POST the delivery once, signed now; record the attempt. True when the receiver answered 2xx."""
    refused = check_url(delivery.subscription.url)
    if refused:
        WebhookAttempt.objects.create(delivery=delivery, error=refused[:300])
        return False
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked when subscribing
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "IMR-Webhooks/1",
            "IMR-Event-Id": str(delivery.event_id),
            "IMR-Event-Type": delivery.event,
            SIGNATURE_HEADER: sign(delivery.subscription.secret, timestamp, body),
        },
    )
    started = time.monotonic()
    status_code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            status_code = response.status
    except urllib.error.HTTPError as exc:
        status_code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:300]
    ok = status_code is not None and 200 <= status_code < 300
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=status_code,
        error="" if ok else (error or f"HTTP {status_code}"),
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    return ok


def deliver(delivery_id: int) -> tuple[str, int | None]:
    """One attempt of a pending delivery. Returns (status, seconds until the next attempt or None)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return "not pending", None
        delivery.attempts += 1
        delivery.next_attempt_at = None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    if not delivery.subscription.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
        return DeliveryStatus.FAILED, None
    if attempt(delivery):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED, delivered_at=timezone.now()
        )
        return DeliveryStatus.DELIVERED, None
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
        logger.warning("webhook delivery %s failed after %s attempts", delivery.pk, delivery.attempts)
        return DeliveryStatus.FAILED, None
    delay = retry_delay(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )
    return DeliveryStatus.PENDING, delay


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (from the delivery log), with the same event id and a fresh set of attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None, delivered_at=None
    )
    transaction.on_commit(lambda: enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def sweep() -> list[int]:
    """Pending deliveries whose next attempt is long past (the retry message was lost): queue them again."""
    late = timezone.now() - timedelta(minutes=10)
    from django.db.models import Q

    stuck = Q(next_attempt_at__lt=late) | Q(next_attempt_at__isnull=True, created_at__lt=late)
    ids = list(
        WebhookDelivery.objects.filter(stuck, status=DeliveryStatus.PENDING).values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue(pk)
    return ids


def check_url(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks, or None: https only (http in development), and in production
    no address inside our own network (loopback, private, link-local), checked again before each attempt
    so a name that later resolves inward is refused too (``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not (parts.scheme == "https" or (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP)):
        return "the URL must start with https://"
    if not parts.hostname:
        return "the URL has no host"
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    return _inward_address(parts.hostname)


def _inward_address(host: str) -> str | None:
    import ipaddress
    import socket

    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return f"the host {host} does not resolve"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return f"the host {host} resolves to an internal address"
    return None
