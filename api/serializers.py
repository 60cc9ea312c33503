"""What the API says about a case, its records request, documents, determination and webhooks. Output
only (what the schema documents); input is parsed by the small serializers at the bottom."""

from __future__ import annotations

from rest_framework import serializers

from cases.models import EXTERNAL_STATUS, RecordKind
from parties.models import RecordsRequestStatus, WebhookEvent

ORGANISATION_STATUSES = sorted(
    set(EXTERNAL_STATUS.values()), key=list(dict.fromkeys(EXTERNAL_STATUS.values())).index
)


class CaseSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    status = serializers.ChoiceField(choices=ORGANISATION_STATUSES, source="external_status")
    review_type = serializers.CharField()
    received_date = serializers.DateField()
    records_due_date = serializers.DateField(allow_null=True)
    determination_due_date = serializers.DateField(source="due_date", allow_null=True)
    determination_issued = serializers.BooleanField()
    modified_at = serializers.DateTimeField(
        source="last_modified",
        help_text="The case's last change: its status or data, a record added, a records request, "
        "a determination issued (what modified_since filters on).",
    )
    url = serializers.CharField()


class RecordsRequestSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    requested_on = serializers.DateField()
    sent = serializers.ChoiceField(choices=["electronic", "mail"])
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=RecordsRequestStatus.values)
    received_on = serializers.DateField(allow_null=True)
    notice_url = serializers.CharField(allow_null=True)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=RecordKind.values)
    date = serializers.DateField(allow_null=True)
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    pages = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.CharField()


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="One PDF record, at most MAX_RECORD_UPLOAD_BYTES.")
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    kind = serializers.ChoiceField(choices=RecordKind.values, required=False, default=RecordKind.OTHER)
    date = serializers.DateField(required=False, allow_null=True)


class CitationSerializer(serializers.Serializer):
    text = serializers.CharField()


class DeterminationItemSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.IntegerField(allow_null=True)
    decision = serializers.ChoiceField(choices=["Upheld", "Overturned"])
    citations = serializers.ListField(child=serializers.CharField())
    claims_administrator_guidelines = serializers.ListField(child=serializers.CharField())
    rationale = serializers.CharField()


class DeterminationSerializer(serializers.Serializer):
    case_number = serializers.CharField()
    version = serializers.IntegerField()
    date_issued = serializers.DateField()
    amends_version = serializers.IntegerField(allow_null=True)
    items = DeterminationItemSerializer(many=True)
    letter_url = serializers.CharField()
    letter_sha256 = serializers.CharField()
    letter_pages = serializers.IntegerField()


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.values), min_length=1)
    active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="The signing secret, shown only in this answer.")


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.UUIDField()
    event = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ApplicationUploadSerializer(serializers.Serializer):
    application = serializers.CharField(
        help_text="One case in the intake format (JSON), as cases/schema says."
    )
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="The record PDFs the application names."
    )
