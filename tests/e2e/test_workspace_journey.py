"""The reviewer's workspace in a real browser (Debian chromium), as one journey on one live server with a
real Celery worker: open a record, search across records and see the hit marked on the page, cite a page
into the summary, open the record page a suggestion's evidence came from, decide the items
with the keyboard alone, watch the save state, send to QA, QA returns with a comment on one item, the
reviewer sees it, signs off and watches the letter become ready without a reload, then compares two
versions after an amendment. axe-core (tests/e2e/vendor, injected from the local file) checks the
workspace, the QA pages, the dashboard and the letters page for serious or critical violations.

With IMR_SCREENSHOT_DIR set, it also saves the README's workspace screenshot there:
    IMR_SCREENSHOT_DIR=docs/screenshots scripts/test tests/e2e/test_workspace_journey.py"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.workspace import amendments, drafts
from reviews.workspace.drafts import start_review
from tests import factories
from tests.e2e.conftest import log_in
from tests.reviews.conftest import OVERTURNED_RATIONALE, UPHELD_RATIONALE
from tests.reviews.letters.helpers import seed_letterhead  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.usefixtures("seed_letterhead")]

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PAGES = [
    "Subjective: low back pain radiating to the left leg, six of ten with medication.",
    "Objective: lumbar flexion forty degrees. Straight leg raise negative on both sides.",
    "Plan: continue physical therapy twice weekly and return in four weeks. "
    "Work status: remains off work on total temporary disability.",
]
CITATIONS = (
    "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine",
    "MTUS Low Back Complaints 2004, Section(s): Special Studies",
)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (run through the DevTools
    protocol, so the page's Content-Security-Policy is not loosened for it)."""
    page.evaluate(AXE)
    found = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
             .filter(v => v.impact === "serious" || v.impact === "critical")
             .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")))"""
    )
    return found


@pytest.fixture
def journey(live_server, celery_worker, settings):
    from guidelines.loader import load_guidelines
    from guidelines.services import reset_knowledge_base

    settings.IMR_QA_REQUIRED = True
    load_guidelines()  # the suggestions quote the records (the live server shares this process)
    reset_knowledge_base()
    reviewer = factories.reviewer_with_credentials(states=("CA",), specialties=("occupational_medicine",))
    qa = factories.QAUserFactory()
    admin = factories.AdminUserFactory()
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    factories.DisputedItemFactory(case=case, position=1, description="MRI of the lumbar spine", quantity=1)
    factories.MedicalRecordFactory(
        case=case, title="UR determination", kind="ur_determination", text="Denied."
    )
    scanned = factories.MedicalRecordFactory(
        case=case, title="Pain follow-up", kind="progress_note", date=datetime.date(2017, 2, 14), text=""
    )
    scanned.attach_pdf(factories.text_pdf_bytes(PAGES))
    scanned.save()
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    start_review(case, reviewer.user)
    return {
        "server": live_server,
        "case": case,
        "reviewer": reviewer,
        "qa": qa,
        "admin": admin,
        "settings": settings,
    }


def test_reviewer_journey_through_the_workspace(browser, journey):
    from playwright.sync_api import expect

    server, case = journey["server"], journey["case"]
    number = case.case_number
    workspace_url = server.url + reverse("reviews:workspace", args=[number])
    items = list(case.disputed_items.order_by("position"))

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    log_in(page, server, journey["reviewer"].user.username)
    page.goto(workspace_url)
    expect(page.locator("#records-list .record-open")).to_have_count(2)
    assert serious_violations(page) == []

    # Open a record: the PDF draws in the viewer, page by page.
    page.locator("#records-list .record-open", has_text="Pain follow-up").click()
    expect(page.locator("#viewer-pages")).to_have_text("3")
    expect(page.locator("#viewer")).to_have_attribute("data-rendered", re.compile(r":1$"))
    page.locator("#viewer-next").click()
    expect(page.locator("#viewer")).to_have_attribute("data-rendered", re.compile(r":2$"))
    page.locator("#viewer-close").click()

    # Search across the records with the keyboard ("/"), open the hit at its page.
    page.locator("#determination-pane").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    expect(page.locator("#record-q")).to_be_focused()
    page.keyboard.type("straight leg")
    hit = page.locator(".search-hit", has_text="p. 2")
    expect(hit).to_have_count(1)
    hit.click()
    expect(page.locator("#viewer")).to_have_attribute("data-rendered", re.compile(r":2$"))
    # The hit is marked on the page, in PDF.js's text layer over the drawing (so the text can be selected).
    expect(page.locator("#viewer-textlayer mark.record-hit").first).to_have_text(
        re.compile("^straight leg$", re.I)
    )
    expect(page.locator("#viewer-textlayer")).to_contain_text("Straight leg raise negative")

    # Cite that page at the cursor in the summary; the save state follows.
    summary = page.get_by_label("Clinical case summary")
    summary.fill("The applicant has chronic low back pain; straight leg raise was negative.")
    summary.press("End")
    page.locator("#viewer-cite").click()
    expect(summary).to_have_value(re.compile(r"negative\. \(progress note, 02/14/2017, p\. 2\)$"))
    expect(page.locator("#save-status")).to_have_text(re.compile("unsaved|saving"))
    expect(page.locator("#save-status")).to_contain_text("saved at")

    # The suggestion panel's evidence links to the record page it was quoted from: the viewer lands there.
    page.locator(f"#item-pane-{items[0].pk} .suggestions-panel > summary").click()
    evidence = page.locator(
        f"#item-pane-{items[0].pk} .evidence-link", has_text="Pain follow-up, 02/14/2017, p. 3"
    )
    expect(evidence.first).to_be_visible(timeout=60000)  # the suggestion engine's first run loads its NLP
    evidence.first.click()
    expect(page.locator("#viewer")).to_have_attribute("data-rendered", re.compile(r":3$"))
    expect(page.locator("#viewer-page")).to_have_value("3")
    expect(page.locator("#viewer-textlayer mark.record-hit").first).to_be_visible()
    marked = "".join(page.locator("#viewer-textlayer mark.record-hit").all_text_contents())
    assert "remainsoffwork" in re.sub(r"\s", "", marked).lower()  # the quoted sentence, across its lines
    assert serious_violations(page) == []  # the text layer, its marks and the evidence links included
    shots = os.environ.get("IMR_SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / "reviewer-workspace.png"), full_page=False)

    # Decide the items with the keyboard alone: Esc leaves the text, u/o decide, n moves on.
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    page.keyboard.press("n")
    page.keyboard.press("o")
    expect(page.locator("#ws-decided")).to_have_text("2")
    expect(page.locator(f'[data-state-for="{items[1].pk}"] [data-state="decision"]')).to_have_text(
        "Overturned"
    )
    expect(page.locator("#save-status")).to_contain_text("saved at")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts-help")).to_be_visible()
    page.keyboard.press("Escape")
    for item, citation, rationale in zip(
        items, CITATIONS, (UPHELD_RATIONALE, OVERTURNED_RATIONALE), strict=True
    ):
        page.locator(f"#item-tab-{item.pk}").click()
        page.locator(f"#id_item-{item.pk}-guideline_citations").fill(citation)
        page.locator(f"#id_item-{item.pk}-rationale").fill(rationale)
    page.keyboard.press("Control+s")
    expect(page.locator("#save-status")).to_contain_text("saved at")
    review = Review.objects.get(case=case)
    assert [d.decision for d in review.decisions.order_by("disputed_item__position")] == [
        "Upheld",
        "Overturned",
    ]
    assert "(progress note, 02/14/2017, p. 2)" in review.clinical_summary

    # Printed: the case file and the draft, every item, without the application's chrome.
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("#records-pane")).to_be_hidden()
    expect(page.locator(f"#item-pane-{items[0].pk}")).to_be_visible()
    expect(page.locator(f"#item-pane-{items[1].pk}")).to_be_visible()
    page.emulate_media(media="screen")

    # Send to QA.
    page.get_by_role("link", name="Sign off…").first.click()
    page.get_by_label("I have reviewed the complete case file").check()
    page.get_by_role("button", name=re.compile("Sign|Submit|Send")).click()
    expect(page.get_by_text("Sent to quality assurance")).to_be_visible()

    # QA lands on its queue, opens the case and returns it with a comment on the second item.
    qa_context = browser.new_context(viewport={"width": 1366, "height": 900})
    qa_page = qa_context.new_page()
    qa_page.set_default_timeout(20000)
    log_in(qa_page, server, journey["qa"].username)
    expect(qa_page).to_have_url(re.compile(reverse("reviews:qa_queue") + "$"))
    expect(qa_page.get_by_role("link", name=number)).to_be_visible()
    assert serious_violations(qa_page) == []
    qa_page.get_by_role("link", name=number).click()
    expect(qa_page.get_by_role("button", name="Return to the reviewer")).to_be_visible()
    assert serious_violations(qa_page) == []
    qa_page.get_by_label("Comment on MRI of the lumbar spine").fill("Cite the imaging report's page.")
    qa_page.get_by_role("button", name="Return to the reviewer").click()
    expect(qa_page.get_by_text("Returned to the reviewer")).to_be_visible()

    # The reviewer sees the comment on that item's tab.
    page.goto(workspace_url)
    page.locator(f"#item-tab-{items[1].pk}").click()
    expect(page.locator(f"#item-pane-{items[1].pk} .qa-item-comment")).to_contain_text(
        "Cite the imaging report's page."
    )
    expect(page.locator(f"#item-pane-{items[0].pk} .qa-item-comment")).to_have_count(0)

    # Signed without QA this time: the flash and the panel agree, and the letter becomes ready in place.
    journey["settings"].IMR_QA_REQUIRED = False  # the live server runs in this process
    page.get_by_role("link", name="Sign off…").first.click()
    page.get_by_label("I have reviewed the complete case file").check()
    page.get_by_role("button", name=re.compile("Sign")).click()
    expect(page.get_by_text("Signed. The determination is issued.")).to_be_visible()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    expect(page.locator("#signed-panel")).to_contain_text("ready", timeout=150000)
    expect(page.get_by_role("link", name="Download letter (PDF)")).to_be_visible()
    assert navigations == []  # no reload: htmx swapped the status in
    assert serious_violations(page) == []

    # The dashboard and the letters page pass axe too.
    page.goto(server.url + reverse("reviews:dashboard"))
    assert serious_violations(page) == []
    page.goto(server.url + reverse("reviews:letter_case", args=[number]))
    assert serious_violations(page) == []

    # An amendment makes version 2; the two versions compare word by word.
    amended = amendments.amend(case, by=journey["admin"], reason="The summary names the wrong region.")
    amended.refresh_from_db()
    drafts.save_draft(
        amended,
        {"clinical_summary": amended.clinical_summary.replace("low back", "neck")},
        amended.revision,
        by=journey["reviewer"].user,
    )
    page.goto(workspace_url)
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".compare-diff del").first).to_have_text("low back")
    expect(page.locator(".compare-diff ins").first).to_have_text("neck")
    context.close()
    qa_context.close()
