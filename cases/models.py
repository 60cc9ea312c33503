"""The dispute as received: the case, its parties, disputed items and medical records.

Case status is an explicit state machine (django-fsm-2); every transition is recorded in
``CaseTransition`` with who and when (see ``cases.signals``). Dates that statuses come from (due dates,
overdue) are computed in ``cases.clocks``, never typed.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from imr_site.text import no_control_characters

CASE_NUMBER_RE = r"^[A-Z]{2}[0-9]{2}-[0-9]{7,8}$"


class ReviewType(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ELIGIBILITY_REVIEW = "eligibility_review", "Eligibility review"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Ineligible"
    RECORDS_REQUESTED = "records_requested", "Records requested"
    INSUFFICIENT_RECORDS = "insufficient_records", "Insufficient records"
    ASSIGNED = "assigned", "Assigned"
    IN_REVIEW = "in_review", "In review"
    DETERMINATION_ISSUED = "determination_issued", "Determination issued"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


# The IMR organisation's claims-administrator API speaks a coarser vocabulary; map ours onto it.
EXTERNAL_STATUS = {
    CaseStatus.RECEIVED: "Received",
    CaseStatus.ELIGIBILITY_REVIEW: "Eligibility Review",
    CaseStatus.ELIGIBLE: "Eligibility Review",
    CaseStatus.INELIGIBLE: "Closed",
    CaseStatus.RECORDS_REQUESTED: "Records Requested",
    CaseStatus.INSUFFICIENT_RECORDS: "Insufficient Records",
    CaseStatus.ASSIGNED: "Clinical Review",
    CaseStatus.IN_REVIEW: "Clinical Review",
    CaseStatus.DETERMINATION_ISSUED: "Closed",
    CaseStatus.WITHDRAWN: "Closed",
    CaseStatus.CLOSED: "Closed",
}

OPEN_STATUSES = [
    CaseStatus.RECEIVED,
    CaseStatus.ELIGIBILITY_REVIEW,
    CaseStatus.ELIGIBLE,
    CaseStatus.RECORDS_REQUESTED,
    CaseStatus.INSUFFICIENT_RECORDS,
    CaseStatus.ASSIGNED,
    CaseStatus.IN_REVIEW,
]


class IneligibleReason(models.TextChoices):
    # Grounds on which an IMR application is not eligible (8 CCR 9792.10.1; Labor Code 4610.5).
    NOT_SIGNED = "not_signed", "Application not signed"
    LATE = "late", "Filed more than 30 days after the UR decision"
    NO_UR_DECISION = "no_ur_decision", "UR decision not attached"
    MISSING_INFORMATION = "missing_information", "Denial for missing information"
    LIABILITY_DISPUTED = "liability_disputed", "Liability disputed"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Unknown"


class AppealedBy(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    ATTORNEY = "attorney", "Attorney"
    PROVIDER = "provider", "Provider"


class DeterminationFixedError(Exception):
    """A change to what a signed determination (or one with QA) was made on: only an amendment, which
    reopens the case, allows it. The message is for the user."""


def check_determination_not_fixed(case_id: int | None, what: str) -> None:
    """Raise ``DeterminationFixedError`` when case ``case_id``'s determination is signed or with QA.

    The one guard behind every way to change a case's content (model saves and deletes, the admin site,
    the case page's services): signed content is changed only through an amendment."""
    if case_id is None:
        return
    from django.apps import apps

    from reviews.models.review import FIXING_STATUSES

    review = (
        apps.get_model("reviews", "Review")
        .objects.filter(case_id=case_id, status__in=FIXING_STATUSES)
        .select_related("case")
        .first()
    )
    if review is not None:
        raise DeterminationFixedError(
            f"Case {review.case.case_number} has a determination {review.get_status_display().lower()}: "
            f"its {what} cannot change. Amend the determination first (that reopens the case)."
        )


# What changes a case as a party outside the IMR organisation sees it, besides the case row itself
# (``Case.updated_at``): each is (model, timestamp field, filter). A status change, a record added (portal,
# API, intake, staff), a records request issued or found insufficient, a determination letter issued. The
# one definition of "last modified" (``CaseQuerySet.with_last_modified``, ``modified_since``): computed
# from these rows when asked, so no copy on the case can fall behind the services that add them.
CASE_CHANGE_TIMESTAMPS: tuple[tuple[str, str, dict], ...] = (
    ("cases.CaseTransition", "at", {}),
    ("cases.MedicalRecord", "received_at", {}),
    ("parties.RecordsRequest", "created_at", {}),
    ("parties.RecordsRequest", "insufficient_at", {}),
    ("reviews.DeterminationLetter", "rendered_at", {"status": "ready"}),
)


def _change_rows():
    from django.apps import apps

    for label, field, extra in CASE_CHANGE_TIMESTAMPS:
        yield apps.get_model(label).objects.filter(case=models.OuterRef("pk"), **extra).order_by(), field


class CaseQuerySet(models.QuerySet):
    def with_last_modified(self) -> CaseQuerySet:
        """Each case with ``last_modified``: the latest of its own ``updated_at`` and the times of the
        changes in ``CASE_CHANGE_TIMESTAMPS``."""
        from django.db.models.functions import Coalesce, Greatest

        latest = [
            Coalesce(
                models.Subquery(rows.values("case").annotate(m=models.Max(field)).values("m")[:1]),
                models.F("updated_at"),
            )
            for rows, field in _change_rows()
        ]
        return self.annotate(last_modified=Greatest("updated_at", *latest))

    def modified_since(self, moment: datetime.datetime) -> CaseQuerySet:
        """Cases whose ``last_modified`` is at or after ``moment``, as EXISTS tests (each on an indexed
        foreign key) so the filter does not compute every case's ``last_modified`` first."""
        changed = models.Q(updated_at__gte=moment)
        for rows, field in _change_rows():
            changed |= models.Exists(rows.filter(**{f"{field}__gte": moment}))
        return self.filter(changed)

    def visible_to(self, user) -> CaseQuerySet:
        """Cases a user may see (``cases.view_case``): administrators and QA all; a reviewer only the cases it
        is actively assigned. Every list and every case page goes through here."""
        from django.apps import apps

        from imr_site.roles import is_administrator, is_qa

        if not user.is_authenticated:
            return self.none()
        if is_administrator(user) or is_qa(user):
            return self
        held = apps.get_model("reviews", "Assignment").objects.active().held_by(user)
        return self.filter(pk__in=held.values("case"))

    def for_organisation(self, organisation) -> CaseQuerySet:
        """The cases of a claims-administrator organisation (``parties``): those whose claims administrator
        is one of the names the organisation answers for. Its portal users and API clients see these and
        nothing else (``parties.view_case`` agrees)."""
        from django.apps import apps

        if organisation is None or not organisation.active:
            return self.none()
        names = apps.get_model("parties", "ClaimsAdministratorName").objects.filter(organisation=organisation)
        return self.filter(claims_administrator__in=names.values("name"))


class Case(FSMModelMixin, models.Model):
    case_number = models.CharField(
        max_length=16,
        unique=True,
        validators=[RegexValidator(CASE_NUMBER_RE, "Case numbers look like CM15-0165834.")],
    )
    review_type = models.CharField(max_length=10, choices=ReviewType.choices, default=ReviewType.STANDARD)
    formulary_only = models.BooleanField(
        "Drug formulary dispute only",
        default=False,
        help_text="All disputed items are drugs under the MTUS Drug Formulary (shorter deadline).",
    )
    received_date = models.DateField(help_text="Date the complete application was received.")
    records_requested_date = models.DateField(null=True, blank=True)
    records_requested_electronically = models.BooleanField(default=False)
    records_complete_date = models.DateField(
        "Records-complete date",
        null=True,
        blank=True,
        help_text="Date the medical records were complete; the review clock starts here.",
    )
    due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="Determination due date, computed by cases.clocks."
    )

    applicant_age = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(14), MaxValueValidator(110)]
    )
    applicant_sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    applicant_represented = models.BooleanField(default=False)

    injury_date = models.DateField()
    injury_description = models.TextField(max_length=2000)
    body_regions = models.JSONField(default=list, blank=True)
    diagnoses = models.JSONField(default=list, blank=True)

    employer = models.CharField(max_length=200, blank=True)
    claims_administrator = models.CharField(max_length=200)
    claim_number = models.CharField(
        max_length=40, blank=True, help_text="The claims administrator's number for the claim."
    )

    ur_decision_date = models.DateField("UR decision date")
    ur_date_of_service = models.DateField(
        "UR date of service",
        null=True,
        blank=True,
        help_text="The request (RFA) date the UR decision referenced.",
    )
    appealed_by = models.CharField(max_length=10, choices=AppealedBy.choices, blank=True)

    status = FSMField(default=CaseStatus.RECEIVED, choices=CaseStatus.choices, protected=True, db_index=True)
    ineligible_reason = models.CharField(max_length=32, choices=IneligibleReason.choices, blank=True)
    status_note = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["status", "due_date", "updated_at"])

    class Meta:
        ordering = ["due_date", "case_number"]
        permissions = [("manage_cases", "Can take in, transition and assign cases")]
        indexes = [
            # The case list's order (and its last page, read backwards) without sorting every case.
            models.Index(fields=["due_date", "case_number"], name="case_due_number_idx"),
            # The list filtered by status (and the due-date windows over open statuses), in that order.
            models.Index(fields=["status", "due_date", "case_number"], name="case_status_due_idx"),
            # The open cases (the list's default view, the operations dashboard) in due-date order: a few
            # thousand rows out of every case ever received.
            models.Index(
                fields=["due_date", "case_number"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_open_due_idx",
            ),
            # The open cases' ids alone (a few thousand, a small index): a reviewer's open cases ("My
            # cases") are its held cases found among these, both sides read from indexes alone.
            models.Index(
                fields=["id"], condition=models.Q(status__in=OPEN_STATUSES), name="case_open_id_idx"
            ),
            # A claims-administrator organisation's cases (Case.objects.for_organisation), polled by the
            # API in the order they changed (modified_since).
            models.Index(fields=["claims_administrator", "updated_at"], name="case_ca_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.case_number

    # Fields that the workflow (status machine, clocks) changes; every other field is what the determination
    # was made on and is fixed once it is signed.
    WORKFLOW_FIELDS = frozenset({"status", "status_note", "ineligible_reason", "updated_at", "due_date"})

    def save(self, *args, **kwargs) -> None:
        from cases import clocks

        if self.pk:
            self._refuse_content_change_after_sign_off()
        self.due_date = clocks.determination_due_date(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "due_date" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "due_date"]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        check_determination_not_fixed(self.pk, "case")
        return super().delete(*args, **kwargs)

    def _refuse_content_change_after_sign_off(self) -> None:
        fields = [
            f for f in self._meta.concrete_fields if f.name not in self.WORKFLOW_FIELDS and not f.primary_key
        ]
        stored = type(self).objects.filter(pk=self.pk).values(*(f.attname for f in fields)).first()
        if stored is None:
            return
        changed = [str(f.verbose_name) for f in fields if stored[f.attname] != getattr(self, f.attname)]
        if changed:
            check_determination_not_fixed(self.pk, ", ".join(changed))

    @property
    def determination_is_fixed(self) -> bool:
        """Whether the case's determination is signed or with QA (its content cannot change)."""
        try:
            check_determination_not_fixed(self.pk, "content")
        except DeterminationFixedError:
            return True
        return False

    # -- dates -------------------------------------------------------------------------------------
    @property
    def request_date(self) -> datetime.date:
        """The date of the disputed request: UR date of service, else the UR decision date."""
        return self.ur_date_of_service or self.ur_decision_date

    @property
    def clock_start(self) -> datetime.date:
        """Where the determination clock starts (Labor Code 4610.6(d)): the records-complete date, else
        receipt. ``cases.clocks`` counts from here."""
        return self.records_complete_date or self.received_date

    @property
    def external_status(self) -> str:
        return EXTERNAL_STATUS[CaseStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def takes_review_work(self) -> bool:
        """Drafts, sign-off and QA happen only while the case is assigned or in review: a withdrawn
        (the treatment was authorised), closed or unassigned case takes none."""
        return self.status in (CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW)

    @property
    def requesting_provider(self) -> TreatingProvider | None:
        """The provider marked as requesting the treatment; None when none is (never a guess from the
        other treating providers). Uses prefetched providers."""
        for provider in self.treating_providers.all():
            if provider.requesting:
                return provider
        return None

    # -- transitions (each takes ``by`` = the acting user, recorded by cases.signals) -----------------
    @transition(field=status, source=CaseStatus.RECEIVED, target=CaseStatus.ELIGIBILITY_REVIEW)
    def start_eligibility_review(self, by=None, reason: str = "") -> None:
        pass

    @transition(field=status, source=CaseStatus.ELIGIBILITY_REVIEW, target=CaseStatus.ELIGIBLE)
    def mark_eligible(self, by=None, reason: str = "") -> None:
        self.ineligible_reason = ""

    @transition(field=status, source=CaseStatus.ELIGIBILITY_REVIEW, target=CaseStatus.INELIGIBLE)
    def mark_ineligible(self, by=None, reason: str = "") -> None:
        if reason not in IneligibleReason.values:
            raise ValueError(f"Unknown ineligibility reason {reason!r}.")
        self.ineligible_reason = reason

    @transition(
        field=status,
        source=[CaseStatus.ELIGIBLE, CaseStatus.INSUFFICIENT_RECORDS],
        target=CaseStatus.RECORDS_REQUESTED,
    )
    def request_records(
        self, by=None, reason: str = "", on: datetime.date | None = None, electronically: bool = False
    ) -> None:
        from cases import clocks

        self.records_requested_date = on or clocks.california_today()
        self.records_requested_electronically = electronically

    @transition(field=status, source=CaseStatus.RECORDS_REQUESTED, target=CaseStatus.INSUFFICIENT_RECORDS)
    def mark_insufficient_records(self, by=None, reason: str = "") -> None:
        pass

    @transition(
        field=status, source=[CaseStatus.ELIGIBLE, CaseStatus.RECORDS_REQUESTED], target=CaseStatus.ASSIGNED
    )
    def assign(self, by=None, reason: str = "") -> None:
        pass

    @transition(field=status, source=[CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW], target=CaseStatus.ELIGIBLE)
    def unassign(self, by=None, reason: str = "") -> None:
        pass

    @transition(field=status, source=CaseStatus.ASSIGNED, target=CaseStatus.IN_REVIEW)
    def start_review(self, by=None, reason: str = "") -> None:
        pass

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.DETERMINATION_ISSUED)
    def issue_determination(self, by=None, reason: str = "") -> None:
        pass

    @transition(field=status, source=CaseStatus.DETERMINATION_ISSUED, target=CaseStatus.IN_REVIEW)
    def reopen_for_amendment(self, by=None, reason: str = "") -> None:
        if not reason:
            raise ValueError("An amendment needs a reason.")

    @transition(field=status, source=OPEN_STATUSES, target=CaseStatus.WITHDRAWN)
    def withdraw(self, by=None, reason: str = "") -> None:
        """The claims administrator authorised the disputed treatment."""

    @transition(
        field=status,
        source=[
            CaseStatus.INELIGIBLE,
            CaseStatus.WITHDRAWN,
            CaseStatus.DETERMINATION_ISSUED,
            CaseStatus.INSUFFICIENT_RECORDS,
        ],
        target=CaseStatus.CLOSED,
    )
    def close(self, by=None, reason: str = "") -> None:
        pass


class CaseTransition(models.Model):
    """Who moved a case from one status to another, when, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(max_length=40)
    from_status = models.CharField(max_length=32, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=32, choices=CaseStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} -> {self.to_status}"


class TreatingProvider(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="treating_providers")
    name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=200, blank=True)
    requesting = models.BooleanField(
        default=False, help_text="This provider requested the disputed treatment."
    )

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requesting", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        check_determination_not_fixed(self.case_id, "parties")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        check_determination_not_fixed(self.case_id, "parties")
        return super().delete(*args, **kwargs)


class AddressedParty(models.TextChoices):
    """The parties a determination is delivered to (``parties.models.Party`` is this)."""

    CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
    INJURED_WORKER = "injured_worker", "Injured worker"
    ATTORNEY = "attorney", "Injured worker's attorney"
    REQUESTING_PROVIDER = "requesting_provider", "Requesting provider"


US_STATE_RE = r"^[A-Z]{2}$"
ZIP_RE = r"^[0-9]{5}(-[0-9]{4})?$"


class MailingAddress(models.Model):
    """Where a party's determination packet is mailed (Labor Code 4610.6: the determination goes to every
    party). Kept apart from the case's clinical facts: only the mailroom's cover notices print it, and the
    reviewer's pages never show it. Not fixed at sign-off: a party that moves is still mailed.

    ``name`` is the addressee for the injured worker and the attorney; the requesting provider and the
    claims administrator are addressed by the names the case already holds (no second copy)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mailing_addresses")
    party = models.CharField(max_length=24, choices=AddressedParty.choices)
    name = models.CharField(
        max_length=200,
        blank=True,
        validators=[no_control_characters],
        help_text="The injured worker's or the attorney's name as the envelope prints it.",
    )
    line1 = models.CharField("address line 1", max_length=100, validators=[no_control_characters])
    line2 = models.CharField("address line 2", max_length=100, blank=True, validators=[no_control_characters])
    city = models.CharField(max_length=60, validators=[no_control_characters])
    state = models.CharField(
        max_length=2, validators=[RegexValidator(US_STATE_RE, "Two capital letters, e.g. CA.")]
    )
    postal_code = models.CharField(
        "ZIP code", max_length=10, validators=[RegexValidator(ZIP_RE, "Five digits, or ZIP+4 (95814-1234).")]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["case_id", "party"]
        constraints = [models.UniqueConstraint(fields=["case", "party"], name="one_address_per_party")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_party_display()}"

    @property
    def addressee(self) -> str:
        if self.party == AddressedParty.CLAIMS_ADMINISTRATOR:
            return self.case.claims_administrator
        if self.party == AddressedParty.REQUESTING_PROVIDER:
            provider = self.case.requesting_provider
            return provider.name if provider else ""
        return self.name

    def lines(self) -> list[str]:
        """The address block the envelope window shows (USPS: city, state and ZIP on the last line)."""
        return [
            line
            for line in (
                self.addressee,
                self.line1,
                self.line2,
                f"{self.city} {self.state} {self.postal_code}",
            )
            if line
        ]


class DisputedItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disputed_items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=500)
    quantity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    claims_administrator_guidelines = models.JSONField(default=list, blank=True)

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="unique_item_position")]

    def __str__(self) -> str:
        return self.description

    def save(self, *args, **kwargs) -> None:
        check_determination_not_fixed(self.case_id, "disputed items")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        check_determination_not_fixed(self.case_id, "disputed items")
        return super().delete(*args, **kwargs)

    @property
    def heading(self) -> str:
        """The item as a letter names it: 'Physical therapy for the lumbar spine, quantity 12'."""
        if self.quantity and self.quantity > 1:
            return f"{self.description}, quantity {self.quantity}"
        return self.description


class RecordKind(models.TextChoices):
    PROGRESS_NOTE = "progress_note", "Progress note"
    UR_DETERMINATION = "ur_determination", "UR determination"
    IMAGING_REPORT = "imaging_report", "Imaging report"
    THERAPY_NOTE = "therapy_note", "Therapy note"
    CORRESPONDENCE = "correspondence", "Correspondence"
    APPLICATION = "application", "Application"
    OTHER = "other", "Other"


def record_upload_path(instance: MedicalRecord, filename: str) -> str:
    # A random name: the case number and the file name (which can carry PHI) stay out of storage keys.
    return f"records/{uuid.uuid4().hex}.pdf"


class MedicalRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    date = models.DateField(null=True, blank=True)
    author = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=RecordKind.choices, default=RecordKind.OTHER)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=record_upload_path, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    # Read from the PDF by parsing it when it is attached (cases.intake.pdf_page_count).
    page_count = models.PositiveIntegerField(null=True, blank=True)
    # When the record reached us, so the workspace marks records that arrived after the review started.
    # Empty for records received before this was kept.
    received_at = models.DateTimeField(null=True, blank=True, default=timezone.now, editable=False)

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", models.F("date").asc(nulls_last=True), "position", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        check_determination_not_fixed(self.case_id, "medical records")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        check_determination_not_fixed(self.case_id, "medical records")
        return super().delete(*args, **kwargs)

    def attach_pdf(self, content: bytes, name: str = "record.pdf") -> None:
        """Store a PDF's bytes (already checked by cases.intake) with its hash, size and page count."""
        from django.core.files.base import ContentFile

        from cases.intake import pdf_page_count

        self.file_sha256 = hashlib.sha256(content).hexdigest()
        self.file_size = len(content)
        self.page_count = pdf_page_count(content)
        self.file.save(name, ContentFile(content), save=False)


class SavedFilter(models.Model):
    """A case-list filter an administrator named and kept: its query string, owned by that user alone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(max_length=80)
    querystring = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_filter_name")]

    def __str__(self) -> str:
        return self.name


class RecordPage(models.Model):
    """The text of one page of a medical record, read once (cases.record_pages) so the workspace can search
    every page of every record and name the page a hit is on. An index of the file, rebuilt from it: the
    file (or a text record's text) stays the record; a text record is one page."""

    record = models.ForeignKey(MedicalRecord, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="unique_record_page")]

    def __str__(self) -> str:
        return f"{self.record} p. {self.number}"
