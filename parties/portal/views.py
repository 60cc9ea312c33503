"""The claims administrators' portal: thin views over ``parties`` services. A case outside the user's
organisation answers 404 (``Case.objects.for_organisation``, then ``parties.view_case``)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.recording import record as audit_record
from cases.models import Case, MedicalRecord, RecordKind
from cases.services import CaseInputError
from parties import records, webhooks
from parties.determination import issued_letter
from parties.events import case_events, record_event
from parties.models import (
    Channel,
    DeterminationDelivery,
    Party,
    PortalAction,
    WebhookDelivery,
    WebhookSubscription,
)
from parties.organisations import OrganisationError, add_portal_user, organisation_of, set_user_active
from parties.portal.forms import BulkUploadForm, PortalUserForm, UploadForm


def _organisation(request: HttpRequest):
    organisation = organisation_of(request.user)
    if organisation is None or request.user.membership.is_service_account:
        raise PermissionDenied
    return organisation


def _case(request: HttpRequest, case_number: str) -> Case:
    organisation = _organisation(request)
    case = Case.objects.for_organisation(organisation).filter(case_number=case_number).first()
    if case is None or not rules.has_perm("parties.view_case", request.user, case):
        raise Http404("No such case.")
    return case


def _admin(request: HttpRequest):
    organisation = _organisation(request)
    if not rules.has_perm("parties.manage_organisation", request.user, organisation):
        raise PermissionDenied
    return organisation


def case_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    cases = (
        Case.objects.for_organisation(organisation)
        .prefetch_related("records_requests")
        .order_by("due_date", "case_number")
    )
    rows = [{"case": c, "request": next(iter(c.records_requests.all()), None)} for c in cases]
    return render(request, "parties/portal/case_list.html", {"organisation": organisation, "rows": rows})


def case_detail(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    organisation = organisation_of(request.user)
    form = UploadForm()
    if request.method == "POST":
        if not rules.has_perm("parties.upload_records", request.user, case):
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            done, failed = _upload_many(
                request, case, organisation, form.cleaned_data["files"], form.cleaned_data["kind"]
            )
            for name, problem in failed:
                form.add_error("files", f"{name}: {problem}")
            if done:
                messages.success(request, f"{done} record(s) received for case {case.case_number}.")
            if not failed:
                return redirect("portal:case", case_number=case.case_number)
    else:
        record_event(request.user, organisation, case, PortalAction.VIEW_CASE)
        audit_record(request, AuditAction.VIEW_CASE, case_number=case.case_number, detail="portal")
    letter = issued_letter(case)
    context = {
        "case": case,
        "organisation": organisation,
        "request_row": records.current_request(case),
        "documents": MedicalRecord.objects.filter(
            case=case, upload__organisation=organisation
        ).select_related("upload"),
        "letter": letter,
        "determination": _determination(letter),
        "events": case_events(organisation, case)[:100],
        "form": form,
        "may_upload": rules.has_perm("parties.upload_records", request.user, case),
    }
    return render(request, "parties/portal/case_detail.html", context)


def _determination(letter):
    from parties.determination import determination_data

    return determination_data(letter) if letter else None


def _upload_many(request, case, organisation, files, kind) -> tuple[int, list[tuple[str, str]]]:
    done, failed = 0, []
    for upload in files:
        try:
            records.upload_record(
                case,
                by=request.user,
                organisation=organisation,
                content=upload.read(),
                file_name=upload.name,
                kind=kind,
            )
            done += 1
        except CaseInputError as exc:
            failed.append((upload.name, exc.message))
    return done, failed


def bulk_upload(request: HttpRequest) -> HttpResponse:
    """Many PDFs at once, each sent to the case its file name starts with."""
    organisation = _organisation(request)
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    results = []
    if request.method == "POST" and form.is_valid():
        own = Case.objects.for_organisation(organisation)
        for upload in form.cleaned_data["files"]:
            parsed = records.case_number_from_file_name(upload.name)
            case = own.filter(case_number=parsed[0]).first() if parsed else None
            if parsed is None:
                results.append((upload.name, False, "the file name does not start with a case number"))
            elif case is None or not rules.has_perm("parties.upload_records", request.user, case):
                results.append((upload.name, False, f"no open case {parsed[0]} for your organisation"))
            else:
                done, failed = _upload_many(request, case, organisation, [upload], RecordKind.OTHER)
                results.append(
                    (upload.name, True, f"added to {case.case_number}")
                    if done
                    else (upload.name, False, failed[0][1])
                )
    return render(request, "parties/portal/bulk_upload.html", {"form": form, "results": results})


def _file(handle, name: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=name, content_type="application/pdf")


def notice_file(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    current = records.current_request(case)
    if current is None or not current.notice:
        raise Http404("No notice.")
    record_event(request.user, organisation_of(request.user), case, PortalAction.DOWNLOAD_NOTICE)
    return _file(current.notice.open("rb"), f"{case_number}-records-request.pdf")


def document_file(request: HttpRequest, case_number: str, record_id: int) -> HttpResponse:
    case = _case(request, case_number)
    organisation = organisation_of(request.user)
    record = get_object_or_404(MedicalRecord, pk=record_id, case=case, upload__organisation=organisation)
    if not record.file:
        raise Http404("No file.")
    record_event(request.user, organisation, case, PortalAction.DOWNLOAD_RECORD, record.title)
    audit_record(
        request,
        AuditAction.VIEW_RECORD_FILE,
        case_number=case_number,
        object_id=str(record.pk),
        detail="portal",
    )
    return _file(record.file.open("rb"), f"{case_number}-record-{record.pk}.pdf")


def determination_file(request: HttpRequest, case_number: str) -> HttpResponse:
    """The claims administrator's packet: its cover notice and the Final Determination."""
    case = _case(request, case_number)
    letter = issued_letter(case)
    if letter is None:
        raise Http404("No determination yet.")
    packet = DeterminationDelivery.objects.filter(
        letter=letter, party=Party.CLAIMS_ADMINISTRATOR, channel=Channel.PORTAL
    ).first()
    record_event(
        request.user,
        organisation_of(request.user),
        case,
        PortalAction.DOWNLOAD_LETTER,
        f"version {letter.version}",
    )
    audit_record(
        request,
        AuditAction.DOWNLOAD_LETTER,
        case_number=case_number,
        object_id=str(letter.version),
        detail="portal",
    )
    if packet is not None and packet.packet:
        return _file(packet.packet.open("rb"), f"{case_number}-final-determination-v{letter.version}.pdf")
    return _file(letter.file.open("rb"), letter.download_filename)


# -- the organisation administrator's pages ------------------------------------------------------------


def users(request: HttpRequest) -> HttpResponse:
    organisation = _admin(request)
    form = PortalUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = add_portal_user(organisation, **form.cleaned_data)
        except OrganisationError as exc:
            form.add_error(exc.field, exc.message)
        else:
            reset = PasswordResetForm({"email": user.email})
            if reset.is_valid():
                reset.save(request=request, use_https=request.is_secure())
            messages.success(
                request, f"{user.username} added; a link to set a password went to {user.email}."
            )
            return redirect("portal:users")
    members = organisation.memberships.filter(is_service_account=False).select_related("user")
    return render(
        request, "parties/portal/users.html", {"organisation": organisation, "members": members, "form": form}
    )


@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    organisation = _admin(request)
    membership = get_object_or_404(organisation.memberships, user_id=user_id, is_service_account=False)
    if membership.user_id == request.user.pk:
        messages.error(request, "You cannot deactivate yourself.")
    else:
        set_user_active(organisation, membership.user, request.POST.get("active") == "1")
    return redirect("portal:users")


def webhook_log(request: HttpRequest) -> HttpResponse:
    organisation = _admin(request)
    subscriptions = WebhookSubscription.objects.filter(organisation=organisation)
    deliveries = (
        WebhookDelivery.objects.filter(subscription__organisation=organisation)
        .select_related("subscription")
        .prefetch_related("attempt_log")[:100]
    )
    return render(
        request, "parties/portal/webhooks.html", {"subscriptions": subscriptions, "deliveries": deliveries}
    )


@require_POST
def redeliver(request: HttpRequest, delivery_id: int) -> HttpResponse:
    organisation = _admin(request)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, subscription__organisation=organisation)
    webhooks.redeliver(delivery)
    messages.success(request, f"Delivery {delivery.event_id} queued again.")
    return redirect("portal:webhooks")
