"""Two-factor authentication (imr_site/two_factor.py): required for administrators and security officers,
optional for reviewers, every enrolment and wrong code in the audit record."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AccessEvent, AuditAction
from imr_site.roles import SECURITY_OFFICER, ensure_roles
from tests import factories
from tests.auth import current_token, totp_device


def _password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-for-tests"})
    assert response.status_code == 302, "the password step itself succeeds"
    return client


@pytest.fixture
def officer(db):
    ensure_roles()
    user = factories.UserFactory(username="officer", is_staff=True)
    user.groups.add(Group.objects.get(name=SECURITY_OFFICER))
    return user


def test_an_administrator_without_a_device_is_sent_to_enrol_and_reaches_no_page(admin_user):
    client = _password_login(admin_user)
    for url in [reverse("cases:list"), reverse("home"), reverse("admin:index"), reverse("audit:log")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup")), url
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert "Set up two-factor authentication" in page.content.decode()
    assert client.get(reverse("cases:list")).status_code == 302, "showing the key does not let anyone in"


def test_enrolling_with_the_apps_code_lets_the_administrator_in_and_is_audited(admin_user):
    client = _password_login(admin_user)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    response = client.post(
        reverse("two_factor_setup"), {"token": current_token(device), "next": reverse("cases:list")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:list")
    assert client.get(reverse("cases:list")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AccessEvent.objects.filter(user=admin_user, action=AuditAction.TWO_FACTOR_ENROLLED).count() == 1


def test_a_wrong_code_is_refused_and_recorded_and_the_right_one_gets_in(admin_user):
    device = totp_device(admin_user)
    client = _password_login(admin_user)
    response = client.get(reverse("cases:list"))
    assert response["Location"].startswith(reverse("two_factor_verify"))

    right = current_token(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_verify"), {"token": wrong})
    assert response.status_code == 400
    assert "That code is wrong or has expired" in response.content.decode()
    assert client.get(reverse("cases:list")).status_code == 302
    failure = AccessEvent.objects.get(action=AuditAction.TWO_FACTOR_FAILED)
    assert (failure.user, failure.detail) == (admin_user, "login")

    # django-otp throttles after a failure: the next check waits a second (OTP_TOTP_THROTTLE_FACTOR).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(reverse("two_factor_verify"), {"token": current_token(device)})
    assert response.status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200
    assert AccessEvent.objects.filter(user=admin_user, action=AuditAction.TWO_FACTOR_VERIFIED).count() == 1


def test_the_security_officer_also_needs_the_second_factor(officer):
    client = _password_login(officer)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_reviewer_is_not_forced_but_may_enrol_and_is_then_asked_every_login(reviewer):
    client = _password_login(reviewer.user)
    assert client.get(reverse("reviews:dashboard")).status_code == 200
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "Optional for your role" in page
    device = TOTPDevice.objects.get(user=reviewer.user)
    client.post(reverse("two_factor_setup"), {"token": current_token(device)})

    later = _password_login(reviewer.user)
    response = later.get(reverse("reviews:dashboard"))
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_a_code_is_never_accepted_from_someone_who_has_not_given_the_password(admin_user):
    device = totp_device(admin_user)
    client = Client()
    response = client.post(reverse("two_factor_verify"), {"token": current_token(device)})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not AccessEvent.objects.filter(action=AuditAction.TWO_FACTOR_VERIFIED).exists()


def test_a_letter_or_symbol_in_the_code_gets_a_field_error_not_a_500(admin_user):
    totp_device(admin_user)
    client = _password_login(admin_user)
    response = client.post(reverse("two_factor_verify"), {"token": "12345x"})
    assert response.status_code == 400
    assert "6 digits" in response.content.decode()
