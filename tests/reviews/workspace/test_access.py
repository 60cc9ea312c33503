"""Who may do what in the workspace, view by view: the assigned reviewer, another reviewer (404, as for a
case that does not exist), an administrator (reads everything, edits and signs nothing) and anonymous
users (sent to log in)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.auth import log_in
from tests.reviews.conftest import complete

pytestmark = pytest.mark.django_db

# view name, method, extra URL args, expected status for: assigned reviewer, another reviewer, administrator
MATRIX = [
    ("reviews:workspace", "get", [], (200, 404, 200)),
    ("reviews:save_draft", "post", [], (200, 404, 403)),
    ("reviews:checklist", "get", [], (200, 404, 200)),
    ("reviews:record_search", "get", [], (200, 404, 200)),
    ("reviews:record_list", "get", [], (200, 404, 200)),
    ("reviews:sign_off", "get", [], (200, 404, 403)),
    ("reviews:sign_off", "post", [], (302, 404, 403)),
    ("reviews:qa_approve", "post", [], (403, 404, 403)),
    ("reviews:qa_return", "post", [], (403, 404, 403)),
    ("reviews:amend", "get", [], (403, 404, 200)),
    ("reviews:review_version", "get", [1], (200, 404, 200)),
]


def _request(client, method, url, review):
    if method == "get":
        return client.get(url, {"q": "off work"})
    data = {
        "base_revision": review.revision,
        "clinical_summary": review.clinical_summary + " edited",
        "confirm": "on",
        "comments": "A comment",
    }
    return client.post(url, data, HTTP_ACCEPT="application/json" if url.endswith("/save/") else "text/html")


@pytest.mark.parametrize(
    ("name", "method", "args", "expected"), MATRIX, ids=[f"{m[0]}-{m[1]}" for m in MATRIX]
)
@pytest.mark.parametrize("who", ["assigned", "other_reviewer", "administrator", "anonymous"])
def test_access(client, who, name, method, args, expected, review, other_reviewer, admin_user):
    complete(review)
    case = review.case
    url = reverse(name, args=[case.case_number, *args])
    users = {
        "assigned": review.reviewer.user,
        "other_reviewer": other_reviewer.user,
        "administrator": admin_user,
    }
    if who in users:
        log_in(client, users[who])
    before = Review.objects.get(pk=review.pk)
    response = _request(client, method, url, review)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        want = expected[["assigned", "other_reviewer", "administrator"].index(who)]
        assert response.status_code == want, response.content[:500]
    if who != "assigned":
        after = Review.objects.get(pk=review.pk)
        assert (after.status, after.revision, after.clinical_summary) == (
            before.status,
            before.revision,
            before.clinical_summary,
        )


def test_unknown_case_number_is_404_like_someone_elses(reviewer_client, review):
    for name in ("reviews:workspace", "reviews:checklist", "reviews:sign_off", "reviews:record_search"):
        assert reviewer_client.get(reverse(name, args=["CM99-0000000"])).status_code == 404


def test_administrator_reads_the_review_without_a_form(admin_client, review):
    complete(review)
    html = admin_client.get(reverse("reviews:workspace", args=[review.case.case_number])).content.decode()
    assert review.clinical_summary in html
    assert 'id="review-form"' not in html
    assert "Sign off" not in html


def test_a_reviewer_whose_assignment_ended_loses_access(review, reviewer_client):
    review.case.assignments.update(active=False)
    assert (
        reviewer_client.get(reverse("reviews:workspace", args=[review.case.case_number])).status_code == 404
    )


def test_qa_user_reads_but_cannot_save(client, review, qa_user):
    log_in(client, qa_user)
    number = review.case.case_number
    assert client.get(reverse("reviews:workspace", args=[number])).status_code == 200
    response = client.post(
        reverse("reviews:save_draft", args=[number]),
        {"base_revision": 0, "clinical_summary": "QA wrote this"},
    )
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).clinical_summary == ""


def test_case_page_links_administrators_to_the_review(admin_client, review):
    html = admin_client.get(reverse("cases:detail", args=[review.case.case_number])).content.decode()
    assert reverse("reviews:workspace", args=[review.case.case_number]) in html
