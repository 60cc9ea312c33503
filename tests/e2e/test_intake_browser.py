"""An administrator takes in a case through the browser and finds it in the case list."""

from __future__ import annotations

import pytest

from cases.intake import EXAMPLE_CASE_PATH
from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import AdminUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_uploads_the_seed_case_and_finds_it(page, live_server):
    admin = AdminUserFactory()
    log_in(page, live_server, admin.username)
    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Intake file (JSON)").set_input_files(str(EXAMPLE_CASE_PATH))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported 1 case(s) from seed-case.json.").wait_for()
    assert Case.objects.filter(case_number="CM15-0165834").exists()

    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Search").fill("0165834")
    page.get_by_role("link", name="CM15-0165834").wait_for()
    page.get_by_role("link", name="CM15-0165834").click()
    page.get_by_role("heading", name="Case CM15-0165834").wait_for()
    body = page.inner_text("body")
    assert "Physical therapy for the lumbar spine, quantity 12" in body
    assert "MRI of the lumbar spine" in body
    assert "Claims Administrator guideline: MTUS Low Back Complaints 2004" in body


def test_a_bad_upload_names_the_field_in_the_browser(page, live_server, tmp_path):
    admin = AdminUserFactory()
    bad = tmp_path / "bad.json"
    bad.write_text(EXAMPLE_CASE_PATH.read_text().replace('"quantity": 12', '"quantity": -2'))
    log_in(page, live_server, admin.username)
    page.goto(f"{live_server.url}/cases/import/")
    page.get_by_label("Intake file (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("-2 is less than the minimum of 1").wait_for()
    body = page.inner_text("body")
    assert "Rejected CM15-0165834 (case 1 in bad.json)" in body
    assert "disputed item 1 › quantity" in body  # counted from 1
    assert "Choose bad.json again before importing" in body
    assert not Case.objects.exists()
