"""Celery tasks for letters. They take ids and delegate to ``reviews.letters.services``.

``reviews.render_letter`` acknowledges late (a worker killed mid-render leaves the job to be redone),
retries transient errors with exponential backoff, and marks the letter failed after the last retry.
``reviews.sweep_letters`` runs from Celery beat and re-queues letters stuck queued or rendering.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django import db

from reviews.letters import conf, services

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 10, 20, 40, 80... capped at five minutes."""
    return min(10 * 2**retries, 300)


@shared_task(
    name="reviews.render_letter",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    time_limit=conf.render_time_limit(),
    soft_time_limit=max(conf.render_time_limit() - 30, 30),
)
def render_letter(self, letter_id: int) -> str:
    """Render and store one letter version (idempotent: a ready letter is left alone)."""
    try:
        outcome = services.produce_letter(letter_id)
    except services.TransientLetterError as exc:
        # The worker keeps its database connection between tasks (CELERY_DB_REUSE_MAX): drop it, in case
        # it is the connection that broke, so the retry starts on a fresh one.
        for connection in db.connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # never under a caller's transaction (eager mode)
                connection.close()
        attempts = self.request.retries + 1
        if self.request.retries >= conf.max_retries():
            services.mark_failed(
                letter_id, f"Rendering failed after {attempts} attempts; the last error was {exc}"
            )
            return "failed"
        countdown = retry_delay(self.request.retries)
        services.note_retry(letter_id, countdown)
        logger.warning("letter %s: attempt %s failed, retrying in %ss", letter_id, attempts, countdown)
        raise self.retry(exc=exc, countdown=countdown, max_retries=conf.max_retries()) from exc
    return outcome.detail


@shared_task(name="reviews.sweep_letters", ignore_result=True)
def sweep_letters() -> int:
    """Re-queue letters stuck in queued or rendering past their timeout (see reviews.letters.conf)."""
    return len(services.sweep_letters())


@worker_process_init.connect
def _warm_up_weasyprint(**kwargs) -> None:
    """Load fonts and WeasyPrint's code once per worker child, not during the first letter's render."""
    try:
        from weasyprint import HTML

        # Every face the letter uses: serif regular and bold (body, headings), sans (the header table).
        HTML(
            string="<p style='font-family: Liberation Serif'>IMR <b>Final Determination</b></p>"
            "<p style='font-family: Liberation Sans'><b>Case Number:</b> 0</p>"
        ).write_pdf()
    except Exception:  # a warm-up must never keep a worker from starting
        logger.exception("WeasyPrint warm-up failed")
