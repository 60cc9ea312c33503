"""Logging a test client in as the application does: the password step, then, for the roles that need it
(imr_site/two_factor.py), a verified TOTP device in the session, exactly what ``django_otp.login`` stores.
The requirement is never switched off in tests."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made if it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_token(device: TOTPDevice) -> str:
    """The code the user's app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def log_in(client, user) -> None:
    """Password step (``force_login``) and, where the role needs it, a verified second factor."""
    from imr_site.two_factor import second_factor_required

    client.force_login(user)
    if second_factor_required(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
