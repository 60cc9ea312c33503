"""The portal: a user sees its organisation's cases only (404 for the rest), uploads records (several, and
in bulk by file-name prefix), reads the event log; the organisation administrator manages users."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import MedicalRecord
from parties.models import Membership, PortalEvent
from tests import factories
from tests.auth import log_in


def pdf(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or factories.pdf_bytes(), content_type="application/pdf")


def test_a_portal_user_lists_its_cases_and_never_reaches_another_organisations(
    client, portal_user, own_case, other_case
):
    log_in(client, portal_user)
    assert client.get("/").url == "/portal/"
    page = client.get("/portal/").content.decode()
    assert own_case.case_number in page and other_case.case_number not in page
    assert client.get(f"/portal/cases/{own_case.case_number}/").status_code == 200
    for path in ["/", "records-request.pdf", "determination.pdf"]:
        assert client.get(f"/portal/cases/{other_case.case_number}/{path.lstrip('/')}").status_code == 404
    assert (
        client.post(
            f"/portal/cases/{other_case.case_number}/", {"files": pdf("a.pdf"), "kind": "other"}
        ).status_code
        == 404
    )


def test_a_portal_user_has_no_way_into_the_imr_pages(client, portal_user, own_case):
    log_in(client, portal_user)
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{own_case.case_number}/").status_code in (403, 404)


def test_imr_staff_and_reviewers_are_not_portal_users(admin_client, own_case):
    assert admin_client.get("/portal/").status_code == 403


def test_several_pdfs_upload_at_once_and_each_is_checked(client, portal_user, own_case):
    log_in(client, portal_user)
    response = client.post(
        f"/portal/cases/{own_case.case_number}/",
        {
            "files": [pdf("notes.pdf"), pdf("fake.pdf", b"not a pdf"), pdf("imaging.pdf")],
            "kind": "progress_note",
        },
    )
    assert response.status_code == 200
    assert "fake.pdf: not a PDF" in response.content.decode()
    assert sorted(MedicalRecord.objects.filter(case=own_case).values_list("title", flat=True)) == [
        "imaging",
        "notes",
    ]
    log = client.get(f"/portal/cases/{own_case.case_number}/").content.decode()
    assert "Uploaded a record" in log and "ca.user" in log


def test_bulk_upload_sends_each_file_to_the_case_its_name_starts_with(
    client, portal_user, own_case, other_case
):
    second = factories.CaseFactory()
    log_in(client, portal_user)
    response = client.post(
        "/portal/upload/",
        {
            "files": [
                pdf(f"{own_case.case_number} Medical Records.pdf"),
                pdf(f"{second.case_number} PT notes.pdf"),
                pdf(f"{other_case.case_number} Medical Records.pdf"),
                pdf("records.pdf"),
            ]
        },
    )
    html = response.content.decode()
    assert MedicalRecord.objects.get(case=own_case).title == "Medical Records"
    assert MedicalRecord.objects.get(case=second).title == "PT notes"
    assert not MedicalRecord.objects.filter(case=other_case).exists()
    assert f"no open case {other_case.case_number} for your organisation" in html
    assert "does not start with a case number" in html


def test_the_event_log_shows_the_organisations_own_reads_and_downloads(client, portal_user, own_case):
    log_in(client, portal_user)
    client.post(f"/portal/cases/{own_case.case_number}/", {"files": pdf("n.pdf"), "kind": "other"})
    record = MedicalRecord.objects.get(case=own_case)
    assert client.get(f"/portal/cases/{own_case.case_number}/records/{record.pk}/file/").status_code == 200
    actions = list(PortalEvent.objects.filter(case=own_case).values_list("action", flat=True))
    assert set(actions) >= {"upload_record", "download_record"}


def test_the_organisation_admin_adds_and_deactivates_users(client, portal_admin, portal_user, other_org):
    log_in(client, portal_user)
    assert client.get("/portal/users/").status_code == 403
    log_in(client, portal_admin)
    response = client.post("/portal/users/", {"username": "ca.new", "email": "new@example.org"})
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="ca.new")
    assert membership.organisation == portal_admin.membership.organisation
    assert not membership.user.has_usable_password()
    taken = client.post("/portal/users/", {"username": "ca.new", "email": "x@example.org"})
    assert "is taken" in taken.content.decode()
    client.post(f"/portal/users/{portal_user.pk}/active/", {"active": "0"})
    portal_user.refresh_from_db()
    assert not portal_user.is_active
    other_user = factories.UserFactory()
    Membership.objects.create(user=other_user, organisation=other_org)
    assert client.post(f"/portal/users/{other_user.pk}/active/", {"active": "0"}).status_code == 404


def test_a_reviewer_never_sees_who_uploaded_a_record(client, portal_user, org, seed_case):
    from parties.records import upload_record
    from tests.reviews.letters.helpers import seed_reviewer
    from tests.seed_determination import sign_seed_review

    upload_record(
        seed_case,
        by=portal_user,
        organisation=org,
        content=factories.pdf_bytes(),
        file_name="Imaging report.pdf",
    )
    reviewer = seed_reviewer()
    sign_seed_review(seed_case, reviewer, signed=False)
    log_in(client, reviewer.user)
    page = "".join(  # the workspace and its records list, which loads on demand
        client.get(url).content.decode()
        for url in (
            f"/reviews/cases/{seed_case.case_number}/",
            f"/reviews/cases/{seed_case.case_number}/records/",
        )
    )
    assert "Imaging report" in page  # the record is in the case file
    for identifying in [portal_user.username, portal_user.email, org.name]:
        assert identifying not in page


def test_the_commands_add_an_organisations_administrator_and_api_client(org):
    from io import StringIO

    import pytest
    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("add_portal_user", org.name, "first.admin", "first@example.org", "--admin", stdout=out)
    assert Membership.objects.get(user__username="first.admin").is_organisation_admin
    call_command("create_api_client", org.name, "Claims system", stdout=out)
    assert "client_secret: " in out.getvalue()
    with pytest.raises(CommandError, match="no active organisation"):
        call_command("create_api_client", "Nobody", "x", stdout=out)


def test_administrators_manage_organisations_and_their_names_in_the_admin_site(admin_client):
    from parties.models import ClaimsAdministratorOrganisation

    for path in ["portalevent", "recordsrequest", "webhookdelivery", "determinationdelivery"]:
        assert admin_client.get(f"/admin/parties/{path}/").status_code == 200
    form = {
        "name": "New Claims Org",
        "names-TOTAL_FORMS": "1",
        "names-INITIAL_FORMS": "0",
        "names-0-name": "New Claims Co.",
        "active": "on",
    }
    assert admin_client.post("/admin/parties/claimsadministratororganisation/add/", form).status_code == 302
    organisation = ClaimsAdministratorOrganisation.objects.get(name="New Claims Org")
    assert list(organisation.names.values_list("name", flat=True)) == ["New Claims Co."]
    clash = {**form, "name": "Another", "names-0-name": "New Claims Co."}
    response = admin_client.post("/admin/parties/claimsadministratororganisation/add/", clash)
    assert response.status_code == 200 and "already exists" in response.content.decode()
