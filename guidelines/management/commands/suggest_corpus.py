from django.core.management.base import BaseCommand

from guidelines.services import knowledge_base
from guidelines.suggest.corpus import run
from guidelines.suggest.knowledge import KnowledgeBase


class Command(BaseCommand):
    help = "Run the suggestion engine on every item of a corpus inputs file and write scorer predictions."

    def add_arguments(self, parser):
        parser.add_argument("inputs", help="inputs.json (corpus format)")
        parser.add_argument("--out", required=True, help="where to write predictions JSON")
        parser.add_argument(
            "--from-data", action="store_true", help="use the packaged data file, not the database"
        )

    def handle(self, *args, inputs, out, from_data=False, **options):
        kb = KnowledgeBase.from_json() if from_data else knowledge_base()
        if not kb.sections:
            kb = KnowledgeBase.from_json()
            self.stderr.write(
                "The database holds no guidelines (run load_guidelines); used the packaged data."
            )
        n = run(inputs, out, kb)
        self.stdout.write(f"{n} items written to {out}")
