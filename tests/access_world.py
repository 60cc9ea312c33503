"""The cases, people and objects the access-matrix test (tests/test_access_matrix.py) asks every URL about.

Two cases, so that every role of ``imr_site.access`` has its own view of one real case:

- case A, the seed case: assigned to and accepted by reviewer R1, signed off (version 1, its letter ready),
  then amended by an administrator (version 2, a draft R1 is writing);
- case P: assigned to reviewer R2, who has not accepted yet; it holds a signed version 1 with a ready
  letter and a record PDF, so that what R2 may not see yet exists to be refused.

Each role's URLs name its own case: R2's name case P, everyone else's case A.
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
    from imr_site.roles import SECURITY_OFFICER, ensure_roles
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
    case_p = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case_p, position=0)
    record_p = factories.MedicalRecordFactory(case=case_p)
    record_p.file.save("record.pdf", ContentFile(factories.pdf_bytes()), save=True)
    pending = factories.AssignmentFactory(case=case_p, reviewer=r2)
    review_p = factories.SignedReviewFactory(case=case_p, reviewer=r2)
    _ready_letter(review_p)

    a_kwargs = _case_kwargs(case_a, 1, signed.assignment, r1, record_a)
    users = {
        access.ANONYMOUS: None,
        access.ADMINISTRATOR: administrator,
        access.REVIEWER: r1.user,
        access.PENDING_REVIEWER: r2.user,
        access.OTHER_REVIEWER: r3.user,
        access.QA: qa,
        access.SECURITY_OFFICER: officer,
        access.SUPERUSER: superuser,
    }
    kwargs = dict.fromkeys(users, a_kwargs)
    kwargs[access.PENDING_REVIEWER] = _case_kwargs(case_p, 1, pending, r2, record_p)
    return World(users=users, kwargs=kwargs)
