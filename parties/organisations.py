"""Organisations, their users and their API clients: who belongs where. ``organisation_of`` is the one
answer to "which organisation is this user (or API client) acting for"."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from parties.models import ApiClient, ClaimsAdministratorOrganisation, Membership


def organisation_of(user) -> ClaimsAdministratorOrganisation | None:
    """The active organisation a user belongs to, or None (IMR staff, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership = user.membership
    except Membership.DoesNotExist:
        return None
    organisation = membership.organisation
    return organisation if organisation.active else None


class OrganisationError(Exception):
    """A change to an organisation's users that cannot be made; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def add_portal_user(
    organisation: ClaimsAdministratorOrganisation,
    *,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    is_organisation_admin: bool = False,
):
    """A new portal user of ``organisation``. Without a password the account cannot log in until the user
    sets one through the password-reset e-mail."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise OrganisationError("username", f"{username!r} is taken; choose another")
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        Membership.objects.create(
            user=user, organisation=organisation, is_organisation_admin=is_organisation_admin
        )
    return user


def set_user_active(organisation: ClaimsAdministratorOrganisation, user, active: bool) -> None:
    """Deactivate (never delete: the event log keeps naming the user) or reactivate a portal user."""
    if not Membership.objects.filter(user=user, organisation=organisation, is_service_account=False).exists():
        raise OrganisationError("user", "not a user of this organisation")
    user.is_active = active
    user.save(update_fields=["is_active"])


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once: only its hash is stored


def create_api_client(
    organisation: ClaimsAdministratorOrganisation,
    name: str,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> NewClient:
    """An OAuth 2.0 client-credentials application for ``organisation``, with its own service user (the
    user its tokens carry). The secret is returned once; django-oauth-toolkit stores only its hash."""
    from oauth2_provider.generators import generate_client_id, generate_client_secret
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    User = get_user_model()
    secret = client_secret or generate_client_secret()
    client_id = client_id or generate_client_id()
    with transaction.atomic():
        service_user = User(username=f"api-{client_id[:20].lower()}", first_name=name[:150])
        service_user.set_unusable_password()
        service_user.save()
        Membership.objects.create(user=service_user, organisation=organisation, is_service_account=True)
        application = Application.objects.create(
            name=name,
            client_id=client_id,
            client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            user=service_user,
        )
        client = ApiClient.objects.create(application=application, organisation=organisation)
    return NewClient(client=client, client_id=client_id, client_secret=secret)


def revoke_api_client(client: ApiClient) -> int:
    """Revoke every token of the client and stop it getting new ones (its service user is deactivated)."""
    from oauth2_provider.models import get_access_token_model

    tokens = get_access_token_model().objects.filter(application=client.application)
    count = 0
    for token in tokens:
        token.revoke()
        count += 1
    from oauth2_provider.generators import generate_client_secret

    application = client.application
    application.client_secret = generate_client_secret()  # the old secret no longer gets a token
    application.save(update_fields=["client_secret"])
    user = application.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    return count
