"""The reports' figures against values worked out by hand on constructed determinations.

Period: January 1 to March 31, 2026. Turnaround = California issue date - received date:

| case | type      | received   | due        | signed (UTC)       | CA date    | days | on time |
| A    | standard  | 2026-01-02 | 2026-02-04 | 2026-01-13 04:00   | 2026-01-12 | 10   | yes     |
| B    | standard  | 2026-01-01 | 2026-01-31 | 2026-01-21 18:00   | 2026-01-21 | 20   | yes     |
| C    | standard  | 2025-12-20 | 2026-01-19 | 2026-01-30 18:00   | 2026-01-30 | 41   | no      |
| D    | expedited | 2026-02-02 | 2026-02-05 | 2026-02-04 18:00   | 2026-02-04 | 2    | yes     |
| E    | standard  | 2026-02-01 | 2026-03-03 | 2026-03-01 07:00   | 2026-02-28 | 27   | yes     |

A is amended on 2026-02-10 (version 2, not a new issue); F is issued in April (outside); G is a draft.
percentile_cont: January [10, 20, 41] median 20, p90 20 + 0.8 x 21 = 36.8; February [2, 27] median 14.5,
p90 2 + 0.9 x 25 = 24.5; all five [2, 10, 20, 27, 41] median 20, p90 27 + 0.6 x 14 = 35.4; standard
[10, 20, 27, 41] median 23.5, p90 27 + 0.7 x 14 = 36.8.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.aggregates import percentile_cont
from reports.queries import (
    Period,
    decisions_by_category,
    decisions_by_specialty,
    reviewer_throughput,
    summary,
    turnaround_by_month,
    turnaround_by_review_type,
)
from reviews.models import Review
from tests import factories

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
D = datetime.date


def utc(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)


def issue(reviewer, received, complete, signed, items, assigned, review_type="standard", case=None):
    """A case with a determination signed at ``signed`` by ``reviewer`` deciding ``items``."""
    if case is None:
        case = factories.CaseFactory(
            status="determination_issued",
            review_type=review_type,
            received_date=received,
            records_complete_date=complete,
        )
    assignment = factories.AssignmentFactory(case=case, reviewer=reviewer, active=False)
    type(assignment).objects.filter(pk=assignment.pk).update(assigned_at=utc(assigned))
    previous = case.reviews.filter(status="signed").first()
    review = factories.ReviewFactory(
        case=case,
        reviewer=reviewer,
        assignment=assignment,
        version=case.reviews.count() + 1,
        supersedes=previous,
    )
    for description, decision in items:
        item = case.disputed_items.filter(description=description).first() or factories.DisputedItemFactory(
            case=case, description=description
        )
        factories.ItemDecisionFactory(review=review, disputed_item=item, decision=decision)
    if previous:
        Review.objects.filter(pk=previous.pk).update(status="superseded")
    Review.objects.filter(pk=review.pk).update(status="signed", signed_at=utc(signed))
    return case


@pytest.fixture
def determinations(db):
    ortho = factories.reviewer_with_credentials(
        specialties=("orthopedic_surgery",), user__first_name="Ada", user__last_name="Ortho"
    )
    rehab = factories.reviewer_with_credentials(
        specialties=("pmr", "pain_medicine"), user__first_name="Ben", user__last_name="Rehab"
    )
    a = issue(
        ortho,
        D(2026, 1, 2),
        D(2026, 1, 5),
        "2026-01-13 04:00",
        [("Norco 10/325mg #120", "Upheld")],
        "2026-01-06 17:00",
    )
    issue(
        ortho,
        None,
        None,
        "2026-02-10 18:00",
        [("Norco 10/325mg #120", "Overturned")],
        "2026-02-09 17:00",
        case=a,
    )
    issue(
        ortho,
        D(2026, 1, 1),
        D(2026, 1, 1),
        "2026-01-21 18:00",
        [("Physical therapy 2x6 lumbar spine", "Upheld"), ("MRI right knee without contrast", "Upheld")],
        "2026-01-11 17:00",
    )
    issue(
        ortho,
        D(2025, 12, 20),
        D(2025, 12, 20),
        "2026-01-30 18:00",
        [("Gabapentin 600mg #90", "Overturned")],
        "2026-01-20 17:00",
    )
    issue(
        rehab,
        D(2026, 2, 2),
        D(2026, 2, 2),
        "2026-02-04 18:00",
        [("Lumbar epidural steroid injection L4-5", "Upheld")],
        "2026-02-03 17:00",
        review_type="expedited",
    )
    issue(
        rehab,
        D(2026, 2, 1),
        D(2026, 2, 1),
        "2026-03-01 07:00",
        [("Norco 10/325mg #60", "Upheld"), ("Cervical spine MRI", "Overturned")],
        "2026-02-20 17:00",
    )
    # Outside the period, and not signed: neither counts.
    issue(
        rehab,
        D(2026, 3, 1),
        D(2026, 3, 1),
        "2026-04-02 18:00",
        [("Norco 10/325mg #120", "Upheld")],
        "2026-03-02 17:00",
    )
    factories.ReviewFactory(case=factories.CaseFactory(status="in_review"), reviewer=rehab)
    return ortho, rehab  # fmt: skip


def test_percentile_cont_interpolates_as_postgresql_does():
    assert percentile_cont([10, 20, 41], 0.5) == 20
    assert percentile_cont([41, 10, 20], 0.9) == pytest.approx(36.8)
    assert percentile_cont([2, 27], 0.5) == 14.5
    assert percentile_cont([], 0.5) is None


def test_summary(determinations):
    assert summary(PERIOD) == {
        "determinations": 5,
        "median_days": 20.0,
        "p90_days": 35.4,
        "on_time": 4,
        "on_time_share": 80.0,
    }


def test_turnaround_by_month_counts_californias_issue_date(determinations):
    table = turnaround_by_month(PERIOD)
    assert table.columns == [
        "Month",
        "Determinations",
        "Median days",
        "90th percentile days",
        "On time",
        "On time %",
    ]
    # E was signed at 07:00 UTC on March 1: still February 28 in California.
    assert table.rows == [["2026-01", 3, 20.0, 36.8, 2, 66.7], ["2026-02", 2, 14.5, 24.5, 2, 100.0]]


def test_turnaround_by_review_type(determinations):
    assert turnaround_by_review_type(PERIOD).rows == [
        ["Expedited", 1, 2.0, 2.0, 1, 100.0],
        ["Standard", 4, 23.5, 36.8, 3, 75.0],
    ]


def test_upheld_and_overturned_by_treatment_category(determinations):
    # In force: A's amendment (Norco Overturned), not its first version (Upheld); F is outside.
    assert decisions_by_category(PERIOD).rows == [
        ["Pharmaceuticals", 3, 1, 2, 33.3, 66.7],
        ["Imaging and electrodiagnostics", 2, 1, 1, 50.0, 50.0],
        ["Injections", 1, 1, 0, 100.0, 0.0],
        ["Physical medicine", 1, 1, 0, 100.0, 0.0],
    ]


def test_upheld_and_overturned_by_reviewer_specialty(determinations):
    assert decisions_by_specialty(PERIOD).rows == [
        ["Orthopedic Surgery", 4, 2, 2, 50.0, 50.0],
        ["Pain Management", 3, 2, 1, 66.7, 33.3],
        ["Physical Medicine & Rehabilitation", 3, 2, 1, 66.7, 33.3],
    ]


def test_reviewer_throughput(determinations):
    # 90 days = 12.86 weeks; days from assignment: Ada 6, 10, 10 (median 10); Ben 1, 8 (median 4.5).
    assert reviewer_throughput(PERIOD).rows == [
        ["Ada Ortho", 3, 0.2, 10.0, 66.7],
        ["Ben Rehab", 2, 0.2, 4.5, 100.0],
    ]


def test_page_shows_the_figures_and_each_report_exports_csv(determinations, admin_client):
    query = {"start": "2026-01-01", "end": "2026-03-31"}
    page = admin_client.get(reverse("reports:page"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="on-time">80.0%' in html
    assert 'data-figure="median">20.0 days' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and 'id="report-charts"' in html
    response = admin_client.get(reverse("reports:csv", args=["turnaround-by-month"]), query)
    assert response["Content-Disposition"].endswith('turnaround-by-month-2026-01-01-to-2026-03-31.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1:] == [
        ["2026-01", "3", "20.0", "36.8", "2", "66.7"],
        ["2026-02", "2", "14.5", "24.5", "2", "100.0"],
    ]


def test_csv_never_starts_a_cell_with_a_formula(db, admin_client):
    reviewer = factories.reviewer_with_credentials(user__first_name="=HYPERLINK(1)", user__last_name="")
    issue(
        reviewer,
        D(2026, 1, 2),
        D(2026, 1, 2),
        "2026-01-13 18:00",
        [("Norco 10/325mg #120", "Upheld")],
        "2026-01-03 17:00",
    )
    response = admin_client.get(
        reverse("reports:csv", args=["reviewer-throughput"]), {"start": "2026-01-01", "end": "2026-01-31"}
    )
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_a_bad_period_is_named_and_kept(admin_client, db):
    page = admin_client.get(reverse("reports:page"), {"start": "2026-03-01", "end": "2026-01-01"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "The end date is before the start date." in html and 'value="2026-03-01"' in html
    response = admin_client.get(reverse("reports:csv", args=["reviewer-throughput"]), {"start": "March"})
    assert response.status_code == 400 and "Issued from" in response.content.decode()


def test_reports_are_for_administrators_only(reviewer_client, db):
    from django.test import Client

    assert reviewer_client.get(reverse("reports:page")).status_code == 403
    assert reviewer_client.get(reverse("reports:csv", args=["reviewer-throughput"])).status_code == 403
    assert Client().get(reverse("reports:page")).status_code == 302  # to the login page


def test_queries_do_not_grow_with_the_number_of_cases(determinations, admin_client):
    """Aggregates, not a loop over cases: twice the determinations, the same number of queries."""
    query = {"start": "2026-01-01", "end": "2026-03-31"}
    with CaptureQueriesContext(connection) as before:
        admin_client.get(reverse("reports:page"), query)
    ortho, rehab = determinations
    for n in range(5):
        issue(
            rehab,
            D(2026, 1, 3),
            D(2026, 1, 3),
            f"2026-02-1{n} 18:00",
            [("Acupuncture 6 sessions", "Upheld")],
            "2026-01-04 17:00",
        )
    with CaptureQueriesContext(connection) as after:
        admin_client.get(reverse("reports:page"), query)
    assert len(after) == len(before)
