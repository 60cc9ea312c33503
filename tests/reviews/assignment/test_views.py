"""Assignment pages: access, the case page's panel, bulk assignment, the admin site, query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.assignment import services
from reviews.models import Affiliation, Assignment, AssignmentEvent
from tests.auth import log_in
from tests.factories import (
    AssignmentFactory,
    CaseFactory,
    LicenseFactory,
    TreatingProviderFactory,
    reviewer_with_credentials,
)
from tests.reviews.assignment.helpers import affiliate, eligible_case

pytestmark = pytest.mark.django_db


def _admin_urls(case):
    return {
        "get": [
            reverse("reviews:assignment:reviewers"),
            reverse("reviews:assignment:bulk") + f"?cases={case.case_number}",
            reverse("reviews:assignment:panel", args=[case.case_number]),
        ],
        "post": [
            reverse("reviews:assignment:assign", args=[case.case_number]),
            reverse("reviews:assignment:unassign", args=[case.case_number]),
            reverse("reviews:assignment:bulk"),
        ],
    }


def test_anonymous_users_are_sent_to_login(client):
    case = eligible_case()
    assignment = AssignmentFactory()
    urls = _admin_urls(case)
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in [*urls["post"], reverse("reviews:assignment:accept", args=[assignment.pk])]:
        response = client.post(url, {})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_reviewers_cannot_reach_administrators_pages(reviewer_client):
    case = eligible_case()
    urls = _admin_urls(case)
    for url in urls["get"]:
        assert reviewer_client.get(url).status_code == 403, url
    for url in urls["post"]:
        assert reviewer_client.post(url, {"reviewer": 1, "reason": "x"}).status_code == 403, url
    assert not Assignment.objects.exists()


def test_administrators_reach_them(admin_client):
    case = eligible_case()
    for url in _admin_urls(case)["get"]:
        assert admin_client.get(url).status_code == 200, url


def test_case_page_shows_ranked_suggestions_with_reasons(admin_client):
    case = eligible_case()
    reviewer_with_credentials(
        specialties=("orthopedic_surgery",), user__first_name="Olive", user__last_name="Ortho"
    )
    blocked = reviewer_with_credentials(user__first_name="Connie", user__last_name="Conflict")
    affiliate(blocked, "Example Distribution Company")
    page = admin_client.get(reverse("cases:detail", args=[case.case_number])).content.decode()
    assert page.index("Olive Ortho") < page.index("Connie Conflict")
    assert "Same specialty as the requesting provider (Orthopedic Surgery)." in page
    assert "cannot be assigned" in page
    assert "matches the case&#x27;s employer" in page or "matches the case's employer" in page


def test_panel_lists_the_best_ten_reviewers_and_the_rest_on_request(admin_client):
    """At 150 reviewers the panel rendered every one with its reasons; now the ten best, and a link."""
    from reviews.assignment.views import SHOWN_SUGGESTIONS

    case = eligible_case()
    best = reviewer_with_credentials(specialties=("orthopedic_surgery",), user__last_name="Aaortho")
    others = [reviewer_with_credentials(specialties=("psychiatry",)) for _ in range(SHOWN_SUGGESTIONS)]
    panel_url = reverse("reviews:assignment:panel", args=[case.case_number])
    for url in (reverse("cases:detail", args=[case.case_number]), panel_url):
        page = admin_client.get(url).content.decode()
        assert page.count('name="reviewer" value=') == SHOWN_SUGGESTIONS
        assert f'value="{best.pk}" id="reviewer-{best.pk}"' in page
        assert "Show the other 1 reviewer who can take this case" in page
    every = admin_client.get(panel_url, {"reviewers": "all"}).content.decode()
    assert every.count('name="reviewer" value=') == SHOWN_SUGGESTIONS + 1
    assert all(f'id="reviewer-{r.pk}"' in every for r in others)
    assert "Show the other" not in every


def test_assign_through_the_ui(admin_client, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    url = reverse("reviews:assignment:assign", args=[case.case_number])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"reviewer": reviewer.pk, "reason": ""}, follow=True)
    assert response.status_code == 200
    assert f"Case {case.case_number} assigned to {reviewer}" in response.content.decode()
    assert case.assignments.get(active=True).reviewer == reviewer
    assert len(mailoutbox) == 1


def test_a_conflicting_reviewer_cannot_be_assigned_through_the_ui(admin_client):
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    affiliate(reviewer, "Jane Roe", kind="provider")
    url = reverse("reviews:assignment:assign", args=[case.case_number])
    response = admin_client.post(url, {"reviewer": reviewer.pk}, follow=True)
    assert "Conflict of interest" in response.content.decode()
    htmx = admin_client.post(url, {"reviewer": reviewer.pk, "reason": "my words"}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 409
    body = htmx.content.decode()
    assert 'id="assignment-panel"' in body and "requesting provider" in body
    assert 'value="my words"' in body  # what the administrator typed is kept
    assert not case.assignments.exists()


def test_bad_input_names_the_field_and_never_500s(admin_client):
    case = eligible_case()
    url = reverse("reviews:assignment:assign", args=[case.case_number])
    response = admin_client.post(url, {"reviewer": "999999", "reason": "keep me"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    body = response.content.decode()
    assert "Expert reviewer: That reviewer does not exist" in body
    assert 'value="keep me"' in body
    assert admin_client.post(url, {}, HTTP_HX_REQUEST="true").status_code == 422
    missing = reverse("reviews:assignment:assign", args=["CM99-0000000"])
    assert admin_client.post(missing, {"reviewer": 1}).status_code == 404


def test_reassign_without_reason_is_refused_with_the_field_named(admin_client, admin_user):
    case = eligible_case()
    first, second = reviewer_with_credentials(), reviewer_with_credentials()
    services.assign(case, first, by=admin_user)
    url = reverse("reviews:assignment:assign", args=[case.case_number])
    response = admin_client.post(url, {"mode": "reassign", "reviewer": second.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Reason: This field is required." in response.content.decode()
    admin_client.post(url, {"mode": "reassign", "reviewer": second.pk, "reason": "Balance workload"})
    assert case.assignments.get(active=True).reviewer == second


def test_conflict_found_after_assignment_is_shown_on_the_case_and_reviewers_pages(admin_client, admin_user):
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    services.assign(case, reviewer, by=admin_user)
    affiliate(reviewer, "Example Claims Services LLC", kind="claims_administrator")
    case_page = admin_client.get(reverse("cases:detail", args=[case.case_number])).content.decode()
    assert "Conflict found after assignment" in case_page
    reviewers_page = admin_client.get(reverse("reviews:assignment:reviewers")).content.decode()
    assert "Conflicts found after assignment" in reviewers_page
    assert case.case_number in reviewers_page


def test_reviewers_page_screens_every_open_case_against_each_party_found_after_assignment(
    admin_client, admin_user
):
    """The Reviewers page screens open cases from plain rows (not model objects): a treating provider added
    after assignment under another spelling, a second reviewer's employer conflict, a closed case ignored."""
    first, second = reviewer_with_credentials(), reviewer_with_credentials()
    late = eligible_case()
    services.assign(late, first, by=admin_user)
    affiliate(first, "Roe, Chris MD", kind="provider")
    TreatingProviderFactory(case=late, name="Dr. Chris Roe", requesting=False)
    employer = eligible_case(employer="Northwind Traders")
    services.assign(employer, second, by=admin_user)
    affiliate(second, "Northwind Traders Inc.")
    closed = AssignmentFactory(reviewer=second, case__status="closed", case__employer="Northwind Traders")
    body = admin_client.get(reverse("reviews:assignment:reviewers")).content.decode()
    assert (
        f"{late.case_number}</a> · {first}: Declared affiliation (provider) “Roe, Chris MD” matches the "
        "case&#x27;s treating provider “Dr. Chris Roe”"
    ) in body
    assert (
        f"{employer.case_number}</a> · {second}: Declared affiliation (employer) “Northwind Traders Inc.” "
        "matches the case&#x27;s employer “Northwind Traders”"
    ) in body
    assert closed.case.case_number not in body


def test_deactivating_a_reviewer_shows_its_open_cases(admin_client, admin_user):
    reviewer = reviewer_with_credentials()
    case = eligible_case()
    services.assign(case, reviewer, by=admin_user)
    url = reverse("reviews:assignment:reviewer_activation", args=[reviewer.pk])
    response = admin_client.post(url, {"reason": "Retired"}, follow=True)
    body = response.content.decode()
    assert f"reassign its open cases: {case.case_number}" in body
    assert "Open cases of reviewers who are no longer eligible" in body
    reviewer.refresh_from_db()
    assert not reviewer.is_active and reviewer.deactivation_reason == "Retired"
    response = admin_client.post(url, {"reason": ""}, follow=True)
    assert "Reason: give a reason to deactivate" in response.content.decode()


def test_bulk_assignment_screens_each_case(admin_client):
    ok, conflicting = eligible_case(), eligible_case(employer="Northwind Traders")
    reviewer = reviewer_with_credentials()
    affiliate(reviewer, "Northwind Traders, Inc.")
    url = reverse("reviews:assignment:bulk")
    page = admin_client.get(url, {"cases": [ok.case_number, conflicting.case_number]}).content.decode()
    assert "Conflict of interest" in page  # shown before anything is assigned
    response = admin_client.post(
        url, {"cases": [ok.case_number, conflicting.case_number], "reviewer": reviewer.pk}
    )
    body = response.content.decode()
    assert "1 of 2 case(s) assigned." in body
    assert ok.assignments.get(active=True).reviewer == reviewer
    assert not conflicting.assignments.exists()


def test_bulk_assignment_without_a_reviewer_keeps_the_selection(admin_client):
    case = eligible_case()
    response = admin_client.post(reverse("reviews:assignment:bulk"), {"cases": [case.case_number]})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Expert reviewer: This field is required." in body
    assert f'value="{case.case_number}"' in body


def test_admin_site_refuses_a_conflicting_assignment(admin_client):
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    affiliate(reviewer, "example distribution co")
    url = reverse("admin:reviews_assignment_add")
    response = admin_client.post(url, {"case": case.pk, "reviewer": reviewer.pk, "reason": ""})
    assert response.status_code == 200
    assert "Conflict of interest" in response.content.decode()
    assert not Assignment.objects.exists()


def test_admin_site_assignment_goes_through_the_service(
    admin_client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    url = reverse("admin:reviews_assignment_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"case": case.pk, "reviewer": reviewer.pk, "reason": "From admin"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "assigned"
    assert AssignmentEvent.objects.get(case=case).reason == "From admin"
    assert len(mailoutbox) == 1
    # A second one for the same case is refused by the form, not by a database error.
    other = reviewer_with_credentials()
    response = admin_client.post(url, {"case": case.pk, "reviewer": other.pk})
    assert response.status_code == 200
    assert "already assigned" in response.content.decode()


def test_admin_site_refuses_an_expired_reviewer(admin_client):
    case = eligible_case()
    reviewer = reviewer_with_credentials(states=())
    LicenseFactory(reviewer=reviewer, expires_on=datetime.date.today() - datetime.timedelta(days=3))
    response = admin_client.post(
        reverse("admin:reviews_assignment_add"), {"case": case.pk, "reviewer": reviewer.pk}
    )
    assert "California license expired on" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_due_date_shown_follows_the_case_when_the_records_complete(
    admin_client, admin_user, reviewer, mailoutbox
):
    """The panel, the accept page and the e-mail read the case's due date: no stale copy."""
    from django.utils import timezone

    from cases.services import set_records_complete

    today = timezone.localdate()
    case = eligible_case(records_complete_date=None, received_date=today - datetime.timedelta(days=10))
    assignment = services.assign(case, reviewer, by=admin_user)
    set_records_complete(case, today)
    new_due = today + datetime.timedelta(days=30)
    case.refresh_from_db()
    assert case.due_date == new_due
    shown = f"{new_due:%b} {new_due.day}, {new_due.year}"

    panel = admin_client.get(reverse("reviews:assignment:panel", args=[case.case_number])).content.decode()
    assert f"due {shown}" in panel
    reviewer_client = Client()
    log_in(reviewer_client, reviewer.user)
    accept_page = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number])).content.decode()
    assert f"determination due {shown}" in accept_page
    services.notify_assigned(Assignment.objects.get(pk=assignment.pk))
    assert f"Determination due: {new_due:%B} {new_due.day}, {new_due.year}" in mailoutbox[-1].body


# -- the reviewer's accept / decline ------------------------------------------------------------------


def test_reviewer_accepts_with_attestation(reviewer_client, reviewer, admin_user):
    assignment = services.assign(eligible_case(), reviewer, by=admin_user)
    url = reverse("reviews:assignment:accept", args=[assignment.pk])
    refused = reviewer_client.post(url, {}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "Tick the attestation to accept" in refused.content.decode()
    accepted = reviewer_client.post(url, {"attest_no_conflict": "on"}, HTTP_HX_REQUEST="true")
    assert accepted.status_code == 200
    assert "no conflict of interest attested" in accepted.content.decode()
    assignment.refresh_from_db()
    assert assignment.conflict_attested_at is not None


def test_reviewer_declares_a_conflict_and_the_case_returns(reviewer_client, reviewer, admin_user):
    case = eligible_case()
    assignment = services.assign(case, reviewer, by=admin_user)
    url = reverse("reviews:assignment:decline", args=[assignment.pk])
    missing = reviewer_client.post(
        url, {"conflict": "on", "conflicting_party": "Roe"}, HTTP_HX_REQUEST="true"
    )
    assert missing.status_code == 422
    assert "Reason for declining: give a reason" in missing.content.decode()
    assert 'value="Roe"' in missing.content.decode()
    response = reviewer_client.post(url, {"reason": "Former partner", "conflict": "on"}, follow=True)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "eligible"
    assert AssignmentEvent.objects.filter(case=case, action="conflict_declared").exists()


def test_another_reviewers_assignment_answers_404(client, admin_user):
    mine = reviewer_with_credentials()
    theirs = services.assign(eligible_case(), reviewer_with_credentials(), by=admin_user)
    log_in(client, mine.user)
    for name in ("accept", "decline"):
        url = reverse(f"reviews:assignment:{name}", args=[theirs.pk])
        assert client.post(url, {"attest_no_conflict": "on", "reason": "x"}).status_code == 404
        assert client.post(reverse(f"reviews:assignment:{name}", args=[999999]), {}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.accepted_at is None and theirs.active


def test_accept_decline_partial_renders_for_an_include(reviewer, admin_user):
    from django.template.loader import render_to_string

    assignment = services.assign(eligible_case(), reviewer, by=admin_user)
    html = render_to_string("reviews/assignment/_accept_decline.html", {"assignment": assignment})
    assert reverse("reviews:assignment:accept", args=[assignment.pk]) in html
    assert "I attest that I have no material professional, familial or financial affiliation" in html


# -- query counts -------------------------------------------------------------------------------------


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def _reviewer_with_open_case(**kwargs):
    reviewer = reviewer_with_credentials(**kwargs)
    AssignmentFactory(reviewer=reviewer)
    affiliate(reviewer, "Unrelated Co")
    return reviewer


def test_reviewers_page_query_count_is_constant(admin_client):
    url = reverse("reviews:assignment:reviewers")
    for _ in range(2):
        _reviewer_with_open_case()
    few = _count(admin_client, url)
    for _ in range(6):
        reviewer = _reviewer_with_open_case(is_active=False)
        TreatingProviderFactory(case=AssignmentFactory(reviewer=reviewer).case, name="Unrelated Co")
    body = admin_client.get(url).content.decode()
    assert "Open cases of reviewers who are no longer eligible" in body
    assert "Conflicts found after assignment" in body
    assert _count(admin_client, url) == few


def test_case_panel_query_count_does_not_grow_with_reviewers(admin_client):
    case = eligible_case()
    url = reverse("reviews:assignment:panel", args=[case.case_number])
    for _ in range(2):
        _reviewer_with_open_case()
    few = _count(admin_client, url)
    for _ in range(6):
        _reviewer_with_open_case()
    assert _count(admin_client, url) == few


def test_case_list_with_bulk_checkboxes_query_count_is_constant(admin_client):
    url = reverse("cases:list")
    for _ in range(2):
        CaseFactory()
    few = _count(admin_client, url)
    for _ in range(6):
        CaseFactory()
    response = admin_client.get(url)
    assert _count(admin_client, url) == few
    assert 'form="bulk"' in response.content.decode()


def test_bulk_page_query_count_does_not_grow_with_reviewers(admin_client):
    cases = [eligible_case().case_number for _ in range(3)]
    url = reverse("reviews:assignment:bulk")
    for _ in range(2):
        _reviewer_with_open_case()
    few = _count(admin_client, url, cases=cases)
    for _ in range(6):
        _reviewer_with_open_case()
    assert _count(admin_client, url, cases=cases) == few


def test_admin_site_pages_for_reviewers_and_assignments_render(admin_client):
    assignment = AssignmentFactory(reviewer=reviewer_with_credentials(hours_per_week=4))
    for url in [
        reverse("admin:reviews_assignment_changelist"),
        reverse("admin:reviews_assignment_add"),
        reverse("admin:reviews_assignment_change", args=[assignment.pk]),
        reverse("admin:reviews_reviewerprofile_changelist"),
        reverse("admin:reviews_reviewerprofile_change", args=[assignment.reviewer.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url
    changelist = admin_client.get(reverse("admin:reviews_reviewerprofile_changelist")).content.decode()
    assert "Not eligible: 4 hours a week in active practice" in changelist
    # An existing assignment is read-only in the admin site: posting changes nothing.
    other = reviewer_with_credentials()
    admin_client.post(
        reverse("admin:reviews_assignment_change", args=[assignment.pk]), {"reviewer": other.pk, "active": ""}
    )
    assignment.refresh_from_db()
    assert assignment.reviewer != other and assignment.active


@pytest.mark.django_db(transaction=True)
def test_the_page_says_emailed_only_when_the_email_went_out(settings):
    """A real SMTP failure (nothing listens on port 1): the assignment stands, the page says so."""
    from tests.factories import AdminUserFactory

    client = Client()
    log_in(client, AdminUserFactory())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    url = reverse("reviews:assignment:assign", args=[case.case_number])
    page = client.post(url, {"reviewer": reviewer.pk, "reason": ""}, follow=True).content.decode()
    assert case.assignments.get(active=True).reviewer == reviewer
    assert "emailed" not in page
    assert "the e-mail could NOT be sent" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    other = eligible_case()
    url = reverse("reviews:assignment:assign", args=[other.case_number])
    page = client.post(url, {"reviewer": reviewer.pk, "reason": ""}, follow=True).content.decode()
    assert f"Case {other.case_number} assigned to {reviewer}; emailed." in page


@pytest.mark.django_db(transaction=True)
def test_the_reviewers_list_is_shared_between_requests_until_a_reviewer_changes(admin_client):
    """Outside a transaction the assignment pages read the reviewers from Redis (4 fewer queries); a
    conflict declared since shows on the next request, without waiting for the cache to expire."""
    client = admin_client
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    url = reverse("reviews:assignment:panel", args=[case.case_number])
    first = _count(client, url)
    assert _count(client, url) == first - 4  # reviewers, licenses, certifications, affiliations
    affiliate(reviewer, "Example Distribution Company")
    assert "Conflict of interest" in client.get(url).content.decode()
    Affiliation.objects.filter(reviewer=reviewer).delete()
    assert "Conflict of interest" not in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_provider_added_after_assignment_shows_on_the_reviewers_page_at_once(admin_client, admin_user):
    """The Reviewers page's open assignments are shared for a minute, but read again after a change."""
    case = eligible_case()
    reviewer = reviewer_with_credentials()
    services.assign(case, reviewer, by=admin_user)
    affiliate(reviewer, "Roe, Chris MD", kind="provider")
    url = reverse("reviews:assignment:reviewers")
    assert "Conflicts found after assignment" not in admin_client.get(url).content.decode()
    fewer = _count(admin_client, url)
    TreatingProviderFactory(case=case, name="Dr. Chris Roe", requesting=False)
    page = admin_client.get(url).content.decode()
    assert f"{case.case_number}</a> · {reviewer}: Declared affiliation (provider)" in page
    assert _count(admin_client, url) == fewer
