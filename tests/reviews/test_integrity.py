"""Issue 10: determinations cannot be forged or altered, and each role holds only what it needs.

Each test names the finding it proves; each failed on the code before the fix.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from cases.models import DeterminationFixedError
from cases.services import CaseInputError, add_medical_record, transition_case
from reviews.assignment import services as assignment_services
from reviews.models import DeterminationLetter, Review, ReviewStatus
from reviews.workspace import amendments, signoff
from reviews.workspace.errors import WorkspaceError
from tests import factories
from tests.auth import log_in
from tests.reviews.conftest import complete


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def signed(review):
    complete(review)
    return signoff.sign_off(review, by=review.reviewer.user)


# -- the admin site can fabricate a signed determination, or re-point a letter -----------------------
@pytest.mark.parametrize("who", ["administrator", "superuser"])
def test_the_admin_site_cannot_add_or_change_reviews_letters_or_their_history(
    client, who, admin_user, superuser, review
):
    log_in(client, admin_user if who == "administrator" else superuser)
    other_case = factories.CaseFactory()
    forged = {
        "case": review.case.pk,
        "version": 2,
        "reviewer": review.reviewer.pk,
        "status": "signed",
        "signed_by": admin_user.pk,
        "clinical_summary": "Forged.",
    }
    assert client.post(reverse("admin:reviews_review_add"), forged).status_code == 403
    change = reverse("admin:reviews_review_change", args=[review.pk])
    assert client.get(change).status_code == 200  # shown, read-only
    assert client.post(change, {**forged, "version": 1}).status_code == 403
    assert (
        client.post(reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}).status_code
        == 403
    )
    review.refresh_from_db()
    assert (review.status, review.clinical_summary, Review.objects.count()) == ("draft", "", 1)

    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1, status="ready")
    moved = {"case": other_case.pk, "review": review.pk, "version": 9, "status": "ready"}
    assert client.post(reverse("admin:reviews_determinationletter_add"), moved).status_code == 403
    letter_change = reverse("admin:reviews_determinationletter_change", args=[letter.pk])
    assert client.post(letter_change, moved).status_code == 403
    letter.refresh_from_db()
    assert (letter.case_id, letter.version) == (review.case_id, 1)

    for name in ["assignmentevent", "letterdownload"]:
        url = reverse(f"admin:reviews_{name}_add") if name == "assignmentevent" else None
        if url:
            assert client.post(url, {}).status_code == 403


# -- signed content is fixed: a change needs an amendment ------------------------------------------
def test_disputed_items_parties_and_records_cannot_change_after_sign_off(signed, admin_user):
    case = signed.case
    item = case.disputed_items.first()
    item.description = "Something else"
    with pytest.raises(DeterminationFixedError, match="disputed items cannot change. Amend"):
        item.save()
    with pytest.raises(DeterminationFixedError):
        item.delete()
    with pytest.raises(DeterminationFixedError, match="parties"):
        factories.TreatingProviderFactory(case=case)
    with pytest.raises(CaseInputError, match="medical records cannot change") as refused:
        add_medical_record(case, title="Late note", kind="other", text="x")
    assert refused.value.field == "title"
    case.refresh_from_db()
    case.claims_administrator = "Another Claims Co"
    with pytest.raises(DeterminationFixedError, match="its claims administrator cannot change"):
        case.save()
    # The workflow still moves: closing the case changes no content.
    transition_case(case, "close", by=admin_user)
    case.refresh_from_db()
    assert case.status == "closed"


def test_the_case_page_refuses_records_while_the_determination_is_with_qa(review, settings, admin_client):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    n = review.case.case_number
    response = admin_client.post(
        reverse("cases:records_complete", args=[n]),
        {"records_complete_date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert (
        "determination in quality assurance: its records-complete date cannot change"
        in response.content.decode()
    )
    response = admin_client.post(
        reverse("cases:add_record", args=[n]), {"title": "Late note", "kind": "other", "text": "Arrived late"}
    )
    assert response.status_code == 400
    assert "its medical records cannot change. Amend the determination first" in response.content.decode()
    assert not review.case.records.filter(title="Late note").exists()


def test_an_amendment_reopens_the_case_for_changes(signed, admin_user):
    amendments.amend(signed.case, by=admin_user, reason="Item description was mistyped")
    item = signed.case.disputed_items.first()
    item.description = "Physical therapy, lumbar spine"
    item.save()
    assert signed.case.disputed_items.filter(description="Physical therapy, lumbar spine").exists()


def test_the_admin_site_shows_a_signed_case_read_only(signed, admin_client):
    case = signed.case
    url = reverse("admin:cases_case_change", args=[case.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"claims_administrator": "Changed"}).status_code == 403
    case.refresh_from_db()
    assert case.claims_administrator == "Example Claims Services"


def test_a_reassigned_amendment_is_continued_by_a_version_that_amends_the_same_signed_one(signed, admin_user):
    amendment = amendments.amend(signed.case, by=admin_user, reason="Item description was mistyped")
    newcomer = factories.reviewer_with_credentials()
    assignment_services.reassign(signed.case, newcomer, by=admin_user, reason="Reviewer on leave")
    amendment.refresh_from_db()
    assert amendment.status == ReviewStatus.VOIDED

    assignment_services.accept_assignment(signed.case.assignments.active().get(), by=newcomer.user)
    successor = signed.case.reviews.live().get()
    assert successor.version == amendment.version + 1
    assert successor.supersedes == signed, "links back to the signed version it amends"
    assert (successor.amendment_reason, successor.amended_by) == ("Item description was mistyped", admin_user)


# -- reassignment during review or QA --------------------------------------------------------------
def test_reassigning_during_qa_voids_the_review_and_the_new_reviewer_signs_its_own_version(
    review, qa_user, admin_user, settings, client
):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    removed = review.reviewer
    newcomer = factories.reviewer_with_credentials()
    assignment_services.reassign(review.case, newcomer, by=admin_user, reason="Reviewer on leave")

    review.refresh_from_db()
    assert review.status == ReviewStatus.VOIDED
    assert review.voided_by == admin_user and "Reviewer on leave" in review.void_reason
    with pytest.raises(WorkspaceError, match="not waiting for QA"):
        signoff.qa_approve(review, by=qa_user)
    assert not DeterminationLetter.objects.exists()

    # The removed reviewer no longer sees the case, its records or its letters.
    log_in(client, removed.user)
    case_number = review.case.case_number
    assert client.get(reverse("reviews:workspace", args=[case_number])).status_code == 404
    assert client.get(reverse("reviews:letter_preview", args=[case_number])).status_code == 404

    # The new reviewer accepts and starts a version of its own, empty.
    assignment = review.case.assignments.active().get()
    assignment_services.accept_assignment(assignment, by=newcomer.user)
    fresh = review.case.reviews.live().get()
    assert (fresh.version, fresh.reviewer, fresh.clinical_summary) == (2, newcomer, "")
    complete(fresh)
    signoff.sign_off(fresh, by=newcomer.user)
    signoff.qa_approve(fresh, by=qa_user)
    fresh.refresh_from_db()
    assert (fresh.status, fresh.signed_by) == (ReviewStatus.SIGNED, newcomer.user)
    letter = DeterminationLetter.objects.get()
    assert letter.review == fresh
    log_in(client, removed.user)
    download = reverse("reviews:letter_download", args=[case_number, letter.version])
    assert client.get(download).status_code == 404


def test_unassigning_voids_an_open_draft(review, admin_user):
    assignment_services.unassign(review.case, by=admin_user, reason="Wrong specialty")
    review.refresh_from_db()
    assert review.status == ReviewStatus.VOIDED
    assert review.case.reviews.live().count() == 0


def test_qa_never_signs_in_the_name_of_a_reviewer_who_no_longer_holds_the_case(review, qa_user, settings):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    # The assignment ended behind the services' back (as a broken import or a raw update could do).
    review.case.assignments.update(active=False)
    with pytest.raises(WorkspaceError, match="no longer holds case"):
        signoff.qa_approve(review, by=qa_user)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_QA


# -- a withdrawn case ------------------------------------------------------------------------------
def test_a_withdrawn_case_takes_no_drafts_and_no_sign_off_with_clear_messages(
    review, admin_user, reviewer_client
):
    complete(review)
    transition_case(review.case, "withdraw", by=admin_user, reason="Treatment authorised")
    case_number = review.case.case_number
    review.refresh_from_db()
    saved = reviewer_client.post(
        reverse("reviews:save_draft", args=[case_number]),
        {"base_revision": review.revision, "clinical_summary": "More text"},
        HTTP_ACCEPT="application/json",
    )
    assert saved.status_code == 409
    assert saved.json()["message"] == f"Case {case_number} is withdrawn: its review can no longer change."
    signed = reviewer_client.post(
        reverse("reviews:sign_off", args=[case_number]), {"base_revision": review.revision, "confirm": "on"}
    )
    # Withdrawing voided the draft: sign-off sends the reviewer back to the workspace, saying so.
    assert signed.status_code == 302
    page = reviewer_client.get(signed["Location"]).content.decode()
    assert "The review is voided: the case was reassigned or withdrawn." in page
    review.refresh_from_db()
    assert review.status == ReviewStatus.VOIDED and "More text" not in review.clinical_summary


def test_withdrawing_a_case_voids_its_open_draft_and_keeps_it_readable(review, admin_user):
    """The claims administrator authorised the treatment: the draft can never be signed, and stays."""
    complete(review)
    summary = review.clinical_summary
    transition_case(review.case, "withdraw", by=admin_user, reason="Treatment authorised")
    review.refresh_from_db()
    assert review.status == ReviewStatus.VOIDED
    assert (review.voided_by, review.void_reason) == (
        admin_user,
        "The case was withdrawn. Treatment authorised",
    )
    assert review.clinical_summary == summary
    assert review.history.first().status == ReviewStatus.VOIDED, "the change is in the review's history"


# -- before acceptance: only what is needed to accept or decline -----------------------------------
@pytest.fixture
def unaccepted(db, reviewer):
    case = factories.CaseFactory(status="assigned", diagnoses=["Secret diagnosis"])
    factories.TreatingProviderFactory(case=case, name="Jane Roe, MD")
    factories.DisputedItemFactory(case=case, description="Lumbar MRI")
    record = factories.MedicalRecordFactory(case=case, text="Confidential progress note")
    record.attach_pdf(factories.pdf_bytes())
    record.save()
    factories.AssignmentFactory(case=case, reviewer=reviewer)
    return case, record


def test_a_reviewer_who_has_not_accepted_sees_no_health_information(unaccepted, reviewer_client):
    case, record = unaccepted
    page = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number]))
    html = page.content.decode()
    assert page.status_code == 200
    for shown in [case.case_number, "Jane Roe, MD", "Lumbar MRI", "Example Distribution Co.", "Accept"]:
        assert shown in html, shown
    for hidden in ["Confidential progress note", "Secret diagnosis", "Low back strain", "45-year-old"]:
        assert hidden not in html, hidden
    n = case.case_number
    for url in [
        reverse("reviews:record_search", args=[n]) + "?q=progress",
        reverse("reviews:record_list", args=[n]),
        reverse("reviews:record_text", args=[n, record.pk]),
        reverse("cases:record_file", args=[n, record.pk]),
        reverse("reviews:checklist", args=[n]),
        reverse("reviews:review_version", args=[n, 1]),
        reverse("reviews:letter_preview", args=[n]),
    ]:
        assert reviewer_client.get(url).status_code == 403, url
    detail = reviewer_client.get(reverse("cases:detail", args=[n]))
    assert detail.status_code == 302 and detail["Location"] == reverse("reviews:workspace", args=[n])


def test_after_accepting_the_records_open(unaccepted, reviewer, reviewer_client):
    case, record = unaccepted
    assignment_services.accept_assignment(case.assignments.get(), by=reviewer.user)
    n = case.case_number
    html = reviewer_client.get(reverse("reviews:workspace", args=[n])).content.decode()
    assert "Secret diagnosis" in html
    # The records list and search load with the records pane.
    assert (
        f'data-record-id="{record.pk}"'
        in reviewer_client.get(reverse("reviews:record_list", args=[n])).content.decode()
    )
    found = reviewer_client.get(reverse("reviews:record_search", args=[n]), {"q": "confidential progress"})
    assert "1 record mentions" in found.content.decode()
    assert (
        reviewer_client.get(reverse("cases:record_file", args=[case.case_number, record.pk])).status_code
        == 200
    )


# -- least privilege: users and roles belong to the security officer -------------------------------
def test_administrators_hold_no_auth_permission_and_cannot_manage_users(admin_client, admin_user, reviewer):
    from imr_site.roles import ADMINISTRATOR

    assert (
        not Group.objects.get(name=ADMINISTRATOR).permissions.filter(content_type__app_label="auth").exists()
    )
    assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[reviewer.user.pk])
    assert (
        admin_client.post(password, {"password1": "Owned-12345!", "password2": "Owned-12345!"}).status_code
        == 403
    )
    change = reverse("admin:auth_user_change", args=[admin_user.pk])
    assert (
        admin_client.post(change, {"username": admin_user.username, "is_superuser": "on"}).status_code == 403
    )
    admin_user.refresh_from_db()
    reviewer.user.refresh_from_db()
    assert not admin_user.is_superuser
    assert reviewer.user.check_password("pw-for-tests")


def test_ensure_roles_takes_auth_permissions_away_from_an_existing_database(db):
    from imr_site.roles import ADMINISTRATOR, ensure_roles

    ensure_roles()
    admins = Group.objects.get(name=ADMINISTRATOR)
    admins.permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    ensure_roles()
    assert not admins.permissions.filter(content_type__app_label="auth").exists()
    assert admins.permissions.filter(codename="change_case").exists()


@pytest.fixture
def officer(db):
    from imr_site.roles import SECURITY_OFFICER, ensure_roles

    ensure_roles()
    user = factories.UserFactory(username="security", is_staff=True, groups=[SECURITY_OFFICER])
    return user


def test_the_security_officer_manages_users_never_superuser_and_is_recorded(client, officer, reviewer):
    from django.contrib.admin.models import LogEntry

    log_in(client, officer)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_review_changelist")).status_code == 403
    user = reviewer.user
    change = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "first_name": "Dana",
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_superuser": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.first_name == "Dana" and not user.is_superuser
    entry = LogEntry.objects.get(object_id=str(user.pk))
    assert entry.user == officer
    assert client.get(reverse("admin:admin_logentry_changelist")).status_code == 200
    log_change = reverse("admin:admin_logentry_change", args=[entry.pk])
    assert client.post(log_change, {"change_message": "nothing"}).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"}).status_code == 403


# -- browser drafts are keyed by user and case, and forgotten at logout ----------------------------
def test_browser_drafts_are_keyed_by_user_and_cleared_at_logout(review, reviewer, reviewer_client):
    html = reviewer_client.get(reverse("reviews:workspace", args=[review.case.case_number])).content.decode()
    assert f'data-storage-key="imr-review-draft:u{reviewer.user.pk}:{review.case.case_number}:v1"' in html
    assert "data-clears-drafts" in html and "js/logout.js" in html
