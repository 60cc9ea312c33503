"""Workspace pages: thin wrappers over ``reviews.workspace`` services.

Each view declares its rule (``reviews/rules.py``, ``cases/rules.py``) with the object it is about. The
object is looked up among what the user may see (``Case.objects.visible_to``): any other case number
answers 404, like one that does not exist; a rule that fails answers 403. Services check the same rules.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import record_pages
from cases.models import Case, CaseStatus
from imr_site.permissions import object_permission_required
from imr_site.roles import is_qa
from reviews.models import (
    FrozenReviewError,
    ItemDecision,
    QAComment,
    Review,
    ReviewStatus,
)
from reviews.workspace import amendments, drafts, reading, signoff
from reviews.workspace import dashboard as my_cases
from reviews.workspace.checks import consistency_checks, failing
from reviews.workspace.errors import InvalidInput, WorkspaceError
from reviews.workspace.forms import AmendForm, QAReturnForm, SignOffForm, SummaryForm, item_forms


def _visible_case(request: HttpRequest, case_number: str, **_) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), case_number=case_number)


def _current_review(request: HttpRequest, case_number: str, **_) -> Review:
    case = _visible_case(request, case_number)
    review = drafts.current_review(case)
    if review is None and case.status == CaseStatus.WITHDRAWN:
        # Withdrawing voided the open draft: a save or sign-off still in flight is told why it is refused.
        review = case.reviews.filter(status=ReviewStatus.VOIDED).order_by("-version").first()
    if review is None:
        raise Http404("No review has been started on this case.")
    return review


view_case = object_permission_required("cases.view_case", _visible_case)
# The health information (records, drafts, versions): only once the reviewer has accepted the case.
view_records = object_permission_required("cases.view_records", _visible_case)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _letter_preview_url(case: Case) -> str | None:
    """The letters part's in-browser preview (same template as the PDF), when that part is installed."""
    try:
        return reverse("reviews:letter_preview", args=[case.case_number])
    except NoReverseMatch:
        return None


def _editable(user, review: Review | None) -> bool:
    """The review form shows only to its reviewer, and only while the review is a draft."""
    return bool(review and review.is_editable and rules.has_perm("reviews.edit_review", user, review))


# -- dashboard ---------------------------------------------------------------------------------------
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The reviewer's open cases soonest due first with progress, those decided lately, earlier ones on
    demand (``?earlier=1``, ``?q=`` a case-number search, ``&before=`` the next page); QA readers see
    their queue too."""
    user = request.user
    if not user.has_perm("reviews.view_dashboard"):
        raise PermissionDenied  # a claims administrator's user: the portal is its site
    # The navigation reads the profile too: this caches it (or its absence, for a QA reader) on the user.
    reviewer = getattr(user, "reviewer_profile", None)
    today = timezone.localdate()
    query = request.GET.get("q", "")
    before = request.GET.get("before", "")
    context = {
        "cases": my_cases.open_cases(reviewer),
        "recent": my_cases.recently_decided(reviewer, today),
        "recent_days": my_cases.RECENT_DAYS,
        "query": query,
        "earlier": None,
        "qa_queue": [],
    }
    if query or before or request.GET.get("earlier"):
        try:
            context["earlier"] = my_cases.earlier_cases(reviewer, today, query, before)
        except my_cases.BadCursor:
            context["before_error"] = "The page marker (before) is not one this page wrote: from the first."
            context["earlier"] = my_cases.earlier_cases(reviewer, today, query)
    if is_qa(user):
        context["qa_queue"] = list(
            Review.objects.filter(status=ReviewStatus.IN_QA)
            .select_related("case")
            .order_by("submitted_for_qa_at")
        )
    return render(request, "reviews/workspace/dashboard.html", context)


# -- the workspace -----------------------------------------------------------------------------------
def _workspace_context(request: HttpRequest, case: Case, review: Review | None) -> dict:
    user = request.user
    assignment = drafts.active_assignment(case)
    is_assignee = bool(assignment and rules.has_perm("reviews.answer_assignment", user, assignment))
    if not rules.has_perm("cases.view_records", user, case):
        # Before accepting, a reviewer sees only what it needs to accept or decline: the case number, the
        # parties (for the conflict check), the disputed items and the due date. No records, no drafts.
        return {
            "case": case,
            "review": None,
            "assignment": assignment,
            "is_assignee": is_assignee,
            "awaiting_acceptance": is_assignee,
            "can_view_records": False,
        }
    context = {
        "can_view_records": True,
        "case": case,
        "review": review,
        "assignment": assignment,
        "is_assignee": is_assignee,
        "awaiting_acceptance": bool(is_assignee and not assignment.accepted_at),
        "can_start": bool(is_assignee and assignment.accepted_at and review is None),
        "editable": _editable(user, review),
        "record_count": case.records.count(),
        "versions": case.reviews.order_by("-version"),
        "preview_url": _letter_preview_url(case),
        "letters": case.letters.order_by("-version")[:1],
    }
    if review:
        context["decisions"] = review.decisions.all()
        context["summary_form"] = SummaryForm(instance=review)
        context["item_forms"] = item_forms(review)
        context["checks"] = consistency_checks(review, timezone.localdate())
        context["failing"] = failing(context["checks"])
        context["qa_reviews"] = review.qa_reviews.select_related("by")
        items = [d.disputed_item for d in context["decisions"]]
        context["qa_return_form"] = QAReturnForm(items=items)
        context["decided_count"] = sum(1 for d in context["decisions"] if d.decision)
        last_qa = context["qa_reviews"].first()
        comments = {}
        if last_qa and last_qa.outcome == "returned":
            for c in QAComment.objects.filter(qa_review=last_qa):
                comments.setdefault(c.disputed_item_id, []).append(c)
        for item, _form in context["item_forms"]:
            item.qa_comments = comments.get(item.pk, [])
    return context


@require_GET
@view_case
def workspace(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """The case file beside the determination being written: the reviewer's one page per case.

    Reading only: the review is started when the reviewer accepts the assignment (or by ``start``)."""
    case = Case.objects.prefetch_related("treating_providers", "disputed_items").get(pk=case.pk)
    review = drafts.current_review(case)
    if review is not None:
        review = (
            Review.objects.select_related("case", "reviewer__user", "saved_by")
            .prefetch_related(
                Prefetch("decisions", queryset=ItemDecision.objects.select_related("disputed_item"))
            )
            .get(pk=review.pk)
        )
    return render(request, "reviews/workspace/workspace.html", _workspace_context(request, case, review))


@require_POST
@view_case
def start(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """Start the review of an accepted case that has none yet (accepting starts it; this is the fallback
    for an assignment accepted before it did)."""
    try:
        drafts.start_review(case, request.user)
    except WorkspaceError as exc:
        messages.error(request, exc.message)
    return redirect("reviews:workspace", case_number=case.case_number)


def _posted_fields(request: HttpRequest, review: Review) -> dict[str, str]:
    keys = {drafts.SUMMARY_KEY} | {
        drafts.item_key(item_id, name)
        for item_id in review.decisions.values_list("disputed_item_id", flat=True)
        for name in drafts.ITEM_FIELDS
    }
    return {k: request.POST[k] for k in request.POST if k in keys}


@require_POST
@object_permission_required("reviews.edit_review", _current_review)
def save_draft(request: HttpRequest, review: Review, case_number: str) -> HttpResponse:
    """Autosave and "Save progress": stores what was typed, never validates, never overwrites a newer save."""
    case = review.case
    as_json = _wants_json(request)
    try:
        base_revision = int(request.POST.get("base_revision", ""))
    except ValueError:
        return _save_error(request, case, "base_revision: missing; reload the page.", 400)
    data = _posted_fields(request, review)
    try:
        result = drafts.save_draft(review, data, base_revision, by=request.user)
    except FrozenReviewError as exc:
        return _save_error(request, case, str(exc), 409)
    except InvalidInput as exc:
        return _save_error(request, case, exc.message, 400)
    except WorkspaceError as exc:
        return _save_error(request, case, exc.message, 409)
    if not result.saved:
        context = {
            "case": case,
            "review": result.review,
            "conflicts": result.conflicts,
            "others": {k: v for k, v in data.items() if k not in {c.key for c in result.conflicts}},
        }
        if as_json:
            html = render_to_string("reviews/workspace/_conflict.html", context, request=request)
            return JsonResponse(
                {"status": "conflict", "revision": result.review.revision, "html": html}, status=409
            )
        return render(request, "reviews/workspace/conflict.html", context, status=409)
    saved = result.review
    if as_json:
        local = timezone.localtime(saved.saved_at) if saved.saved_at else None
        return JsonResponse(
            {
                "status": "saved",
                "revision": saved.revision,
                "saved_at": local.strftime("%H:%M") if local else "",
                "changed": result.changed,
            }
        )
    messages.success(request, "Saved.")
    return redirect("reviews:workspace", case_number=case.case_number)


def _save_error(request: HttpRequest, case: Case, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"status": "error", "message": message}, status=status)
    messages.error(request, message)
    return redirect("reviews:workspace", case_number=case.case_number)


@require_GET
@view_records
def checklist(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """The consistency checklist as an htmx partial, refreshed after each save."""
    review = drafts.current_review(case)
    if review is None:
        raise Http404("No review has been started on this case.")
    checks = consistency_checks(review, timezone.localdate())
    return render(
        request,
        "reviews/workspace/_checklist.html",
        {
            "case": case,
            "review": review,
            "checks": checks,
            "failing": failing(checks),
            "editable": _editable(request.user, review),
        },
    )


@require_GET
@view_records
def record_list(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """The records by date, with type, page count and "new" marks; loaded when the records pane opens."""
    return render(
        request,
        "reviews/workspace/_records.html",
        {"case": case, "records": reading.records_for(case, drafts.current_review(case))},
    )


@require_GET
@view_records
def record_search(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """Search every page of this case's records; hits listed by record and page (an htmx partial)."""
    query = request.GET.get("q", "").strip()[: record_pages.MAX_QUERY_CHARS]
    hits = record_pages.search(case, query)
    labels = {r.record.pk: r for r in reading.records_for(case, drafts.current_review(case))}
    return render(
        request,
        "reviews/workspace/_search_hits.html",
        {"case": case, "query": query, "hits": [(labels[h.record.pk], h) for h in hits]},
    )


@require_GET
@view_records
def record_text(request: HttpRequest, case: Case, case_number: str, record_id: int) -> HttpResponse:
    """A record's text page by page, for the viewer (a text record, or a PDF's text for the reader)."""
    record = get_object_or_404(case.records, pk=record_id)
    record_pages.ensure_pages(case)
    return render(
        request,
        "reviews/workspace/_record_text.html",
        {"case": case, "record": record, "pages": record.pages.all()},
    )


# -- sign-off, QA, amendments -----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@object_permission_required("reviews.sign_off_review", _current_review)
def sign_off(request: HttpRequest, review: Review, case_number: str) -> HttpResponse:
    """Confirm and sign: the strict validation the drafts never had."""
    case = review.case
    if not review.is_editable:
        messages.info(request, f"The review is {review.get_status_display().lower()}.")
        return redirect("reviews:workspace", case_number=case.case_number)
    form = SignOffForm(request.POST or None, initial={"base_revision": review.revision})
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review = signoff.sign_off(
                review, by=request.user, base_revision=form.cleaned_data["base_revision"]
            )
        except WorkspaceError as exc:
            error, status = exc.message, 400
        else:
            if review.status == ReviewStatus.IN_QA:
                messages.success(
                    request, "Sent to quality assurance. You will see it again if QA returns it."
                )
            else:
                # The letter's progress is shown live under the flash (it polls), so the flash never names a
                # letter status that may already be out of date.
                messages.success(request, "Signed. The determination is issued.")
            return redirect("reviews:workspace", case_number=case.case_number)
    elif request.method == "POST":
        status = 400
    review.refresh_from_db()
    checks = consistency_checks(review, timezone.localdate())
    return render(
        request,
        "reviews/workspace/sign_off.html",
        {
            "case": case,
            "review": review,
            "decisions": review.decisions.select_related("disputed_item"),
            "checks": checks,
            "failing": failing(checks),
            "form": form,
            "error": error,
            "preview_url": _letter_preview_url(case),
            "qa_required": settings.IMR_QA_REQUIRED,
        },
        status=status,
    )


@require_POST
@object_permission_required("reviews.qa_review", _current_review)
def qa_approve(request: HttpRequest, review: Review, case_number: str) -> HttpResponse:
    try:
        signoff.qa_approve(review, by=request.user, comments=request.POST.get("comments", ""))
    except WorkspaceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Approved. The determination is issued.")
    return redirect("reviews:workspace", case_number=review.case.case_number)


@require_POST
@object_permission_required("reviews.qa_review", _current_review)
def qa_return(request: HttpRequest, review: Review, case_number: str) -> HttpResponse:
    case = review.case
    items = [d.disputed_item for d in review.decisions.select_related("disputed_item")]
    form = QAReturnForm(request.POST, items=items)
    form.is_valid()
    try:
        signoff.qa_return(
            review,
            by=request.user,
            comments=form.cleaned_data.get("comments", ""),
            item_comments=form.item_comments() if form.is_valid() else {},
        )
    except WorkspaceError as exc:
        form.add_error(exc.field, exc.message)
        context = _workspace_context(request, case, review)
        context["qa_return_form"] = form
        return render(request, "reviews/workspace/workspace.html", context, status=400)
    messages.success(request, "Returned to the reviewer with your comments.")
    return redirect("reviews:workspace", case_number=case.case_number)


@require_http_methods(["GET", "POST"])
@object_permission_required("reviews.amend_determination", _visible_case)
def amend(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """An administrator reopens a signed determination as a new version, with a reason."""
    form = AmendForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review = amendments.amend(case, by=request.user, reason=form.cleaned_data["reason"])
        except WorkspaceError as exc:
            form.add_error(exc.field, exc.message)
            status = 400
        else:
            messages.success(request, f"Version {review.version} opened for the reviewer to amend.")
            return redirect("reviews:workspace", case_number=case.case_number)
    signed = case.reviews.latest_signed()
    return render(
        request, "reviews/workspace/amend.html", {"case": case, "form": form, "signed": signed}, status=status
    )


@require_GET
@view_records
def review_version(request: HttpRequest, case: Case, case_number: str, version: int) -> HttpResponse:
    """Any version of the determination, read-only: earlier versions stay readable after an amendment."""
    review = get_object_or_404(
        case.reviews.select_related("reviewer__user", "signed_by", "amended_by", "supersedes"),
        version=version,
    )
    return render(
        request,
        "reviews/workspace/review_version.html",
        {
            "case": case,
            "review": review,
            "decisions": review.decisions.select_related("disputed_item"),
            "versions": case.reviews.order_by("-version"),
        },
    )


@require_GET
@view_records
def compare_versions(request: HttpRequest, case: Case, case_number: str) -> HttpResponse:
    """Two versions of the determination side by side, word by word (amendments); ?a=1&b=2."""
    versions = list(case.reviews.order_by("version"))
    if len(versions) < 2:
        raise Http404("This determination has one version.")
    numbers = [v.version for v in versions]
    try:
        a = int(request.GET.get("a", numbers[-2]))
        b = int(request.GET.get("b", numbers[-1]))
    except ValueError:
        a, b = numbers[-2], numbers[-1]
    by_number = {v.version: v for v in versions}
    if a not in by_number or b not in by_number:
        raise Http404("No such version.")
    old, new = sorted((by_number[a], by_number[b]), key=lambda v: v.version)
    summary, items = reading.compare_versions(old, new)
    return render(
        request,
        "reviews/workspace/compare.html",
        {"case": case, "old": old, "new": new, "versions": versions, "summary": summary, "items": items},
    )


@require_GET
def qa_queue(request: HttpRequest) -> HttpResponse:
    """Where a QA reader lands: the reviews waiting for QA, soonest due first."""
    if not rules.has_perm("reviews.view_qa_queue", request.user):
        raise PermissionDenied  # a page, not an object: its existence is no secret
    reviews = (
        Review.objects.filter(status=ReviewStatus.IN_QA)
        .select_related("case", "reviewer__user")
        .prefetch_related("reviewer__certifications")
        .order_by(F("case__due_date").asc(nulls_last=True), "submitted_for_qa_at")
    )
    return render(request, "reviews/workspace/qa_queue.html", {"reviews": list(reviews)})
