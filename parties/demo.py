"""The parties app's demo data: a claims-administrator organisation for the demo cases' claims
administrators, its portal administrator and an API client with a documented secret.

Demo only (``manage.py load_demo``): the secret is printed in the README, so never load this into a
production database. Idempotent.
"""

from __future__ import annotations

from parties.models import ApiClient, ClaimsAdministratorName, ClaimsAdministratorOrganisation
from parties.organisations import add_portal_user, create_api_client

DEMO_ORGANISATION = "Example Claims Services Inc."
DEMO_NAMES = ["Example Claims Services", "Demo Mutual Claims Co."]
DEMO_PORTAL_LOGIN = ("claims", "imr-demo-claims")
DEMO_CLIENT_ID = "demo-claims-client"
DEMO_CLIENT_SECRET = "imr-demo-client-secret"  # noqa: S105 - documented demo value, dev only


def load() -> list[str]:
    organisation, _ = ClaimsAdministratorOrganisation.objects.get_or_create(name=DEMO_ORGANISATION)
    for name in DEMO_NAMES:
        ClaimsAdministratorName.objects.get_or_create(name=name, defaults={"organisation": organisation})
    lines = [f"organisation {organisation.name}"]
    username, password = DEMO_PORTAL_LOGIN
    if not organisation.memberships.filter(user__username=username).exists():
        add_portal_user(
            organisation,
            username=username,
            email="claims@example.org",
            first_name="Casey",
            last_name="Claims",
            password=password,
            is_organisation_admin=True,
        )
        lines.append(f"portal user {username}")
    if not ApiClient.objects.filter(application__client_id=DEMO_CLIENT_ID).exists():
        create_api_client(
            organisation, "Demo integration", client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET
        )
        lines.append(f"API client {DEMO_CLIENT_ID}")
    return lines
