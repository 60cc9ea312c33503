"""manage.py load_demo: knowledge base, demo logins and demo cases (idempotent)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from reviews.demo import load_demo


class Command(BaseCommand):
    help = "Load the guideline knowledge base, demo users and demo cases. Safe to run again."

    def handle(self, *args, **options) -> None:
        call_command("load_guidelines", verbosity=options["verbosity"])
        for line in load_demo():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins are listed in the README."))
