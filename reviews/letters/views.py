"""Letter pages: live status, permission-checked download, version history, regenerate, preview.

Thin: each view scopes the letter through ``DeterminationLetter.objects.visible_to`` (or the case through
``Case.objects.visible_to``), declares its rule from ``reviews/rules.py`` and calls one service. Files
are only ever served from here, never from a public media URL.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.recording import record as audit_record
from cases.models import Case
from imr_site.permissions import object_permission_required
from reviews.letters import publication, services
from reviews.letters.rendering import render_letter_html
from reviews.models import DeterminationLetter

PRIVATE = "private, no-store"


def _letter(request: HttpRequest, case_number: str, version: int) -> DeterminationLetter:
    letters = DeterminationLetter.objects.visible_to(request.user).select_related("case", "review")
    return get_object_or_404(letters, case__case_number=case_number, version=version)


def _status_context(request: HttpRequest, letter: DeterminationLetter | None) -> dict:
    return {"letter": letter, "can_manage": rules.has_perm("reviews.regenerate_letter", request.user, letter)}


read_letter = object_permission_required("reviews.read_letter", _letter)


def letter_case(request: HttpRequest, case_number: str) -> HttpResponse:
    """The case's letter: the current version's status (live) and, for administrators, every version."""
    letters = (
        DeterminationLetter.objects.visible_to(request.user)
        .select_related("case", "review")
        .filter(case__case_number=case_number)
    )
    case = Case.objects.filter(case_number=case_number).first()
    visible = (
        letters.exists() or Case.objects.visible_to(request.user).filter(case_number=case_number).exists()
    )
    if case is None or not visible:
        raise Http404("No such case.")
    if not rules.has_perm("cases.view_records", request.user, case):
        # A reviewer that has not accepted the case yet sees no determination of it.
        raise PermissionDenied
    can_manage = rules.has_perm("reviews.regenerate_letter", request.user)
    history = []
    if can_manage:
        history = list(
            letters.select_related("requested_by", "supersedes").prefetch_related("downloads__user")
        )
    current = letters.order_by("-version").first()
    context = {
        "case": case,
        "letter": current,
        "history": history,
        "can_manage": can_manage,
        # One read for the status and the table; the panel refreshes both while any version is in progress.
        "any_in_progress": any(v.in_progress for v in history) or bool(current and current.in_progress),
    }
    template = "reviews/letters/_letters_panel.html" if request.htmx else "reviews/letters/letter_case.html"
    response = render(request, template, context)
    response["Cache-Control"] = PRIVATE
    return response


@read_letter
def letter_status(
    request: HttpRequest, letter: DeterminationLetter, case_number: str, version: int
) -> HttpResponse:
    """The htmx partial: polls itself while queued or rendering, then offers the download."""
    if not request.htmx:
        return redirect("reviews:letter_case", case_number=case_number)
    context = _status_context(request, letter)
    response = render(request, "reviews/letters/partials/letter_status.html", context)
    response["Cache-Control"] = PRIVATE
    return response


@read_letter
def letter_download(
    request: HttpRequest, letter: DeterminationLetter, case_number: str, version: int
) -> HttpResponse:
    """The PDF as an attachment named after the case number; every download is recorded."""
    if not letter.is_ready:
        status = letter.get_status_display().lower()
        messages.info(request, f"Version {letter.version} of the letter is {status}.")
        return redirect("reviews:letter_case", case_number=case_number)
    try:
        services.download_letter(letter, by=request.user)
    except services.LetterFileLost as exc:
        messages.error(request, str(exc))
        return redirect("reviews:letter_case", case_number=case_number)
    response = FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=letter.download_filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = PRIVATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@object_permission_required("reviews.publish_letter", _letter)
def letter_public(
    request: HttpRequest, letter: DeterminationLetter, case_number: str, version: int
) -> HttpResponse:
    """The public, redacted form of a ready letter, for publication (administrators); made on demand,
    never stored, and recorded in the audit record like every read of the determination."""
    if not letter.is_ready:
        messages.info(
            request, f"Version {letter.version} of the letter is {letter.get_status_display().lower()}."
        )
        return redirect("reviews:letter_case", case_number=case_number)
    rendered = publication.render_public_letter(letter)
    audit_record(
        request,
        AuditAction.PUBLIC_LETTER,
        case_number=case_number,
        object_id=str(letter.pk),
        detail=f"version {letter.version}",
    )
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case_number} Final Determination (public).pdf"'
    response["Cache-Control"] = PRIVATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@object_permission_required("reviews.regenerate_letter", _letter)
def letter_regenerate(
    request: HttpRequest, letter: DeterminationLetter, case_number: str, version: int
) -> HttpResponse:
    """Administrators: a new version from the same signed review, with a reason; the old one is kept."""
    try:
        new = services.regenerate_letter(letter, by=request.user, reason=request.POST.get("reason", ""))
    except services.LetterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {new.version} of the letter is queued.")
    return redirect("reviews:letter_case", case_number=case_number)


def letter_preview(request: HttpRequest, case_number: str) -> HttpResponse:
    """The letter from the current (draft) review, in the browser, from the template the PDF uses."""
    case = get_object_or_404(Case.objects.visible_to(request.user), case_number=case_number)
    if not rules.has_perm("cases.view_records", request.user, case):
        raise PermissionDenied
    review = case.reviews.select_related("reviewer", "assignment").order_by("-version").first()
    if review is None:
        raise Http404("This case has no review yet.")
    response = HttpResponse(render_letter_html(review, preview=True))
    response["Cache-Control"] = PRIVATE
    return response
