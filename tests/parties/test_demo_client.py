"""The README's curl session: the demo's OAuth client gets a token with its documented secret and sees the
demo organisation's cases; the demo portal login reaches the portal."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command

from parties.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PORTAL_LOGIN

pytestmark = pytest.mark.django_db


def test_the_demo_client_and_portal_login_work(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    basic = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    token = client.post(
        "/o/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert token.status_code == 200
    cases = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}").json()
    numbers = {c["case_number"] for c in cases["results"]}
    assert "CM15-0165834" in numbers and "CM26-0000101" in numbers
    determination = client.get(
        "/api/v1/cases/CM15-0165834/determination/",
        HTTP_AUTHORIZATION=f"Bearer {token.json()['access_token']}",
    )
    # The seed case's letter renders on a worker (none runs here): not issued yet, in the API's words.
    assert determination.json()["type"] == "/api/problems/determination-not-issued"
    login = client.post(
        "/accounts/login/", {"username": DEMO_PORTAL_LOGIN[0], "password": DEMO_PORTAL_LOGIN[1]}
    )
    assert login.status_code == 302
    assert client.get("/", follow=True).request["PATH_INFO"] == "/portal/"
