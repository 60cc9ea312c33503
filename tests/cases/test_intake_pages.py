"""The intake format page, formulary-only disputes at every intake path, and the New case form's rows."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import clocks
from cases.intake import EXAMPLE_CASE_PATH, SCHEMA_PATH, import_bytes
from cases.models import Case
from tests.cases.test_views import _case_form_data

pytestmark = pytest.mark.django_db


def test_import_page_links_to_the_format_page_made_from_the_schema(admin_client):
    page = admin_client.get(reverse("cases:import")).content.decode()
    assert f'href="{reverse("cases:intake_format")}"' in page
    fmt = admin_client.get(reverse("cases:intake_format")).content.decode()
    # A field, its type, whether required, its rules (pattern, enum, bounds) and its description.
    assert '<code class="intake-depth-0">case_number</code>' in fmt
    assert "^[A-Z]{2}[0-9]{2}-[0-9]{7,8}$" in fmt
    assert '<code class="intake-depth-1">disputed_items[].quantity</code>' in fmt
    assert "at least 1 item; at most 50 items" in fmt
    assert "standard, expedited" in fmt
    assert "5 working days" in fmt  # formulary_only's description
    row = fmt.split('id="field-applicant-age"')[1].split("</tr>")[0]
    assert "integer" in row and "required" in row and "at least 14; at most 110" in row
    schema = admin_client.get(reverse("cases:intake_schema"))
    assert json.loads(b"".join(schema.streaming_content)) == json.loads(SCHEMA_PATH.read_text())


def _seed(**changes) -> dict:
    return {**json.loads(EXAMPLE_CASE_PATH.read_text()), **changes}


def test_intake_file_marks_a_formulary_only_dispute_due_in_five_working_days():
    # Records complete Friday, November 25, 2016 (the day after Thanksgiving, a California state
    # holiday): five working days skip the weekend and land on Friday, December 2.
    payload = _seed(case_number="CM16-0000201", formulary_only=True, records_received_date="2016-11-25")
    payload["received_date"] = "2016-11-21"
    report = import_bytes(json.dumps(payload).encode(), name="formulary.json")
    assert report.ok, report.lines()
    case = Case.objects.get(case_number="CM16-0000201")
    assert case.formulary_only
    assert case.due_date == datetime.date(2016, 12, 2)


def test_a_bad_formulary_flag_is_named_with_the_file():
    report = import_bytes(json.dumps(_seed(formulary_only="yes")).encode(), name="batch.json")
    assert report.source == "batch.json"
    assert [str(e) for e in report.rejected[0].errors] == ["formulary_only: 'yes' is not of type 'boolean'"]


def test_case_form_marks_a_formulary_only_dispute(admin_client):
    response = admin_client.post(reverse("cases:create"), _case_form_data(formulary_only="on"))
    assert response.status_code == 302
    case = Case.objects.get(case_number="CM16-0000100")
    assert case.formulary_only
    assert case.due_date == clocks.add_working_days(datetime.date(2016, 12, 1), 5)


def test_case_form_takes_rows_added_in_the_page_and_leaves_out_removed_ones(admin_client):
    data = _case_form_data(
        **{
            "items-TOTAL_FORMS": "5",
            "items-1-description": "",  # a row the administrator removed (the page empties it)
            "items-2-description": "Gabapentin 600mg #90",
            "items-3-description": "",
            "items-4-description": "MRI of the lumbar spine",
            "items-4-quantity": "1",
        }
    )
    response = admin_client.post(reverse("cases:create"), data)
    assert response.status_code == 302
    case = Case.objects.get(case_number="CM16-0000100")
    assert list(case.disputed_items.values_list("position", "description")) == [
        (0, "Physical therapy 3 times a week for 2 weeks"),
        (1, "Gabapentin 600mg #90"),
        (2, "MRI of the lumbar spine"),
    ]


def test_an_error_on_an_added_row_lands_on_that_row(admin_client):
    data = _case_form_data(
        **{"items-TOTAL_FORMS": "4", "items-3-description": "Norco", "items-3-quantity": "0"}
    )
    response = admin_client.post(reverse("cases:create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    row = page.split('name="items-3-description"')[1].split("data-formset-remove")[0]
    assert "Ensure this value is greater than or equal to 1" in row or "less than the minimum of 1" in row


def test_too_many_rows_is_an_error_not_a_500(admin_client):
    response = admin_client.post(reverse("cases:create"), _case_form_data(**{"items-TOTAL_FORMS": "51"}))
    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()


def test_new_case_form_has_add_and_remove_controls_without_inline_script(admin_client):
    page = admin_client.get(reverse("cases:create")).content.decode()
    for noun in ("provider", "disputed item", "record"):
        assert f"Add another {noun}" in page and f"Remove this {noun}" in page
    assert page.count("<template data-formset-template>") == 3
    assert 'name="items-__prefix__-description"' in page
    assert "/static/js/formset.js" in page
    assert "onclick" not in page and "<script>" not in page


def test_import_names_the_file_to_choose_again(admin_client):
    bad = json.dumps(_seed(formulary_only="yes")).encode()
    upload = SimpleUploadedFile("monday-batch.json", bad, "application/json")
    page = admin_client.post(reverse("cases:import"), {"intake_file": upload}).content.decode()
    assert "Result for monday-batch.json" in page
    assert "Rejected CM15-0165834 (case 1 in monday-batch.json)" in page
    assert "Choose monday-batch.json again before importing" in page
