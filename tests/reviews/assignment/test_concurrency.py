"""Two administrators assigning the same case at the same moment: one wins, the other is told.

Real transactions on separate database connections (threads), so the row lock and the partial unique
constraint are what decide, as in production.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from cases.models import Case
from reviews.assignment import services
from reviews.models import Assignment, AssignmentEvent
from tests.factories import AdminUserFactory, reviewer_with_credentials
from tests.reviews.assignment.helpers import eligible_case

pytestmark = pytest.mark.django_db(transaction=True)


def _run(target, *args) -> dict:
    outcome: dict = {}

    def work():
        try:
            outcome["result"] = target(*args)
        except Exception as exc:  # reported to the test, never swallowed
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return {"thread": thread, "outcome": outcome}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_simultaneous_assignments_one_wins_the_other_is_told():
    case = eligible_case()
    first, second = reviewer_with_credentials(), reviewer_with_credentials()
    admins = AdminUserFactory(), AdminUserFactory()
    barrier = threading.Barrier(2)

    def assign_after_barrier(reviewer, admin):
        barrier.wait()
        return services.assign(Case.objects.get(pk=case.pk), reviewer, by=admin)

    runs = [_run(assign_after_barrier, first, admins[0]), _run(assign_after_barrier, second, admins[1])]
    for run in runs:
        run["thread"].join()
    outcomes = [run["outcome"] for run in runs]
    winners = [o["result"] for o in outcomes if "result" in o]
    losers = [o["error"] for o in outcomes if "error" in o]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], services.AssignmentError)
    assert f"Case {case.case_number} is already assigned to {winners[0].reviewer}" in str(losers[0])
    assert Assignment.objects.filter(case=case, active=True).count() == 1
    assert AssignmentEvent.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.status == "assigned"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_second_administrator_waits_for_the_first_and_then_is_refused():
    """While the first administrator holds the case's lock the second can not slip in an assignment."""
    case = eligible_case()
    first, second = reviewer_with_credentials(), reviewer_with_credentials()
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        run = _run(services.assign, Case.objects.get(pk=case.pk), second, AdminUserFactory())
        services.assign(case, first, by=AdminUserFactory())
    run["thread"].join()
    error = run["outcome"].get("error")
    assert isinstance(error, services.AssignmentError), run["outcome"]
    assert f"already assigned to {first}" in str(error)
    assert list(Assignment.objects.filter(case=case, active=True).values_list("reviewer", flat=True)) == [
        first.pk
    ]
