"""A request is allowed when it comes from an organisation's client with the scope its method needs:
``read`` for GET and HEAD, ``write`` for everything else. Which case it reaches is the queryset's
(``Case.objects.for_organisation``) and ``parties.view_case``'s business."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from parties.organisations import organisation_of


class OrganisationClient(BasePermission):
    message = "The token lacks the scope this request needs."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if token is None or organisation_of(request.user) is None:
            return False
        scope = "read" if request.method in SAFE_METHODS else "write"
        return token.allow_scopes([scope])
