"""The cases, people and objects the access-matrix test (tests/test_access_matrix.py) asks every URL about.

Two cases, so that every role of ``imr_site.access`` has its own view of one real case:

- case A, the seed case: assigned to and accepted by reviewer R1, signed off (version 1, its letter ready),
  then amended by an administrator (version 2, a draft R1 is writing);
- case P: assigned to reviewer R2, who has not accepted yet; it holds a signed version 1 with a ready
  letter and a record PDF, so that what R2 may not see yet exists to be refused.

Each role's URLs name its own case: R2's name case P, everyone else's case A.

The claims administrators' portal (``parties``): organisation O answers for case A's claims administrator;
its portal user and its organisation administrator ask about case A, a record O uploaded to it and a
webhook delivery of O's. The administrator of another organisation (answering for case P's claims
administrator) asks about those same objects of O's, which must not exist for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from imr_site import access
from tests import factories


@dataclass
class World:
    users: dict[str, object]
    kwargs: dict[str, dict[str, object]]


def _case_kwargs(case, version: int, assignment, reviewer, record) -> dict[str, object]:
    return {
        "case_number": case.case_number,
        "version": version,
        "assignment_id": assignment.pk,
        "reviewer_id": reviewer.pk,
        "record_id": record.pk,
        "item_id": case.disputed_items.order_by("position").first().pk,
    }


def _ready_letter(review):
    from reviews.models import DeterminationLetter, LetterStatus

    letter = DeterminationLetter.objects.create(
        case=review.case, review=review, version=1, status=LetterStatus.READY, html="<p>letter</p>"
    )
    letter.file.save("letter.pdf", ContentFile(factories.pdf_bytes()), save=False)
    DeterminationLetter.objects.filter(pk=letter.pk).update(file=letter.file.name, rendered_at=timezone.now())
    return letter


def build_world() -> World:
    from cases.intake import EXAMPLE_CASE_PATH, import_file
    from cases.models import SavedFilter
    from imr_site.roles import SECURITY_OFFICER, ensure_roles
    from parties.models import (
        ClaimsAdministratorName,
        ClaimsAdministratorOrganisation,
        RecordsRequest,
        RecordUpload,
        WebhookDelivery,
        WebhookSubscription,
    )
    from parties.organisations import add_portal_user
    from reviews.workspace.amendments import amend
    from tests.seed_determination import sign_seed_review

    ensure_roles()
    administrator = factories.AdminUserFactory(username="matrix-admin")
    r1 = factories.reviewer_with_credentials(states=("CA", "TX", "NY"), specialties=("preventive_medicine",))
    r2 = factories.reviewer_with_credentials(states=("CA",), specialties=("orthopedic_surgery",))
    r3 = factories.reviewer_with_credentials(states=("CA",), specialties=("orthopedic_surgery",))
    qa = factories.QAUserFactory(username="matrix-qa")
    officer = factories.UserFactory(username="matrix-security", is_staff=True)
    officer.groups.add(Group.objects.get(name=SECURITY_OFFICER))
    superuser = factories.UserFactory(username="matrix-super", is_staff=True, is_superuser=True)

    # Case A: signed by R1 with its letter ready (the render itself is the letter tests' business), then
    # amended.
    report = import_file(EXAMPLE_CASE_PATH)
    assert report.ok, report.lines()
    case_a = report.imported[0].case
    signed = sign_seed_review(case_a, r1)
    _ready_letter(signed)
    amend(case_a, by=administrator, reason="Matrix: an amendment in progress")
    record_a = case_a.records.exclude(file="").order_by("position").first() or case_a.records.first()
    if not record_a.file:
        record_a.file.save("record.pdf", ContentFile(factories.pdf_bytes()), save=True)

    # Case P: R2 assigned, not accepted; a signed version 1 and its ready letter exist.
    case_p = factories.CaseFactory(status="assigned", claims_administrator="Other Matrix Claims Services")
    factories.DisputedItemFactory(case=case_p, position=0)
    record_p = factories.MedicalRecordFactory(case=case_p)
    record_p.file.save("record.pdf", ContentFile(factories.pdf_bytes()), save=True)
    pending = factories.AssignmentFactory(case=case_p, reviewer=r2)
    review_p = factories.SignedReviewFactory(case=case_p, reviewer=r2)
    _ready_letter(review_p)

    a_kwargs = _case_kwargs(case_a, 1, signed.assignment, r1, record_a)
    # Each administrator's own saved case-list filter (cases.SavedFilter is owned by its user alone), and a
    # real report.
    a_kwargs |= {"key": "turnaround-by-month"}
    filters = {
        role: SavedFilter.objects.create(user=user, name="Matrix", querystring="status=assigned").pk
        for role, user in ((access.ADMINISTRATOR, administrator), (access.SUPERUSER, superuser))
    }

    # The portal: organisation O answers for case A, another organisation for case P.
    own = ClaimsAdministratorOrganisation.objects.create(name="Matrix Claims")
    ClaimsAdministratorName.objects.create(organisation=own, name=case_a.claims_administrator)
    other = ClaimsAdministratorOrganisation.objects.create(name="Other Matrix Claims")
    ClaimsAdministratorName.objects.create(organisation=other, name=case_p.claims_administrator)
    portal_user = add_portal_user(
        own, username="matrix-portal", email="portal@example.com", password="x-Matrix-1"
    )
    portal_admin = add_portal_user(
        own,
        username="matrix-portal-admin",
        email="padmin@example.com",
        password="x-Matrix-1",
        is_organisation_admin=True,
    )
    other_admin = add_portal_user(
        other,
        username="matrix-other-portal",
        email="other@example.com",
        password="x-Matrix-1",
        is_organisation_admin=True,
    )
    RecordUpload.objects.create(record=record_a, organisation=own, by=portal_user, file_name="record.pdf")
    # The records request sent to O for case A, with its notice.
    notice = RecordsRequest.objects.create(case=case_a, requested_on=timezone.localdate())
    notice.notice.save("notice.pdf", ContentFile(factories.pdf_bytes()), save=False)
    RecordsRequest.objects.filter(pk=notice.pk).update(notice=notice.notice.name)
    subscription = WebhookSubscription.objects.create(
        organisation=own, url="https://claims.example.com/hook", events=["case.updated"]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="case.updated", payload={})
    portal_kwargs = a_kwargs | {
        "user_id": portal_user.pk,
        "delivery_id": delivery.pk,
        "webhook_id": subscription.pk,
    }
    users = {
        access.ANONYMOUS: None,
        access.ADMINISTRATOR: administrator,
        access.REVIEWER: r1.user,
        access.PENDING_REVIEWER: r2.user,
        access.OTHER_REVIEWER: r3.user,
        access.QA: qa,
        access.SECURITY_OFFICER: officer,
        access.SUPERUSER: superuser,
        access.PORTAL_USER: portal_user,
        access.PORTAL_ADMIN: portal_admin,
        access.OTHER_PORTAL_ADMIN: other_admin,
    }
    kwargs = dict.fromkeys(users, a_kwargs)
    kwargs[access.PENDING_REVIEWER] = _case_kwargs(case_p, 1, pending, r2, record_p)
    for role in (access.PORTAL_USER, access.PORTAL_ADMIN, access.OTHER_PORTAL_ADMIN):
        kwargs[role] = portal_kwargs
    for role, filter_id in filters.items():
        kwargs[role] = kwargs[role] | {"filter_id": filter_id}
    return World(users=users, kwargs=kwargs)
