"""The claims administrators' API (docs/api.md). Thin: each view finds the case through the organisation's
queryset (``Case.objects.for_organisation``; anything else is 404), asks ``parties.view_case``, and calls
one service of ``parties``."""

from __future__ import annotations

import datetime

import rules
from django.db.models import Exists, OuterRef
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.idempotency import idempotent
from api.problems import Problem
from audit.models import AuditAction
from audit.recording import record as audit_record
from cases import intake
from cases.models import EXTERNAL_STATUS, Case, MedicalRecord
from cases.services import CaseInputError
from parties import records, webhooks
from parties.determination import determination_data, issued_letter
from parties.events import record_event
from parties.models import PortalAction, RecordsRequest, WebhookDelivery, WebhookSubscription
from parties.organisations import organisation_of
from reviews.models import DeterminationLetter, LetterStatus

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A unique key per request: a retry with the same key creates nothing twice and gets the "
    "first answer back (with the header Idempotent-Replayed: true).",
)
PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; errors still come as problem details."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return renderers.JSONRenderer().render(data) if isinstance(data, (dict, list)) else data


class ApiView(APIView):
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = False  # the bearer token authenticates, not a session (LoginRequiredMiddleware)
        return view

    @property
    def organisation(self):
        return organisation_of(self.request.user)

    def get_case(self, case_number: str) -> Case:
        case = (
            Case.objects.for_organisation(self.organisation)
            .with_last_modified()
            .filter(case_number=case_number)
            .first()
        )
        if case is None or not rules.has_perm("parties.view_case", self.request.user, case):
            raise NotFound(f"No case {case_number} for this organisation.")
        return case

    def log(self, case: Case, action: str, detail: str = "", audit_action: str | None = None) -> None:
        record_event(self.request.user, self.organisation, case, action, detail, via_api=True)
        if audit_action:
            audit_record(self.request._request, audit_action, case_number=case.case_number, detail="API")


class FileView(ApiView):
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]


def case_url(case: Case) -> str:
    return reverse("api:case", args=[case.case_number])


def case_data(case: Case, current: RecordsRequest | None, determination_issued: bool) -> dict:
    return {
        "case_number": case.case_number,
        "external_status": case.external_status,
        "review_type": case.review_type,
        "received_date": case.received_date,
        "records_due_date": current.due_date if current else None,
        "due_date": case.due_date,
        "determination_issued": determination_issued,
        "last_modified": case.last_modified,  # Case.objects.with_last_modified()
        "url": case_url(case),
    }


def _statuses_for(label: str) -> list[str]:
    statuses = [
        internal for internal, external in EXTERNAL_STATUS.items() if external.lower() == label.lower()
    ]
    if not statuses:
        raise ValidationError({"status": [f"{label!r} is not one of: {', '.join(s.ORGANISATION_STATUSES)}"]})
    return statuses


def _since(value: str) -> datetime.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise ValidationError({"modified_since": [f"{value!r} is not an ISO 8601 date or date-time"]})
        moment = datetime.datetime.combine(day, datetime.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class CaseList(ApiView, GenericAPIView):
    serializer_class = s.CaseSerializer

    @extend_schema(
        summary="List the organisation's cases",
        operation_id="cases_list",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=s.ORGANISATION_STATUSES, description="Organisation status"
            ),
            OpenApiParameter(
                "modified_since",
                OpenApiTypes.DATETIME,
                description="Only cases changed at or after this moment (ISO 8601)",
            ),
        ],
    )
    def get(self, request):
        cases = Case.objects.for_organisation(self.organisation).with_last_modified()
        if request.query_params.get("status"):
            cases = cases.filter(status__in=_statuses_for(request.query_params["status"]))
        if request.query_params.get("modified_since"):
            cases = cases.modified_since(_since(request.query_params["modified_since"]))
        ready = DeterminationLetter.objects.filter(case=OuterRef("pk"), status=LetterStatus.READY)
        cases = cases.annotate(has_letter=Exists(ready)).order_by("last_modified", "pk")
        page = self.paginate_queryset(cases)
        current = {}
        for row in RecordsRequest.objects.filter(case__in=[c.pk for c in page]).order_by(
            "case_id", "-requested_on", "-id"
        ):
            current.setdefault(row.case_id, row)
        data = [case_data(c, current.get(c.pk), c.has_letter) for c in page]
        return self.get_paginated_response(s.CaseSerializer(data, many=True).data)


class CaseDetail(ApiView):
    @extend_schema(summary="One case", operation_id="cases_get", responses=s.CaseSerializer)
    def get(self, request, case_number: str):
        case = self.get_case(case_number)
        self.log(case, PortalAction.VIEW_CASE)
        data = case_data(case, records.current_request(case), issued_letter(case) is not None)
        return Response(s.CaseSerializer(data).data)


class RecordsRequestView(ApiView):
    @extend_schema(summary="The case's current records request", responses=s.RecordsRequestSerializer)
    def get(self, request, case_number: str):
        case = self.get_case(case_number)
        current = records.current_request(case)
        if current is None:
            raise Problem(
                404,
                "no-records-request",
                "No records request",
                f"Case {case_number} has no records request yet.",
            )
        data = records.request_data(current)
        data["notice_url"] = reverse("api:records_notice", args=[case_number]) if current.notice else None
        return Response(s.RecordsRequestSerializer(data).data)


class RecordsNoticeFile(FileView):
    @extend_schema(summary="The records request notice (PDF)", responses=PDF)
    def get(self, request, case_number: str):
        case = self.get_case(case_number)
        current = records.current_request(case)
        if current is None or not current.notice:
            raise Problem(
                404,
                "no-records-request",
                "No records request notice",
                f"Case {case_number} has no notice yet.",
            )
        self.log(case, PortalAction.DOWNLOAD_NOTICE)
        return FileResponse(
            current.notice.open("rb"),
            as_attachment=True,
            filename=f"{case_number}-records-request.pdf",
            content_type="application/pdf",
        )


def document_data(record: MedicalRecord) -> dict:
    return {
        "id": record.pk,
        "title": record.title,
        "kind": record.kind,
        "date": record.date,
        "file_name": record.upload.file_name,
        "sha256": record.file_sha256,
        "size": record.file_size or 0,
        "pages": record.page_count or 0,
        "uploaded_at": record.upload.at,
        "url": reverse("api:document_file", args=[record.case.case_number, record.pk]),
    }


def organisation_documents(case: Case, organisation):
    """The records this organisation sent for the case (never other parties' documents)."""
    return MedicalRecord.objects.filter(case=case, upload__organisation=organisation).select_related(
        "upload", "case"
    )


class DocumentList(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Records the organisation sent for the case", responses=s.DocumentSerializer(many=True)
    )
    def get(self, request, case_number: str):
        case = self.get_case(case_number)
        return Response(
            s.DocumentSerializer(
                [document_data(r) for r in organisation_documents(case, self.organisation)], many=True
            ).data
        )

    @extend_schema(
        summary="Upload one record (PDF) for the case",
        request={"multipart/form-data": s.DocumentUploadSerializer},
        responses={201: s.DocumentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent
    def post(self, request, case_number: str):
        case = self.get_case(case_number)
        if not rules.has_perm("parties.upload_records", request.user, case):
            raise Problem(
                409,
                "case-closed-to-records",
                "The case takes no more records",
                f"Case {case_number} is {case.external_status.lower()}: records are no longer taken.",
            )
        form = s.DocumentUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        try:
            record = records.upload_record(
                case,
                by=request.user,
                organisation=self.organisation,
                content=upload.read(),
                file_name=upload.name,
                title=form.validated_data.get("title", ""),
                kind=form.validated_data.get("kind"),
                date=form.validated_data.get("date"),
                via_api=True,
            )
        except CaseInputError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        record = organisation_documents(case, self.organisation).get(pk=record.pk)
        return Response(s.DocumentSerializer(document_data(record)).data, status=status.HTTP_201_CREATED)


class DocumentFile(FileView):
    @extend_schema(summary="Download a record the organisation sent", responses=PDF)
    def get(self, request, case_number: str, document_id: int):
        case = self.get_case(case_number)
        record = organisation_documents(case, self.organisation).filter(pk=document_id).first()
        if record is None or not record.file:
            raise NotFound(f"No document {document_id} of case {case_number} for this organisation.")
        self.log(case, PortalAction.DOWNLOAD_RECORD, record.title, AuditAction.VIEW_RECORD_FILE)
        return FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=f"{case_number}-record-{record.pk}.pdf",
            content_type="application/pdf",
        )


def _issued(case: Case) -> DeterminationLetter:
    letter = issued_letter(case)
    if letter is None:
        raise Problem(
            404,
            "determination-not-issued",
            "No determination issued",
            f"Case {case.case_number} has no Final Determination yet.",
        )
    return letter


class DeterminationView(ApiView):
    @extend_schema(summary="The Final Determination as data", responses=s.DeterminationSerializer)
    def get(self, request, case_number: str):
        case = self.get_case(case_number)
        letter = _issued(case)
        self.log(case, PortalAction.VIEW_DETERMINATION, f"version {letter.version}", AuditAction.VIEW_CASE)
        data = determination_data(letter)
        data["letter_url"] = reverse("api:determination_letter", args=[case_number])
        return Response(s.DeterminationSerializer(data).data)


class DeterminationLetterFile(FileView):
    @extend_schema(summary="The Final Determination letter (PDF)", responses=PDF)
    def get(self, request, case_number: str):
        from reviews.letters.services import LetterFileLost, download_letter

        case = self.get_case(case_number)
        letter = _issued(case)
        try:
            download_letter(letter, request.user)
        except LetterFileLost as exc:
            raise Problem(503, "letter-unavailable", "The letter file is unavailable", str(exc)) from exc
        self.log(case, PortalAction.DOWNLOAD_LETTER, f"version {letter.version}", AuditAction.DOWNLOAD_LETTER)
        return FileResponse(
            letter.file.open("rb"),
            as_attachment=True,
            filename=letter.download_filename,
            content_type="application/pdf",
        )


# -- applications (intake) -----------------------------------------------------------------------------------


class ApplicationSubmit(ApiView):
    """An IMR application filed by an organisation allowed to (``may_submit_applications``): the same checks
    as the intake file and form (``cases.intake.submit_case``), and its claims administrator must be one of
    the organisation's names."""

    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        summary="File an IMR application (the intake format)",
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": s.ApplicationUploadSerializer,
        },
        responses={201: s.CaseSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent
    def post(self, request):
        import json

        organisation = self.organisation
        if not organisation.may_submit_applications:
            raise Problem(
                403,
                "applications-not-allowed",
                "Not allowed to file applications",
                f"{organisation.name} does not file IMR applications through the API.",
            )
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            try:
                payload = json.loads(request.data.get("application", ""))
            except ValueError as exc:
                raise ValidationError({"application": [f"not JSON: {exc}"]}) from exc
            files = {upload.name: upload.read() for upload in request.FILES.getlist("files")}
        else:
            payload = request.data
        if not isinstance(payload, dict):
            raise ValidationError({"application": ["must be one case object in the intake format"]})
        names = set(organisation.names.values_list("name", flat=True))
        if payload.get("claims_administrator") not in names:
            raise ValidationError(
                {
                    "claims_administrator": [
                        f"must be one of your organisation's names: {', '.join(sorted(names))}"
                    ]
                }
            )
        case, errors = intake.submit_case(payload, files, by=request.user)
        if errors:
            raise ValidationError({e.path or "application": [e.message] for e in errors})
        case = Case.objects.with_last_modified().get(pk=case.pk)
        return Response(s.CaseSerializer(case_data(case, None, False)).data, status=status.HTTP_201_CREATED)


# -- webhooks -----------------------------------------------------------------------------------------------


def webhook_data(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "active": subscription.active,
        "created_at": subscription.created_at,
    }


def delivery_data(delivery: WebhookDelivery) -> dict:
    last = delivery.attempt_log.first()
    return {
        "id": delivery.pk,
        "event_id": delivery.event_id,
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": last.status_code if last else None,
        "last_error": last.error if last else "",
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "created_at": delivery.created_at,
    }


class WebhookList(ApiView):
    @extend_schema(
        summary="The organisation's webhook subscriptions", responses=s.WebhookSerializer(many=True)
    )
    def get(self, request):
        subs = WebhookSubscription.objects.filter(organisation=self.organisation, active=True)
        return Response(s.WebhookSerializer([webhook_data(w) for w in subs], many=True).data)

    @extend_schema(
        summary="Subscribe a URL to events",
        request=s.WebhookSerializer,
        responses={201: s.WebhookCreatedSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent
    def post(self, request):
        form = s.WebhookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        problem = webhooks.check_url(form.validated_data["url"])
        if problem:
            raise ValidationError({"url": [problem]})
        subscription = WebhookSubscription.objects.create(
            organisation=self.organisation,
            url=form.validated_data["url"],
            events=sorted(set(form.validated_data["events"])),
        )
        data = {**webhook_data(subscription), "secret": subscription.secret}
        return Response(s.WebhookCreatedSerializer(data).data, status=status.HTTP_201_CREATED)


class WebhookDetail(ApiView):
    def get_subscription(self, webhook_id: int) -> WebhookSubscription:
        return get_object_or_404(
            WebhookSubscription, pk=webhook_id, organisation=self.organisation, active=True
        )

    @extend_schema(summary="One subscription", responses=s.WebhookSerializer)
    def get(self, request, webhook_id: int):
        return Response(s.WebhookSerializer(webhook_data(self.get_subscription(webhook_id))).data)

    @extend_schema(summary="Unsubscribe", responses={204: None})
    def delete(self, request, webhook_id: int):
        subscription = self.get_subscription(webhook_id)
        subscription.active = False
        subscription.save(update_fields=["active"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveries(ApiView, GenericAPIView):
    serializer_class = s.WebhookDeliverySerializer

    @extend_schema(summary="The delivery log of a subscription, newest first")
    def get(self, request, webhook_id: int):
        subscription = get_object_or_404(WebhookSubscription, pk=webhook_id, organisation=self.organisation)
        page = self.paginate_queryset(subscription.deliveries.prefetch_related("attempt_log"))
        return self.get_paginated_response(
            s.WebhookDeliverySerializer([delivery_data(d) for d in page], many=True).data
        )


class Redeliver(ApiView):
    @extend_schema(
        summary="Send a delivery again (same event id)",
        request=None,
        responses={202: s.WebhookDeliverySerializer},
    )
    def post(self, request, webhook_id: int, delivery_id: int):
        delivery = get_object_or_404(
            WebhookDelivery,
            pk=delivery_id,
            subscription_id=webhook_id,
            subscription__organisation=self.organisation,
        )
        delivery = webhooks.redeliver(delivery)
        return Response(
            s.WebhookDeliverySerializer(delivery_data(delivery)).data, status=status.HTTP_202_ACCEPTED
        )
