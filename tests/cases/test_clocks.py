"""Due dates from the statutes, and how a case's clock reads on a given day."""

import datetime

import pytest

from cases import clocks
from tests.factories import CaseFactory

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("review_type", "formulary_only", "records_complete", "expected"),
    [
        ("standard", False, D(2015, 8, 31), D(2015, 9, 30)),  # 30 days from records complete
        ("expedited", False, D(2015, 8, 31), D(2015, 9, 3)),  # 3 days
        # 5 working days from Friday 2015-11-20: Thanksgiving (26th) and the day after (27th) skipped.
        ("standard", True, D(2015, 11, 20), D(2015, 12, 1)),
    ],
)
def test_determination_due_dates(review_type, formulary_only, records_complete, expected):
    case = CaseFactory(
        review_type=review_type,
        formulary_only=formulary_only,
        received_date=D(2015, 8, 24),
        records_complete_date=records_complete,
        ur_decision_date=D(2015, 8, 11),
        ur_date_of_service=D(2015, 8, 4),
        injury_date=D(2014, 5, 19),
    )
    assert case.due_date == expected


@pytest.mark.django_db
def test_clock_starts_at_receipt_until_records_are_complete():
    case = CaseFactory(received_date=D(2015, 8, 24), records_complete_date=None)
    assert case.due_date == D(2015, 9, 23)
    case.records_complete_date = D(2015, 9, 1)
    case.save()
    assert case.due_date == D(2015, 10, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("review_type", "electronic", "expected"),
    [
        ("standard", False, D(2015, 9, 15)),
        ("standard", True, D(2015, 9, 12)),
        ("expedited", False, D(2015, 9, 1)),
    ],
)
def test_records_due_from_the_claims_administrator(review_type, electronic, expected):
    case = CaseFactory(
        review_type=review_type,
        records_requested_date=D(2015, 8, 31),
        records_requested_electronically=electronic,
    )
    assert clocks.records_due_date(case) == expected


@pytest.mark.parametrize(
    ("today", "label", "overdue", "soon"),
    [
        (D(2015, 9, 20), "10 days left", False, False),
        (D(2015, 9, 28), "2 days left", False, True),
        (D(2015, 9, 30), "due today", False, True),
        (D(2015, 10, 1), "overdue by 1 day", True, False),
        (D(2015, 10, 5), "overdue by 5 days", True, False),
    ],
)
def test_clock_labels(today, label, overdue, soon):
    clock = clocks.clock_for(D(2015, 9, 30), today=today)
    assert (clock.label, clock.overdue, clock.due_soon) == (label, overdue, soon)


def test_a_stopped_clock_is_never_overdue():
    clock = clocks.clock_for(D(2015, 9, 30), today=D(2016, 1, 1), stopped=True)
    assert not clock.overdue
    assert clock.label == "no due date"


@pytest.mark.django_db
def test_late_application_is_detected():
    case = CaseFactory(ur_decision_date=D(2015, 8, 11), received_date=D(2015, 9, 14))
    assert clocks.application_filed_late(case)
    case.received_date = D(2015, 9, 10)
    assert not clocks.application_filed_late(case)
