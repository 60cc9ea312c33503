"""The parties outside the IMR organisation: claims-administrator organisations, their users and API clients,
records requests, the records they send, webhooks, and the delivery of the determination to each party.

Which cases belong to an organisation is not stored per case: an organisation lists the claims-administrator
names it answers for (``ClaimsAdministratorName``), and a case belongs to the organisation whose names hold
the case's ``claims_administrator`` (``Case.objects.for_organisation``). A name belongs to at most one
organisation, so no case is ever seen by two.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import AddressedParty
from imr_site.text import no_control_characters


class ClaimsAdministratorOrganisation(models.Model):
    """An insurer, self-insured employer or third-party administrator with portal users and API clients."""

    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])
    # Organisations allowed to file IMR applications through the API (the same checks as the intake file).
    may_submit_applications = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "claims-administrator organisation"

    def __str__(self) -> str:
        return self.name


class ClaimsAdministratorName(models.Model):
    """A claims-administrator name, as applications spell it, that this organisation answers for."""

    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(max_length=200, unique=True, validators=[no_control_characters])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user of one organisation: a portal user, or the service user of an API client. A user belongs to
    at most one organisation and then holds no IMR role (the reviewer never sees these users)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    # Manages the organisation's users and webhooks in the portal.
    is_organisation_admin = models.BooleanField(default=False)
    # The service user behind an OAuth client: never logs in to the portal.
    is_service_account = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ApiClient(models.Model):
    """An OAuth 2.0 client-credentials application of one organisation. Its tokens carry its service user
    (django-oauth-toolkit gives a client-credentials token the application's user), whose membership
    scopes every request."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="api_client"
    )
    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.CASCADE, related_name="api_clients"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.application.name} ({self.organisation})"


class IdempotencyRecord(models.Model):
    """The stored answer to a POST made with an ``Idempotency-Key``: a retry with the same key gets the
    same answer, and creates nothing a second time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # What the key was first used for (method, path and a hash of the body): the same key on another
    # request is refused instead of answering for the wrong thing.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'in progress'})"


class RecordsRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    RECEIVED = "received", "Records received"
    OVERDUE = "overdue", "Overdue"
    INSUFFICIENT = "insufficient", "Insufficient records"
    # The case moved on without records through the portal or API (sent on paper, or no longer needed).
    NOT_AWAITED = "not_awaited", "No longer awaited"


def notice_upload_path(instance, filename: str) -> str:
    return f"notices/{uuid.uuid4().hex}.pdf"


class RecordsRequest(models.Model):
    """The notice asking the claims administrator for the medical records (8 CCR 9792.10.5). It is a
    document: what it said (the date it was issued and how it was sent) is kept as issued; the due date is
    computed from those by ``cases.clocks``."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="records_requests")
    requested_on = models.DateField()
    electronically = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    notice = models.FileField(upload_to=notice_upload_path, blank=True)
    notice_sha256 = models.CharField(max_length=64, blank=True)
    # Events, each with its date: set once, never computed.
    insufficient_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} records request of {self.requested_on}"

    @property
    def due_date(self) -> datetime.date:
        from cases import clocks

        return clocks.records_due_for(
            self.requested_on,
            electronically=self.electronically,
            expedited=self.case.review_type == "expedited",
        )

    def uploads(self):
        """Records the organisation sent for this request (after it was issued)."""
        return RecordUpload.objects.filter(record__case_id=self.case_id, at__date__gte=self.requested_on)

    def status(self, today: datetime.date | None = None) -> str:
        if self.insufficient_at:
            return RecordsRequestStatus.INSUFFICIENT
        if self.received_on is not None:
            return RecordsRequestStatus.RECEIVED
        if self.case.status != "records_requested":
            return RecordsRequestStatus.NOT_AWAITED
        today = today or timezone.localdate()
        return RecordsRequestStatus.OVERDUE if today > self.due_date else RecordsRequestStatus.OPEN

    @property
    def received_on(self) -> datetime.date | None:
        """The date of the first record received for this request (California time)."""
        first = self.uploads().order_by("at").values_list("at", flat=True).first()
        return timezone.localtime(first).date() if first else None

    def get_status_display(self) -> str:
        return RecordsRequestStatus(self.status()).label


class RecordUpload(models.Model):
    """A medical record the organisation sent (portal or API): who sent it, when, under which file name."""

    record = models.OneToOneField("cases.MedicalRecord", on_delete=models.CASCADE, related_name="upload")
    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.file_name} at {self.at:%Y-%m-%d %H:%M}"


class PortalAction(models.TextChoices):
    VIEW_CASE = "view_case", "Viewed the case"
    UPLOAD_RECORD = "upload_record", "Uploaded a record"
    DOWNLOAD_RECORD = "download_record", "Downloaded a record"
    DOWNLOAD_NOTICE = "download_notice", "Downloaded the records request"
    VIEW_DETERMINATION = "view_determination", "Read the determination"
    DOWNLOAD_LETTER = "download_letter", "Downloaded the Final Determination"


class PortalEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Portal events cannot be changed.")

    def delete(self):
        raise ValueError("Portal events cannot be deleted.")


class PortalEvent(models.Model):
    """Append-only: who of an organisation (a portal user or an API client) read, uploaded or downloaded
    what of a case, and when. The case's event log in the portal shows these, and only these: the
    organisation never sees who inside the IMR organisation worked on the case."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="portal_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    via_api = models.BooleanField(default=False)
    action = models.CharField(max_length=32, choices=PortalAction.choices)
    detail = models.CharField(max_length=300, blank=True)

    objects = PortalEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.case_id}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Portal events cannot be changed.")
        super().save(*args, **kwargs)


# -- webhooks ---------------------------------------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    STATUS_CHANGED = "case.status_changed", "Case status changed"
    RECORDS_REQUESTED = "records.requested", "Records requested"
    RECORDS_OVERDUE = "records.overdue", "Records overdue"
    DETERMINATION_ISSUED = "determination.issued", "Determination issued"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    organisation = models.ForeignKey(
        ClaimsAdministratorOrganisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list, help_text="Event types sent to this URL.")
    # The key of the HMAC-SHA256 signature of every delivery, shown to the organisation once.
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent to one subscription; retried with backoff until delivered or out of attempts."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_pending_idx")]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} -> {self.subscription}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the answer's status code, or why there was none."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error} at {self.at:%Y-%m-%d %H:%M:%S}"


# -- delivery of the determination -----------------------------------------------------------------------


# The parties a determination goes to: one list, in cases (mailing addresses are kept per party there).
Party = AddressedParty


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    API = "api", "API and webhook"
    EMAIL = "email", "E-mail notice (no health information)"
    MAIL = "mail", "Print and mail"


def packet_upload_path(instance, filename: str) -> str:
    return f"delivery/{uuid.uuid4().hex}.pdf"


class DeterminationDelivery(models.Model):
    """What one party receives for one letter version over one channel: the cover notice addressed to it
    followed by the Final Determination (one PDF), and when it went out."""

    letter = models.ForeignKey(
        "reviews.DeterminationLetter", on_delete=models.CASCADE, related_name="deliveries"
    )
    party = models.CharField(max_length=24, choices=Party.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    packet = models.FileField(upload_to=packet_upload_path, blank=True)
    prepared_at = models.DateTimeField(auto_now_add=True)
    # Mailed (the day's print batch), e-mailed, or made available in the portal and through the API.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["letter_id", "party", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "party", "channel"], name="unique_delivery_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.letter} to {self.get_party_display()} by {self.get_channel_display()}"
