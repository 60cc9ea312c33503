"""The per-case event log of an organisation's users and API clients (append-only ``PortalEvent``)."""

from __future__ import annotations

from parties.models import PortalEvent


def record_event(
    user, organisation, case, action: str, detail: str = "", *, via_api: bool = False
) -> PortalEvent:
    """Append one event: who (user or API client), which case, what; ``detail`` names a document, never
    its content."""
    return PortalEvent.objects.create(
        organisation=organisation,
        case=case,
        user=user,
        username=user.get_username() if user is not None else "",
        via_api=via_api,
        action=action,
        detail=detail[:300],
    )


def case_events(organisation, case):
    """What the organisation sees of a case's history: its own people's events only."""
    return PortalEvent.objects.filter(organisation=organisation, case=case).select_related("user")
