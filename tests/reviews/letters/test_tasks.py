"""Letter generation: request, idempotency, retries, failure marking, the sweep, regeneration.

Tasks run eagerly here (tests/conftest.py); the end-to-end test runs a real worker on Redis.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from reviews.letters import services
from reviews.letters.tasks import render_letter, retry_delay, sweep_letters
from reviews.models import DeterminationLetter, LetterStatus
from tests import factories
from tests.reviews.letters.helpers import issue, pdf_text, signed_seed_review

# -- storage that fails, for transient errors (the database and broker stay real) ------------------


class FailingStorage(FileSystemStorage):
    """A file system that refuses the next ``failures`` saves, like a storage service having a bad
    minute."""

    failures = 0

    def _save(self, name, content):
        if FailingStorage.failures:
            FailingStorage.failures -= 1
            raise ConnectionError("storage service unavailable")
        return super()._save(name, content)


@pytest.fixture
def failing_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.FailingStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    yield FailingStorage
    FailingStorage.failures = 0


@pytest.fixture
def broker_down():
    """The Celery app pointed at a port where no broker listens, with eager mode off."""
    from imr_site.celery import app

    saved = app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager
    app.conf.broker_url = app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def review(seed_case):
    return signed_seed_review(seed_case)


@pytest.fixture
def admin(db):
    return factories.AdminUserFactory()


@contextlib.contextmanager
def live_render(letter_id: int):
    """Another process rendering the letter right now: it holds the letter's render lock on a database
    session of its own (services.render_lock), as a live worker does."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [services.RENDER_LOCK_NAMESPACE, letter_id % 2**31])
        yield


def _stored_letter_files() -> list[str]:
    return default_storage.listdir("letters")[1] if default_storage.exists("letters") else []


# -- request -------------------------------------------------------------------------------------


def test_request_records_the_letter_then_renders_it_after_commit(review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        letter = services.request_letter(review, by=review.reviewer.user)
        assert letter.status == LetterStatus.QUEUED
        assert letter.version == 1
    assert len(callbacks) == 1, "the render job is handed over only once the transaction commits"
    assert DeterminationLetter.objects.get(pk=letter.pk).status == LetterStatus.QUEUED
    callbacks[0]()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY
    content = letter.file.read()
    assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert letter.page_count >= 2
    assert letter.attempts == 1
    assert letter.requested_by == review.reviewer.user
    assert "MRI of the lumbar spine: Overturned" in pdf_text(content)


def test_a_review_that_is_not_signed_gets_no_letter(seed_case, django_capture_on_commit_callbacks):
    from tests.seed_determination import sign_seed_review

    draft = sign_seed_review(seed_case, factories.reviewer_with_credentials(), signed=False)
    with pytest.raises(services.LetterError, match="not signed off"):
        services.request_letter(draft, by=None)
    assert not DeterminationLetter.objects.exists()


def test_asking_twice_for_the_same_review_makes_one_letter(review, django_capture_on_commit_callbacks):
    first = issue(review, capture=django_capture_on_commit_callbacks)
    second = issue(review, capture=django_capture_on_commit_callbacks)
    assert first.pk == second.pk
    assert DeterminationLetter.objects.count() == 1


def test_broker_down_at_sign_off_keeps_the_request_and_the_sweep_sends_it_later(
    review, broker_down, django_capture_on_commit_callbacks, settings
):
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.QUEUED
    assert letter.queued_at is None, "never handed to the broker"

    # Later, with the broker back (eager here), the sweep finds it once the queued timeout has passed.
    from imr_site.celery import app

    app.conf.task_always_eager = True
    assert sweep_letters.apply().get() == 0, "not stuck yet"
    settings.IMR_LETTER_QUEUED_TIMEOUT = 300
    DeterminationLetter.objects.filter(pk=letter.pk).update(
        requested_at=timezone.now() - timedelta(seconds=301)
    )
    assert sweep_letters.apply().get() == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY


# -- idempotency and one file per version -----------------------------------------------------------


def test_rerunning_the_task_for_a_ready_letter_changes_nothing(review, django_capture_on_commit_callbacks):
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    before = (letter.file.name, letter.sha256, letter.rendered_at, letter.attempts)
    assert render_letter.apply(args=[letter.pk]).get() == "already ready"
    letter.refresh_from_db()
    assert (letter.file.name, letter.sha256, letter.rendered_at, letter.attempts) == before
    assert _stored_letter_files() == [letter.file.name.split("/")[-1]]


def test_a_letter_another_worker_is_rendering_is_left_to_it(review):
    letter = DeterminationLetter.objects.create(
        case=review.case, review=review, version=1, status=LetterStatus.RENDERING, started_at=timezone.now()
    )
    with live_render(letter.pk):
        assert render_letter.apply(args=[letter.pk]).get() == "rendering, left alone"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERING
    assert not letter.file


@pytest.mark.postgres
def test_a_letter_whose_renderer_died_is_taken_over_at_once(review):
    """Left "rendering" a second ago by a process that is gone (nobody holds its render lock): the next
    run renders it without waiting for the rendering timeout."""
    letter = DeterminationLetter.objects.create(
        case=review.case, review=review, version=1, status=LetterStatus.RENDERING,
        started_at=timezone.now(), attempts=1,
    )  # fmt: skip
    assert render_letter.apply(args=[letter.pk]).get() == "ready"
    letter.refresh_from_db()
    assert (letter.status, letter.attempts) == (LetterStatus.READY, 2)


def test_a_render_presumed_dead_is_taken_over(review, settings):
    settings.IMR_LETTER_RENDERING_TIMEOUT = 60
    letter = DeterminationLetter.objects.create(
        case=review.case,
        review=review,
        version=1,
        status=LetterStatus.RENDERING,
        started_at=timezone.now() - timedelta(seconds=61),
        attempts=1,
    )
    assert render_letter.apply(args=[letter.pk]).get() == "ready"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.READY
    assert letter.attempts == 2


def test_a_task_for_a_letter_that_no_longer_exists_does_nothing(db):
    assert render_letter.apply(args=[987654]).get() == "no such letter"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_on_one_version_store_one_file(seed_case, tmp_path):
    """Several workers handed the same letter at once: one renders it, the others leave it alone."""
    review = signed_seed_review(seed_case)
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def worker() -> None:
        from django.db import connections

        try:
            start.wait()
            outcomes.append(services.produce_letter(letter.pk).detail)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    letter.refresh_from_db()
    assert outcomes.count("ready") == 1, outcomes
    assert letter.status == LetterStatus.READY
    assert letter.attempts == 1
    assert _stored_letter_files() == [letter.file.name.split("/")[-1]]


# -- retries and failure ------------------------------------------------------------------------------


def test_transient_storage_errors_are_retried_until_the_letter_is_stored(
    review, failing_storage, django_capture_on_commit_callbacks
):
    failing_storage.failures = 2
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.READY
    assert letter.attempts == 3
    assert letter.error == ""
    assert hashlib.sha256(letter.file.read()).hexdigest() == letter.sha256


def test_after_the_last_retry_the_letter_is_marked_failed_with_a_readable_error(
    review, failing_storage, settings, django_capture_on_commit_callbacks
):
    settings.IMR_LETTER_MAX_RETRIES = 2
    failing_storage.failures = 100
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == 3
    assert letter.error == (
        "Rendering failed after 3 attempts; the last error was ConnectionError: storage service unavailable"
    )
    assert not letter.file
    assert _stored_letter_files() == []


def test_a_letter_that_can_never_render_fails_at_once_without_retrying(
    review, django_capture_on_commit_callbacks
):
    review.decisions.filter(decision="Overturned").update(decision="")
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == 1
    assert letter.error == "Disputed item 2 has no decision."


def test_retries_back_off():
    delays = [retry_delay(n) for n in range(7)]
    assert delays == sorted(delays)
    assert delays[1] == 2 * delays[0]
    assert delays[-1] == 300


# -- the sweep -------------------------------------------------------------------------------------


def _letter(review, version: int, **fields) -> DeterminationLetter:
    return DeterminationLetter.objects.create(case=review.case, review=review, version=version, **fields)


def test_the_sweep_requeues_only_letters_stuck_past_their_timeout(review, settings):
    settings.IMR_LETTER_QUEUED_TIMEOUT = 300
    settings.IMR_LETTER_RENDERING_TIMEOUT = 600
    now = timezone.now()
    stuck_queued = _letter(review, 1, queued_at=now - timedelta(seconds=301))
    fresh_queued = _letter(review, 2, queued_at=now - timedelta(seconds=30))
    dead_render = _letter(review, 3, status=LetterStatus.RENDERING, started_at=now - timedelta(seconds=601))
    live_render_letter = _letter(
        review, 4, status=LetterStatus.RENDERING, started_at=now - timedelta(seconds=60)
    )
    failed = _letter(review, 5, status=LetterStatus.FAILED, error="x", queued_at=now - timedelta(days=1))

    with live_render(live_render_letter.pk):
        requeued = services.sweep_letters()

    assert sorted(requeued) == sorted([stuck_queued.pk, dead_render.pk])
    for letter in (stuck_queued, dead_render):
        letter.refresh_from_db()
        assert letter.status == LetterStatus.READY
    for letter, status in ((fresh_queued, "queued"), (live_render_letter, "rendering"), (failed, "failed")):
        letter.refresh_from_db()
        assert letter.status == status


def test_a_letter_waiting_for_its_retry_is_not_swept(review, settings):
    settings.IMR_LETTER_QUEUED_TIMEOUT = 300
    letter = _letter(review, 1, queued_at=timezone.now() - timedelta(seconds=400))
    services.note_retry(letter.pk, countdown=120)
    assert services.sweep_letters() == []


# -- regeneration ------------------------------------------------------------------------------------


def test_regenerating_makes_a_new_version_and_keeps_the_old_one(
    review, admin, django_capture_on_commit_callbacks
):
    old = issue(review, capture=django_capture_on_commit_callbacks)
    old_bytes = old.file.read()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.regenerate_letter(old, by=admin, reason="Recipient asked for a fresh copy")
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.version, new.supersedes, new.requested_by, new.status) == (2, old, admin, LetterStatus.READY)
    assert new.reason == "Recipient asked for a fresh copy"
    assert new.sha256 != old.sha256
    assert new.file.name != old.file.name
    assert old.status == LetterStatus.READY
    assert old.file.read() == old_bytes
    assert hashlib.sha256(old_bytes).hexdigest() == old.sha256
    assert "This letter is version 2 and replaces version 1" in pdf_text(new.file.read())


def test_regenerating_needs_a_reason(review, admin, django_capture_on_commit_callbacks):
    old = issue(review, capture=django_capture_on_commit_callbacks)
    with pytest.raises(services.LetterError, match="Say why"):
        services.regenerate_letter(old, by=admin, reason="  ")
    assert DeterminationLetter.objects.count() == 1


def test_versions_count_up_per_case(seed_case, django_capture_on_commit_callbacks):
    review = signed_seed_review(seed_case)
    other_case_review = factories.SignedReviewFactory()
    a = issue(review, capture=django_capture_on_commit_callbacks)
    b = issue(other_case_review, capture=django_capture_on_commit_callbacks)
    assert (a.version, b.version) == (1, 1)
    assert b.status == LetterStatus.READY


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_render_never_waits_on_a_case_locked_by_a_new_request(seed_case):
    """A request locks the case row to number its version; the worker's row lock must not take the case
    row too, or a request and a render deadlock (found by bench/bench_letters.py)."""
    from django.db import transaction

    from cases.models import Case

    review = signed_seed_review(seed_case)
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    outcome: list[str] = []

    def worker() -> None:
        from django.db import connection as worker_connection
        from django.db import connections

        try:
            with worker_connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            outcome.append(services.produce_letter(letter.pk).detail)
        except services.TransientLetterError as exc:
            outcome.append(str(exc))
        finally:
            connections.close_all()

    with transaction.atomic():
        Case.objects.select_for_update().get(pk=seed_case.pk)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert outcome == ["ready"]


# What ``celery -A imr_site worker`` (and beat) load in a process of their own: the app found the way the
# command line finds it, then the modules a worker imports before it takes its first message.
WORKER_VIEW = """
import json
from celery.app.utils import find_app

app = find_app("imr_site")
app.loader.import_default_modules()
render = app.tasks.get("reviews.render_letter")
print(json.dumps({
    "tasks": sorted(app.tasks),
    "render_acks_late": render.acks_late if render else None,
    "beat": sorted(entry["task"] for entry in app.conf.beat_schedule.values()),
}))
"""


def test_beat_runs_the_sweep_and_workers_know_both_task_names():
    """A fresh worker knows both letter tasks through Celery's autodiscovery alone (nothing in this test
    process imports them for it), and beat's schedule names the sweep."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", WORKER_VIEW], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    worker = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"reviews.render_letter", "reviews.sweep_letters"} <= set(worker["tasks"])
    assert worker["render_acks_late"] is True
    assert "reviews.sweep_letters" in worker["beat"]


# -- the change history -------------------------------------------------------------------------------


def test_every_status_the_worker_gives_a_letter_is_in_its_change_history(
    review, django_capture_on_commit_callbacks
):
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    statuses = list(letter.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == [LetterStatus.QUEUED, LetterStatus.RENDERING, LetterStatus.READY]
    assert letter.history.latest("history_date").history_change_reason == "rendered"


def test_a_failed_letter_shows_the_failure_in_its_change_history(review, django_capture_on_commit_callbacks):
    review.decisions.filter(decision="Overturned").update(decision="")
    letter = issue(review, capture=django_capture_on_commit_callbacks)
    assert letter.history.latest("history_date").status == LetterStatus.FAILED
