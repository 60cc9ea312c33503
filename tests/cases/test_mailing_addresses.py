"""Parties' mailing addresses at every intake path (file, form, admin, API): optional, checked field by
field, and the seed case still valid under the shared contract and the project's schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator

from cases.intake import EXAMPLE_CASE_PATH, SCHEMA_PATH, import_payload
from cases.models import Case, MailingAddress
from tests.cases.test_views import _case_form_data

pytestmark = pytest.mark.django_db

ADDRESS = {
    "line1": "1200 Orchard Lane",
    "line2": "Apt 4",
    "city": "Fresno",
    "state": "CA",
    "postal_code": "93701",
}
CONTRACT = Path(__file__).resolve().parents[2] / ".." / "shared" / "contracts" / "case-intake.schema.json"


def _payload(**changes) -> dict:
    payload = json.loads(EXAMPLE_CASE_PATH.read_text())
    payload["applicant"]["name"] = "Jordan Applicant"
    payload["applicant"]["mailing_address"] = dict(ADDRESS)
    payload["attorney"] = {
        "name": "Avery Counsel, Esq.",
        "mailing_address": {**ADDRESS, "line1": "55 Court St"},
    }
    payload["treating_providers"][0]["mailing_address"] = {**ADDRESS, "line1": "9 Clinic Way"}
    payload["claims_administrator_address"] = {**ADDRESS, "line1": "P.O. Box 1", "postal_code": "95814-1234"}
    payload.update(changes)
    return payload


def test_the_seed_case_is_valid_without_addresses_under_both_schemas():
    seed = json.loads(EXAMPLE_CASE_PATH.read_text())
    own = json.loads(SCHEMA_PATH.read_text())
    assert not list(Draft202012Validator(own).iter_errors(seed))
    if CONTRACT.exists():  # the shared contract, beside the checkout
        assert not list(Draft202012Validator(json.loads(CONTRACT.read_text())).iter_errors(seed))
    # Every field the contract has is still in the project's schema, and nothing new is required.
    assert own["required"] == [
        "case_number",
        "review_type",
        "received_date",
        "applicant",
        "injury",
        "claims_administrator",
        "utilization_review",
        "disputed_items",
    ]
    assert own["properties"]["applicant"]["required"] == ["age", "represented"]


def test_an_intake_file_with_addresses_stores_one_per_party():
    report = import_payload(_payload(), None)
    assert report.ok, report.lines()
    case = report.imported[0].case
    rows = {a.party: a for a in MailingAddress.objects.filter(case=case)}
    assert set(rows) == {"injured_worker", "attorney", "requesting_provider", "claims_administrator"}
    assert rows["injured_worker"].lines() == [
        "Jordan Applicant",
        "1200 Orchard Lane",
        "Apt 4",
        "Fresno CA 93701",
    ]
    assert rows["requesting_provider"].addressee == "Treating Orthopedic Spine Surgeon"
    assert rows["claims_administrator"].lines()[0] == "Example Claims Services"
    assert rows["claims_administrator"].lines()[-1] == "Fresno CA 95814-1234"


@pytest.mark.parametrize(
    "change, path",
    [
        (
            lambda p: p["applicant"]["mailing_address"].update(postal_code="9370"),
            "applicant.mailing_address.postal_code",
        ),
        (
            lambda p: p["claims_administrator_address"].update(state="California"),
            "claims_administrator_address.state",
        ),
        (lambda p: p["attorney"]["mailing_address"].pop("city"), "attorney.mailing_address"),
        (lambda p: p["applicant"].pop("mailing_address"), "applicant.name"),
        (lambda p: p["applicant"].update(represented=False), "attorney"),
        (
            lambda p: p["treating_providers"].append(
                {"name": "Other", "specialty": "", "mailing_address": ADDRESS}
            ),
            "treating_providers[1].mailing_address",
        ),
    ],
)
def test_a_bad_address_is_named_by_its_field(change, path):
    payload = _payload()
    change(payload)
    report = import_payload(payload, None)
    assert not report.ok
    assert [e.path for e in report.outcomes[0].errors] == [path]
    assert not Case.objects.exists()


def _with_addresses(**overrides) -> dict:
    data = _case_form_data(
        applicant_name="Jordan Applicant",
        applicant_address_line1="1200 Orchard Lane",
        applicant_address_city="Fresno",
        applicant_address_state="ca",
        applicant_address_postal_code="93701",
        attorney_name="Avery Counsel",
        attorney_address_line1="55 Court St",
        attorney_address_city="Fresno",
        attorney_address_state="CA",
        attorney_address_postal_code="93721",
        **{
            "providers-0-provider_address_line1": "9 Clinic Way",
            "providers-0-provider_address_city": "Fresno",
            "providers-0-provider_address_state": "CA",
            "providers-0-provider_address_postal_code": "93702",
        },
    )
    data.update(overrides)
    return data


def test_the_case_form_takes_the_parties_addresses(admin_client):
    response = admin_client.post(reverse("cases:create"), _with_addresses())
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert dict(MailingAddress.objects.filter(case=case).values_list("party", "postal_code")) == {
        "injured_worker": "93701",
        "attorney": "93721",
        "requesting_provider": "93702",
    }
    assert MailingAddress.objects.get(case=case, party="injured_worker").state == "CA"


def test_the_case_form_puts_an_address_error_on_its_field_and_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        reverse("cases:create"), _with_addresses(applicant_address_postal_code="9370x")
    )
    assert response.status_code == 200
    assert "applicant_address_postal_code" in response.context["form"].errors
    assert 'value="9370x"' in response.content.decode()
    response = admin_client.post(reverse("cases:create"), _with_addresses(attorney_address_city=""))
    assert response.context["form"].errors == {"attorney_address_city": ["Needed for a mailing address."]}
    assert not Case.objects.exists()


def test_a_provider_row_address_error_lands_on_that_row(admin_client):
    response = admin_client.post(
        reverse("cases:create"), _with_addresses(**{"providers-0-provider_address_state": "Calif"})
    )
    assert response.status_code == 200
    row = response.context["providers"].forms[0]
    assert "provider_address_state" in row.errors


def test_the_admin_refuses_a_bad_zip_code_naming_the_field(admin_client):
    report = import_payload(json.loads(EXAMPLE_CASE_PATH.read_text()), None)
    case = report.imported[0].case
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "mailing_addresses-TOTAL_FORMS" in page.content.decode()
    address = MailingAddress(
        case=case,
        party="injured_worker",
        name="J",
        line1="1 A St",
        city="Fresno",
        state="CA",
        postal_code="123",
    )
    with pytest.raises(Exception) as error:
        address.full_clean()
    assert "postal_code" in error.value.message_dict
