"""Two-factor authentication: a time-based one-time password (TOTP, RFC 6238) after the password.

Administrators, the security officer and superusers must use it: after the password they are sent to set
up an authenticator app (first time) or to type its current code, and reach no other page until they do
(``RequireSecondFactorMiddleware``). Reviewers and QA may enrol on the same page; once a user has a device,
its code is asked at every login. Devices, codes and their throttling are django-otp's (``otp_totp``); the
session remembers the verified device (``django_otp.login``). Enrolments, verifications and wrong codes go
into the audit record.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from imr_site.roles import is_administrator, is_security_officer

DEVICE_NAME = "Authenticator app"
# The demo's published key (README), for the demo logins only; never loaded when IMR_ENV=production.
DEMO_TOTP_KEY_BASE32 = "NFWXELLEMVWW6LLUN52HALLLMV4S2MBR"
DEMO_TOTP_USERNAMES = ("admin", "security")


def second_factor_required(user) -> bool:
    """Roles that manage cases, users or roles, and anyone who has enrolled a device."""
    if not user.is_authenticated:
        return False
    return bool(is_administrator(user) or is_security_officer(user) or user_has_device(user, confirmed=True))


# Pages a user between password and code may open: the two steps themselves, logging out, health checks
# and static files.
OPEN_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "login", "healthz", "readyz")


class RequireSecondFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: a user who needs a second factor and has not given one this
    session is sent to give it, whatever page it asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and second_factor_required(user) and not user.is_verified():
            if self.open_paths is None:
                self.open_paths = {reverse(name) for name in OPEN_URL_NAMES}
            if request.path not in self.open_paths and not request.path.startswith(f"/{settings.STATIC_URL}"):
                step = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor_setup"
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is the 6 digits your authenticator app shows.")
        return token


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _record(request: HttpRequest, action: str, detail: str = "") -> None:
    from audit.recording import record

    record(request, action, detail=detail)


def _qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG data URI (CSP allows data: images; no script, nothing external)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code (or type the key), then prove it with one code."""
    from audit.models import AuditAction

    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        # Replacing a device needs the current one first; an enrolled user only verifies here.
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                # One device per user: an earlier one stops working once the new one is proven.
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            otp_login(request, device)
            _record(request, AuditAction.TWO_FACTOR_ENROLLED)
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", "That code is wrong or has expired; type the code the app shows now.")
            _record(request, AuditAction.TWO_FACTOR_FAILED, detail="enrolment")
        status = 400
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "qr": _qr_svg(device),
        "required": second_factor_required(user) or is_administrator(user),
        "enrolled": user_has_device(user, confirmed=True),
        "next": _next(request),
    }
    return render(request, "registration/two_factor_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the current code of the user's enrolled app."""
    from audit.models import AuditAction

    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        # verify_token throttles: each wrong code doubles the wait before the next is even checked.
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            _record(request, AuditAction.TWO_FACTOR_VERIFIED)
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", "That code is wrong or has expired; type the code the app shows now.")
            _record(request, AuditAction.TWO_FACTOR_FAILED, detail="login")
        status = 400
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}, status=status
    )


def load_demo_devices() -> list[str]:
    """The demo logins that need a second factor get an authenticator device with the README's key, so the
    demo runs without enrolling a phone. Refused in production: the key is published."""
    from django.contrib.auth import get_user_model

    if settings.PRODUCTION:
        return ["two-factor: no demo devices in production; administrators enrol at /accounts/two-factor/"]
    key = base64.b32decode(DEMO_TOTP_KEY_BASE32).hex()
    lines = []
    for user in get_user_model().objects.filter(username__in=DEMO_TOTP_USERNAMES).order_by("username"):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
            lines.append(f"two-factor: demo device for {user.username}")
    return lines


def current_code(user) -> str:
    """The code the user's device shows now (the demo's ``manage.py totp_code``)."""
    from django_otp.oath import totp

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"
