"""Decisions from evidence, with abstention (issue 15): never from a category's base rate alone."""

from guidelines.suggest.decision import DecisionModel
from guidelines.suggest.schema import CriterionCheck, ItemRequest

RED_FLAGS = CriterionCheck(
    "red_flags", "Red flags documented", "met", "documented in the records", "Overturned", 2.0
)
NO_RED_FLAGS = CriterionCheck("red_flags", "Red flags documented", "not met", "absent", "Upheld", 1.0)
UNSEEN = CriterionCheck("homebound", "Homebound status documented", "met", "documented", "Overturned", 1.5)
UNKNOWN = CriterionCheck("neuro_findings", "Objective neurologic findings", "unknown", "not found", "", 0.0)

# A model that learned one criterion, with an intercept leaning towards Overturned.
MODEL = DecisionModel(weights={"red_flags|met|Overturned": 1.5, "red_flags|not met|Upheld": -1.0}, bias=0.4)


def test_a_learned_settled_criterion_carries_the_decision():
    decision, chance, drivers = MODEL.decide(ItemRequest("MRI"), [RED_FLAGS, UNKNOWN])
    assert decision == "Overturned"
    assert drivers[0].startswith("Red flags documented: met")
    assert MODEL.decide(ItemRequest("MRI"), [NO_RED_FLAGS])[0] == "Upheld"


def test_no_settled_criterion_means_no_suggestion():
    decision, _, drivers = MODEL.decide(ItemRequest("MRI"), [UNKNOWN])
    assert decision == ""
    assert "no decision is suggested" in drivers[0]


def test_a_criterion_the_model_never_learned_is_not_overruled_by_the_intercept():
    """Only unseen criteria are settled: the intercept (a base rate) must not decide. Here it leans to
    Upheld, yet the one settled criterion points to Overturned, and that is what is suggested."""
    leaning_upheld = DecisionModel(weights=MODEL.weights, bias=-3.0)
    decision, _, drivers = leaning_upheld.decide(ItemRequest("Home health aide"), [UNSEEN])
    assert decision == "Overturned"
    assert drivers[0].startswith("Homebound status documented: met")
    against = CriterionCheck("transport", "Unable to drive", "not met", "not documented", "Upheld", 1.0)
    decision, _, drivers = leaning_upheld.decide(ItemRequest("Home health aide"), [UNSEEN, against])
    assert decision == ""
    assert "point both ways" in drivers[0]


def test_the_packaged_model_and_the_page_never_speak_of_base_rates():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [
        *root.joinpath("templates", "guidelines").glob("*.html"),
        *root.joinpath("guidelines").rglob("*.py"),
    ]:
        text = path.read_text(encoding="utf-8").lower()
        assert "usually upheld" not in text, path
        assert "similar items were overturned" not in text, path
