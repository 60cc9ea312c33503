"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest

from tests import factories
from tests.auth import log_in


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
