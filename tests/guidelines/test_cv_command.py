"""suggest_cv on a small made-up corpus: folds by letter, a report per fold, and the packaged fit with its
provenance. The corpus's own folds.py and scorer come from the shared corpus folder beside the checkout
(copied into a temporary folder at test time, never into the repository); the letters are invented."""

from __future__ import annotations

import json
import shutil

from django.core.management import call_command

from guidelines.management.commands import suggest_cv
from guidelines.suggest.cv import corpus_dir
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


def _corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "dev").mkdir(parents=True)
    shared = corpus_dir()
    for script in ("folds.py", "score_suggestions.py"):
        shutil.copy(shared / script, folder / script)
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
