"""Failure drills against the real services (PostgreSQL, Redis, real Celery worker processes).

- A worker process killed (SIGKILL) in the middle of rendering a letter: once a worker runs again, the
  letter is produced exactly once (one file, one ready version).
- Redis stopped at sign-off: the sign-off succeeds and the letter is kept as pending; when Redis is back,
  the periodic sweep hands it over and it is rendered. The test runs its own redis-server on a free port;
  the shared Redis is never touched.

(The database unavailable during an autosave is a browser drill: tests/e2e/test_workspace_browser.py.)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from reviews.letters import services
from reviews.models import DeterminationLetter, ItemDecision, LetterStatus, Review
from tests import factories
from tests.auth import log_in
from tests.reviews.letters.helpers import seed_reviewer
from tests.seed_determination import SEED_DECISIONS, SEED_SUMMARY, sign_seed_review

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[1]
# Generous limits, only so that a broken drill fails instead of hanging; nothing is timed.
WAIT_SECONDS = 240


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(broker_url: str, media_root: Path, log: Path) -> subprocess.Popen:
    """A real ``celery worker`` process on the test database, the given broker and the test's storage."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "MEDIA_ROOT": str(media_root),
        "STORAGE_BACKEND": "filesystem",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "imr_site", "worker", "-Q", "letters,default", "--pool=solo",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        f"--hostname=drill-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(predicate, what: str, log: Path | None = None):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"timed out waiting for {what}\n{tail}")


def stored_letter_files() -> list[str]:
    return default_storage.listdir("letters")[1] if default_storage.exists("letters") else []


# -- a worker killed mid-render -----------------------------------------------------------------------


def big_signed_review(items: int) -> Review:
    """A signed determination with many disputed items: its letter takes seconds to render, long enough
    to kill the worker in the middle (a real render, nothing slowed down artificially)."""
    case = factories.CaseFactory(status="in_review")
    reviewer = seed_reviewer()
    review = factories.ReviewFactory(case=case, reviewer=reviewer, clinical_summary=SEED_SUMMARY)
    for n in range(items):
        item = factories.DisputedItemFactory(
            case=case, position=n, description=f"Physical therapy for the lumbar spine, course {n + 1}"
        )
        seed = SEED_DECISIONS[n % 2]
        ItemDecision.objects.create(
            review=review,
            disputed_item=item,
            decision=seed["decision"],
            guideline_citations=seed["guideline_citations"],
            rationale=seed["rationale"],
        )
    Review.objects.filter(pk=review.pk).update(
        status="signed",
        signed_by=reviewer.user,
        credentials_snapshot={
            "states": reviewer.licensure_states(),
            "specialties": reviewer.specialty_labels(),
        },
    )
    review.refresh_from_db()
    return review


def test_a_worker_killed_mid_render_produces_the_letter_exactly_once_after_a_restart(settings, tmp_path):
    from imr_site.celery import app

    app.control.purge()
    log = tmp_path / "worker.log"
    media = Path(settings.MEDIA_ROOT)
    review = big_signed_review(items=150)
    first = start_worker(settings.CELERY_BROKER_URL, media, log)
    try:
        letter = services.request_letter(review, by=None)  # commits; the job goes to the real broker

        def rendering():
            letter.refresh_from_db()
            return letter.status == LetterStatus.RENDERING

        wait_for(rendering, "the worker to start rendering", log)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        stop(first)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERING, "killed after the render finished: make the case bigger"
    assert stored_letter_files() == [], "nothing stored by the killed run"

    second = start_worker(settings.CELERY_BROKER_URL, media, log)
    try:
        # Celery beat's sweep finds the render abandoned (its lock died with the worker's database
        # session) and queues it again; the restarted worker renders it.
        wait_for(lambda: services.sweep_letters() == [letter.pk], "the sweep to re-queue the letter", log)

        def settled():
            letter.refresh_from_db()
            return not letter.in_progress

        wait_for(settled, "the letter to be rendered again", log)
    finally:
        stop(second)
    assert letter.status == LetterStatus.READY, letter.error
    assert letter.attempts == 2
    files = stored_letter_files()
    assert files == [letter.file.name.split("/")[-1]], "exactly one file for the one version"
    assert DeterminationLetter.objects.filter(review=review).count() == 1
    assert letter.page_count > 20


# -- Redis stopped at sign-off ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test stops and starts again."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = _free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        assert server, "redis-server is needed for this drill (apt-get install redis-server)"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._answers, f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    """The Celery app of this process pointed at a private Redis for the test, then put back."""
    from imr_site.celery import app

    redis = PrivateRedis(tmp_path)
    redis.start()
    saved = app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_read_url
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = redis.url
    app._pool = None
    app.amqp._producer_pool = None
    yield redis
    redis.stop()
    app.conf.broker_url, app.conf.broker_write_url, app.conf.broker_read_url = saved
    app._pool = None
    app.amqp._producer_pool = None


def test_redis_stopped_at_sign_off_the_sign_off_succeeds_and_the_letter_follows_when_it_returns(
    client, private_redis, settings, tmp_path
):
    from cases.intake import EXAMPLE_CASE_PATH, import_file

    log = tmp_path / "worker.log"
    case = import_file(EXAMPLE_CASE_PATH).imported[0].case
    reviewer = seed_reviewer()
    review = sign_seed_review(case, reviewer, signed=False)
    worker = start_worker(private_redis.url, Path(settings.MEDIA_ROOT), log)
    try:
        private_redis.stop()

        log_in(client, reviewer.user)
        response = client.post(
            reverse("reviews:sign_off", args=[case.case_number]),
            {"confirm": "on", "base_revision": review.revision},
        )
        assert response.status_code == 302, "the sign-off succeeds with Redis down"
        review.refresh_from_db()
        assert review.status == "signed"
        letter = review.letters.get()
        assert (letter.status, letter.queued_at) == (LetterStatus.QUEUED, None), "kept, never handed over"

        private_redis.start()
        # Celery beat's sweep (every 2 minutes) finds the letter still pending past the queued timeout.
        settings.IMR_LETTER_QUEUED_TIMEOUT = 0
        wait_for(lambda: services.sweep_letters() == [letter.pk], "the sweep to hand the letter over", log)

        def settled():
            letter.refresh_from_db()
            return not letter.in_progress

        wait_for(settled, "the worker to render the letter", log)
    finally:
        stop(worker)
    assert letter.status == LetterStatus.READY, letter.error
    assert letter.attempts == 1
    assert default_storage.exists(letter.file.name)
