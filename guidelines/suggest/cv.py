"""Cross-validation over the development letters, grouped by letter (the corpus's ``folds.py``).

For each fold, everything the engine learns from letters comes from the fold's training letters only:
- the decision model (``decision.fit``) is fitted on the training items' checks and the reviewers'
  decisions (twice: a first fit decides the surgeries that associated services follow, then a refit);
- knowledge-base records taken from letters ("as printed in IMR letters" in their ``source``) are kept
  only when a training letter prints them (reviewer's or claims administrator's guideline line), or when
  no development letter does (they came from elsewhere).
What cannot be refitted per fold (hand-set section-ranking constants in ``match``, the vocabulary, the
check weights used for the rationale) is listed in docs/guidelines.md.

The letters are read from the corpus folder (``../shared/corpus`` next to the checkout, or
``$IMR_CORPUS_DIR``, or a path given); nothing of them is written into the repository.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from .corpus import case_facts_from_input, case_suggestions
from .decision import L2, MARGIN, OVER, UP, DecisionModel, evidence_checks, features, fit
from .decision import VERSION as DECISION_VERSION
from .knowledge import KnowledgeBase
from .match import ranked_candidates, top_citations
from .parse import parse_item
from .ranking import RankingModel, candidate_features
from .schema import SectionInfo, Suggestion

REPO_ROOT = Path(__file__).resolve().parents[2]
LETTER_SOURCE = "as printed in IMR letters"
MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2)


def corpus_dir(explicit: str | Path | None = None) -> Path:
    """The corpus folder: the argument, else $IMR_CORPUS_DIR, else ../shared/corpus beside the checkout."""
    path = Path(explicit or os.environ.get("IMR_CORPUS_DIR") or REPO_ROOT.parent / "shared" / "corpus")
    if not (path / "folds.py").exists() or not (path / "dev" / "inputs.json").exists():
        raise FileNotFoundError(f"corpus folder {path} has no folds.py and dev/inputs.json")
    return path


def make_folds(corpus: Path, k: int, out: Path) -> list[Path]:
    """Run the corpus's own ``folds.py dev/ K OUT/`` (the split is the corpus's, not ours)."""
    subprocess.run(
        [sys.executable, str(corpus / "folds.py"), str(corpus / "dev"), str(k), str(out)],
        check=True,
        capture_output=True,
    )
    return [out / f"fold-{f + 1}" for f in range(k)]


def load_scorer(corpus: Path) -> ModuleType:
    """The corpus's ``score_suggestions.py``, so the figures are the ones it prints."""
    spec = importlib.util.spec_from_file_location("score_suggestions", corpus / "score_suggestions.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def letter_lines(inputs: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list[str]:
    """Every guideline line the letters print (reviewer's and claims administrator's), normalised."""
    lines = [i.get("reviewer_guideline", "") for c in gold for i in c.get("items", [])]
    lines += [i.get("claims_administrator_guideline", "") for c in inputs for i in c.get("items", [])]
    return [_norm(x) for x in lines if x]


def printed_in(section: SectionInfo, lines: list[str]) -> bool:
    """Whether a letter line names this section of this guideline."""
    g = section.guideline
    if g.is_mtus:
        title = _norm(f"{g.title} {g.year or ''}")
    else:
        title = (
            "odg" if "odg" in g.title.lower() or "official disability" in g.title.lower() else _norm(g.title)
        )
    name = _norm(section.section)[:24]
    return any(title in line and (not name or name in line) for line in lines)


def fold_knowledge_base(kb: KnowledgeBase, train_lines: list[str], test_lines: list[str]) -> KnowledgeBase:
    """The knowledge base without the letter-derived records only the fold's test letters print."""
    keep = [
        s
        for s in kb.sections
        if LETTER_SOURCE not in s.source or printed_in(s, train_lines) or not printed_in(s, test_lines)
    ]
    return KnowledgeBase(kb.guidelines.values(), keep)


def _load(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def _run(
    inputs: list[dict[str, Any]],
    kb: KnowledgeBase,
    model: DecisionModel | None,
    ranker: RankingModel | None = None,
) -> dict[str, list[Suggestion]]:
    return {c["case_number"]: case_suggestions(c, kb, model, ranker or RankingModel()) for c in inputs}


def letters_hash(gold: list[dict[str, Any]]) -> str:
    """A fingerprint of which letters a model was fitted on (their case numbers, sorted), not their text."""
    import hashlib

    ids = "\n".join(sorted(c["case_number"] for c in gold))
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


RankRows = list[tuple[str, list[dict[str, float]], list[int]]]


def ranking_rows(
    inputs: list[dict[str, Any]], gold: list[dict[str, Any]], kb: KnowledgeBase, scorer: ModuleType
) -> RankRows:
    """(letter, candidate features in the hand-set order, 1 where the candidate names the guideline the
    reviewer relied on first) for every gold item with candidates."""
    by_case = {c["case_number"]: c for c in inputs}
    rows: RankRows = []
    for case in gold:
        source = by_case.get(case["case_number"])
        if source is None:
            continue
        facts = case_facts_from_input(source)
        for given, item in zip(source.get("items", []), case.get("items", []), strict=False):
            cited = scorer.citations(item.get("reviewer_guideline", ""))
            if not cited:
                continue
            item_facts = replace(
                facts, claims_administrator_guidelines=[given.get("claims_administrator_guideline") or ""]
            )
            request = parse_item(given.get("item") or "")
            matches = ranked_candidates(kb, request, item_facts)
            if len(matches) < 2:
                continue
            labels = [
                int(bool(c) and c[0][0] == cited[0][0])
                for c in (scorer.citations(m.citation)[:1] for m in matches)
            ]
            rows.append((case["case_number"], candidate_features(matches, request, item_facts), labels))
    return rows


RANK_CS = (0.03, 0.1, 0.3, 1.0, 3.0)


def _fit_ranker(rows: RankRows, c: float) -> RankingModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [f for _, fs, _ in rows for f in fs]
    y = [label for _, _, ls in rows for label in ls]
    if len(set(y)) < 2:
        return RankingModel()
    vec = DictVectorizer(sparse=False)
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, max_iter=2000).fit(x, y)
    names = vec.get_feature_names_out()
    return RankingModel(
        {str(n): round(float(w), 4) for n, w in zip(names, clf.coef_[0], strict=True) if abs(w) > 1e-4}
    )


def _top1(model: RankingModel, rows: RankRows) -> float:
    hits = [ls[max(range(len(fs)), key=lambda i: (model.score(fs[i]), -i))] for _, fs, ls in rows]
    return sum(hits) / len(hits) if hits else 0.0


def fit_ranker(rows: RankRows, folds: int = 5) -> RankingModel:
    """Logistic regression over the candidates; its penalty chosen by an inner cross-validation grouped by
    letter within these rows only (nested: the outer fold's test letters are never seen)."""
    from sklearn.model_selection import GroupKFold

    groups = [r[0] for r in rows]
    splits = min(folds, len(set(groups)))
    if splits < 2:
        return RankingModel()  # too few letters to choose a penalty honestly: the hand-set order
    best_c, best = RANK_CS[0], -1.0
    for c in RANK_CS:
        scores = []
        for tr, te in GroupKFold(n_splits=splits).split(rows, groups=groups):
            m = _fit_ranker([rows[i] for i in tr], c)
            scores.append(_top1(m, [rows[i] for i in te]))
        mean = sum(scores) / len(scores)
        if mean > best + 1e-9:
            best_c, best = c, mean
    model = _fit_ranker(rows, best_c)
    model.provenance = {"C": best_c, "inner_cv_top1": round(best, 3)}
    return model


def training_rows(
    runs: dict[str, list[Suggestion]], gold: list[dict[str, Any]]
) -> list[tuple[dict[str, float], str]]:
    """(features, the reviewer's decision) for every gold item the engine saw."""
    rows = []
    for case in gold:
        suggestions = runs.get(case["case_number"], [])
        for s, item in zip(suggestions, case.get("items", []), strict=False):
            if item.get("decision") in (UP, OVER):
                rows.append((features(s.request, s.checks), item["decision"]))
    return rows


def fit_on(
    inputs: list[dict[str, Any]],
    gold: list[dict[str, Any]],
    kb: KnowledgeBase,
    ranker: RankingModel | None = None,
) -> DecisionModel:
    """Fit the decision model on these letters only (two passes: see the module docstring)."""
    first = fit(training_rows(_run(inputs, kb, DecisionModel(), ranker), gold))
    return fit(training_rows(_run(inputs, kb, first, ranker), gold))


def _balanced(pairs: list[tuple[str, str]]) -> float | None:
    """Balanced accuracy of (suggested, gold) pairs; None when a class is missing."""
    recalls = []
    for cls in (UP, OVER):
        golds = [p for p, g in pairs if g == cls]
        if golds:
            recalls.append(sum(p == cls for p in golds) / len(golds))
    return round(sum(recalls) / len(recalls), 3) if recalls else None


def score_fold(
    runs: dict[str, list[Suggestion]], gold: list[dict[str, Any]], model: DecisionModel, scorer: ModuleType
) -> tuple[dict[str, Any], list[tuple[float, str, bool, float]]]:
    """The scorer's figures plus coverage, decided-only accuracy and Brier; and (p, gold, decidable) rows."""
    preds = {
        cn: [{"citations": top_citations(s.sections, 3), "decision": s.decision} for s in ss]
        for cn, ss in runs.items()
    }
    figures = scorer.score(gold, preds)
    rows: list[tuple[float, str, bool, float]] = []
    pairs: list[tuple[str, str]] = []
    for case in gold:
        for s, item in zip(runs.get(case["case_number"], []), case.get("items", []), strict=False):
            f = features(s.request, s.checks)
            rows.append((model.p_overturn(f), item["decision"], decidable(model, s), model.p_balanced(f)))
            pairs.append((s.decision, item["decision"]))
    decided = [(d, g) for d, g in pairs if d]
    figures["all_items"] = len(pairs)
    figures["decision_coverage"] = round(len(decided) / len(pairs), 3) if pairs else 0.0
    figures["balanced_accuracy_when_decided"] = _balanced(decided)
    figures["brier"] = round(brier(rows), 3)
    return figures, rows


def decidable(model: DecisionModel, s: Suggestion) -> bool:
    """Whether the settled criteria could carry a decision (``DecisionModel.decide``)."""
    return bool(evidence_checks(s.checks))


def brier(rows: list[tuple[float, str, bool, float]]) -> float:
    return sum((p - (g == OVER)) ** 2 for p, g, *_ in rows) / len(rows) if rows else 0.0


def reliability(rows: list[tuple[float, str, bool, float]], bins: int = 5) -> list[dict[str, Any]]:
    """Predicted chance of Overturned against the observed share, in equal-width bins."""
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, g) for p, g, *_ in rows if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            out.append(
                {
                    "bin": f"{lo:.2f}-{hi:.2f}",
                    "items": len(inside),
                    "mean_predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                    "observed_overturned": round(sum(g == OVER for _, g in inside) / len(inside), 3),
                }
            )
    return out


def margin_table(rows: list[tuple[float, str, bool, float]]) -> list[dict[str, Any]]:
    """Coverage and decided-only balanced accuracy at each abstention margin (pooled test predictions)."""
    out = []
    for m in MARGINS:
        pairs = [
            (OVER if pb >= 0.5 else UP, g) if ok and abs(pb - 0.5) >= m else ("", g) for _, g, ok, pb in rows
        ]
        decided = [x for x in pairs if x[0]]
        out.append(
            {
                "margin": m,
                "coverage": round(len(decided) / len(pairs), 3) if pairs else 0.0,
                "balanced_accuracy_when_decided": _balanced(decided),
                "balanced_accuracy_abstain_as_miss": _balanced(pairs),
            }
        )
    return out


KEYS = (
    "guideline@1",
    "section@3",
    "decision_balanced_accuracy",
    "decision_coverage",
    "balanced_accuracy_when_decided",
    "brier",
)


def summary(per_fold: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    out = {}
    for key in KEYS:
        values = [f[key] for f in per_fold if f.get(key) is not None]
        if values:
            out[key] = {
                "mean": round(statistics.mean(values), 3),
                "sd": round(statistics.stdev(values), 3) if len(values) > 1 else 0.0,
                "min": min(values),
                "max": max(values),
            }
    return out


def cross_validate(
    kb: KnowledgeBase, corpus: Path, k: int = 5, learned_ranking: bool = True
) -> dict[str, Any]:
    """Grouped k-fold cross-validation; returns per-fold figures, their summary and calibration tables."""
    scorer = load_scorer(corpus)
    per_fold: list[dict[str, Any]] = []
    pooled: list[tuple[float, str, bool, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in make_folds(corpus, k, Path(tmp)):
            train_in, train_gold = _load(fold / "train" / "inputs.json"), _load(fold / "train" / "gold.json")
            test_in, test_gold = _load(fold / "test" / "inputs.json"), _load(fold / "test" / "gold.json")
            fold_kb = fold_knowledge_base(
                kb, letter_lines(train_in, train_gold), letter_lines(test_in, test_gold)
            )
            ranker = (
                fit_ranker(ranking_rows(train_in, train_gold, fold_kb, scorer))
                if learned_ranking
                else RankingModel()
            )
            model = fit_on(train_in, train_gold, fold_kb, ranker)
            figures, rows = score_fold(_run(test_in, fold_kb, model, ranker), test_gold, model, scorer)
            figures["ranking_C"] = ranker.provenance.get("C")
            figures["fold"] = fold.name
            figures["letters"] = len(test_gold)
            figures["kb_records_dropped"] = len(kb.sections) - len(fold_kb.sections)
            per_fold.append(figures)
            pooled.extend(rows)
    return {
        "folds": per_fold,
        "summary": summary(per_fold),
        "pooled_brier": round(brier(pooled), 3),
        "reliability": reliability(pooled, bins=20),
        "margins": margin_table(pooled),
        "margin_used": MARGIN,
    }


def sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def fit_packaged(kb: KnowledgeBase, corpus: Path) -> DecisionModel:
    """The model the product ships: fitted on all development letters, with its provenance."""
    inputs, gold = _load(corpus / "dev" / "inputs.json"), _load(corpus / "dev" / "gold.json")
    model = fit_on(inputs, gold, kb)
    model.provenance = {
        "fitted_on": "development letters (shared/corpus/dev): "
        f"{len(gold)} letters, {sum(len(c['items']) for c in gold)} items",
        "letters_sha256": letters_hash(gold),
        "features": "one indicator per settled criteria check: key|met or not met|the decision it favours",
        "version": DECISION_VERSION,
        "by": "python manage.py suggest_cv --write-model (guidelines/suggest/cv.py)",
        "date": dt.date.today().isoformat(),
        "method": "class-balanced, sign-constrained ridge logistic regression over settled criteria-check "
        f"outcomes, L2 {L2}; the kind of service is not a feature (decision.fit)",
        "library": f"scikit-learn {sklearn_version()}",
        "figures": "cross-validated figures in docs/guidelines.md, never these letters' own fit",
    }
    return model
