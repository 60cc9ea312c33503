"""The operations dashboard: every figure on constructed data, each link listing exactly the cases it
counts, and a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from operations.figures import STATUS_COUNTS_CACHE_KEY, dashboard
from reviews.models import DeterminationLetter
from tests.auth import log_in
from tests.factories import (
    AssignmentFactory,
    CaseFactory,
    ReviewerProfileFactory,
    SignedReviewFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.delete(STATUS_COUNTS_CACHE_KEY)
    yield
    cache.delete(STATUS_COUNTS_CACHE_KEY)


def due_on(day: datetime.date, **kwargs):
    """An open case whose determination falls due on ``day`` (30 days after its records completed)."""
    kwargs.setdefault("status", "eligible")
    return CaseFactory(
        received_date=day - datetime.timedelta(days=40),
        records_complete_date=day - datetime.timedelta(days=30),
        **kwargs,
    )


def build_world() -> dict:
    """A known mix: what each figure should count is written beside the case that makes it."""
    w = {}
    w["overdue"] = due_on(days(-2))  # overdue
    w["overdue_exp"] = CaseFactory(  # overdue, expedited (3-day clock)
        review_type="expedited", status="eligible", received_date=days(-10), records_complete_date=days(-5)
    )
    w["today"] = due_on(TODAY, status="in_review")  # due today
    w["in_3"] = due_on(days(3), status="assigned")  # due within 3 days (not today)
    w["later"] = due_on(days(10), status="eligibility_review")
    w["closed_overdue"] = due_on(days(-5), status="closed")  # not open: counts nowhere but "Closed"
    # Waiting on records: requested, not complete. One of them is overdue (mailed 20 days ago > 15).
    w["records_late"] = CaseFactory(
        status="records_requested", records_complete_date=None, received_date=days(-25),
        records_requested_date=days(-20),
    )  # fmt: skip
    w["records_fresh"] = CaseFactory(
        status="records_requested", records_complete_date=None, received_date=days(-6),
        records_requested_date=days(-5),
    )  # fmt: skip
    # Electronic request 13 days ago: overdue (12 days), while a mailed one 13 days ago would not be.
    w["records_late_e"] = CaseFactory(
        status="insufficient_records", records_complete_date=None, received_date=days(-20),
        records_requested_date=days(-13), records_requested_electronically=True,
    )  # fmt: skip
    w["records_mailed_13"] = CaseFactory(
        status="records_requested", records_complete_date=None, received_date=days(-20),
        records_requested_date=days(-13),
    )  # fmt: skip
    # A letter that failed, and one that failed but was regenerated since (does not count).
    issued = CaseFactory(status="determination_issued")
    review = SignedReviewFactory(case=issued)
    DeterminationLetter.objects.create(case=issued, review=review, version=1, status="failed", error="x")
    w["letter_failed"] = issued
    fixed = CaseFactory(status="determination_issued")
    review2 = SignedReviewFactory(case=fixed)
    old = DeterminationLetter.objects.create(case=fixed, review=review2, version=1, status="failed")
    DeterminationLetter.objects.create(case=fixed, review=review2, version=2, status="ready", supersedes=old)
    # Reviewers: one with 2 open cases of capacity 2 (full), one idle.
    w["busy"] = ReviewerProfileFactory(max_open_cases=2)
    w["idle"] = ReviewerProfileFactory(max_open_cases=5)
    AssignmentFactory(case=w["today"], reviewer=w["busy"])
    AssignmentFactory(case=w["in_3"], reviewer=w["busy"])
    return w


def figure(figures, label):
    return next(f for f in figures if f.label == label)


def test_dashboard_counts_on_constructed_data():
    w = build_world()
    board = dashboard()
    deadlines = board.deadlines
    assert figure(deadlines, "Overdue").count == 2
    assert figure(deadlines, "Overdue").expedited.count == 1
    assert figure(deadlines, "Due today").count == 1
    # Due within 3 days counts today too (the same window as the case list's "Due within 3 days").
    assert figure(deadlines, "Due within 3 days").count == 2
    queues = board.queues
    # Eligible (2) and records requested (3): the statuses Case.assign accepts.
    assert figure(queues, "Eligible, not assigned").count == 5
    assert figure(queues, "Waiting on records").count == 4
    assert figure(queues, "Records overdue from the claims administrator").count == 2
    assert board.letters_failed.count == 1
    by_status = {f.label: f.count for f in board.by_status}
    assert by_status["Closed"] == 1 and by_status["Eligible"] == 2 and by_status["Records requested"] == 3
    assert by_status["Determination issued"] == 2
    loads = {load.reviewer.pk: load for load in board.reviewers}
    assert (loads[w["busy"].pk].open_cases, loads[w["busy"].pk].capacity) == (2, 2)
    assert loads[w["busy"].pk].full and loads[w["busy"].pk].due_soon == 2
    assert loads[w["idle"].pk].open_cases == 0
    assert board.reviewers[0].reviewer == w["busy"]  # fullest first
    # Expedited first, then by due date; nothing closed and nothing due later than 3 days.
    attention = [c.case_number for c in board.attention]
    assert attention == [
        w["overdue_exp"].case_number,
        w["overdue"].case_number,
        w["today"].case_number,
        w["in_3"].case_number,
    ]


def _listed(admin_client, query: str) -> set[str]:
    page = admin_client.get(f"{reverse('cases:list')}?{query}").content.decode()
    return set(re.findall(r'name="cases" value="([A-Z0-9-]+)"', page))


def test_every_figure_links_to_the_list_of_exactly_the_cases_it_counts(admin_client):
    build_world()
    board = dashboard()
    figures = [*board.deadlines, *board.queues, board.letters_failed, *board.by_status]
    figures += [f.expedited for f in board.deadlines]
    for f in figures:
        assert len(_listed(admin_client, f.query)) == f.count, f.label
    for load in board.reviewers:
        assert len(_listed(admin_client, load.query)) == load.open_cases, str(load.reviewer)


def test_dashboard_page_shows_the_figures_with_their_links(admin_client):
    w = build_world()
    page = admin_client.get(reverse("operations:dashboard")).content.decode()
    assert 'href="/cases/?due=3"' in page
    assert 'href="/cases/?queue=records_overdue"' in page
    assert 'href="/cases/?queue=letter_failed&amp;show=all"' in page
    assert "Records overdue from the claims administrator" in page
    assert "2 / 2" in page  # the busy reviewer against its capacity
    assert w["overdue_exp"].case_number in page


def test_administrators_land_on_the_dashboard_and_reviewers_cannot_open_it(client, admin_user):
    log_in(client, admin_user)
    assert client.get("/")["Location"] == reverse("operations:dashboard")
    reviewer = ReviewerProfileFactory()
    log_in(client, reviewer.user)
    assert client.get(reverse("operations:dashboard")).status_code == 403


def test_dashboard_costs_a_fixed_number_of_queries(admin_client, django_assert_num_queries):
    """Five for the figures: one aggregate over the open cases, failed letters, the due-first list, the
    workload and the reviewers (the counts by status come from the cache after the first view). The
    other ten are every page's: the session read and its renewal (three), the user, its groups, the
    navigation's reviewer profile, and the second factor's device and role checks (three)."""
    build_world()
    admin_client.get(reverse("operations:dashboard"))  # warms the status counts' cache
    with django_assert_num_queries(15):
        admin_client.get(reverse("operations:dashboard"))
    for _ in range(5):
        due_on(days(1))
        AssignmentFactory(case=due_on(days(2), status="in_review"), reviewer=ReviewerProfileFactory())
    with django_assert_num_queries(15):
        admin_client.get(reverse("operations:dashboard"))


def test_status_counts_may_be_a_minute_old_and_the_deadlines_are_live():
    due_on(days(-1))
    first = dashboard()
    due_on(days(-1))
    second = dashboard()
    assert figure(second.deadlines, "Overdue").count == 2  # live
    assert {f.label: f.count for f in second.by_status}["Eligible"] == 1  # from the cache
    assert {f.label: f.count for f in first.by_status}["Eligible"] == 1
    cache.delete(STATUS_COUNTS_CACHE_KEY)
    assert {f.label: f.count for f in dashboard().by_status}["Eligible"] == 2
