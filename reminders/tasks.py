"""Celery beat runs ``reminders.send_reminders`` (settings.CELERY_BEAT_SCHEDULE); it is idempotent."""

from __future__ import annotations

from celery import shared_task

from reminders import services


@shared_task(name="reminders.send_reminders", ignore_result=True)
def send_reminders() -> dict[str, int]:
    """Send the reminders and alerts due now that were not sent before."""
    return dict(services.send_reminders())
