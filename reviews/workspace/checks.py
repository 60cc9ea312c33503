"""The consistency checklist a review must pass before sign-off.

"Save progress" never validates; signing off validates strictly, against this list. Each check names
what it looked at and why it failed, so the reviewer can fix it from the checklist.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from guidelines.services import is_mtus_citation
from reviews.models import Decision, ItemDecision, Review, ReviewerProfile

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NECESSARY = re.compile(r"\bmedically\s+(?:un)?necessary\b", re.IGNORECASE)
_NEGATED = re.compile(
    r"\b(?:not|no\s+longer|never)\s+(?:\w+\s+){0,2}?medically\s+necessary\b|\bmedically\s+unnecessary\b",
    re.IGNORECASE,
)


# Template markers and machine wording that must never reach a signed letter: placeholders left in a
# draft ("[insert date]", "{{ item }}", "TODO") and the engine's old debugging text ("(negated)").
_MARKER = re.compile(
    r"\{\{|\}\}|\{%|\[\[|\]\]|<<|>>|\bTODO\b|\bTBD\b|\bXXX+\b|\(negated\)|documented as absent|"
    r"\[\s*(?:insert|reviewer|date|name|item|conclusion|guideline|patient)\b[^\]]*\]",
    re.IGNORECASE,
)


def rationale_markers(rationale: str) -> list[str]:
    """The template markers still in a rationale (none in a text a physician would sign)."""
    return [m.group(0) for m in _MARKER.finditer(rationale)]


@dataclass(frozen=True)
class Check:
    """One line of the checklist: ``passed`` or not, with what to fix."""

    key: str
    label: str
    passed: bool
    detail: str = ""
    item_id: int | None = None


def rationale_conclusion(rationale: str) -> str | None:
    """'necessary', 'not necessary', or None: what the last sentence that rules on necessity concludes.

    Letters close each rationale with "Therefore, the request was (not) medically necessary."; an earlier
    sentence may quote the other side ("the claims administrator found it not medically necessary").
    """
    for sentence in reversed(_SENTENCE_END.split(rationale.strip())):
        if _NECESSARY.search(sentence):
            return "not necessary" if _NEGATED.search(sentence) else "necessary"
    return None


def credentials_problems(profile: ReviewerProfile, on: datetime.date, case=None) -> list[str]:
    """Why the reviewer's credentials are not eligible on ``on`` (empty when they are).

    The assignment part's rules decide (``reviews.assignment.eligibility``): licenses, certifications,
    practice thresholds, California license where the case needs it. Being on leave does not undo a
    determination already written, so it does not block signing.
    """
    from reviews.assignment.eligibility import ReasonCode, evaluate_eligibility

    reasons = evaluate_eligibility(profile, on=on, case=case).reasons
    return [r.message.rstrip(".") for r in reasons if r.code != ReasonCode.ON_LEAVE]


def _item_checks(decision: ItemDecision) -> list[Check]:
    item = decision.disputed_item
    name = item.heading
    pk = item.pk
    checks = [
        Check(
            f"item-{pk}-decided",
            f"{name}: decided",
            bool(decision.decision),
            "" if decision.decision else "Choose Upheld or Overturned.",
            pk,
        )
    ]
    lines = decision.citation_lines
    checks.append(
        Check(
            f"item-{pk}-guideline",
            f"{name}: at least one guideline",
            bool(lines),
            "" if lines else "Cite the guideline and section(s) the decision rests on.",
            pk,
        )
    )
    has_rationale = bool(decision.rationale.strip())
    checks.append(
        Check(
            f"item-{pk}-rationale",
            f"{name}: decision rationale written",
            has_rationale,
            "" if has_rationale else "Write the decision rationale.",
            pk,
        )
    )
    markers = rationale_markers(decision.rationale) if has_rationale else []
    if markers:
        checks.append(
            Check(
                f"item-{pk}-markers",
                f"{name}: rationale free of template markers",
                False,
                f"Replace the template text in the rationale: {', '.join(dict.fromkeys(markers))}.",
                pk,
            )
        )
    if decision.decision and has_rationale:
        concluded = rationale_conclusion(decision.rationale)
        expected = "not necessary" if decision.decision == Decision.UPHELD else "necessary"
        if concluded is None:
            detail = (
                f"The rationale never concludes; end it with "
                f'"{"not medically necessary" if expected == "not necessary" else "medically necessary"}".'
            )
        elif concluded != expected:
            detail = (
                f"The decision is {decision.decision} but the rationale concludes the request was "
                f'"{"not medically necessary" if concluded == "not necessary" else "medically necessary"}".'
            )
        else:
            detail = ""
        checks.append(
            Check(
                f"item-{pk}-conclusion", f"{name}: rationale agrees with the decision", not detail, detail, pk
            )
        )
    non_mtus = [line for line in lines if not is_mtus_citation(line)]
    if non_mtus:
        has_reason = bool(decision.non_mtus_reason.strip())
        checks.append(
            Check(
                f"item-{pk}-non-mtus",
                f"{name}: reason for the non-MTUS citation",
                has_reason,
                "" if has_reason else "Say why the MTUS does not address this item.",
                pk,
            )
        )
    return checks


def consistency_checks(review: Review, today: datetime.date) -> list[Check]:
    """Every check sign-off requires, in the order the reviewer meets them on the page."""
    summary = review.clinical_summary.strip()
    checks = [
        Check(
            "summary",
            "Clinical case summary written",
            bool(summary),
            "" if summary else "Write the clinical case summary.",
        )
    ]
    decisions = {d.disputed_item_id: d for d in review.decisions.select_related("disputed_item")}
    for item in review.case.disputed_items.all():
        decision = decisions.get(item.pk) or ItemDecision(review=review, disputed_item=item)
        checks.extend(_item_checks(decision))
    problems = credentials_problems(review.reviewer, today, case=review.case)
    checks.append(
        Check(
            "credentials",
            f"Reviewer credentials eligible on {today:%B} {today.day}, {today:%Y}",
            not problems,
            "; ".join(problems) + ("." if problems else ""),
        )
    )
    return checks


def failing(checks: list[Check]) -> list[Check]:
    return [c for c in checks if not c.passed]
