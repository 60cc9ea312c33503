"""manage.py create_api_client ORGANISATION NAME: an OAuth client for an organisation; prints its id and
secret once (only the secret's hash is stored)."""

from django.core.management.base import BaseCommand, CommandError

from parties.models import ClaimsAdministratorOrganisation
from parties.organisations import create_api_client


class Command(BaseCommand):
    help = "Create an OAuth 2.0 client-credentials API client for a claims-administrator organisation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("organisation", help="The organisation's name, as in the admin site")
        parser.add_argument("name", help="What the client is, e.g. 'Claims system integration'")

    def handle(self, *args, organisation: str, name: str, **options) -> None:
        org = ClaimsAdministratorOrganisation.objects.filter(name=organisation, active=True).first()
        if org is None:
            raise CommandError(f"organisation: no active organisation named {organisation!r}")
        made = create_api_client(org, name)
        self.stdout.write(f"client_id: {made.client_id}\nclient_secret: {made.client_secret}\n")
        self.stdout.write("The secret is shown only now; store it in the client's secret store.")
