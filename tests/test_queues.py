"""Letters render on their own queue: a worker on the default queue keeps serving its tasks while letters
wait for the letters workers, so a burst of letters never delays the default queue (Procfile, settings)."""

from __future__ import annotations

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection

from imr_site.celery import app, queue_names
from reviews.letters.tasks import render_letter, sweep_letters
from reviews.models import DeterminationLetter, LetterStatus


def test_letters_go_to_the_letters_queue_and_everything_else_to_default():
    router = app.amqp.router
    assert router.route({}, render_letter.name)["queue"].name == "letters"
    assert router.route({}, sweep_letters.name)["queue"].name == "default"
    assert queue_names() == ["default", "letters"]


@pytest.mark.integration
def test_a_default_worker_serves_its_queue_while_letters_wait_for_theirs(transactional_db):
    from tests.factories import SignedReviewFactory

    review = SignedReviewFactory()
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    app.control.purge()
    done = threading.Event()

    def finished(sender=None, **kwargs) -> None:
        connection.close()
        if sender is not None and sender.name == sweep_letters.name:
            done.set()

    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, queues=["default"], perform_ping_check=False, shutdown_timeout=30
        ):
            for _ in range(20):  # a burst of letters
                render_letter.delay(letter.pk)
            sweep_letters.delay()
            assert done.wait(timeout=120), "the default worker never ran the sweep"
        with app.connection_for_write() as conn:
            waiting = conn.default_channel.client.llen("letters")
    finally:
        task_postrun.disconnect(finished)
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete("letters")  # the burst this test left behind
    assert waiting == 20
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
