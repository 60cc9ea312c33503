"""manage.py add_portal_user ORGANISATION USERNAME EMAIL [--admin]: a portal user of an organisation (the
first organisation administrator, typically). The user sets a password with ``manage.py changepassword``
or the password-reset e-mail; later users are added by the organisation administrator in the portal."""

from django.core.management.base import BaseCommand, CommandError

from parties.models import ClaimsAdministratorOrganisation
from parties.organisations import OrganisationError, add_portal_user


class Command(BaseCommand):
    help = "Add a portal user to a claims-administrator organisation."

    def add_arguments(self, parser) -> None:
        parser.add_argument("organisation")
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("--admin", action="store_true", help="The organisation's administrator")

    def handle(self, *args, organisation: str, username: str, email: str, admin: bool, **options) -> None:
        org = ClaimsAdministratorOrganisation.objects.filter(name=organisation, active=True).first()
        if org is None:
            raise CommandError(f"organisation: no active organisation named {organisation!r}")
        try:
            add_portal_user(org, username=username, email=email, is_organisation_admin=admin)
        except OrganisationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{username} added to {org.name}; set a password with: manage.py changepassword {username}"
        )
