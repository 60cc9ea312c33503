"""manage.py totp_code USERNAME: the current two-factor code of a demo login, for running the demo without
a phone. Refused in production (IMR_ENV=production), where codes come only from the user's own app."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imr_site.two_factor import current_code


class Command(BaseCommand):
    help = "Print a demo login's current two-factor code (development only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("totp_code is for the demo only; refused when IMR_ENV=production.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No login named {username!r}.")
        try:
            self.stdout.write(current_code(user))
        except Exception as exc:
            raise CommandError(f"{username} has no two-factor device.") from exc
