import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guidelines.suggest.cv import KEYS, corpus_dir, cross_validate, fit_packaged
from guidelines.suggest.decision import MODEL_FILE
from guidelines.suggest.knowledge import KnowledgeBase


class Command(BaseCommand):
    help = (
        "Cross-validate the suggestion engine over the development letters, grouped by letter "
        "(the corpus's folds.py); optionally refit the packaged decision model on all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus", help="corpus folder (default: $IMR_CORPUS_DIR, else ../shared/corpus)"
        )
        parser.add_argument("-k", type=int, default=5, help="number of folds (default 5)")
        parser.add_argument("--json", help="also write the full report as JSON here")
        parser.add_argument(
            "--learned-ranking",
            action="store_true",
            help="also fit the citation ranking on each fold's training letters "
            "(measured, not shipped: it did not beat the hand-set order)",
        )
        parser.add_argument(
            "--write-model",
            action="store_true",
            help=f"refit the decision model on all development letters into {MODEL_FILE.name}",
        )

    def handle(self, *args, corpus=None, k=5, json=None, write_model=False, learned_ranking=False, **options):
        try:
            path = corpus_dir(corpus)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        if k < 2:
            raise CommandError("-k: at least 2 folds")
        # The packaged data, not the database: the figures must not depend on local admin edits.
        kb = KnowledgeBase.from_json()
        try:
            import sklearn  # noqa: F401  (fits the models; the engine itself never needs it)
        except ImportError as exc:
            raise CommandError("suggest_cv needs scikit-learn: pip install -r requirements-dev.txt") from exc
        report = cross_validate(kb, path, k, learned_ranking)
        self._print(report)
        if json:
            Path(json).write_text(_dumps(report), encoding="utf-8")
        if write_model:
            model = fit_packaged(kb, path)
            MODEL_FILE.write_text(_dumps(model.to_dict()) + "\n", encoding="utf-8")
            self.stdout.write(f"decision model written to {MODEL_FILE}")

    def _print(self, report):
        w = self.stdout.write
        cols = (*KEYS, "covered", "items")
        w("fold    " + "  ".join(cols))
        for f in report["folds"]:
            w(f"{f['fold']}  " + "  ".join(str(f.get(c)) for c in cols))
        for key, s in report["summary"].items():
            w(f"{key}: mean {s['mean']} sd {s['sd']} (min {s['min']}, max {s['max']})")
        w(f"pooled Brier score (P(Overturned)): {report['pooled_brier']}")
        w("reliability (pooled test predictions):")
        for r in report["reliability"]:
            w(
                f"  {r['bin']}: {r['items']} items, predicted {r['mean_predicted']}, "
                f"observed {r['observed_overturned']}"
            )
        w(f"abstention margin in use: {report['margin_used']}")
        for m in report["margins"]:
            w(
                f"  margin {m['margin']}: coverage {m['coverage']}, balanced accuracy when decided "
                f"{m['balanced_accuracy_when_decided']}, counting abstentions as misses "
                f"{m['balanced_accuracy_abstain_as_miss']}"
            )


def _dumps(data) -> str:
    return json.dumps(data, indent=1)
