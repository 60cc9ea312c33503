"""Two claims-administrator organisations, each with a case, an API client and portal users."""

from __future__ import annotations

import base64

import pytest

from parties.models import ClaimsAdministratorName, ClaimsAdministratorOrganisation
from parties.organisations import add_portal_user, create_api_client
from tests import factories

OWN_NAME = "Example Claims Services"  # the seed case's and CaseFactory's claims administrator
OTHER_NAME = "Other Claims Co."


@pytest.fixture
def org(db):
    organisation = ClaimsAdministratorOrganisation.objects.create(name="Example Claims Services Inc.")
    ClaimsAdministratorName.objects.create(organisation=organisation, name=OWN_NAME)
    return organisation


@pytest.fixture
def other_org(db):
    organisation = ClaimsAdministratorOrganisation.objects.create(name="Other Claims")
    ClaimsAdministratorName.objects.create(organisation=organisation, name=OTHER_NAME)
    return organisation


@pytest.fixture
def own_case(org):
    return factories.CaseFactory(claims_administrator=OWN_NAME)


@pytest.fixture
def other_case(other_org):
    return factories.CaseFactory(claims_administrator=OTHER_NAME)


@pytest.fixture
def api_client_credentials(org):
    return create_api_client(org, "Example integration")


def get_token(client, credentials, scope: str | None = None) -> str:
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.client_secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def api(client, api_client_credentials):
    """A Django test client that sends the organisation client's bearer token."""
    token = get_token(client, api_client_credentials)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client.token = token
    client.client_id = api_client_credentials.client_id
    return client


@pytest.fixture
def portal_user(org):
    return add_portal_user(org, username="ca.user", email="ca.user@example.org", password="pw-for-tests")


@pytest.fixture
def portal_admin(org):
    return add_portal_user(
        org,
        username="ca.admin",
        email="ca.admin@example.org",
        password="pw-for-tests",
        is_organisation_admin=True,
    )
