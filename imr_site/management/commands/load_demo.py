"""manage.py load_demo: the knowledge base, the demo logins and the demo cases at every stage (idempotent).

Each app owns its part (``<app>/demo.py``); this command only runs them in order: the knowledge base, the
cases app's logins and cases, then the reviews app's reviewers, assignments and reviews.
"""

from django.core.management.base import BaseCommand

from cases import demo as cases_demo
from guidelines import demo as guidelines_demo
from imr_site import two_factor
from parties import demo as parties_demo
from reviews import demo as reviews_demo


class Command(BaseCommand):
    help = "Load the guideline knowledge base, demo users and demo cases. Safe to run again."

    def handle(self, *args, **options) -> None:
        self._report(guidelines_demo.load())
        self._report(parties_demo.load())
        self._report(cases_demo.load())
        reviews_demo.load()
        self._report(two_factor.load_demo_devices())
        self._report(cases_demo.status_lines())
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins are listed in the README."))

    def _report(self, lines: list[str]) -> None:
        for line in lines:
            self.stdout.write(line)
