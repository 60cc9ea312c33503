"""manage.py import_cases FILE [FILE...]: import IMR cases from intake JSON files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.intake import import_file


class Command(BaseCommand):
    help = 'Import cases from JSON files (one case, or {"cases": [...]}) per the intake schema.'

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, files: list[Path], **options) -> None:
        imported = rejected = 0
        for path in files:
            report = import_file(path)
            for line in report.file_errors:
                self.stderr.write(line)
            for outcome in report.outcomes:
                if outcome.ok:
                    imported += 1
                    self.stdout.write(f"imported {outcome.case_number}")
                else:
                    rejected += 1
                    for error in outcome.errors:
                        self.stderr.write(f"rejected {outcome.case_number}: {error}")
            if report.file_errors:
                rejected += 1
        self.stdout.write(f"{imported} imported, {rejected} rejected")
        if rejected:
            raise CommandError(f"{rejected} case(s) or file(s) rejected; see the messages above.")
