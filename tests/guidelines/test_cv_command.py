"""suggest_cv on a small made-up corpus: folds by letter, a report per fold, and the packaged fit with its
provenance. The letters are invented, and so are the corpus folder's two scripts: a clone has no corpus
beside it, so the test writes small ones with the interface the corpus documents (``folds.py dev/ K OUT/``
splitting by a hash of the case number; ``score_suggestions.citations`` and ``score``). The command's
figures on the real letters come from the corpus's own scripts (README, docs/guidelines.md)."""

from __future__ import annotations

import json
import textwrap

from django.core.management import call_command

from guidelines.management.commands import suggest_cv
from guidelines.suggest.decision import load

PT = "Physical therapy 2x6 for the lumbar spine"
MRI = "MRI of the lumbar spine"
PT_LINE = (
    "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment."
)
MRI_LINE = "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies."


def _letter(n: int) -> tuple[dict, dict]:
    flags = n % 3 == 0  # every third worker has a documented red flag and a progressive deficit
    summary = (
        "Chronic low back pain since a lifting injury. She has completed 12 prior physical therapy sessions. "
        + (
            "Progressive weakness of the left leg and new bowel incontinence were documented. "
            if flags
            else "No red flags. Neurologic examination was normal. "
        )
    )
    case = f"CM00-00000{n:02d}"
    inputs = {
        "case_number": case,
        "date_of_injury": "01/05/2015",
        "ur_denial_date": "11/20/2016",
        "clinical_summary": summary,
        "items": [
            {"item": PT, "claims_administrator_guideline": PT_LINE},
            {"item": MRI, "claims_administrator_guideline": MRI_LINE},
        ],
    }
    gold = {
        "case_number": case,
        "items": [
            {"item": PT, "decision": "Upheld", "reviewer_guideline": PT_LINE, "rationale": ""},
            {
                "item": MRI,
                "decision": "Overturned" if flags else "Upheld",
                "reviewer_guideline": MRI_LINE,
                "rationale": "",
            },
        ],
    }
    return inputs, gold


FOLDS_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, pathlib, sys

    def main(src, k, out):
        k = int(k)
        inputs = json.loads(pathlib.Path(src, "inputs.json").read_text())
        gold = json.loads(pathlib.Path(src, "gold.json").read_text())
        fold = lambda case: int(hashlib.sha1(case.encode()).hexdigest(), 16) % k
        for f in range(k):
            for part, keep in (("train", lambda c: fold(c) != f), ("test", lambda c: fold(c) == f)):
                d = pathlib.Path(out, f"fold-{f + 1}", part)
                d.mkdir(parents=True, exist_ok=True)
                for name, rows in (("inputs.json", inputs), ("gold.json", gold)):
                    (d / name).write_text(json.dumps([r for r in rows if keep(r["case_number"])]))

    main(*sys.argv[1:])
    """
)
SCORER_SCRIPT = textwrap.dedent(
    """
    import re

    def _norm(s):
        return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()

    def citations(line):
        return [
            (_norm(m.group(1)), _norm(m.group(2) or ""))
            for m in re.finditer(r"(MTUS [A-Z][^,.]*?\\d{4})(?:,? Section\\(s\\):\\s*([^.]*))?", line)
        ]

    def score(gold_cases, predictions):
        n = g1 = s3 = covered = 0
        recall = {"Upheld": [0, 0], "Overturned": [0, 0]}
        for case in gold_cases:
            preds = predictions.get(case["case_number"], [])
            for k, item in enumerate(case["items"]):
                gold = citations(item["reviewer_guideline"])
                if not gold:
                    continue
                n += 1
                pred = preds[k] if k < len(preds) else {}
                ranked = [c for line in pred.get("citations", [])[:3] for c in citations(line)[:1]]
                covered += bool(ranked)
                g1 += bool(ranked) and ranked[0][0] == gold[0][0]
                s3 += any(c in gold for c in ranked)
                r = recall[item["decision"]]
                r[1] += 1
                r[0] += pred.get("decision") == item["decision"]
        seen = [hit / total for hit, total in recall.values() if total]
        return {"items": n, "covered": covered, "guideline@1": round(g1 / n, 3),
                "section@3": round(s3 / n, 3), "decision_balanced_accuracy": round(sum(seen) / len(seen), 3)}
    """
)


def _corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "dev").mkdir(parents=True)
    (folder / "folds.py").write_text(FOLDS_SCRIPT)
    (folder / "score_suggestions.py").write_text(SCORER_SCRIPT)
    letters = [_letter(n) for n in range(12)]
    (folder / "dev" / "inputs.json").write_text(json.dumps([i for i, _ in letters]))
    (folder / "dev" / "gold.json").write_text(json.dumps([g for _, g in letters]))
    return folder


def test_cross_validation_reports_each_fold_and_writes_the_model_with_provenance(tmp_path, monkeypatch):
    corpus = _corpus(tmp_path)
    model_file = tmp_path / "decision_model.json"
    monkeypatch.setattr(suggest_cv, "MODEL_FILE", model_file)
    report = tmp_path / "report.json"
    call_command(
        "suggest_cv",
        "--corpus",
        str(corpus),
        "-k",
        "3",
        "--learned-ranking",
        "--json",
        str(report),
        "--write-model",
    )
    data = json.loads(report.read_text())
    assert [f["fold"] for f in data["folds"]] == ["fold-1", "fold-2", "fold-3"]
    # Every item is scored once, by a fold that did not fit on it (training items would count twice).
    assert sum(f["items"] for f in data["folds"]) == 24
    for fold in data["folds"]:
        assert 0.0 <= fold["guideline@1"] <= 1.0
        assert "ranking_C" in fold
    assert set(data["summary"]) >= {"guideline@1", "section@3", "decision_balanced_accuracy", "brier"}
    model = load(model_file)
    assert model.fitted
    assert "12 letters, 24 items" in model.provenance["fitted_on"]
    assert model.provenance["library"].startswith("scikit-learn ")
    assert len(model.provenance["letters_sha256"]) == 16
    assert "Progressive" not in model_file.read_text()  # weights and names only, no letter text
