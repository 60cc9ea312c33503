"""Sign-off, immutability, amendments and the optional QA step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.models import CaseTransition
from reviews.models import DeterminationLetter, FrozenReviewError, ItemDecision, QAReview, Review
from reviews.workspace import amendments, drafts, errors, signoff
from tests import factories
from tests.auth import log_in
from tests.reviews.conftest import complete

pytestmark = pytest.mark.django_db


def _signed(review) -> Review:
    complete(review)
    return signoff.sign_off(review, by=review.reviewer.user)


def test_sign_off_freezes_issues_the_determination_and_requests_the_letter(review):
    signed = _signed(review)
    assert signed.status == "signed"
    assert signed.signed_by == review.reviewer.user
    assert signed.signed_at is not None
    assert signed.credentials_snapshot == {
        "states": ["Texas", "New York", "California"],
        "specialties": ["Preventive Medicine"],
    }
    signed.case.refresh_from_db()
    assert signed.case.status == "determination_issued"
    step = CaseTransition.objects.filter(case=signed.case).last()
    assert (step.from_status, step.to_status, step.actor) == (
        "in_review",
        "determination_issued",
        signed.signed_by,
    )
    letter = DeterminationLetter.objects.get(case=signed.case)
    assert (letter.review, letter.version, letter.status) == (signed, 1, "queued")


def test_later_profile_edits_do_not_change_the_signed_credentials(review):
    """The letter of a signed review prints the credentials in force at sign-off, whatever the profile
    says later: the Texas licence and the certification it had, not the ones added afterwards."""
    from reviews.letters.rendering import render_letter_html

    signed = _signed(review)
    profile = signed.reviewer
    profile.licenses.filter(state="TX").delete()
    profile.certifications.all().delete()
    factories.LicenseFactory(reviewer=profile, state="NV")
    factories.CertificationFactory(reviewer=profile, specialty="orthopedic_surgery")
    signed = Review.objects.get(pk=signed.pk)

    html = render_letter_html(signed, signed.letters.get())
    assert "Texas, New York, California" in html
    assert "Preventive Medicine" in html
    assert "Nevada" not in html
    assert "Orthopedic Surgery" not in html


def test_sign_off_copies_what_the_knowledge_base_said_of_each_citation(review):
    """Editing the knowledge base after sign-off never changes a signed determination's sources."""
    from django.core.management import call_command

    from guidelines.models import GuidelineSection

    call_command("load_guidelines", verbosity=0)
    signed = _signed(review)
    first, second = signed.decisions.order_by("disputed_item__position")
    [pt] = first.citation_sources
    assert (pt["guideline"], pt["edition"], pt["is_mtus"], pt["matched"]) == (
        "MTUS Chronic Pain Medical Treatment",
        2009,
        True,
        True,
    )
    assert {"section": "Physical Medicine", "page": 99} in [
        {"section": s["section"], "page": s["page"]} for s in pt["sections"]
    ]
    assert second.citation_sources[0]["guideline"] == "MTUS Low Back Complaints"
    GuidelineSection.objects.filter(section="Physical Medicine", guideline__year=2009).update(page=1)
    first.refresh_from_db()
    assert 99 in [s["page"] for s in first.citation_sources[0]["sections"]]


def test_sign_off_with_failing_checks_changes_nothing(review):
    with pytest.raises(errors.ChecksFailed) as failed:
        signoff.sign_off(review, by=review.reviewer.user)
    assert any(c.key == "summary" for c in failed.value.checks if not c.passed)
    review.refresh_from_db()
    review.case.refresh_from_db()
    assert review.status == "draft"
    assert review.case.status == "in_review"
    assert not DeterminationLetter.objects.exists()


def test_a_signed_review_cannot_change_through_any_service(review):
    signed = _signed(review)
    item = signed.case.disputed_items.first()
    with pytest.raises(FrozenReviewError):
        drafts.save_draft(signed, {"clinical_summary": "changed"}, signed.revision, by=signed.reviewer.user)
    with pytest.raises(FrozenReviewError):
        signoff.sign_off(signed, by=signed.reviewer.user)
    signed.clinical_summary = "changed behind the services' back"
    with pytest.raises(FrozenReviewError):
        signed.save()
    decision = ItemDecision.objects.get(review=signed, disputed_item=item)
    decision.rationale = "changed"
    with pytest.raises(FrozenReviewError):
        decision.save()
    assert Review.objects.get(pk=signed.pk).clinical_summary != "changed behind the services' back"


def test_a_signed_review_cannot_change_through_any_view(review, reviewer_client):
    signed = _signed(review)
    case = signed.case
    before = Review.objects.get(pk=signed.pk).clinical_summary
    item = case.disputed_items.first()
    response = reviewer_client.post(
        reverse("reviews:save_draft", args=[case.case_number]),
        {
            "base_revision": signed.revision,
            "clinical_summary": "changed",
            f"item-{item.pk}-rationale": "changed",
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    response = reviewer_client.post(
        reverse("reviews:sign_off", args=[case.case_number]),
        {"confirm": "on", "base_revision": signed.revision},
    )
    assert response.status_code == 302
    page = reviewer_client.get(reverse("reviews:workspace", args=[case.case_number])).content.decode()
    assert 'id="review-form"' not in page
    assert "Signed" in page
    assert Review.objects.get(pk=signed.pk).clinical_summary == before
    assert DeterminationLetter.objects.filter(case=case).count() == 1


def test_sign_off_page_refuses_a_stale_revision(review, reviewer_client):
    complete(review)
    url = reverse("reviews:sign_off", args=[review.case.case_number])
    stale = review.revision
    drafts.save_draft(
        review, {"clinical_summary": "Edited in another tab."}, review.revision, by=review.reviewer.user
    )
    response = reviewer_client.post(url, {"confirm": "on", "base_revision": stale})
    assert response.status_code == 400
    assert "saved again" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "draft"


def test_sign_off_needs_the_confirmation(review, reviewer_client):
    complete(review)
    url = reverse("reviews:sign_off", args=[review.case.case_number])
    response = reviewer_client.post(url, {"base_revision": review.revision})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    review.refresh_from_db()
    assert review.status == "draft"


def test_sign_off_through_the_view(review, reviewer_client):
    complete(review)
    url = reverse("reviews:sign_off", args=[review.case.case_number])
    assert reviewer_client.get(url).status_code == 200
    response = reviewer_client.post(url, {"confirm": "on", "base_revision": review.revision})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "signed"


def test_administrator_cannot_sign_off_for_the_reviewer(review, admin_user):
    complete(review)
    with pytest.raises(PermissionDenied):
        signoff.sign_off(review, by=admin_user)
    review.refresh_from_db()
    assert review.status == "draft"


# -- amendments ---------------------------------------------------------------------------------------
def test_amendment_opens_a_new_version_and_keeps_the_signed_one(review, admin_user):
    signed = _signed(review)
    amendment = amendments.amend(signed.case, by=admin_user, reason="Typo in the MRI rationale")
    signed.refresh_from_db()
    assert signed.status == "superseded"
    assert (amendment.version, amendment.status, amendment.supersedes) == (2, "draft", signed)
    assert amendment.amendment_reason == "Typo in the MRI rationale"
    assert amendment.clinical_summary == signed.clinical_summary
    assert [(d.disputed_item_id, d.decision, d.rationale) for d in amendment.decisions.all()] == [
        (d.disputed_item_id, d.decision, d.rationale) for d in signed.decisions.all()
    ]
    signed.case.refresh_from_db()
    assert signed.case.status == "in_review"
    assert drafts.current_review(signed.case) == amendment


def test_amended_version_is_edited_signed_and_the_old_one_stays_readable(review, admin_user, reviewer_client):
    signed = _signed(review)
    case = signed.case
    amendment = amendments.amend(case, by=admin_user, reason="Correct the summary")
    drafts.save_draft(amendment, {"clinical_summary": "Corrected summary."}, 0, by=amendment.reviewer.user)
    v2 = signoff.sign_off(amendment, by=amendment.reviewer.user)
    assert v2.status == "signed"
    assert DeterminationLetter.objects.filter(case=case).count() == 2
    old = reviewer_client.get(reverse("reviews:review_version", args=[case.case_number, 1]))
    assert old.status_code == 200
    assert signed.clinical_summary in old.content.decode()
    assert "Superseded" in old.content.decode()
    new = reviewer_client.get(reverse("reviews:review_version", args=[case.case_number, 2]))
    assert "Corrected summary." in new.content.decode()


def test_amendment_needs_an_administrator_and_a_reason(review, admin_user):
    signed = _signed(review)
    with pytest.raises(PermissionDenied):
        amendments.amend(signed.case, by=signed.reviewer.user, reason="I changed my mind")
    with pytest.raises(errors.WorkspaceError, match="say why") as missing:
        amendments.amend(signed.case, by=admin_user, reason="  ")
    assert missing.value.field == "reason"
    assert signed.case.reviews.count() == 1


def test_amend_view_keeps_the_typed_text_on_error_and_works(review, admin_client):
    signed = _signed(review)
    url = reverse("reviews:amend", args=[signed.case.case_number])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "say why the determination is amended" in response.content.decode()
    assert admin_client.post(url, {"reason": "Wrong section cited"}).status_code == 302
    assert signed.case.reviews.count() == 2


def test_a_case_without_a_signed_review_cannot_be_amended(review, admin_user):
    with pytest.raises(errors.WorkspaceError, match="no signed determination"):
        amendments.amend(review.case, by=admin_user, reason="x")


# -- quality assurance --------------------------------------------------------------------------------
def test_with_qa_required_sign_off_goes_to_qa_and_approval_issues(review, qa_user, settings):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    submitted = signoff.sign_off(review, by=review.reviewer.user)
    assert submitted.status == "in_qa"
    submitted.case.refresh_from_db()
    assert submitted.case.status == "in_review"
    assert not DeterminationLetter.objects.exists()
    with pytest.raises(errors.WorkspaceError, match="quality assurance"):
        drafts.save_draft(
            submitted, {"clinical_summary": "x"}, submitted.revision, by=submitted.reviewer.user
        )

    approved = signoff.qa_approve(submitted, by=qa_user)
    assert approved.status == "signed"
    assert approved.signed_by == review.reviewer.user
    approved.case.refresh_from_db()
    assert approved.case.status == "determination_issued"
    assert QAReview.objects.get(review=approved).outcome == "approved"
    assert DeterminationLetter.objects.filter(review=approved).exists()


def test_qa_returns_the_draft_with_comments(review, qa_user, settings, reviewer_client):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    with pytest.raises(errors.WorkspaceError, match="say what the reviewer should change") as missing:
        signoff.qa_return(review, by=qa_user, comments="")
    assert missing.value.field == "comments"
    returned = signoff.qa_return(review, by=qa_user, comments="Cite the page for the visit limit.")
    assert returned.status == "draft"
    page = reviewer_client.get(reverse("reviews:workspace", args=[review.case.case_number])).content.decode()
    assert "Returned by quality assurance" in page
    assert "Cite the page for the visit limit." in page
    assert 'id="review-form"' in page


def test_only_qa_answers_and_not_for_its_own_review(review, qa_user, admin_user, settings):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    for user in (admin_user, review.reviewer.user):
        with pytest.raises(PermissionDenied):
            signoff.qa_approve(review, by=user)
    review.refresh_from_db()
    assert review.status == "in_qa"


def test_qa_views(review, qa_user, settings, client):
    settings.IMR_QA_REQUIRED = True
    complete(review)
    signoff.sign_off(review, by=review.reviewer.user)
    log_in(client, qa_user)
    number = review.case.case_number
    page = client.get(reverse("reviews:workspace", args=[number])).content.decode()
    assert "Return to the reviewer" in page
    assert number in client.get(reverse("reviews:dashboard")).content.decode()
    response = client.post(reverse("reviews:qa_return", args=[number]), {"comments": ""})
    assert response.status_code == 400
    assert "say what the reviewer should change" in response.content.decode()
    assert client.post(reverse("reviews:qa_approve", args=[number])).status_code == 302
    review.refresh_from_db()
    assert review.status == "signed"


def test_the_admin_site_shows_a_signed_review_read_only(review, admin_client):
    signed = _signed(review)
    url = reverse("admin:reviews_review_change", args=[signed.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="clinical_summary"' not in page.content.decode()
    response = admin_client.post(url, {"clinical_summary": "changed in the admin"})
    assert response.status_code == 403
    assert Review.objects.get(pk=signed.pk).clinical_summary != "changed in the admin"
