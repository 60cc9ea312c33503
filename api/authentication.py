"""OAuth 2.0 bearer tokens from the client-credentials grant (django-oauth-toolkit), accepted only for an
active client of an active organisation: the token's user is the client's service user, whose membership
scopes everything the request reaches (django-oauth-toolkit leaves a client-credentials token without a
user, so the application's user is taken). An expired or revoked token is refused by django-oauth-toolkit;
a client whose service user is deactivated (``parties.organisations.revoke_api_client``) is refused here."""

from __future__ import annotations

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.exceptions import AuthenticationFailed

from parties.organisations import organisation_of


class ClientCredentialsAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                raise AuthenticationFailed("The access token is invalid, expired or revoked.")
            return None
        user, token = result
        user = user or token.application.user
        if user is None or organisation_of(user) is None or not hasattr(token.application, "api_client"):
            raise AuthenticationFailed("This client is not registered for an active organisation.")
        return user, token
