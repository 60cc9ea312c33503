"""In a real browser: the reports page draws its charts (Chart.js, served locally, under the strict CSP),
and the New case form adds and removes rows.

With IMR_SCREENSHOT_DIR set, the reports test also saves the README's screenshot there:
    IMR_SCREENSHOT_DIR=docs/screenshots scripts/test tests/e2e/test_reports_browser.py
"""

from __future__ import annotations

import datetime
import os
import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.conftest import log_in
from tests.factories import AdminUserFactory, reviewer_with_credentials
from tests.reports.test_reports import issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEMS = [
    "Norco 10/325mg #120",
    "Physical therapy 2x6 lumbar spine",
    "MRI right knee without contrast",
    "Lumbar epidural steroid injection L4-5",
    "Gabapentin 600mg #90",
    "Right knee arthroscopy",
    "TENS unit purchase",
]


def _half_year_of_determinations() -> None:
    rng = random.Random(14)
    reviewers = [
        reviewer_with_credentials(specialties=(s,), user__first_name=f, user__last_name=n)
        for s, f, n in [
            ("orthopedic_surgery", "Ada", "Okafor"),
            ("pmr", "Ben", "Rivera"),
            ("pain_medicine", "Chen", "Li"),
        ]
    ]
    for n in range(48):
        received = datetime.date(2025, 12, 20) + datetime.timedelta(days=n * 4)
        expedited = n % 9 == 0
        signed = received + datetime.timedelta(days=rng.randint(2, 5) if expedited else rng.randint(8, 38))
        items = [(rng.choice(ITEMS), rng.choice(["Upheld", "Upheld", "Overturned"])) for _ in range(2)]
        issue(
            rng.choice(reviewers),
            received,
            received + datetime.timedelta(days=2),
            f"{signed.isoformat()} 19:00",
            list(dict(items).items()),
            f"{(received + datetime.timedelta(days=3)).isoformat()} 17:00",
            review_type="expedited" if expedited else "standard",
        )


def test_reports_page_draws_its_charts(page, live_server):
    _half_year_of_determinations()
    admin = AdminUserFactory()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    # Every script and style loads (the browser's own favicon request aside).
    page.on(
        "response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    log_in(page, live_server, admin.username)
    page.goto(f"{live_server.url}/reports/?start=2026-01-01&end=2026-06-30")
    expect(page.get_by_role("heading", name="Turnaround by month (received to issued)")).to_be_visible()
    for key in ("turnaround-by-month", "decisions-by-category", "reviewer-throughput"):
        canvas = page.locator(f'canvas[data-chart="{key}"]')
        expect(canvas).to_be_visible()
        # Chart.js took the canvas (it sizes it to its box): the chart was drawn, not blocked by the CSP.
        assert page.evaluate(f"!!Chart.getChart(document.querySelector('canvas[data-chart=\"{key}\"]'))")
    assert problems == []
    target = os.environ.get("IMR_SCREENSHOT_DIR")
    if target:
        page.set_viewport_size({"width": 1280, "height": 1500})
        page.screenshot(path=str(Path(target) / "admin-reports.png"), full_page=False)


def test_new_case_form_adds_and_removes_rows(page, live_server):
    admin = AdminUserFactory()
    log_in(page, live_server, admin.username)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Case number").fill("CM26-0000900")
    page.get_by_label("Application received").fill("2026-11-02")
    page.get_by_label("Records-complete date").fill("2026-11-03")
    page.get_by_label("Drug formulary dispute only").check()
    page.get_by_label("Applicant age").fill("44")
    page.get_by_label("Date of injury").fill("2026-01-05")
    page.locator('[name="injury_description"]').fill("Low back strain")
    page.locator('[name="claims_administrator"]').fill("Example Claims")
    page.get_by_label("UR decision date").fill("2026-10-20")
    items = page.locator('[data-formset="items"]')
    items.get_by_label("Disputed item").fill("Celecoxib 200mg #30")
    items.get_by_role("button", name="Add another disputed item").click()
    expect(items.locator(".formset-row:not([hidden])")).to_have_count(2)
    expect(page.locator('[name="items-1-description"]')).to_be_focused()
    page.locator('[name="items-1-description"]').fill("Tramadol 50mg #60")
    items.get_by_role("button", name="Add another disputed item").click()
    page.locator('[name="items-2-description"]').fill("Omeprazole 20mg #30")
    # Remove the middle row: it empties and hides; the others keep what was typed.
    items.locator(".formset-row").nth(1).get_by_role("button", name="Remove this disputed item").click()
    expect(items.locator(".formset-row:not([hidden])")).to_have_count(2)
    page.get_by_role("button", name="Create case").click()
    page.get_by_text("Case CM26-0000900 created.").wait_for()
    case = Case.objects.get(case_number="CM26-0000900")
    assert list(case.disputed_items.values_list("description", flat=True)) == [
        "Celecoxib 200mg #30",
        "Omeprazole 20mg #30",
    ]
    assert case.formulary_only
