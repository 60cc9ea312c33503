"""Two saves of the same review at the same moment, on separate database connections: the row lock
serialises them and the second is compared with what the first wrote, never applied blindly."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from reviews.models import Review
from reviews.workspace.drafts import save_draft, start_review
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted_review() -> Review:
    reviewer = factories.reviewer_with_credentials()
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=timezone.now())
    return start_review(case, reviewer.user)


def _simultaneously(*calls) -> list[dict]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[dict] = [{} for _ in calls]

    def work(k, fn):
        try:
            barrier.wait()
            outcomes[k]["result"] = fn()
        except Exception as exc:  # reported to the test, never swallowed
            outcomes[k]["error"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(k, fn)) for k, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_simultaneous_saves_of_one_field_one_saves_the_other_gets_a_conflict():
    review = _accepted_review()
    user = review.reviewer.user

    def save(text):
        return lambda: save_draft(Review.objects.get(pk=review.pk), {"clinical_summary": text}, 0, by=user)

    outcomes = _simultaneously(save("Tab A"), save("Tab B"))
    assert all("result" in o for o in outcomes), outcomes
    results = [o["result"] for o in outcomes]
    saved = [r for r in results if r.saved]
    conflicted = [r for r in results if not r.saved]
    assert len(saved) == 1 and len(conflicted) == 1
    stored = Review.objects.get(pk=review.pk)
    assert stored.revision == 1
    [conflict] = conflicted[0].conflicts
    assert conflict.theirs == stored.clinical_summary
    assert {conflict.mine, conflict.theirs} == {"Tab A", "Tab B"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_simultaneous_saves_of_different_fields_both_land():
    review = _accepted_review()
    user = review.reviewer.user
    item = review.case.disputed_items.get()

    def save(data):
        return lambda: save_draft(Review.objects.get(pk=review.pk), data, 0, by=user)

    outcomes = _simultaneously(
        save({"clinical_summary": "Summary from tab A"}),
        save({f"item-{item.pk}-rationale": "Rationale from B"}),
    )
    assert all(o.get("result") and o["result"].saved for o in outcomes), outcomes
    stored = Review.objects.get(pk=review.pk)
    assert stored.revision == 2
    assert stored.clinical_summary == "Summary from tab A"
    assert stored.decisions.get().rationale == "Rationale from B"
