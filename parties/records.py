"""Records requests and the records the claims administrator sends (8 CCR 9792.10.5).

When a case becomes eligible the records request is issued (``issue_records_request``: the case's
``request_records`` transition, electronic when the claims administrator is an organisation on the
system, mailed otherwise); the notice PDF is made by a worker. Records come back through the portal or the
API (``upload_record``), each checked like every other record PDF (``cases.intake.check_pdf``).
"""

from __future__ import annotations

import datetime
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.intake import check_pdf
from cases.models import Case, CaseStatus, MedicalRecord, RecordKind
from cases.services import CaseInputError, add_medical_record, transition_case
from parties.events import record_event
from parties.models import (
    ClaimsAdministratorOrganisation,
    PortalAction,
    RecordsRequest,
    RecordsRequestStatus,
    RecordUpload,
    WebhookEvent,
)

# "CM16-0001234 Medical Records.pdf": the case number first, then the title.
FILE_NAME_CASE_NUMBER = re.compile(
    r"^\s*([A-Z]{2}[0-9]{2}-[0-9]{7,8})(?=[\s_.-]|$)[\s_-]*(.*?)(?:\.pdf)?\s*$", re.I
)


def organisation_of_case(case: Case) -> ClaimsAdministratorOrganisation | None:
    return ClaimsAdministratorOrganisation.objects.filter(
        active=True, names__name=case.claims_administrator
    ).first()


def issue_records_request(case: Case, by=None) -> RecordsRequest | None:
    """Request the records of an eligible case (idempotent: a case past eligible is left alone)."""
    case.refresh_from_db()
    if (
        case.status != CaseStatus.ELIGIBLE
        or case.records_requests.filter(insufficient_at__isnull=True).exists()
    ):
        return None
    electronically = organisation_of_case(case) is not None
    transition_case(
        case, "request_records", by=by, reason="Records request issued", electronically=electronically
    )
    return case.records_requests.first()


def current_request(case: Case) -> RecordsRequest | None:
    return case.records_requests.first()


def store_notice(request_id: int) -> RecordsRequest | None:
    """Make and store the notice PDF of a records request (idempotent: a stored notice is kept)."""
    from parties.notices import render_records_request

    request = RecordsRequest.objects.select_related("case").filter(pk=request_id).first()
    if request is None or request.notice:
        return request
    rendered = render_records_request(request)
    request.notice.save("notice.pdf", ContentFile(rendered.content), save=False)
    request.notice_sha256 = rendered.sha256
    request.save(update_fields=["notice", "notice_sha256"])
    return request


def case_number_from_file_name(file_name: str) -> tuple[str, str] | None:
    """('CM16-0001234', 'Medical Records') from 'CM16-0001234 Medical Records.pdf', else None."""
    match = FILE_NAME_CASE_NUMBER.match(file_name or "")
    if match is None:
        return None
    return match.group(1).upper(), match.group(2).strip()


def upload_record(
    case: Case,
    *,
    by,
    organisation: ClaimsAdministratorOrganisation,
    content: bytes,
    file_name: str,
    title: str = "",
    kind: str = RecordKind.OTHER,
    date: datetime.date | None = None,
    via_api: bool = False,
) -> MedicalRecord:
    """A PDF the organisation sends becomes a record of the case: checked by its bytes, recorded with who
    sent it and when, and logged in the case's event log. Raises ``CaseInputError`` naming the field."""
    problem = check_pdf(content)
    if problem:
        raise CaseInputError("file", f"{file_name or 'the file'}: {problem}")
    if kind not in RecordKind.values:
        raise CaseInputError("kind", f"{kind!r} is not one of {', '.join(RecordKind.values)}")
    title = (title or "").strip() or _title_from(file_name, case.case_number)
    with transaction.atomic():
        record = add_medical_record(case, title=title[:300], kind=kind, date=date, pdf=content, by=by)
        RecordUpload.objects.create(
            record=record, organisation=organisation, by=by, file_name=file_name[:255]
        )
        record_event(
            by,
            organisation,
            case,
            PortalAction.UPLOAD_RECORD,
            f"{record.title} ({file_name})",
            via_api=via_api,
        )
    return record


def _title_from(file_name: str, case_number: str) -> str:
    parsed = case_number_from_file_name(file_name)
    if parsed and parsed[0] == case_number and parsed[1]:
        return parsed[1]
    name = re.sub(r"\.pdf$", "", file_name or "", flags=re.I).strip()
    return name or "Medical records"


def mark_insufficient(case: Case) -> None:
    """The case's records were found insufficient: its open request says so (the case's status follows
    through its own transition)."""
    RecordsRequest.objects.filter(case=case, insufficient_at__isnull=True).update(
        insufficient_at=timezone.now()
    )


def overdue_requests(today: datetime.date | None = None) -> list[RecordsRequest]:
    """Open requests of cases still waiting for records whose due date has passed and no reminder went."""
    today = today or timezone.localdate()
    pending = RecordsRequest.objects.filter(
        case__status=CaseStatus.RECORDS_REQUESTED, insufficient_at__isnull=True, reminder_sent_at__isnull=True
    ).select_related("case")
    return [r for r in pending if r.status(today) == RecordsRequestStatus.OVERDUE]


def remind_overdue(today: datetime.date | None = None) -> list[RecordsRequest]:
    """One reminder per overdue request: a webhook event and an e-mail notice (no health information)."""
    from django.conf import settings
    from django.core.mail import send_mail

    from parties import webhooks

    reminded = []
    for request in overdue_requests(today):
        with transaction.atomic():
            if (
                RecordsRequest.objects.filter(pk=request.pk, reminder_sent_at__isnull=True).update(
                    reminder_sent_at=timezone.now()
                )
                != 1
            ):
                continue
            organisation = organisation_of_case(request.case)
            webhooks.emit(organisation, WebhookEvent.RECORDS_OVERDUE, request_data(request))
            recipients = _admin_emails(organisation)
        if recipients:
            send_mail(
                f"IMR case {request.case.case_number}: medical records overdue",
                f"The medical records for IMR case {request.case.case_number} were due on "
                f"{request.due_date:%m/%d/%Y}. Please upload them in the portal.\n\n{settings.IMR_SITE_URL}",
                None,
                recipients,
            )
        reminded.append(request)
    return reminded


def _admin_emails(organisation) -> list[str]:
    if organisation is None:
        return []
    return list(
        organisation.memberships.filter(
            is_organisation_admin=True, is_service_account=False, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def request_data(request: RecordsRequest) -> dict:
    """A records request as the API and webhooks describe it (no health information)."""
    return {
        "case_number": request.case.case_number,
        "requested_on": request.requested_on.isoformat(),
        "sent": "electronic" if request.electronically else "mail",
        "due_date": request.due_date.isoformat(),
        "status": request.status(),
        "received_on": request.received_on.isoformat() if request.received_on else None,
    }
