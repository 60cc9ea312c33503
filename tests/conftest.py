"""Fixtures shared by every test package."""

from __future__ import annotations

import os

import pytest

from tests import factories
from tests.auth import log_in


def pytest_configure(config) -> None:
    """Test-only settings, applied before any test runs."""
    from django.conf import settings
    from django.contrib.auth import hashers

    # Django's testing advice: a fast hasher. PBKDF2's 1,000,000 iterations cost about a second per user a
    # factory makes (every factory user gets a password) on a loaded 2-core machine. No test checks the
    # production hashers; production and the stack test (tests/stack) keep settings.PASSWORD_HASHERS.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    _services_of_this_xdist_worker(settings)


def _services_of_this_xdist_worker(settings) -> None:
    """Under pytest-xdist (``-n``), each worker process gets its own Redis database for the Celery broker
    and the cache, the broker's database number + 1 + the worker's number (gw0, gw1...), so one worker's
    real Celery worker never takes another's tasks (whose ids name rows in another test database).
    pytest-django already gives each worker its own test database (test_<name>_gw0...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = settings.CELERY_BROKER_URL
    if not worker.startswith("gw") or not url.startswith("redis"):
        return
    from imr_site.celery import app

    base, _, number = url.rpartition("/")
    url = f"{base}/{int(number or 0) + 1 + int(worker[2:])}"
    os.environ["CELERY_BROKER_URL"] = url  # for the processes a test starts (failure drills)
    settings.CELERY_BROKER_URL = url
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": url}}
    app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url


def pytest_collection_modifyitems(config, items) -> None:
    """On a developer's SQLite run without Redis, say plainly which tests need the real services.

    CI (scripts/test) always runs against PostgreSQL and Redis, so there nothing is skipped.
    """
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    on_redis = settings.CELERY_BROKER_URL.startswith("redis")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skipif(True, reason="needs PostgreSQL (set DATABASE_URL)"))
        if "integration" in item.keywords and not (on_postgres and on_redis):
            item.add_marker(
                pytest.mark.skipif(
                    True, reason="needs PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL)"
                )
            )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores files in its own folder, so nothing leaks between tests or into the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture(autouse=True)
def _no_reviewers_cached_by_another_test():
    """The assignment pages share the reviewers and their open cases through Redis (reviews.assignment.
    queries); a test's rows roll back or are flushed without the signals that move their versions."""
    from reviews.assignment.queries import forget_open_cases, forget_reviewers

    forget_reviewers()
    forget_open_cases()


@pytest.fixture(autouse=True)
def _eager_celery_by_default(request):
    """Unit tests run tasks in-process; integration tests (marked) start a real worker on Redis."""
    from imr_site.celery import app

    eager = "integration" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


def _close_worker_db_connection(**kwargs) -> None:
    # The embedded worker runs in its own thread with its own connection: close it after each task so
    # the test database can be flushed and dropped.
    from django.db import connection

    connection.close()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker on Redis (not eager mode), in a thread, serving every queue: for the
    integration tests that follow a task from the request to its result."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from imr_site.celery import app, queue_names

    assert app.conf.task_always_eager is False
    app.control.purge()  # messages left in this Redis database by an earlier run name other databases' ids
    task_postrun.connect(_close_worker_db_connection, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            queues=queue_names(),
            perform_ping_check=False,
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_close_worker_db_connection)


@pytest.fixture
def admin_user(db):
    return factories.AdminUserFactory()


@pytest.fixture
def admin_client(client, admin_user):
    log_in(client, admin_user)
    return client


@pytest.fixture
def reviewer(db):
    return factories.reviewer_with_credentials(
        states=("TX", "NY", "CA"), specialties=("preventive_medicine",)
    )


@pytest.fixture
def reviewer_client(client, reviewer):
    log_in(client, reviewer.user)
    return client


@pytest.fixture
def seed_case(db):
    from cases.intake import EXAMPLE_CASE_PATH, import_file

    report = import_file(EXAMPLE_CASE_PATH)
    assert report.ok, report.lines()
    return report.imported[0].case
