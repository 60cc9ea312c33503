"""My cases at a reviewer's real volume: open cases in full, the last 30 days' decisions, earlier ones a page
at a time or by case-number search, never another reviewer's, at the same query cost for any history."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from reviews.workspace import signoff
from reviews.workspace.dashboard import EARLIER_PAGE, RECENT_DAYS
from tests import factories
from tests.reviews.conftest import complete

pytestmark = pytest.mark.django_db
URL = reverse("reviews:dashboard")
TODAY = timezone.localdate()


def _open(reviewer, items=2, **case_fields):
    case = factories.CaseFactory(status="in_review", **case_fields)
    for k in range(items):
        factories.DisputedItemFactory(case=case, position=k)
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=timezone.now())
    return case


def _decided(reviewer, days_ago: int):
    """A closed case the reviewer holds, its determination signed ``days_ago`` days ago."""
    case = factories.CaseFactory(
        status="closed",
        received_date=TODAY - datetime.timedelta(days=days_ago + 40),
        records_complete_date=TODAY - datetime.timedelta(days=days_ago + 30),
    )
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=timezone.now())
    review = factories.SignedReviewFactory(case=case, reviewer=reviewer)
    Review.objects.filter(pk=review.pk).update(signed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return case


def _section(html: str, heading_id: str) -> list[str]:
    """The case numbers listed under one heading, in order."""
    part = html.split(f'id="{heading_id}"', 1)[1]
    part = part.split("<h2 ", 1)[0]
    return re.findall(r'href="/reviews/cases/([A-Z0-9-]+)/"', part)


def test_open_cases_in_full_recent_decisions_apart_and_older_ones_only_on_demand(reviewer_client, reviewer):
    open_case = _open(reviewer)
    recent = _decided(reviewer, days_ago=3)
    older_recent = _decided(reviewer, days_ago=RECENT_DAYS - 2)
    old = _decided(reviewer, days_ago=RECENT_DAYS + 10)
    withdrawn = factories.CaseFactory(status="withdrawn")
    factories.AssignmentFactory(case=withdrawn, reviewer=reviewer, accepted_at=timezone.now())

    html = reviewer_client.get(URL).content.decode()
    assert _section(html, "open-h") == [open_case.case_number]
    assert _section(html, "recent-h") == [recent.case_number, older_recent.case_number]  # newest first
    recent_row = html[html.index(recent.case_number) :].split("</tr>")[0]
    assert (
        "Closed" in recent_row and (timezone.now() - datetime.timedelta(days=3)).strftime("%b") in recent_row
    )
    assert old.case_number not in html and withdrawn.case_number not in html
    assert "Show earlier cases" in html

    earlier = reviewer_client.get(URL, {"earlier": "1"}).content.decode()
    # Most recently assigned first.
    assert _section(earlier, "earlier") == [withdrawn.case_number, old.case_number]


def test_earlier_cases_come_a_page_at_a_time_newest_first_without_gaps_or_repeats(reviewer_client, reviewer):
    cases = [_decided(reviewer, days_ago=RECENT_DAYS + 5 + k) for k in range(EARLIER_PAGE + 3)]
    expected = [c.case_number for c in reversed(cases)]  # most recently assigned first
    first = reviewer_client.get(URL, {"earlier": "1"}).content.decode()
    assert _section(first, "earlier") == expected[:EARLIER_PAGE]
    next_link = re.search(r'href="\?earlier=1&amp;before=([^"#]+)#earlier"', first)
    assert next_link, "a link to the next page"
    second = reviewer_client.get(URL + "?earlier=1&before=" + next_link.group(1).replace("&amp;", "&"))
    assert _section(second.content.decode(), "earlier") == expected[EARLIER_PAGE:]
    assert "Next page" not in second.content.decode()


def test_searching_a_case_number_finds_own_cases_of_any_age_and_never_another_reviewers(
    reviewer_client, reviewer, other_reviewer
):
    old = _decided(reviewer, days_ago=400)
    open_case = _open(reviewer)
    theirs = _decided(other_reviewer, days_ago=400)
    html = reviewer_client.get(URL, {"q": old.case_number[-5:].lower()}).content.decode()
    assert _section(html, "earlier") == [old.case_number]
    assert f'value="{old.case_number[-5:].lower()}"' in html  # what the user typed stays in the box
    assert _section(reviewer_client.get(URL, {"q": open_case.case_number}).content.decode(), "earlier") == [
        open_case.case_number
    ]
    searched = reviewer_client.get(URL, {"q": theirs.case_number}).content.decode()
    assert _section(searched, "earlier") == []
    assert "None of your cases has a number containing" in searched


def test_a_page_marker_that_is_not_one_shows_the_first_page_and_says_so(reviewer_client, reviewer):
    old = _decided(reviewer, days_ago=100)
    response = reviewer_client.get(URL, {"earlier": "1", "before": "yesterday"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The page marker (before) is not one this page wrote" in html
    assert _section(html, "earlier") == [old.case_number]


def test_open_cases_show_what_quality_assurance_did_with_the_review(
    review, reviewer_client, qa_user, settings
):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    number = review.case.case_number

    def status() -> str:
        html = reviewer_client.get(URL).content.decode()
        return html[html.index(number) :].split("</tr>")[0]

    assert "In quality assurance" in status()
    signoff.qa_return(Review.objects.get(pk=review.pk), by=qa_user, comments="Cite the visit limit.")
    row = status()
    assert "Returned by quality assurance" in row and "2 / 2 decided" in row


@pytest.mark.parametrize("params", [{}, {"earlier": "1"}, {"q": "CM16"}])
def test_query_count_is_the_same_for_a_short_and_a_long_history(reviewer_client, reviewer, params):
    _open(reviewer)
    _decided(reviewer, days_ago=2)
    _decided(reviewer, days_ago=RECENT_DAYS + 3)
    with CaptureQueriesContext(connection) as small:
        assert reviewer_client.get(URL, params).status_code == 200
    for k in range(8):
        _open(reviewer, items=3)
        _decided(reviewer, days_ago=1 + k)
    for k in range(EARLIER_PAGE + 5):
        _decided(reviewer, days_ago=RECENT_DAYS + 3 + k)
    with CaptureQueriesContext(connection) as large:
        html = reviewer_client.get(URL, params).content.decode()
    assert len(_section(html, "open-h")) == 9
    assert len(_section(html, "recent-h")) == 9
    if params:
        assert len(_section(html, "earlier")) == EARLIER_PAGE
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
