"""The change history of reviews and item decisions in the audit record (issue 10, "Audit")."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from reviews.workspace.drafts import item_key, save_draft

pytestmark = pytest.mark.django_db


def test_review_and_decision_changes_keep_before_and_after_and_actor(review, admin_client):
    user = review.reviewer.user
    item = review.case.disputed_items.first()
    key = item_key(item.pk, "rationale")
    save_draft(review, {key: "First thought"}, review.revision, by=user)
    review.refresh_from_db()
    save_draft(review, {key: "Second thought", "clinical_summary": "A summary"}, review.revision, by=user)
    decision = review.decisions.get(disputed_item=item)
    latest = decision.history.latest()
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("rationale", "First thought", "Second thought")
    ]
    assert review.history.latest().clinical_summary == "A summary"

    response = admin_client.get(
        reverse("audit:log"), {"case_number": review.case.case_number, "format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-record.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    changed = [r for r in rows if r["action"] == "Item decision changed"]
    assert any("'First thought' -> 'Second thought'" in r["details"] for r in changed)
    assert {r["case number"] for r in rows} == {review.case.case_number}
