"""The claims administrators' API: scoping, tokens, idempotent uploads, problem details, rate limits."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import MedicalRecord
from parties.models import PortalEvent, RecordUpload
from parties.organisations import create_api_client, revoke_api_client
from tests import factories
from tests.parties.conftest import get_token


def upload(api, case_number: str, content: bytes, name: str = "CM16 records.pdf", **headers):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.post(
        f"/api/v1/cases/{case_number}/documents/",
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "title": "Progress notes",
        },
        **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
    )


def test_a_client_lists_only_its_organisations_cases(api, own_case, other_case):
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200
    numbers = [c["case_number"] for c in response.json()["results"]]
    assert numbers == [own_case.case_number]
    assert response.json()["results"][0]["status"] == "Received"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/{n}/",
        "/api/v1/cases/{n}/records-request/",
        "/api/v1/cases/{n}/documents/",
        "/api/v1/cases/{n}/determination/",
        "/api/v1/cases/{n}/determination/letter.pdf",
    ],
)
def test_another_organisations_case_answers_404_as_problem_details(api, other_case, path):
    response = api.get(path.format(n=other_case.case_number))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["type"] == "/api/problems/not-found"
    assert other_case.case_number in body["detail"]


def test_a_client_cannot_upload_to_another_organisations_case(api, other_case):
    response = upload(api, other_case.case_number, factories.pdf_bytes())
    assert response.status_code == 404
    assert not MedicalRecord.objects.filter(case=other_case).exists()


def test_without_a_token_the_api_answers_401_with_a_bearer_challenge(client, own_case):
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"] == "/api/problems/unauthenticated"


def test_an_expired_token_is_refused(api, own_case):
    from oauth2_provider.models import AccessToken

    assert api.get("/api/v1/cases/").status_code == 200
    AccessToken.objects.filter(application__client_id=api.client_id).update(
        expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert api.get("/api/v1/cases/").status_code == 401


def test_a_token_expires_after_the_configured_lifetime(client, api_client_credentials, settings):
    from oauth2_provider.models import AccessToken

    get_token(client, api_client_credentials)
    lifetime = AccessToken.objects.get(application__client_id=api_client_credentials.client_id).expires
    lifetime -= timezone.now()
    assert datetime.timedelta(minutes=59) < lifetime <= datetime.timedelta(hours=1)


def test_a_revoked_token_is_refused(client, api_client_credentials, own_case):
    import base64

    token = get_token(client, api_client_credentials)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/cases/", **auth).status_code == 200
    basic = base64.b64encode(
        f"{api_client_credentials.client_id}:{api_client_credentials.client_secret}".encode()
    ).decode()
    revoked = client.post("/o/revoke_token/", {"token": token}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert revoked.status_code == 200
    assert client.get("/api/v1/cases/", **auth).status_code == 401


def test_revoking_a_client_ends_its_tokens_and_refuses_new_ones(client, api_client_credentials, own_case):
    import base64

    token = get_token(client, api_client_credentials)
    revoke_api_client(api_client_credentials.client)
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    basic = base64.b64encode(
        f"{api_client_credentials.client_id}:{api_client_credentials.client_secret}".encode()
    ).decode()
    again = client.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert again.status_code in (400, 401)


def test_a_read_only_token_cannot_upload(client, api_client_credentials, own_case):
    token = get_token(client, api_client_credentials, scope="read")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert client.get("/api/v1/cases/").status_code == 200
    response = upload(client, own_case.case_number, factories.pdf_bytes())
    assert response.status_code == 403
    assert response.json()["type"] == "/api/problems/forbidden"


def test_upload_becomes_a_record_of_the_case_and_is_logged(api, own_case):
    response = upload(api, own_case.case_number, factories.pdf_bytes(2), name="notes.pdf")
    assert response.status_code == 201, response.content
    body = response.json()
    record = MedicalRecord.objects.get(pk=body["id"])
    assert record.case == own_case and record.page_count == 2 and record.title == "Progress notes"
    assert body["file_name"] == "notes.pdf" and body["pages"] == 2
    assert RecordUpload.objects.get(record=record).by.membership.is_service_account
    event = PortalEvent.objects.get(case=own_case, action="upload_record")
    assert event.via_api
    listed = api.get(f"/api/v1/cases/{own_case.case_number}/documents/").json()
    assert [d["id"] for d in listed] == [record.pk]
    download = api.get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == factories.pdf_bytes(2)


def test_an_upload_retried_with_the_same_idempotency_key_creates_one_record(api, own_case):
    content = factories.pdf_bytes()
    first = upload(api, own_case.case_number, content, **{"Idempotency-Key": "upload-1"})
    second = upload(api, own_case.case_number, content, **{"Idempotency-Key": "upload-1"})
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert MedicalRecord.objects.filter(case=own_case).count() == 1
    third = upload(api, own_case.case_number, content, **{"Idempotency-Key": "upload-2"})
    assert third.status_code == 201
    assert MedicalRecord.objects.filter(case=own_case).count() == 2


def test_the_same_key_on_a_different_upload_is_refused(api, own_case):
    upload(api, own_case.case_number, factories.pdf_bytes(1), **{"Idempotency-Key": "k"})
    response = upload(api, own_case.case_number, factories.pdf_bytes(3), **{"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert response.json()["type"] == "/api/problems/idempotency-key-reused"
    assert MedicalRecord.objects.filter(case=own_case).count() == 1


def test_a_failed_upload_does_not_hold_its_key(api, own_case):
    bad = upload(api, own_case.case_number, b"not a pdf", **{"Idempotency-Key": "k"})
    assert bad.status_code == 400
    good = upload(api, own_case.case_number, factories.pdf_bytes(), **{"Idempotency-Key": "k"})
    assert good.status_code == 201


def test_a_file_that_is_not_a_pdf_is_refused_naming_the_field(api, own_case):
    response = upload(api, own_case.case_number, b"hello, not a PDF")
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert body["errors"][0]["field"] == "file"
    assert "not a PDF" in body["errors"][0]["detail"]
    assert not MedicalRecord.objects.filter(case=own_case).exists()


def test_cases_filter_by_organisation_status_and_modified_since(api, org):
    from cases.services import transition_case

    old = factories.CaseFactory()
    recent = factories.CaseFactory()
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    transition_case(recent, "start_eligibility_review")
    by_status = api.get("/api/v1/cases/", {"status": "Eligibility Review"}).json()["results"]
    assert [c["case_number"] for c in by_status] == [recent.case_number]
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    modified = api.get("/api/v1/cases/", {"modified_since": since}).json()["results"]
    assert [c["case_number"] for c in modified] == [recent.case_number]


def test_bad_filters_name_the_parameter(api, own_case):
    response = api.get("/api/v1/cases/", {"status": "Pending"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"
    response = api.get("/api/v1/cases/", {"modified_since": "yesterday"})
    assert response.json()["errors"][0]["field"] == "modified_since"


def test_no_determination_yet_is_a_problem_of_its_own_type(api, own_case):
    response = api.get(f"/api/v1/cases/{own_case.case_number}/determination/")
    assert response.status_code == 404
    assert response.json()["type"] == "/api/problems/determination-not-issued"


def test_requests_past_the_clients_rate_limit_get_429(api, own_case, monkeypatch):
    from django.core.cache import cache

    from api.throttling import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min"})
    application_id = api_client_id = None  # noqa: F841
    from oauth2_provider.models import AccessToken

    application_id = AccessToken.objects.get(application__client_id=api.client_id).application_id
    cache.delete(f"throttle_client_app-{application_id}")
    answers = [api.get("/api/v1/cases/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api.get("/api/v1/cases/")
    assert limited.json()["type"] == "/api/problems/rate-limited"
    assert int(limited["Retry-After"]) > 0
    cache.delete(f"throttle_client_app-{application_id}")


def test_clients_of_different_organisations_are_limited_separately(client, org, other_org, monkeypatch):
    from api.throttling import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "1/min"})
    first = create_api_client(org, "one")
    second = create_api_client(other_org, "two")
    for credentials in (first, second):
        token = get_token(client, credentials)
        assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_the_openapi_schema_validates(client):
    import yaml
    from openapi_spec_validator import validate

    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    validate(spec)
    assert "/api/v1/cases/{case_number}/determination/" in spec["paths"]
    assert (
        spec["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["tokenUrl"]
        == "/o/token/"
    )


def test_the_api_docs_are_served_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "https://" not in html


def _application(case_number: str, claims_administrator: str) -> dict:
    import json

    from cases.intake import EXAMPLE_CASE_PATH

    payload = json.loads(EXAMPLE_CASE_PATH.read_text())
    payload["case_number"] = case_number
    payload["claims_administrator"] = claims_administrator
    payload["records"] = [r for r in payload.get("records", []) if not r.get("file")] or [
        {"title": "Progress note", "kind": "progress_note", "text": "Seen today."}
    ]
    return payload


def test_an_organisation_allowed_to_file_applications_gets_the_intake_checks(api, org):
    from cases.models import Case

    payload = _application("CM26-0009001", "Example Claims Services")
    refused = api.post("/api/v1/applications/", payload, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["type"] == "/api/problems/applications-not-allowed"
    org.may_submit_applications = True
    org.save()
    created = api.post("/api/v1/applications/", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "Received"
    assert Case.objects.get(case_number="CM26-0009001").claims_administrator == "Example Claims Services"
    again = api.post("/api/v1/applications/", payload, content_type="application/json")
    assert again.status_code == 400 and "already exists" in again.json()["detail"]
    foreign = api.post(
        "/api/v1/applications/",
        _application("CM26-0009002", "Other Claims Co."),
        content_type="application/json",
    )
    assert foreign.json()["errors"][0]["field"] == "claims_administrator"
    bad = _application("CM26-0009003", "Example Claims Services")
    bad["disputed_items"][0]["quantity"] = -2
    invalid = api.post("/api/v1/applications/", bad, content_type="application/json")
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["field"] == "disputed_items[0].quantity"
