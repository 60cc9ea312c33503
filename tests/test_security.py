"""Headers, configuration, login throttling and the idle timeout (issue 10, "Headers and configuration",
"Authentication and sessions")."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.test_settings import ROOT, manage

pytestmark = pytest.mark.django_db
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_every_page_has_a_csp_without_inline_scripts_and_a_permissions_policy(admin_client):
    case = factories.CaseFactory()
    for url in [reverse("login"), reverse("cases:detail", args=[case.case_number])]:
        response = admin_client.get(url)
        policy = _csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_no_template_holds_an_inline_script_or_event_handler():
    offenders = []
    for folder in TEMPLATE_DIRS:
        for path in Path(folder).rglob("*.html"):
            text = path.read_text()
            for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"\shx-on[:-]"):
                if re.search(pattern, text):
                    offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_pages_with_health_information_are_never_cached(admin_client, client):
    case = factories.CaseFactory()
    record = factories.MedicalRecordFactory(case=case)
    for url in [
        reverse("cases:detail", args=[case.case_number]),
        reverse("cases:list"),
        reverse("reviews:workspace", args=[case.case_number]),
        reverse("reviews:record_search", args=[case.case_number]) + "?q=pain",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    assert record.pk


def _attempt(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_thirty_wrong_passwords_lock_the_account_even_for_the_right_one():
    from axes.models import AccessAttempt, AccessFailureLog

    user = factories.UserFactory(username="dr.target")
    user.set_password("the-right-password-42")
    user.save()
    client = Client()
    for n in range(30):
        _attempt(client, "dr.target", f"guess-{n}")
    assert AccessFailureLog.objects.filter(username="dr.target").count() >= 10
    assert AccessAttempt.objects.filter(username="dr.target").exists()
    response = _attempt(client, "dr.target", "the-right-password-42")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("cases:list")).status_code == 302  # still to the login page


def test_a_lockout_is_for_that_username_from_that_address_not_for_the_whole_address():
    """One NAT address serves a whole hospital: one person's wrong passwords lock only that account
    there, never everyone behind the address, nor that account elsewhere."""
    for name in ("dr.locked", "dr.colleague"):
        user = factories.UserFactory(username=name)
        user.set_password("the-right-password-42")
        user.save()
    site = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(30):
        _attempt(site, "dr.locked", f"guess-{n}")
    assert _attempt(site, "dr.locked", "the-right-password-42").status_code == 429
    assert (
        _attempt(Client(REMOTE_ADDR="203.0.113.7"), "dr.colleague", "the-right-password-42").status_code
        == 302
    )
    assert (
        _attempt(Client(REMOTE_ADDR="198.51.100.9"), "dr.locked", "the-right-password-42").status_code == 302
    )


def test_a_right_password_after_a_few_typos_logs_in():
    user = factories.UserFactory(username="dr.typo")
    user.set_password("the-right-password-42")
    user.save()
    client = Client()
    for n in range(2):
        _attempt(client, "dr.typo", f"typo-{n}")
    assert _attempt(client, "dr.typo", "the-right-password-42").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_session_ends_after_thirty_idle_minutes_and_the_page_warns_first(admin_client):
    before = timezone.now()
    page = admin_client.get(reverse("cases:list"))
    session = Session.objects.get(session_key=admin_client.session.session_key)
    # Renewed by the request, and no later than the idle timeout.
    assert before + datetime.timedelta(minutes=29) < session.expire_date
    assert session.expire_date <= timezone.now() + datetime.timedelta(minutes=30)
    html = page.content.decode()
    assert 'data-idle-timeout="1800"' in html
    assert 'id="idle-warning"' in html
    assert admin_client.get(reverse("keepalive")).status_code == 204


def test_debug_is_off_unless_asked_for_by_name():
    show = "from django.conf import settings; print(f'DEBUG={settings.DEBUG}')"
    assert "DEBUG=False" in manage("shell", "-c", show).stdout
    assert "DEBUG=True" in manage("shell", "-c", show, DJANGO_DEBUG="true").stdout
    assert 'DJANGO_DEBUG="${DJANGO_DEBUG:-true}"' in (ROOT / "scripts" / "run").read_text()
