"""Input hygiene at every entry point: control characters, exact identifiers, deep JSON, real PDFs, safe
headers, the record-search highlight and the letter's file fetcher (issue 10, "Input hygiene")."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.intake import EXAMPLE_CASE_PATH, import_payload
from cases.models import Case, MedicalRecord
from reviews.templatetags.workspace_tags import highlight
from tests import factories
from tests.auth import log_in

pytestmark = pytest.mark.django_db
SEED = json.loads(EXAMPLE_CASE_PATH.read_text())


def seed(number: str, **changes) -> dict:
    case = copy.deepcopy(SEED)
    case.update(case_number=number, **changes)
    return case


def _upload(client: Client, data, **files) -> str:
    intake = SimpleUploadedFile("cases.json", json.dumps(data).encode(), "application/json")
    response = client.post(reverse("cases:import"), {"intake_file": intake, **files})
    assert response.status_code == 200
    return response.content.decode()


# -- control characters --------------------------------------------------------------------------------
def test_a_nul_in_a_batch_is_named_and_the_cases_after_it_still_go_in(admin_client):
    bad = seed("CM16-0000002")
    bad["injury"]["description"] = "Lifting\x00 injury"
    page = _upload(admin_client, {"cases": [seed("CM16-0000001"), bad, seed("CM16-0000003")]})
    assert "<code>case 2 › injury.description</code>: contains a control character (U+0000)" in page
    assert set(Case.objects.values_list("case_number", flat=True)) == {"CM16-0000001", "CM16-0000003"}


@pytest.mark.parametrize("bad", ["\x07bell", "ESC\x1b[31m", "lone \ud800 surrogate"])
def test_other_control_characters_in_intake_are_rejected_with_the_field(bad):
    case = seed("CM16-0000004")
    case["disputed_items"][1]["claims_administrator_guidelines"] = [bad]
    report = import_payload(case, None)
    assert [str(e) for e in report.rejected[0].errors][0].startswith(
        "disputed item 2 › guideline 1: contains a control character"
    )
    assert not Case.objects.exists()


def test_tabs_and_line_breaks_are_ordinary_text():
    case = seed("CM16-0000005")
    case["injury"]["description"] = "Line one\r\nLine two\tindented"
    assert import_payload(case, None).ok


def test_the_case_form_names_the_field_with_a_control_character(admin_client):
    data = {
        "case_number": "CM16-0000006",
        "review_type": "standard",
        "received_date": "2015-08-24",
        "applicant_age": "50",
        "applicant_sex": "unknown",
        "injury_date": "2014-01-01",
        "injury_description": "Fell\x0b from a ladder",
        "claims_administrator": "Acme Claims",
        "ur_decision_date": "2015-08-11",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "PT\x01 x12",
        "providers-TOTAL_FORMS": "0",
        "providers-INITIAL_FORMS": "0",
        "records-TOTAL_FORMS": "0",
        "records-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("cases:create"), data)
    page = response.content.decode()
    assert "contains a control character (U+000B)" in page
    assert "contains a control character (U+0001)" in page
    assert not Case.objects.exists()


def test_adding_a_record_with_a_nul_is_a_field_error_not_a_500(admin_client):
    case = factories.CaseFactory()
    url = reverse("cases:add_record", args=[case.case_number])
    response = admin_client.post(url, {"title": "Note", "kind": "progress_note", "text": "Pain\x00 7/10"})
    assert response.status_code == 400
    assert not case.records.exists()


def test_the_admin_site_refuses_control_characters_as_a_field_error():
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    log_in(client, superuser)
    data = {"key": "mtus-x", "title": "MTUS\x07 Chronic Pain", "rank": "1", "is_mtus": "on", "current": "on"}
    response = client.post(reverse("admin:guidelines_guideline_add"), data)
    assert response.status_code == 200
    assert "contains a control character (U+0007)" in response.content.decode()


# -- identifiers, nesting ------------------------------------------------------------------------------
def test_a_case_number_with_a_trailing_newline_does_not_match_the_pattern():
    report = import_payload(seed("CM15-0165834\n"), None)
    assert not report.ok
    assert str(report.rejected[0].errors[0]).startswith("case_number: 'CM15-0165834\\n' does not match")


def test_deeply_nested_json_is_a_clear_rejection_not_a_recursion_error(admin_client):
    deep = "[" * 100_000 + "]" * 100_000
    upload = SimpleUploadedFile("cases.json", deep.encode(), "application/json")
    response = admin_client.post(reverse("cases:import"), {"intake_file": upload})
    assert response.status_code == 200
    assert "nested more than 32 levels deep" in response.content.decode()
    nested = seed("CM16-0000007")
    nested["injury"]["body_regions"] = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
    assert "nested more than" in _upload(admin_client, nested)


# -- record PDFs ---------------------------------------------------------------------------------------
def test_a_pdf_that_does_not_parse_is_refused_and_a_real_one_stores_its_page_count(admin_client):
    case = factories.CaseFactory()
    url = reverse("cases:add_record", args=[case.case_number])
    fake = b"%PDF-1.7\nnot really a pdf at all\n%%EOF\n"
    response = admin_client.post(
        url, {"title": "Scan", "kind": "other", "file": SimpleUploadedFile("a.pdf", fake, "application/pdf")}
    )
    assert response.status_code == 400
    assert "not a readable PDF" in response.content.decode()
    real = factories.pdf_bytes(pages=3)
    response = admin_client.post(
        url, {"title": "Scan", "kind": "other", "file": SimpleUploadedFile("b.pdf", real, "application/pdf")}
    )
    assert response.status_code == 302
    assert MedicalRecord.objects.get(case=case).page_count == 3


# -- headers, highlight, letter fetcher ----------------------------------------------------------------
def test_record_download_header_is_built_by_django_even_for_an_odd_case_number(client, admin_user):
    case = factories.CaseFactory(case_number='CM15-01"x\nY')  # legacy data the importer would now refuse
    record = factories.MedicalRecordFactory(case=case)
    record.attach_pdf(factories.pdf_bytes())
    record.save()
    log_in(client, admin_user)
    response = client.get(reverse("cases:record_file", args=[case.case_number, record.pk]))
    assert response.status_code == 200
    expected = f"inline; filename*=utf-8''CM15-01%22x%0AY-record-{record.pk}.pdf"
    assert response["Content-Disposition"] == expected


def test_search_highlight_never_breaks_an_html_entity():
    assert highlight("A&B amp <b>", "amp") == "A&amp;B <mark>amp</mark> &lt;b&gt;"
    assert highlight("Tom & Jerry", "lt gt quot") == "Tom &amp; Jerry"
    assert highlight("x<y", "") == "x&lt;y"


def test_the_letter_fetcher_refuses_paths_that_climb_out_of_the_static_folder():
    from reviews.letters.rendering import STATIC_BASE, _LocalOnlyFetcher

    fetcher = _LocalOnlyFetcher()
    root = STATIC_BASE.resolve().as_uri()
    with pytest.raises(ValueError, match="only load the project's static files"):
        fetcher.fetch(root + "/../manage.py")
    with pytest.raises(ValueError, match="only load the project's static files"):
        fetcher.fetch(root + "/%2e%2e/manage.py")
    css = next(p for p in STATIC_BASE.rglob("*.css"))
    assert fetcher.fetch(css.resolve().as_uri())
