"""Celery tasks of the parties app (default queue). They take ids and are idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="parties.issue_records_request", ignore_result=True, acks_late=True)
def issue_records_request(case_id: int) -> str:
    """A case became eligible: request its records (nothing when it has moved on or has a request)."""
    from cases.models import Case
    from parties.records import issue_records_request as issue

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return "no such case"
    return "issued" if issue(case) else "left alone"


@shared_task(
    name="parties.store_records_notice",
    bind=True,
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=10,
    max_retries=5,
)
def store_records_notice(self, request_id: int) -> str:
    from parties.records import store_notice

    return "stored" if store_notice(request_id) else "no such request"


@shared_task(name="parties.prepare_delivery", ignore_result=True, acks_late=True)
def prepare_delivery(letter_id: int) -> int:
    from parties.delivery import prepare_delivery as prepare

    return len(prepare(letter_id))


@shared_task(name="parties.deliver_webhook", bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; on failure the next is scheduled with backoff (parties.webhooks.retry_delay) until the
    delivery is delivered or out of attempts (WEBHOOK_MAX_ATTEMPTS)."""
    from parties.webhooks import deliver

    status, delay = deliver(delivery_id)
    if delay is not None:
        raise self.retry(countdown=delay)
    return status


@shared_task(name="parties.remind_overdue_records", ignore_result=True)
def remind_overdue_records() -> int:
    from parties.records import remind_overdue

    return len(remind_overdue())


@shared_task(name="parties.sweep_webhook_deliveries", ignore_result=True)
def sweep_webhook_deliveries() -> int:
    from parties.webhooks import sweep

    return len(sweep())


@shared_task(name="parties.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Key answers past their retention (settings.API_IDEMPOTENCY_RETENTION_HOURS)."""
    from api.idempotency import purge_expired

    return purge_expired()
