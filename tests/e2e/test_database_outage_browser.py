"""Failure drill in a real browser: the database becomes unavailable while a reviewer types.

The test database (never the shared server) refuses new connections and its open ones are ended, from a
separate administrative connection; the workspace says the text is kept in the browser and keeps
retrying; once the database accepts connections again, the next save succeeds and the server has the text.
"""

from __future__ import annotations

import contextlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.workspace.drafts import start_review
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _admin_sql(*statements: str) -> None:
    """Run SQL on the server's maintenance database, outside the test database."""
    import psycopg

    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k not in ("cursor_factory", "context")}
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


@contextlib.contextmanager
def database_unavailable():
    name = connection.settings_dict["NAME"]
    _admin_sql(
        f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false',
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )
    try:
        yield
    finally:
        _admin_sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        connection.close()  # this thread's session was ended too


def test_text_typed_while_the_database_is_down_stays_in_the_browser_and_is_saved_after(browser, live_server):
    from playwright.sync_api import expect

    reviewer = factories.reviewer_with_credentials(states=("CA",), specialties=("occupational_medicine",))
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    start_review(case, reviewer.user)
    connection.close()

    page = browser.new_page()
    page.set_default_timeout(30000)
    log_in(page, live_server, reviewer.user.username)
    page.goto(live_server.url + reverse("reviews:workspace", args=[case.case_number]))
    summary = page.get_by_label("Clinical case summary")
    status = page.locator("#save-status")

    text = "Typed while the database was unavailable."
    with database_unavailable():
        summary.fill(text)
        expect(status).to_contain_text("kept in this browser", timeout=30000)
        stored = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
        assert text in stored, "the text is in the browser's storage"

    # The page retries on its own once the database is back.
    expect(status).to_contain_text("saved at", timeout=60000)
    assert Review.objects.get(case=case).clinical_summary == text
    page.close()
