from pathlib import Path

from django.core.management.base import BaseCommand

from imr_site.backup import back_up_files


class Command(BaseCommand):
    help = "Copy every stored file (records, letters) into DEST/files with a SHA-256 manifest."

    def add_arguments(self, parser) -> None:
        parser.add_argument("destination", type=Path)

    def handle(self, destination: Path, **options) -> None:
        count = back_up_files(destination)
        self.stdout.write(f"{count} files backed up to {destination}")
