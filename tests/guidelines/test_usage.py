"""Learn from use (issue 15): administrators see how often suggestions were used, edited or marked
"Not helpful", by treatment category, and the items most often marked "Not helpful"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guidelines import services
from tests import factories

pytestmark = pytest.mark.django_db

URL = "guidelines:usage"


@pytest.fixture
def feedback(reviewer, loaded_guidelines):
    case = factories.CaseFactory(status="in_review")
    norco = factories.DisputedItemFactory(case=case, description="Norco 10/325mg #120")
    pt = factories.DisputedItemFactory(case=case, description="Physical therapy 2x6 for the lumbar spine")
    ride = factories.DisputedItemFactory(case=case, description="Transportation to appointments")
    user = reviewer.user
    for _ in range(3):
        services.record_feedback(user, norco, "opioid2016-maintenance:Upheld", "rejected", "not helpful")
    services.record_feedback(user, norco, "opioid2016-maintenance:Upheld", "accepted", "citation_line")
    services.record_feedback(user, pt, "cpmtg2016-physical-medicine:Upheld", "accepted", "citation_line")
    services.record_feedback(user, pt, "cpmtg2016-physical-medicine:Upheld", "accepted", "decision")
    services.record_feedback(user, pt, "cpmtg2016-physical-medicine:Upheld", "accepted", "rationale")
    services.record_feedback(user, pt, "cpmtg2016-physical-medicine:Upheld", "edited", "rationale")
    services.record_feedback(user, ride, "odg-knee-transportation:", "rejected", "not helpful")
    return norco, pt, ride


def test_usage_by_treatment_category(feedback):
    categories, not_helpful = services.suggestion_usage()
    by = {c.category: c for c in categories}
    assert set(by) == {"Pharmaceuticals", "Physical medicine", "Transportation"}
    assert (by["Pharmaceuticals"].not_helpful, by["Pharmaceuticals"].used["citation"]) == (3, 1)
    pm = by["Physical medicine"]
    assert (pm.used, pm.edited, pm.not_helpful) == ({"citation": 1, "decision": 1, "rationale": 1}, 1, 0)
    assert [(i.description, i.count) for i in not_helpful] == [
        ("Norco 10/325mg #120", 3),
        ("Transportation to appointments", 1),
    ]
    assert not_helpful[1].suggested.endswith("Transportation (to & from appointments)")


def test_administrators_see_the_page(admin_client, feedback):
    html = admin_client.get(reverse(URL)).content.decode()
    assert "Pharmaceuticals" in html and "Items most often marked" in html
    assert "Norco 10/325mg #120" in html
    assert html.index("Norco 10/325mg #120") < html.index("Transportation to appointments</td>")
    assert 'href="/guidelines/usage/"' in html  # in the navigation


def test_reviewers_may_not_see_it(reviewer_client, feedback):
    assert reviewer_client.get(reverse(URL)).status_code == 403
    assert (
        'href="/guidelines/usage/"' not in reviewer_client.get(reverse("reviews:dashboard")).content.decode()
    )


def test_query_count_does_not_grow_with_feedback(admin_client, feedback, reviewer):
    admin_client.get(reverse(URL))  # warm the knowledge base cache
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse(URL))
    norco = feedback[0]
    for _ in range(25):
        services.record_feedback(reviewer.user, norco, "opioid2016-maintenance:Upheld", "rejected")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse(URL))
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
