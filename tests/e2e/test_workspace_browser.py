"""The reviewer's workspace in a real browser (Debian chromium): autosave, reload, and no lost text
when the network drops."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.workspace.drafts import start_review
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "The applicant is a represented 45-year-old with chronic low back pain after lifting boxes."


@pytest.fixture
def workspace_url(live_server):
    reviewer = factories.reviewer_with_credentials(states=("CA",), specialties=("occupational_medicine",))
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    factories.MedicalRecordFactory(case=case, text="Off work on total temporary disability.")
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    start_review(case, reviewer.user)
    return {
        "live_server": live_server,
        "workspace": live_server.url + reverse("reviews:workspace", args=[case.case_number]),
        "username": reviewer.user.username,
        "case": case,
    }


def _log_in(page, urls) -> None:
    log_in(page, urls["live_server"], urls["username"])


def test_summary_autosaves_and_survives_a_reload(browser, workspace_url):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _log_in(page, workspace_url)
    page.goto(workspace_url["workspace"])
    summary = page.get_by_label("Clinical case summary")
    summary.click()
    summary.press_sequentially(SUMMARY, delay=5)
    expect(page.locator("#save-status")).to_contain_text("saved at", timeout=15000)
    expect(page.locator("#summary-word-count")).to_have_text(str(len(SUMMARY.split())))
    page.screenshot(path="/tmp/workspace-e2e.png", full_page=False)

    page.reload()
    expect(page.get_by_label("Clinical case summary")).to_have_value(SUMMARY)
    assert Review.objects.get(case=workspace_url["case"]).clinical_summary == SUMMARY
    # The keyboard reaches the item's decision, and a choice autosaves too.
    page.get_by_label("Decision", exact=True).focus()
    page.keyboard.press("ArrowDown")
    page.get_by_label("Decision", exact=True).select_option("Upheld")
    expect(page.locator("#save-status")).to_contain_text("saved at", timeout=15000)
    assert Review.objects.get(case=workspace_url["case"]).decisions.get().decision == "Upheld"


def test_text_typed_while_offline_is_kept_and_saved_later(browser, workspace_url):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, workspace_url)
    page.goto(workspace_url["workspace"])
    context.set_offline(True)
    page.get_by_label("Clinical case summary").fill("Typed with the network down.")
    expect(page.locator("#save-status")).to_contain_text("kept in this browser", timeout=15000)
    assert Review.objects.get(case=workspace_url["case"]).clinical_summary == ""
    page.close()

    # The tab was closed before the network came back: the next visit restores the text and saves it.
    context.set_offline(False)
    page = context.new_page()
    page.goto(workspace_url["workspace"])
    expect(page.get_by_label("Clinical case summary")).to_have_value("Typed with the network down.")
    expect(page.locator("#save-status")).to_contain_text("saved at", timeout=15000)
    assert Review.objects.get(case=workspace_url["case"]).clinical_summary == "Typed with the network down."
    context.close()


def test_two_tabs_never_overwrite_each_other(browser, workspace_url):
    from playwright.sync_api import expect

    context = browser.new_context()
    tab_a = context.new_page()
    _log_in(tab_a, workspace_url)
    tab_a.goto(workspace_url["workspace"])
    tab_b = context.new_page()
    tab_b.goto(workspace_url["workspace"])

    tab_a.get_by_label("Clinical case summary").fill("Written in tab A.")
    expect(tab_a.locator("#save-status")).to_contain_text("saved at", timeout=15000)
    tab_b.get_by_label("Clinical case summary").fill("Written in tab B.")
    conflict = tab_b.locator("#conflict")
    expect(conflict).to_contain_text("merge", timeout=15000)
    expect(tab_b.locator("#theirs-clinical_summary")).to_have_value("Written in tab A.")
    expect(tab_b.locator("#merge-clinical_summary")).to_have_value("Written in tab B.")
    assert Review.objects.get(case=workspace_url["case"]).clinical_summary == "Written in tab A."

    tab_b.locator("#merge-clinical_summary").fill("Written in tab A. Written in tab B.")
    tab_b.get_by_role("button", name="Save merged version").click()
    tab_b.wait_for_load_state()
    expect(tab_b.get_by_label("Clinical case summary")).to_have_value("Written in tab A. Written in tab B.")
    assert (
        Review.objects.get(case=workspace_url["case"]).clinical_summary
        == "Written in tab A. Written in tab B."
    )
    context.close()


def test_accepting_in_the_workspace_opens_the_determination(page, live_server):
    from playwright.sync_api import expect

    reviewer = factories.reviewer_with_credentials(states=("CA",), specialties=("occupational_medicine",))
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    factories.AssignmentFactory(case=case, reviewer=reviewer)
    log_in(page, live_server, reviewer.user.username)
    page.goto(live_server.url + reverse("reviews:workspace", args=[case.case_number]))
    expect(page.get_by_label("Clinical case summary")).to_have_count(0)
    page.get_by_label("I attest that I have no material").check()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_label("Clinical case summary")).to_be_visible(timeout=15000)
    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.assignments.get().accepted_at is not None


def test_text_typed_after_the_session_expired_is_saved_after_logging_in_again(browser, workspace_url):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, workspace_url)
    page.goto(workspace_url["workspace"])
    context.clear_cookies()  # the session ends (timeout, logout in another tab)
    page.get_by_label("Clinical case summary").fill("Typed after the session ended.")
    expect(page.locator("#save-status")).to_contain_text("session has ended", timeout=15000)

    other = context.new_page()
    _log_in(other, workspace_url)
    expect(page.locator("#save-status")).to_contain_text("saved at", timeout=30000)
    assert Review.objects.get(case=workspace_url["case"]).clinical_summary == "Typed after the session ended."
    context.close()


def test_logging_out_forgets_the_drafts_kept_in_this_browser(browser, workspace_url):
    """Issue 10: another user on the same browser never picks up (or saves) a previous user's draft."""
    from playwright.sync_api import expect

    context = browser.new_context()
    # The server never gets the draft (every autosave fails), so only the browser holds it.
    context.route("**/save/", lambda route: route.abort())
    page = context.new_page()
    _log_in(page, workspace_url)
    page.goto(workspace_url["workspace"])
    page.get_by_label("Clinical case summary").fill("Typed, then the reviewer logs out.")
    expect(page.locator("#save-status")).to_contain_text("kept in this browser", timeout=15000)
    keys = page.evaluate("Object.keys(localStorage)")
    user_id = workspace_url["case"].assignments.get().reviewer.user_id
    assert keys == [f"imr-review-draft:u{user_id}:{workspace_url['case'].case_number}:v1"]
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" in page.url or "logged out" in page.content().lower()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('imr-review-draft:'))") == []
    context.close()


def test_a_large_record_is_fetched_in_ranges_not_whole(browser, workspace_url):
    """PDF.js reads a large record in 64 KiB range requests (imr_site/ranges.py): showing page 1 of a
    2 MB record downloads a small part of it, and the audit record keeps one read of the record."""
    import io
    import os

    from playwright.sync_api import expect
    from pypdf import PdfWriter

    from audit.models import AccessEvent, AuditAction

    writer = PdfWriter()
    for _ in range(30):
        writer.add_blank_page(612, 792)
    writer.add_attachment("scan.bin", os.urandom(2_000_000))  # incompressible bytes no page needs
    out = io.BytesIO()
    writer.write(out)
    content = out.getvalue()
    record = factories.MedicalRecordFactory(case=workspace_url["case"], title="Large scan", text="")
    record.attach_pdf(content)
    record.save()
    file_url = reverse("cases:record_file", args=[workspace_url["case"].case_number, record.pk])

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _log_in(page, workspace_url)
    answers = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith(file_url) else None)
    page.goto(workspace_url["workspace"])
    page.locator("#records-list .record-open", has_text="Large scan").click()
    expect(page.locator("#viewer")).to_have_attribute("data-rendered", f"{record.pk}:1")
    expect(page.locator("#viewer-pages")).to_have_text("30")
    chunks = [r for r in answers if r.status == 206]
    assert chunks, [r.status for r in answers]
    fetched = sum(int(r.headers["content-length"]) for r in chunks)
    assert fetched < len(content) / 4, (fetched, len(content))
    assert all(r.headers["content-range"].endswith(f"/{len(content)}") for r in chunks)
    reads = AccessEvent.objects.filter(action=AuditAction.VIEW_RECORD_FILE, object_id=str(record.pk))
    assert reads.count() == 1
    page.close()
