"""Saving progress: never validates, and never silently overwrites a save made in another tab or by
another person (the conflict comes back with both versions to merge)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import Review
from reviews.workspace.drafts import item_key, save_draft
from reviews.workspace.errors import WorkspaceError
from tests.auth import log_in

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _url(case, name="reviews:save_draft") -> str:
    return reverse(name, args=[case.case_number])


def test_saving_progress_accepts_an_incomplete_review(review):
    first = review.case.disputed_items.first()
    result = save_draft(
        review, {item_key(first.pk, "rationale"): "Half a thought"}, review.revision, by=review.reviewer.user
    )
    assert result.saved
    review.refresh_from_db()
    assert review.revision == 1
    assert review.decisions.get(disputed_item=first).rationale == "Half a thought"
    assert review.clinical_summary == ""


def test_a_stale_save_of_the_same_field_is_a_conflict_with_both_versions(review):
    user = review.reviewer.user
    base = review.revision
    assert save_draft(review, {"clinical_summary": "Tab A's summary"}, base, by=user).saved
    result = save_draft(review, {"clinical_summary": "Tab B's summary"}, base, by=user)
    assert not result.saved
    [conflict] = result.conflicts
    assert conflict.label == "Clinical case summary"
    assert conflict.mine == "Tab B's summary"
    assert conflict.theirs == "Tab A's summary"
    review.refresh_from_db()
    assert review.clinical_summary == "Tab A's summary"


def test_a_stale_save_of_other_fields_merges_without_conflict(review):
    user = review.reviewer.user
    first, second = review.case.disputed_items.all()
    base = review.revision
    assert save_draft(review, {item_key(first.pk, "rationale"): "A's rationale"}, base, by=user).saved
    result = save_draft(review, {item_key(second.pk, "rationale"): "B's rationale"}, base, by=user)
    assert result.saved
    assert {d.disputed_item_id: d.rationale for d in review.decisions.all()} == {
        first.pk: "A's rationale",
        second.pk: "B's rationale",
    }


def test_a_stale_save_that_repeats_the_saved_value_is_not_a_conflict(review):
    user = review.reviewer.user
    base = review.revision
    save_draft(review, {"clinical_summary": "Same words"}, base, by=user)
    assert save_draft(review, {"clinical_summary": "Same words\r\n"[:-2]}, base, by=user).saved


def test_conflicting_save_applies_nothing(review):
    user = review.reviewer.user
    first = review.case.disputed_items.first()
    base = review.revision
    save_draft(review, {"clinical_summary": "A"}, base, by=user)
    result = save_draft(
        review, {"clinical_summary": "B", item_key(first.pk, "rationale"): "B's rationale"}, base, by=user
    )
    assert not result.saved
    assert review.decisions.get(disputed_item=first).rationale == ""


def test_unknown_decision_value_is_refused_naming_the_field(review):
    first = review.case.disputed_items.first()
    with pytest.raises(WorkspaceError, match="Decision: choose Upheld or Overturned"):
        save_draft(
            review, {item_key(first.pk, "decision"): "Maybe"}, review.revision, by=review.reviewer.user
        )


def test_two_clients_saving_the_same_review(assigned_case, review, reviewer):
    tab_a, tab_b = Client(), Client()
    log_in(tab_a, reviewer.user)
    log_in(tab_b, reviewer.user)
    page = tab_a.get(reverse("reviews:workspace", args=[assigned_case.case_number]))
    assert 'name="base_revision" value="0"' in page.content.decode()

    saved = tab_a.post(_url(assigned_case), {"base_revision": 0, "clinical_summary": "From tab A"}, **JSON)
    assert saved.status_code == 200
    assert saved.json()["status"] == "saved"
    assert saved.json()["revision"] == 1
    assert saved.json()["saved_at"]

    stale = tab_b.post(_url(assigned_case), {"base_revision": 0, "clinical_summary": "From tab B"}, **JSON)
    assert stale.status_code == 409
    body = stale.json()
    assert body["status"] == "conflict"
    assert "From tab A" in body["html"] and "From tab B" in body["html"]
    assert Review.objects.get(pk=review.pk).clinical_summary == "From tab A"

    # Tab B merges and saves on top of the revision it has now seen.
    merged = tab_b.post(
        _url(assigned_case), {"base_revision": body["revision"], "clinical_summary": "From tab A and B"}
    )
    assert merged.status_code == 302
    assert Review.objects.get(pk=review.pk).clinical_summary == "From tab A and B"


def test_stale_save_without_javascript_shows_the_merge_page(assigned_case, review, reviewer_client):
    reviewer_client.post(_url(assigned_case), {"base_revision": 0, "clinical_summary": "First"})
    response = reviewer_client.post(_url(assigned_case), {"base_revision": 0, "clinical_summary": "Second"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "merge" in html.lower()
    assert "First" in html and "Second" in html


def test_bad_decision_through_the_view_is_a_clear_400(assigned_case, review, reviewer_client):
    first = review.case.disputed_items.first()
    response = reviewer_client.post(
        _url(assigned_case), {"base_revision": 0, item_key(first.pk, "decision"): "Perhaps"}, **JSON
    )
    assert response.status_code == 400
    assert "Decision: choose Upheld or Overturned" in response.json()["message"]


def test_missing_base_revision_is_a_clear_400(assigned_case, review, reviewer_client):
    response = reviewer_client.post(_url(assigned_case), {"clinical_summary": "x"}, **JSON)
    assert response.status_code == 400
    assert "base_revision" in response.json()["message"]
    assert Review.objects.get(pk=review.pk).clinical_summary == ""


def test_the_workspace_shows_saved_at_and_word_count(assigned_case, review, reviewer_client):
    reviewer_client.post(
        _url(assigned_case), {"base_revision": 0, "clinical_summary": "four words right here"}
    )
    html = reviewer_client.get(
        reverse("reviews:workspace", args=[assigned_case.case_number])
    ).content.decode()
    assert 'id="summary-word-count">4<' in html
    assert "saved at " in html
    first = review.case.disputed_items.first()
    labels = {
        "id_clinical_summary": "Clinical case summary",
        f"id_item-{first.pk}-decision": "Decision",
        f"id_item-{first.pk}-guideline_citations": "Guideline",
        f"id_item-{first.pk}-rationale": "Decision rationale",
    }
    for field_id, label in labels.items():
        assert re.search(rf'<label\s+for="{field_id}"[^>]*>\s*{label}\s*</label>', html), label


def test_the_conflict_shows_which_words_differ(review):
    user = review.reviewer.user
    save_draft(review, {"clinical_summary": "Pain 7/10 <with> medication."}, 0, by=user)
    [conflict] = save_draft(
        review, {"clinical_summary": "Pain 5/10 <with> medication."}, 0, by=user
    ).conflicts
    assert conflict.diff_html == "Pain <del>7/10</del><ins>5/10</ins> &lt;with&gt; medication."


def test_autosave_with_a_nul_is_a_400_naming_the_field_and_stores_nothing(review):
    client = Client()
    log_in(client, review.reviewer.user)
    item = review.case.disputed_items.first()
    key = item_key(item.pk, "rationale")
    response = client.post(
        reverse("reviews:save_draft", args=[review.case.case_number]),
        {"base_revision": review.revision, key: "Not medically\x00 necessary"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "Decision rationale: the text contains a control character (U+0000)" in response.json()["message"]
    assert review.decisions.get(disputed_item=item).rationale == ""
