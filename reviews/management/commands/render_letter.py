"""``manage.py render_letter CASE_NUMBER --out FILE.pdf``: the latest signed determination, now.

Synchronous, with the template and code path the Celery task uses; it writes a file for an operator or a
script and records nothing (the issued letters are the ones the workflow made).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from reviews.letters import services
from reviews.letters.rendering import LetterNotRenderable, render_letter_html, render_letter_pdf


class Command(BaseCommand):
    help = "Render the Final Determination letter of a case's latest signed review to a PDF file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("case_number")
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")

    def handle(self, *args, case_number: str, out: Path, **options) -> None:
        case = Case.objects.filter(case_number=case_number.strip().upper()).first()
        if case is None:
            raise CommandError(f"No case {case_number}.")
        try:
            review = services.latest_signed_review(case)
            # The issued letter of that review, when there is one: same dates and version, same bytes.
            letter = review.letters.order_by("-version").first()
            if letter is not None:
                rendered = services.render_letter_file(letter)
            else:
                rendered = render_letter_pdf(render_letter_html(review))
        except (services.LetterError, LetterNotRenderable) as exc:
            raise CommandError(str(exc)) from exc
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(rendered.content)
        self.stdout.write(
            f"{case.case_number}: review version {review.version}, {rendered.page_count} page(s), "
            f"sha256 {rendered.sha256} -> {out}"
        )
