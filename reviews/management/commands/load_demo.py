"""manage.py load_demo: knowledge base, demo logins and demo cases (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews.demo import load_demo


class Command(BaseCommand):
    help = "Load the guideline knowledge base, demo users and demo cases. Safe to run again."

    def handle(self, *args, **options) -> None:
        try:
            call_command("load_guidelines", verbosity=options["verbosity"])
        except Exception as exc:  # noqa: BLE001 - the knowledge base command may not exist on old branches
            self.stderr.write(f"knowledge base not loaded: {exc}")
        for line in load_demo():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins are listed in the README."))
