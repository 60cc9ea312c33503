"""The suggested decision: a small logistic model over the criteria checks, with abstention.

Why a model: the earlier hand-set weights and per-kind base rates were chosen by looking at all the
development letters, so their figures could not be cross-validated. Here the weights are *fitted* (on the
training letters only, see ``cv``), stored with their provenance in ``data/decision_model.json``, and the
same code scores a fold or the packaged model.

Why abstention: a decision must rest on criteria checked against the records or the guideline (a visit
count over the allowance, functional improvement, red flags, a "not recommended" stance ...), never on the
kind of service alone. With no such check, or a probability too close to the middle, the engine says
"no suggestion" for the decision (``decision == ""``) and the reviewer decides unaided.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import CriterionCheck, ItemRequest

log = logging.getLogger(__name__)

UP, OVER = "Upheld", "Overturned"
MET, NOT_MET = "met", "not met"
MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "decision_model.json"
# The feature set's version: a model file written for other features is not used (``load``).
VERSION = 2
# Abstain also when the class-balanced probability is within MARGIN of 0.5. Cross-validation
# (docs/guidelines.md, `suggest_cv` margin table) showed no steady gain in accuracy from a margin, so
# only the evidence rules abstain.
MARGIN = 0.0
# Ridge penalty on the weights (not the bias): ~240 training items, ~60 features. Cross-validated
# decided-only balanced accuracy 0.52 / 0.58 / 0.59 at 1 / 5 / 20; 5 keeps coverage (20 abstains more).
L2 = 5.0
# The kind of service as a feature is a base rate by the back door. 5-fold CV (suggest_cv): with it,
# coverage 0.654 and decided-only balanced accuracy 0.563; without it 0.693 and 0.569. Left out.
WITH_KIND = False


def evidence_checks(checks: Iterable[CriterionCheck]) -> list[CriterionCheck]:
    """Checks that settle a criterion one way (met / not met) and point to a decision."""
    return [c for c in checks if c.status in (MET, NOT_MET) and c.favours in (UP, OVER)]


def features(request: ItemRequest, checks: Sequence[CriterionCheck]) -> dict[str, float]:
    """One indicator per settled criterion (key, outcome, direction), plus the kind of service.

    Unsettled ("unknown") checks are not evidence and are left out.
    """
    out: dict[str, float] = {}
    for c in evidence_checks(checks):
        out[f"{c.key}|{c.status}|{c.favours}"] = 1.0
    if request.kind and WITH_KIND:
        out[f"kind|{request.kind}"] = 1.0
    return out


@dataclass
class DecisionModel:
    """Logistic weights over ``features``, fitted with balanced classes.

    The balanced score decides (its 0.5 threshold maximises balanced accuracy); ``p_overturn`` adds back
    the training letters' base rate (``prior_logit``, the log odds of Overturned) so the chance shown to
    the reviewer is calibrated (Brier score and reliability table from ``suggest_cv``).
    """

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    margin: float = MARGIN
    prior_logit: float = 0.0
    provenance: dict[str, Any] = field(default_factory=dict)

    def _z(self, feats: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())

    def p_balanced(self, feats: dict[str, float]) -> float:
        return _sigmoid(self._z(feats))

    def p_overturn(self, feats: dict[str, float]) -> float:
        """The calibrated chance that IMR overturns a denial of an item like this one."""
        return _sigmoid(self._z(feats) + self.prior_logit)

    @property
    def fitted(self) -> bool:
        """Whether weights were fitted (an empty model is the fallback when the model file is missing)."""
        return bool(self.weights)

    def decide(self, request: ItemRequest, checks: Sequence[CriterionCheck]) -> tuple[str, float, list[str]]:
        """(decision or "" for no suggestion, calibrated chance of Overturned, the drivers in words).

        Without a fitted model every settled criterion is treated as one never seen in training: the
        criteria's own clinical direction decides when they all agree, otherwise no decision (and the
        chance shown is 0.5, "not estimated").
        """
        feats = features(request, checks)
        chance = round(self.p_overturn(feats), 2)
        p = self.p_balanced(feats)
        evidence = evidence_checks(checks)
        if not evidence:
            return (
                "",
                chance,
                [
                    "No criterion was settled from the records: no decision is suggested; "
                    "the reviewer decides."
                ],
            )
        if abs(p - 0.5) < self.margin:
            return (
                "",
                chance,
                ["The criteria checked point both ways: no decision is suggested; the reviewer decides."],
            )
        weighed = [c for c in evidence if self.weighs(c)]
        if weighed:
            # The fitted weights decide, and the decision must rest on a weighed criterion pointing its way.
            decision = OVER if p >= 0.5 else UP
            if not any(c.favours == decision for c in weighed):
                return (
                    "",
                    chance,
                    [
                        "No criterion the model has learned points to a decision: no decision is suggested; "
                        "the reviewer decides."
                    ],
                )
        else:
            # Only criteria the model never saw in training are settled: their weight would be 0 and the
            # intercept (a base rate) would decide. Follow the criteria's own clinical direction instead,
            # when they agree; otherwise abstain.
            directions = {c.favours for c in evidence}
            if len(directions) != 1:
                return (
                    "",
                    chance,
                    ["The criteria checked point both ways: no decision is suggested; the reviewer decides."],
                )
            decision = directions.pop()
        # Learned criteria first, then the guideline's own criteria pointing the same way.
        drivers = sorted(
            (c for c in evidence if c.favours == decision), key=lambda c: (not self.weighs(c), -c.weight)
        )
        return decision, chance, [f"{c.label}: {c.status} ({c.detail})" for c in drivers[:4]]

    def weighs(self, check: CriterionCheck) -> bool:
        """Whether the fitted model gives this settled criterion a weight (it was seen in training)."""
        key = f"{check.key}|{check.status}|{check.favours}"
        return abs(self.weights.get(key, 0.0)) > 1e-6

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "bias": self.bias,
            "margin": self.margin,
            "prior_logit": self.prior_logit,
            "weights": dict(sorted(self.weights.items())),
            "provenance": self.provenance,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DecisionModel:
        if d.get("version", VERSION) != VERSION:
            return cls()  # written for another feature set: the unfitted fallback, never wrong weights
        return cls(
            dict(d.get("weights", {})),
            float(d.get("bias", 0.0)),
            float(d.get("margin", MARGIN)),
            float(d.get("prior_logit", 0.0)),
            dict(d.get("provenance", {})),
        )


def _wrong_sign(name: str, weight: float) -> bool:
    """A criterion's weight must point the way the criterion does (clinical direction, not noise)."""
    if name.endswith(f"|{OVER}"):
        return weight < 0
    if name.endswith(f"|{UP}"):
        return weight > 0
    return False


def fit(
    rows: Sequence[tuple[dict[str, float], str]], l2: float = L2, margin: float = MARGIN
) -> DecisionModel:
    """Sign-constrained, class-balanced ridge logistic regression.

    A criterion whose fitted weight points against its clinical direction (e.g. "no functional
    improvement" pushing towards certifying) is dropped and the rest refitted, until none does.
    """
    dropped: set[str] = set()
    while True:
        model = _fit(rows, l2, margin, dropped)
        wrong = {k for k, w in model.weights.items() if _wrong_sign(k, w)}
        if not wrong:
            return model
        dropped |= wrong


def _fit(
    rows: Sequence[tuple[dict[str, float], str]], l2: float, margin: float, dropped: set[str]
) -> DecisionModel:
    """Class-balanced ridge logistic regression (scikit-learn; lbfgs is deterministic).

    scikit-learn is needed to fit (``suggest_cv``, requirements-dev.txt), never to decide: the engine
    reads the fitted weights from the model file.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    y = [1 if label == OVER else 0 for _, label in rows]
    pos, neg = max(1, sum(y)), max(1, len(y) - sum(y))
    prior = round(math.log(pos / neg), 4)
    if len(set(y)) < 2:
        return DecisionModel({}, 0.0, margin, prior)  # one class only: nothing to learn, the fallback
    vec = DictVectorizer(sparse=False, sort=True)
    x = vec.fit_transform([{k: v for k, v in f.items() if k not in dropped} for f, _ in rows])
    # The penalty is on the weights only (lbfgs leaves the intercept free), C = 1 / L2. "balanced": each
    # class weighs the same in total, so the 0.5 threshold maximises balanced accuracy.
    clf = LogisticRegression(C=1.0 / l2, class_weight="balanced", tol=1e-10, max_iter=5000)
    clf.fit(x, y)
    names = vec.get_feature_names_out()
    weights = {str(k): round(float(w), 4) for k, w in zip(names, clf.coef_[0], strict=True) if abs(w) > 1e-6}
    return DecisionModel(weights, round(float(clf.intercept_[0]), 4), margin, prior)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


_DEFAULT: DecisionModel | None = None


def load(path: Path | None = None) -> DecisionModel:
    """The model in ``path``; the unfitted fallback (see ``DecisionModel.decide``) when missing or unreadable.

    A missing file is logged, not raised: the reviewer's page must not break over a data file.
    """
    path = path or MODEL_FILE
    try:
        return DecisionModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        log.warning("decision model %s missing or unreadable: criteria-direction fallback", path.name)
        return DecisionModel()


def default_model() -> DecisionModel:
    """The packaged model (fitted on all development letters; see its provenance), loaded once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load()
    return _DEFAULT
