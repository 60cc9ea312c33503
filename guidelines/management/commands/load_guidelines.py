from django.core.management.base import BaseCommand

from guidelines.loader import load_guidelines


class Command(BaseCommand):
    help = "Load the guideline knowledge base from a data file (default: the packaged data). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=None, help="guidelines JSON (default guidelines/data/...)"
        )

    def handle(self, *args, path=None, **options):
        report = load_guidelines(path)
        for line in report.lines():
            self.stdout.write(line)
