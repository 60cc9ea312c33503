"""An administrator's morning in a real browser: open the dashboard, follow "due within 3 days", sort,
assign two cases in bulk."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import (
    AdminUserFactory,
    AssignmentFactory,
    CaseFactory,
    ReviewerProfileFactory,
    reviewer_with_credentials,
)
from tests.reviews.assignment.helpers import eligible_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def due_in(days: int, number: str, **kwargs) -> Case:
    """An eligible case (with a requesting provider and items) whose determination is due in ``days``."""
    complete = TODAY + datetime.timedelta(days=days - 30)
    return eligible_case(
        case_number=number,
        received_date=complete - datetime.timedelta(days=3),
        records_complete_date=complete,
        **kwargs,
    )


def a_monday_morning() -> dict:
    cases = {
        "soon_b": due_in(2, "CM26-0000202"),
        "soon_a": due_in(1, "CM26-0000201"),
        "soon_c": due_in(3, "CM26-0000203", employer="Contoso Foods"),
        "later": due_in(20, "CM26-0000210"),
        "overdue": due_in(-1, "CM26-0000190"),
    }
    # Some of everything else the dashboard counts, so the page (and its screenshot) shows a real queue.
    for n in range(3):
        CaseFactory(case_number=f"CM26-000030{n}", status="records_requested", records_complete_date=None,
                    received_date=TODAY - datetime.timedelta(days=20 - n),
                    records_requested_date=TODAY - datetime.timedelta(days=18 - 4 * n))  # fmt: skip
    CaseFactory(case_number="CM26-0000400", status="closed")
    reviewer = reviewer_with_credentials()
    reviewer.user.first_name, reviewer.user.last_name = "Ana", "Rivera"
    reviewer.user.save()
    ben = ReviewerProfileFactory(user__first_name="Ben", user__last_name="Okafor", max_open_cases=4)
    # Ben's work: an expedited case already overdue and two standard ones due in a fortnight.
    expedited = CaseFactory(case_number="CM26-0000180", review_type="expedited", status="in_review",
                            received_date=TODAY - datetime.timedelta(days=6),
                            records_complete_date=TODAY - datetime.timedelta(days=4))  # fmt: skip
    AssignmentFactory(case=expedited, reviewer=ben)
    for n in range(2):
        AssignmentFactory(case=due_in(15, f"CM26-000018{n + 1}", status="in_review"), reviewer=ben)
    return {"cases": cases, "reviewer": reviewer}


def test_an_administrators_morning(page, live_server):
    world = a_monday_morning()
    admin = AdminUserFactory()
    log_in(page, live_server, admin.username)

    # The home page is the operations dashboard.
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name=re.compile("^Operations")).wait_for()
    shots = os.environ.get("IMR_SCREENSHOT_DIR")
    if shots:  # README's screenshot: IMR_SCREENSHOT_DIR=docs/screenshots scripts/test tests/e2e/...
        page.screenshot(path=str(Path(shots) / "admin-dashboard.png"), full_page=True)
    due_soon = page.locator("a.figure-link", has_text="Due within 3 days")
    assert due_soon.locator(".figure-count").inner_text() == "3"

    # Follow "due within 3 days": the list shows exactly those three cases.
    due_soon.click()
    page.wait_for_url(re.compile(r"/cases/\?due=3$"))
    rows = page.locator("table.case-table tbody tr td:nth-child(2) a")
    assert sorted(rows.all_inner_texts()) == ["CM26-0000201", "CM26-0000202", "CM26-0000203"]

    # Sort by case number, then reverse it.
    page.get_by_role("link", name="Case number").click()
    page.wait_for_url(re.compile(r"sort=case"))
    assert rows.all_inner_texts() == ["CM26-0000201", "CM26-0000202", "CM26-0000203"]
    page.get_by_role("link", name=re.compile("^Case number")).click()
    page.wait_for_url(re.compile(r"sort=-case"))
    assert rows.all_inner_texts() == ["CM26-0000203", "CM26-0000202", "CM26-0000201"]

    # Tick two cases and assign them to one reviewer in bulk.
    page.get_by_label("Select CM26-0000201").check()
    page.get_by_label("Select CM26-0000203").check()
    page.get_by_label("With the selected cases").select_option("assign")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_role("heading", name="Assign several cases").wait_for()
    page.get_by_label(re.compile("^Ana Rivera")).check()
    page.get_by_role("button", name="Assign selected cases").click()
    page.get_by_text("2 of 2 case(s) assigned.").wait_for()

    reviewer = world["reviewer"]
    for number in ["CM26-0000201", "CM26-0000203"]:
        case = Case.objects.get(case_number=number)
        assert case.status == "assigned"
        assert case.assignments.get(active=True).reviewer == reviewer
    assert Case.objects.get(case_number="CM26-0000202").status == "eligible"

    # Back on the list, the reviewer column names the assignee.
    page.goto(f"{live_server.url}/cases/?due=3&sort=case")
    first_row = page.locator("table.case-table tbody tr").first
    assert "Ana Rivera" in first_row.inner_text()
    if shots:
        page.goto(f"{live_server.url}/cases/")
        page.screenshot(path=str(Path(shots) / "admin-case-list.png"), full_page=True)


def test_the_case_header_follows_an_assignment_without_a_reload(page, live_server):
    """Assigning from the case page's panel (htmx) updates the status badge and the status controls too."""
    case = eligible_case(
        case_number="CM26-0000500",
        status="records_requested",
        records_complete_date=None,
        received_date=TODAY,
        records_requested_date=TODAY,
    )
    reviewer = reviewer_with_credentials()
    admin = AdminUserFactory()
    log_in(page, live_server, admin.username)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    header = page.locator("#case-header")
    assert "Records requested" in header.inner_text()
    assert "provisional" in header.inner_text() and "Records due" in header.inner_text()
    assert page.get_by_role("button", name="Mark records insufficient").is_visible()
    marker = page.evaluate("() => { window.__noReload = true; return true; }")
    page.locator(f"#reviewer-{reviewer.pk}").check()
    page.locator("#assignment-panel").get_by_role("button", name="Assign").click()
    page.locator("#case-header .badge", has_text="Assigned").wait_for()
    assert marker and page.evaluate("() => window.__noReload === true")  # the same page, not a reload
    assert page.get_by_role("button", name="Mark records insufficient").count() == 0
    assert page.get_by_role("button", name="Withdraw case").is_visible()
    if os.environ.get("IMR_SCREENSHOT_DIR"):
        page.screenshot(
            path=str(Path(os.environ["IMR_SCREENSHOT_DIR"]) / "admin-case-page.png"), full_page=False
        )
