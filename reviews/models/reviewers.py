"""Expert reviewers and their credentials.

Eligibility is computed (``reviews.assignment.eligibility``), never typed; these models hold only facts.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
    ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
    ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
    ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
    ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
    ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip
STATE_NAMES = dict(US_STATES)


class Specialty(models.TextChoices):
    """The controlled list of board certifications / specialties, spelled as letters print them."""

    ORTHOPEDIC_SURGERY = "orthopedic_surgery", "Orthopedic Surgery"
    PMR = "pmr", "Physical Medicine & Rehabilitation"
    OCCUPATIONAL_MEDICINE = "occupational_medicine", "Occupational Medicine"
    PREVENTIVE_MEDICINE = "preventive_medicine", "Preventive Medicine"
    ANESTHESIOLOGY = "anesthesiology", "Anesthesiology"
    PAIN_MEDICINE = "pain_medicine", "Pain Management"
    NEUROLOGY = "neurology", "Neurology"
    NEUROLOGICAL_SURGERY = "neurological_surgery", "Neurological Surgery"
    INTERNAL_MEDICINE = "internal_medicine", "Internal Medicine"
    FAMILY_MEDICINE = "family_medicine", "Family Practice"
    PSYCHIATRY = "psychiatry", "Psychiatry"
    PSYCHOLOGY = "psychology", "Psychology"
    CHIROPRACTIC = "chiropractic", "Chiropractor"
    ACUPUNCTURE = "acupuncture", "Acupuncture"
    # Further certifications real Final Determination letters print.
    EMERGENCY_MEDICINE = "emergency_medicine", "Emergency Medicine"
    SPORTS_MEDICINE = "sports_medicine", "Sports Medicine"
    HAND_SURGERY = "hand_surgery", "Hand Surgery"
    GENERAL_SURGERY = "general_surgery", "Surgery"
    HOSPICE_PALLIATIVE = "hospice_palliative", "Hospice & Palliative Medicine"
    MEDICAL_TOXICOLOGY = "medical_toxicology", "Medical Toxicology"
    NEUROMUSCULAR_MEDICINE = "neuromuscular_medicine", "Neuromuscular Medicine"


class Availability(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_LEAVE = "on_leave", "On leave"


class ReviewerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    years_in_practice = models.PositiveSmallIntegerField("Years in active clinical practice", default=0)
    hours_per_week = models.PositiveSmallIntegerField(
        "Hours per week currently in active practice", default=0
    )
    availability = models.CharField(max_length=10, choices=Availability.choices, default=Availability.ACTIVE)
    max_open_cases = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True, help_text="Deactivated reviewers get no new cases.")
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.TextField(blank=True)
    # Labor Code 139.5(d): no history of disciplinary action or sanctions by a hospital, government or
    # regulatory body. Recorded by the administrator who verifies the credentials.
    disciplinary_history = models.BooleanField(
        "History of disciplinary action or sanctions",
        default=False,
        help_text="Any disciplinary action or sanction, taken or pending; makes the reviewer ineligible.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def licensure_states(self, on: datetime.date | None = None) -> list[str]:
        """State names of current licensure as the letter prints them (no license numbers).

        A license expired on ``on`` (default: today in California) is not licensure and is left out.
        """
        on = on or timezone.localdate()
        seen: list[str] = []
        for lic in self.licenses.all():
            name = STATE_NAMES.get(lic.state, lic.state)
            if lic.expires_on >= on and name not in seen:
                seen.append(name)
        return seen

    def specialty_labels(self, on: datetime.date | None = None) -> list[str]:
        """Certification(s)/Specialty as the letter prints them; lapsed certifications left out."""
        on = on or timezone.localdate()
        seen: list[str] = []
        for cert in self.certifications.all():
            label = Specialty(cert.specialty).label
            if (cert.expires_on is None or cert.expires_on >= on) and label not in seen:
                seen.append(label)
        return seen


class License(models.Model):
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="licenses")
    state = models.CharField(max_length=2, choices=US_STATES)
    number = models.CharField("License number", max_length=40)
    expires_on = models.DateField()
    # Labor Code 139.5(d): a nonrestricted license in any state of the United States.
    restricted = models.BooleanField(default=False, help_text="Probation, conditions or other restrictions.")
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "id"]

    def __str__(self) -> str:
        return f"{self.get_state_display()} license"

    def get_state_display(self) -> str:
        """A dictionary look-up: Django's own rebuilds the 51 choices on every call, and ranking a case
        calls it a few hundred times (one per warning about a license)."""
        return STATE_NAMES.get(self.state, self.state)


class Certification(models.Model):
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="certifications")
    specialty = models.CharField(max_length=40, choices=Specialty.choices)
    board = models.CharField(max_length=200, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "id"]

    def __str__(self) -> str:
        return self.get_specialty_display()

    def get_specialty_display(self) -> str:
        """The enum's label, not Django's rebuild of every choice on each call (see ``License``)."""
        try:
            return Specialty(self.specialty).label
        except ValueError:
            return self.specialty


class AffiliationKind(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    CLAIMS_ADMINISTRATOR = "claims_administrator", "Insurer / claims administrator"
    PROVIDER_GROUP = "provider_group", "Provider group"
    PROVIDER = "provider", "Provider"


class Affiliation(models.Model):
    """Someone the reviewer works with or for: screened against every case's parties."""

    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="affiliations")
    kind = models.CharField(max_length=24, choices=AffiliationKind.choices)
    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    def save(self, *args, **kwargs) -> None:
        from reviews.assignment.conflicts import normalize_party_name

        self.normalized_name = normalize_party_name(self.name)
        super().save(*args, **kwargs)
