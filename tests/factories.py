"""factory_boy factories shared by every test package."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cases.models import Case, DisputedItem, MedicalRecord, TreatingProvider
from imr_site.roles import ADMINISTRATOR, QA, REVIEWER
from reviews.models import Assignment, Certification, License, ReviewerProfile

TODAY = datetime.date.today()


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, parseable PDF of blank US-letter pages (records are checked by parsing them)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf_bytes(pages: list[str]) -> bytes:
    """A real PDF with one page per text (WeasyPrint), whose text pypdf reads back: records to search."""
    from django.utils.html import escape
    from weasyprint import HTML

    body = "".join(
        f'<section style="page-break-after: always"><p>{escape(text)}</p></section>' for text in pages
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            _join(self, ADMINISTRATOR)


class QAUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"qa{n}")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            _join(self, QA)


def _join(user, group_name: str) -> None:
    from imr_site.roles import ensure_roles

    ensure_roles()
    user.groups.add(Group.objects.get(name=group_name))
    user.save()


class ReviewerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerProfile

    user = factory.SubFactory(
        UserFactory,
        username=factory.Sequence(lambda n: f"reviewer{n}"),
        groups=[REVIEWER],
    )
    years_in_practice = 10
    hours_per_week = 30
    max_open_cases = 10


class LicenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = License

    reviewer = factory.SubFactory(ReviewerProfileFactory)
    state = "CA"
    number = factory.Sequence(lambda n: f"A{100000 + n}")
    expires_on = TODAY + datetime.timedelta(days=365)
    verified_on = TODAY - datetime.timedelta(days=30)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    reviewer = factory.SubFactory(ReviewerProfileFactory)
    specialty = "occupational_medicine"


def reviewer_with_credentials(
    states: tuple[str, ...] = ("CA",), specialties: tuple[str, ...] = ("occupational_medicine",), **kwargs
) -> ReviewerProfile:
    profile = ReviewerProfileFactory(**kwargs)
    for state in states:
        LicenseFactory(reviewer=profile, state=state)
    for specialty in specialties:
        CertificationFactory(reviewer=profile, specialty=specialty)
    return profile


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_number = factory.Sequence(lambda n: f"CM16-{1000000 + n:07d}")
    review_type = "standard"
    received_date = TODAY - datetime.timedelta(days=10)
    records_complete_date = TODAY - datetime.timedelta(days=5)
    applicant_age = 45
    applicant_sex = "female"
    applicant_represented = True
    injury_date = TODAY - datetime.timedelta(days=400)
    injury_description = "Low back strain lifting boxes"
    body_regions = factory.LazyFunction(lambda: ["lumbar spine"])
    diagnoses = factory.LazyFunction(lambda: ["lumbar strain"])
    employer = "Example Distribution Co."
    claims_administrator = "Example Claims Services"
    ur_decision_date = TODAY - datetime.timedelta(days=20)
    ur_date_of_service = TODAY - datetime.timedelta(days=27)
    appealed_by = "attorney"


class TreatingProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatingProvider

    case = factory.SubFactory(CaseFactory)
    name = factory.Sequence(lambda n: f"Provider {n}, MD")
    specialty = "Orthopedic Surgery"
    requesting = True


class DisputedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputedItem

    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n)
    description = "Physical therapy for the lumbar spine"
    quantity = 12
    claims_administrator_guidelines = factory.LazyFunction(
        lambda: ["MTUS Chronic Pain Medical Treatment 2009"]
    )


class MedicalRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MedicalRecord

    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n)
    title = "Progress note"
    date = TODAY - datetime.timedelta(days=30)
    author = "Treating provider"
    kind = "progress_note"
    text = "Low back pain radiating to the right leg. Off work."


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    case = factory.SubFactory(CaseFactory, status="assigned")
    reviewer = factory.SubFactory(ReviewerProfileFactory)
    active = True


# --- Reviews and item decisions ---------------------------------------------------------------------------
from django.utils import timezone  # noqa: E402

from reviews.models import ItemDecision, Review  # noqa: E402


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    case = factory.SubFactory(CaseFactory)
    reviewer = factory.SubFactory(ReviewerProfileFactory)
    version = 1
    clinical_summary = "The applicant is a represented 45-year-old with chronic low back pain."
    status = "draft"


class SignedReviewFactory(ReviewFactory):
    """A review with one decision, frozen as sign-off freezes it (credentials copied from the profile)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def sign(self, create, extracted, **kwargs):
        if not create:
            return
        if not self.decisions.exists():
            ItemDecisionFactory(review=self)
        Review.objects.filter(pk=self.pk).update(
            status="signed",
            signed_at=timezone.now(),
            signed_by=self.reviewer.user,
            credentials_snapshot={
                "states": self.reviewer.licensure_states(),
                "specialties": self.reviewer.specialty_labels(),
            },
        )
        self.refresh_from_db()


class ItemDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemDecision

    review = factory.SubFactory(ReviewFactory)
    disputed_item = factory.SubFactory(DisputedItemFactory, case=factory.SelfAttribute("..review.case"))
    decision = "Upheld"
    guideline_citations = (
        "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine"
    )
    rationale = "The request exceeds the guideline's visits. Therefore, it is not medically necessary."
