"""manage.py mail_batch [--date YYYY-MM-DD] --out FILE: the mailroom's PDF of every packet to be mailed that
day (California time), in case order; marks them sent."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parties.delivery import mail_batch, mailed_on, unaddressed


class Command(BaseCommand):
    help = "Write the day's print-and-mail batch of determination packets as one PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="The day (YYYY-MM-DD); today by default")
        parser.add_argument("--out", required=True, help="Where to write the PDF")

    def handle(self, *args, date: str | None, out: str, **options) -> None:
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {date!r} is not a date (YYYY-MM-DD)") from exc
        held = unaddressed(mailed_on(day))
        batch = mail_batch(day)
        if batch is None:
            self.stdout.write(f"Nothing to mail for {day}.")
            return
        content, count = batch
        Path(out).write_bytes(content)
        self.stdout.write(f"{count} packet(s) for {day} written to {out}.")
        for delivery in held:
            self.stderr.write(
                f"{delivery.letter.case.case_number}: no mailing address for the "
                f"{delivery.get_party_display().lower()}; its cover notice says to hold it."
            )
