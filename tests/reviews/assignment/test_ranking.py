"""Ranked suggestions on constructed cases: specialty fit, workload, due dates, hard blocks last."""

from __future__ import annotations

import pytest

from reviews.assignment.ranking import rank_reviewers
from tests.factories import AssignmentFactory, CaseFactory, reviewer_with_credentials
from tests.reviews.assignment.helpers import affiliate, eligible_case

pytestmark = pytest.mark.django_db


def _names(suggestions):
    return [s.reviewer.user.username for s in suggestions]


def test_order_by_specialty_then_workload_with_blocked_reviewers_last():
    case = eligible_case(requester_specialty="Orthopedic Surgery")
    reviewer_with_credentials(specialties=("orthopedic_surgery",), user__username="ortho_free")
    reviewer_with_credentials(specialties=("sports_medicine",), user__username="sports_free")
    busy = reviewer_with_credentials(specialties=("orthopedic_surgery",), user__username="ortho_busy")
    for _ in range(5):  # five open cases due no later than this one
        AssignmentFactory(reviewer=busy, case=CaseFactory(status="assigned"))
    reviewer_with_credentials(specialties=("psychiatry",), user__username="psych_free")
    conflicted = reviewer_with_credentials(
        specialties=("orthopedic_surgery",), user__username="ortho_conflict"
    )
    affiliate(conflicted, "example distribution, inc")  # the factory case's employer
    reviewer_with_credentials(
        specialties=("orthopedic_surgery",), hours_per_week=8, user__username="part_time"
    )

    ranked = rank_reviewers(case)
    assert _names(ranked)[:4] == ["ortho_free", "sports_free", "ortho_busy", "psych_free"]
    assert set(_names(ranked)[4:]) == {"ortho_conflict", "part_time"}
    assert [s.assignable for s in ranked] == [True, True, True, True, False, False]
    assert ranked[0].score > ranked[1].score > ranked[2].score > ranked[3].score

    top, similar, crowded, psych = ranked[:4]
    blocked = {s.reviewer.user.username: s for s in ranked[4:]}
    conflict, part_time = blocked["ortho_conflict"], blocked["part_time"]
    assert "Same specialty as the requesting provider (Orthopedic Surgery)." in top.reasons
    assert "Certified for the treatment in 2 of 2 disputed items." in top.reasons
    assert any(r.startswith("Similar specialty to the requesting provider's") for r in similar.reasons)
    assert "5 of 10 open cases." in crowded.reasons
    assert any(r.startswith("5 of its open cases due on or before this one") for r in crowded.reasons)
    assert "Certified for the treatment in 0 of 2 disputed items." in psych.reasons
    assert any("matches the case's employer" in b for b in conflict.blockers)
    assert part_time.blockers == ["8 hours a week in active practice; at least 24 are required."]


def test_disputed_items_decide_between_reviewers_of_unrelated_specialties():
    case = eligible_case(requester_specialty="", items=("Cognitive behavioral therapy x6",))
    reviewer_with_credentials(specialties=("orthopedic_surgery",), user__username="ortho")
    reviewer_with_credentials(specialties=("psychology",), user__username="psychologist")
    ranked = rank_reviewers(case)
    assert _names(ranked) == ["psychologist", "ortho"]
    assert "Requesting provider's specialty not recorded or not recognised." in ranked[0].reasons


def test_reviewer_at_capacity_cannot_be_suggested_for_assignment():
    case = eligible_case()
    full = reviewer_with_credentials(specialties=("orthopedic_surgery",), max_open_cases=1)
    AssignmentFactory(reviewer=full)
    (suggestion,) = rank_reviewers(case)
    assert not suggestion.assignable
    assert suggestion.blockers == ["At capacity: 1 of 1 open cases."]


def test_only_cases_in_work_count_against_capacity_not_the_reviewers_history():
    """A closed case's assignment stays active (it records who decided it): the workload counts the
    assigned and in-review cases only, and due_before only those due on or before this case."""
    case = eligible_case()
    reviewer = reviewer_with_credentials(specialties=("orthopedic_surgery",), max_open_cases=2)
    for status in ("closed", "determination_issued", "closed"):
        AssignmentFactory(reviewer=reviewer, case=CaseFactory(status=status))
    early = CaseFactory(status="in_review", records_complete_date=case.records_complete_date)
    AssignmentFactory(reviewer=reviewer, case=early)
    (suggestion,) = rank_reviewers(case)
    assert suggestion.assignable
    assert (suggestion.open_cases, suggestion.due_before) == (1, 1)
    assert "1 of 2 open cases." in suggestion.reasons


def test_ranking_a_case_costs_the_same_queries_for_few_or_many_reviewers(django_assert_max_num_queries):
    case = eligible_case()
    for _ in range(2):
        reviewer_with_credentials()
    with django_assert_max_num_queries(9) as few:
        rank_reviewers(case)
    for _ in range(8):
        affiliate(reviewer_with_credentials(), "Somewhere Else")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rank_reviewers(case)


def test_a_reviewer_whose_license_lapses_before_the_due_date_ranks_below_one_whose_license_stays_current():
    """Sign-off re-checks the credentials, so the lapsing reviewer could not sign: even with the better
    specialty fit it comes after every assignable reviewer whose license stays current."""
    import datetime

    from django.utils import timezone

    case = eligible_case(requester_specialty="Orthopedic Surgery")
    lapses_on = timezone.localdate() + datetime.timedelta(days=10)
    assert lapses_on < case.due_date
    lapsing = reviewer_with_credentials(specialties=("orthopedic_surgery",), user__username="ortho_lapsing")
    lapsing.licenses.update(expires_on=lapses_on)
    reviewer_with_credentials(specialties=("sports_medicine",), user__username="sports_current")
    reviewer_with_credentials(specialties=("psychiatry",), user__username="psych_current")

    ranked = rank_reviewers(case)
    assert _names(ranked) == ["sports_current", "psych_current", "ortho_lapsing"]
    assert all(s.assignable for s in ranked)
    assert "A license lapses before the case is due." in ranked[-1].reasons
    assert "A license lapses before the case is due." not in ranked[0].reasons
