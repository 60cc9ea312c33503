"""Ranked expert-reviewer suggestions for a case, each with the reasons for its rank.

Hard rules first (eligibility, conflicts, capacity): a reviewer that fails one is listed with the reason
and can not be assigned. Of the rest, a reviewer with a license that lapses before the case is due comes
after every reviewer whose licenses stay current: sign-off re-checks the credentials, so it could not sign
the determination in time. Within each group reviewers are ordered by a score whose parts are constants
below, so an administrator can read why one reviewer ranks above another.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from reviews.assignment import specialties
from reviews.assignment.conflicts import Conflict, case_parties, screen_affiliations
from reviews.assignment.eligibility import Eligibility, ReasonCode, evaluate_eligibility
from reviews.assignment.queries import reviewers_with_workload
from reviews.models.reviewers import Specialty

if TYPE_CHECKING:
    from cases.models import Case
    from reviews.models import ReviewerProfile

# Score parts (points). Specialty fit weighs most: the determination must come from a clinical peer.
REQUESTER_SAME_SPECIALTY = 30
REQUESTER_SIMILAR_SPECIALTY = 15
ITEMS_COVERED = 40  # times the share of disputed items whose treatment the reviewer is certified for
FREE_CAPACITY = 20  # times the share of the reviewer's capacity still free
DUE_DATE_HEADROOM = 10  # fewer of the reviewer's open cases due before this one is better
DUE_DATE_HEADROOM_EXPEDITED = 20  # expedited cases (3 days, Labor Code 4610.6(d)) weigh time more
CROWDED_AT = 5  # this many open cases due first leaves no headroom


@dataclass
class Suggestion:
    reviewer: ReviewerProfile
    eligibility: Eligibility
    conflicts: list[Conflict]
    open_cases: int
    due_before: int
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)  # what raised or lowered the rank
    blockers: list[str] = field(default_factory=list)  # why it can not be assigned

    @property
    def assignable(self) -> bool:
        return not self.blockers

    @property
    def capacity(self) -> int:
        return self.reviewer.max_open_cases

    @property
    def license_lapses_before_due(self) -> bool:
        return self.eligibility.has(ReasonCode.LICENSE_LAPSES_BEFORE_DUE)


def assignment_blockers(
    eligibility: Eligibility, conflicts: list[Conflict], open_cases: int, capacity: int
) -> list[str]:
    """Every reason a reviewer may not take a case; the one rule shared by the UI, admin and bulk."""
    blockers = [reason.message for reason in eligibility.reasons]
    blockers += [f"Conflict of interest: {c}." for c in conflicts]
    if open_cases >= capacity:
        blockers.append(f"At capacity: {open_cases} of {capacity} open cases.")
    return blockers


def _score(
    suggestion: Suggestion, case: Case, wanted: Specialty | None, items: list[str], coverage=None
) -> None:
    """``coverage`` is ``specialties.item_covered``, memoised by the caller (``rank_reviewers``)."""
    coverage = coverage or specialties.item_covered
    reviewer = suggestion.reviewer
    mine = tuple(sorted({c.specialty for c in reviewer.certifications.all()}))
    labels = ", ".join(reviewer.specialty_labels()) or "no certification"
    score = 0.0
    reasons = suggestion.reasons

    if wanted is None:
        reasons.append("Requesting provider's specialty not recorded or not recognised.")
    else:
        relation = specialties.specialty_relation(mine, wanted)
        if relation == "same":
            score += REQUESTER_SAME_SPECIALTY
            reasons.append(f"Same specialty as the requesting provider ({wanted.label}).")
        elif relation == "similar":
            score += REQUESTER_SIMILAR_SPECIALTY
            reasons.append(f"Similar specialty to the requesting provider's ({wanted.label}): {labels}.")
        else:
            reasons.append(f"Not the requesting provider's specialty ({wanted.label}) or a similar one.")

    judged = [(d, coverage(mine, d)) for d in items]
    known = [(d, c) for d, c in judged if c is not None]
    if known:
        covered = sum(1 for _, c in known if c)
        score += ITEMS_COVERED * covered / len(known)
        reasons.append(f"Certified for the treatment in {covered} of {len(known)} disputed items.")
    if len(known) < len(judged):
        reasons.append(f"{len(judged) - len(known)} disputed item(s) of a kind the specialty table lacks.")

    capacity = max(reviewer.max_open_cases, 1)
    free = max(capacity - suggestion.open_cases, 0) / capacity
    score += FREE_CAPACITY * free
    reasons.append(f"{suggestion.open_cases} of {reviewer.max_open_cases} open cases.")

    headroom = DUE_DATE_HEADROOM_EXPEDITED if case.review_type == "expedited" else DUE_DATE_HEADROOM
    crowd = min(suggestion.due_before, CROWDED_AT)
    score += headroom * (1 - crowd / CROWDED_AT)
    if case.due_date:
        days = (case.due_date - timezone.localdate()).days
        plural = "s" if abs(days) != 1 else ""
        when = f"due in {days} day{plural}" if days >= 0 else f"overdue by {-days} day{plural}"
        reasons.append(f"{suggestion.due_before} of its open cases due on or before this one ({when}).")

    if suggestion.license_lapses_before_due:
        reasons.append("A license lapses before the case is due.")
    if not suggestion.conflicts:
        reasons.append("No conflict with the case's parties.")
    suggestion.score = round(score, 1)


def rank_reviewers(
    case: Case, on: datetime.date | None = None, reviewers: list[ReviewerProfile] | None = None
) -> list[Suggestion]:
    """Every reviewer for ``case``: assignable ones first, best score first; then the blocked ones.

    ``reviewers`` must come from ``reviewers_with_workload(case.due_date)`` when given (bulk pages reuse
    one list for many cases); otherwise it is fetched here in a fixed number of queries.
    """
    on = on or timezone.localdate()
    if reviewers is None:
        reviewers = list(reviewers_with_workload(case.due_date or on))
    parties = case_parties(case)
    requester = case.requesting_provider
    wanted = specialties.provider_specialty(requester.specialty) if requester else None
    items = [item.description for item in case.disputed_items.all()]
    current = {a.reviewer_id for a in case.assignments.all() if a.active}
    # Reviewers share a few certification sets: match each item's treatment kinds once per set, not once
    # per reviewer (regular expressions over every description, 150 times per panel).
    coverage = functools.lru_cache(maxsize=None)(specialties.item_covered)

    suggestions = []
    for reviewer in reviewers:
        eligibility = evaluate_eligibility(reviewer, on=on, case=case)
        conflicts = screen_affiliations(list(reviewer.affiliations.all()), parties)
        suggestion = Suggestion(
            reviewer=reviewer,
            eligibility=eligibility,
            conflicts=conflicts,
            open_cases=getattr(reviewer, "open_cases", 0),
            due_before=getattr(reviewer, "due_before", 0),
        )
        suggestion.blockers = assignment_blockers(
            eligibility, conflicts, suggestion.open_cases, reviewer.max_open_cases
        )
        if reviewer.pk in current:
            suggestion.blockers.insert(0, "Currently assigned to this case.")
        _score(suggestion, case, wanted, items, coverage)
        suggestions.append(suggestion)
    suggestions.sort(
        key=lambda s: (
            not s.assignable,
            s.license_lapses_before_due,
            -s.score,
            s.open_cases,
            str(s.reviewer),
            s.reviewer.pk,
        )
    )
    return suggestions
