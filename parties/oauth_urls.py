"""The OAuth 2.0 endpoints machine clients need: the token (client credentials) and its revocation
(RFC 7009). No authorisation-code pages: there are no third-party apps acting for portal users."""

from django.urls import path
from oauth2_provider import views as oauth_views


def _public(view):
    view.login_required = False  # a client authenticates with its id and secret (LoginRequiredMiddleware)
    return view


app_name = "oauth2_provider"
urlpatterns = [
    path("token/", _public(oauth_views.TokenView.as_view()), name="token"),
    path("revoke_token/", _public(oauth_views.RevokeTokenView.as_view()), name="revoke-token"),
]
