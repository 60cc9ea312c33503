"""A claims administrator's user in the portal, in a real browser: only the organisation's cases, several
PDFs uploaded at once and then listed and in the event log, the issued determination downloaded."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cases.demo import to_eligible
from cases.intake import EXAMPLE_CASE_PATH, import_file
from parties.delivery import prepare_delivery
from parties.models import ClaimsAdministratorName, ClaimsAdministratorOrganisation, PortalEvent, RecordUpload
from parties.organisations import add_portal_user
from parties.records import issue_records_request
from reviews.letters.services import produce_letter
from tests import factories
from tests.e2e.conftest import log_in
from tests.reviews.letters.helpers import seed_reviewer
from tests.seed_determination import sign_seed_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_world(db):
    organisation = ClaimsAdministratorOrganisation.objects.create(name="Example Claims Services Inc.")
    ClaimsAdministratorName.objects.create(organisation=organisation, name="Example Claims Services")
    other = ClaimsAdministratorOrganisation.objects.create(name="Other Claims")
    ClaimsAdministratorName.objects.create(organisation=other, name="Other Claims Co.")
    user = add_portal_user(
        organisation, username="ca.user", email="ca.user@example.org", password="pw-for-tests"
    )

    # The seed case, reviewed and signed; its letter rendered and its packets made (as the worker would).
    issued = import_file(EXAMPLE_CASE_PATH).imported[0].case
    review = sign_seed_review(issued, seed_reviewer(), keep_letter=True)
    letter = review.letters.get()
    produce_letter(letter.pk)  # idempotent: a letter already rendered is left alone
    letter.refresh_from_db()
    assert letter.is_ready
    prepare_delivery(letter.pk)
    # An open case of the organisation waiting for records, and another organisation's case.
    waiting = factories.CaseFactory(
        claims_administrator="Example Claims Services", records_complete_date=None
    )
    to_eligible(waiting, by=None)
    issue_records_request(waiting)
    foreign = factories.CaseFactory(claims_administrator="Other Claims Co.")
    return user, issued, waiting, foreign


def test_a_claims_administrator_uploads_records_and_downloads_the_determination(
    page, live_server, portal_world, tmp_path
):
    user, issued, waiting, foreign = portal_world
    log_in(page, live_server, user.username)
    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("heading", name="Cases of Example Claims Services Inc.").wait_for()
    listed = page.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(listed) == sorted([issued.case_number, waiting.case_number])
    assert foreign.case_number not in page.inner_text("body")
    # Another organisation's case does not exist for this user.
    assert page.goto(f"{live_server.url}/portal/cases/{foreign.case_number}/").status == 404

    page.goto(f"{live_server.url}/portal/")
    page.get_by_role("link", name=waiting.case_number).click()
    page.get_by_role("heading", name=f"Case {waiting.case_number}").wait_for()
    files = []
    for n, name in enumerate(["Progress note 2026-10-01.pdf", "MRI report.pdf", "UR file.pdf"], start=1):
        path = tmp_path / name
        path.write_bytes(factories.pdf_bytes(n))
        files.append(str(path))
    page.get_by_label("Record PDFs").set_input_files(files)
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state("networkidle")
    sent = page.locator("table").nth(0).inner_text()
    for name in ["Progress note 2026-10-01.pdf", "MRI report.pdf", "UR file.pdf"]:
        assert name in sent
    log = page.locator("table").nth(1).inner_text()
    assert log.count("Uploaded a record") == 3
    assert "ca.user" in log
    assert RecordUpload.objects.filter(record__case=waiting, by=user).count() == 3

    page.goto(f"{live_server.url}/portal/cases/{issued.case_number}/")
    page.get_by_role("heading", name="Final Determination").wait_for()
    body = page.inner_text("body")
    assert "Physical therapy for the lumbar spine, quantity 12: Upheld" in body
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the notice and the Final Determination (PDF)").click()
    download = info.value
    content = tmp_path / "determination.pdf"
    download.save_as(content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content.read_bytes())).pages)
    assert issued.case_number in text
    assert "To: Claims administrator: Example Claims Services" in text
    assert "HOW THE IMR FINAL DETERMINATION WAS MADE" in text
    page.reload()
    assert "Downloaded the Final Determination" in page.locator("table").nth(1).inner_text()
    assert PortalEvent.objects.filter(case=issued, user=user, action="download_letter").count() == 1
