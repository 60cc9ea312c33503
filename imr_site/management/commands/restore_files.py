from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from imr_site.backup import RestoreError, restore_files


class Command(BaseCommand):
    help = "Put the files of a backup (SOURCE/files, checked against SOURCE/files.sha256) back into storage."

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", type=Path)

    def handle(self, source: Path, **options) -> None:
        try:
            count = restore_files(source)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} files restored from {source}")
