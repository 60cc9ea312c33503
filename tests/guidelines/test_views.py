"""The suggestions partial, search and feedback: access scoped by cases_for_user, bounded queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guidelines import services
from guidelines.models import SuggestionFeedback
from tests import factories
from tests.auth import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned_item(reviewer, loaded_guidelines):
    case = factories.CaseFactory(
        status="assigned",
        body_regions=["lumbar spine"],
        diagnoses=["radiculitis"],
        injury_date=dt.date(2015, 1, 5),
        ur_decision_date=dt.date(2016, 12, 1),
        ur_date_of_service=dt.date(2016, 11, 20),
    )
    factories.TreatingProviderFactory(case=case, specialty="Orthopedic Surgery")
    for i in range(20):
        factories.MedicalRecordFactory(
            case=case,
            title=f"Progress note {i}",
            text="Low back pain radiating to the right leg. Off work on total temporary "
            "disability. At least 12 prior physical therapy sessions.",
        )
    item = factories.DisputedItemFactory(
        case=case, description="Physical therapy for the lumbar spine", quantity=12
    )
    # Accepted: suggestions quote the records, which a reviewer reads only once it has accepted the case.
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    return item


def _url(item, **params):
    url = reverse("guidelines:item_suggestions", args=[item.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_anonymous_is_sent_to_login(client, assigned_item):
    response = client.get(_url(assigned_item))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_other_reviewer_gets_404(client, assigned_item):
    other = factories.reviewer_with_credentials()
    log_in(client, other.user)
    assert client.get(_url(assigned_item)).status_code == 404
    post = client.post(
        reverse("guidelines:item_feedback", args=[assigned_item.pk]),
        {"action": "accepted", "suggestion_key": "x"},
    )
    assert post.status_code == 404
    assert not SuggestionFeedback.objects.exists()


def test_assigned_reviewer_sees_ranked_sections_checks_and_fill_buttons(reviewer_client, assigned_item):
    response = reviewer_client.get(
        _url(
            assigned_item,
            guideline_field="id_guideline",
            rationale_field="id_rationale",
            decision_field="id_decision",
        ),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Physical medicine treatment" in html or "Physical Medicine" in html
    assert "Criteria checks" in html and "exceeds" in html
    assert 'data-guidelines-fill="id_guideline"' in html
    assert 'data-guidelines-fill="id_rationale"' in html
    assert "Insert draft rationale" in html and "Use this citation" in html
    assert "guidelines/suggest.js" in html
    assert (
        'data-value="MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment"'
        in html
    )


def test_evidence_links_to_the_record_page_it_came_from(reviewer_client, assigned_item):
    """A scanned record is read page by page: the quoted sentence names its record and page, and the panel
    links to that page for the workspace's viewer."""
    scan = factories.MedicalRecordFactory(
        case=assigned_item.case, title="Orthopedic consultation", date=dt.date(2016, 1, 2), text=""
    )
    scan.attach_pdf(
        factories.text_pdf_bytes(
            [
                "History: lifting injury at work.",
                "Work status: remains off work on total temporary disability.",
            ]
        )
    )
    scan.save()  # its pages are read on the first suggestion if the extraction task has not run yet
    s = services.suggest_for_disputed_item(assigned_item)
    quoted = [e for c in s.checks for e in c.evidence if "remains off work" in e.quote]
    assert quoted and {(e.record_id, e.page) for e in quoted} == {(scan.pk, 2)}
    html = reviewer_client.get(_url(assigned_item), HTTP_HX_REQUEST="true").content.decode()
    assert f'data-open-record="{scan.pk}" data-page="2"' in html
    assert "Orthopedic consultation, 01/02/2016, p. 2</a>" in html


def test_unsafe_field_ids_are_dropped(reviewer_client, assigned_item):
    html = reviewer_client.get(_url(assigned_item, guideline_field="x%22onclick%3Dalert(1)")).content.decode()
    assert "data-guidelines-fill=" not in html.split("Criteria checks")[0]


def test_suggestion_partial_query_count_is_bounded(reviewer_client, assigned_item):
    reviewer_client.get(_url(assigned_item))  # warm the knowledge base cache (loaded once per process)
    with CaptureQueriesContext(connection) as ctx:
        response = reviewer_client.get(_url(assigned_item))
    assert response.status_code == 200
    # 12: the records rule (cases.view_records) asks the user's groups and its accepted assignment.
    assert len(ctx.captured_queries) <= 12, [q["sql"][:80] for q in ctx.captured_queries]


def test_feedback_is_recorded(reviewer_client, reviewer, assigned_item):
    response = reviewer_client.post(
        reverse("guidelines:item_feedback", args=[assigned_item.pk]),
        {"action": "edited", "suggestion_key": "cpmtg2016-physical-medicine:Upheld", "detail": "rationale"},
    )
    assert response.status_code == 200
    fb = SuggestionFeedback.objects.get()
    assert (fb.user, fb.disputed_item, fb.action) == (reviewer.user, assigned_item, "edited")
    bad = reviewer_client.post(
        reverse("guidelines:item_feedback", args=[assigned_item.pk]), {"action": "liked"}
    )
    assert bad.status_code == 400


def test_search_partial_and_service(reviewer_client, loaded_guidelines):
    results = services.search_sections("lumbar mri")
    assert results and results[0].guideline.is_mtus
    assert any(r.citation == "MTUS Low Back Complaints 2004, Section(s): Special Studies" for r in results)
    html = reviewer_client.get(reverse("guidelines:search") + "?q=cyclobenzaprine", HTTP_HX_REQUEST="true")
    assert "Cyclobenzaprine (Flexeril)" in html.content.decode()
    assert services.search_sections("") == []
    empty = reviewer_client.get(reverse("guidelines:search") + "?q=zzzqqq", HTTP_HX_REQUEST="true")
    assert "No guideline section matches" in empty.content.decode()


def test_service_suggestion_for_db_item(assigned_item):
    s = services.suggest_for_disputed_item(assigned_item)
    assert s.decision == "Upheld"
    assert s.sections[0].section.guideline.is_mtus
    assert any(c.key == "visit_limit" and c.status == "not met" for c in s.checks)


def test_seed_case_through_the_service(seed_case, loaded_guidelines):
    """The seed letter's two items, imported through intake and suggested from the database."""
    pt, mri = seed_case.disputed_items.order_by("position")
    s_pt = services.suggest_for_disputed_item(pt)
    s_mri = services.suggest_for_disputed_item(mri)
    assert s_pt.decision == "Upheld"
    assert s_pt.citation_line == (
        "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine"
    )
    assert s_mri.citation_line == "MTUS Low Back Complaints 2004, Section(s): Special Studies"
    assert "not medically necessary" in s_pt.rationale
