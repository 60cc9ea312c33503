"""Reviewer views: thin wrappers over ``reviews.workspace`` services and ``cases.queries``.

Who may see a case is decided once, by ``cases_for_user`` (any other case number answers 404, like one
that does not exist); who may change a review is decided by the services (PermissionDenied -> 403).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, DisputedItem
from cases.queries import cases_for_user
from cases.rules import is_administrator, is_qa
from reviews.models import Assignment, FrozenReviewError, ItemDecision, Review, ReviewStatus
from reviews.workspace import services
from reviews.workspace.checks import consistency_checks, failing
from reviews.workspace.forms import AmendForm, QAReturnForm, SignOffForm, SummaryForm, item_forms

LIVE_STATUSES = [ReviewStatus.DRAFT, ReviewStatus.IN_QA, ReviewStatus.SIGNED]


def _case(request: HttpRequest, case_number: str, *related: str) -> Case:
    queryset = cases_for_user(request.user)
    if related:
        queryset = queryset.prefetch_related(*related)
    return get_object_or_404(queryset, case_number=case_number)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _letter_preview_url(case: Case) -> str | None:
    """The letters issue's in-browser preview (same template as the PDF), when that part is installed."""
    try:
        return reverse("reviews:letter_preview", args=[case.case_number])
    except NoReverseMatch:
        return None


# -- dashboard ---------------------------------------------------------------------------------------
def dashboard(request: HttpRequest) -> HttpResponse:
    """The reviewer's own assigned cases, soonest due first, with progress; QA readers see their queue."""
    user = request.user
    live = Review.objects.filter(case=OuterRef("pk"), status__in=LIVE_STATUSES).order_by("-version")
    # Only one review of a case is live at a time (an amendment supersedes the signed one).
    decided = (
        ItemDecision.objects.filter(review__case=OuterRef("pk"), review__status__in=LIVE_STATUSES)
        .exclude(decision="")
        .values("review__case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    items = (
        DisputedItem.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    )
    assignment = Assignment.objects.filter(case=OuterRef("pk"), active=True, reviewer__user=user)
    cases = (
        cases_for_user(user)
        .filter(assignments__active=True, assignments__reviewer__user=user)
        .annotate(
            item_count=Coalesce(Subquery(items, output_field=IntegerField()), Value(0)),
            review_status=Subquery(live.values("status")[:1]),
            decided_count=Coalesce(Subquery(decided, output_field=IntegerField()), Value(0)),
            accepted_at=Subquery(assignment.values("accepted_at")[:1]),
        )
        .order_by("due_date", "case_number")
    )
    qa_queue = []
    if is_qa(user):
        qa_queue = list(
            Review.objects.filter(status=ReviewStatus.IN_QA)
            .select_related("case")
            .order_by("submitted_for_qa_at")
        )
    return render(request, "reviews/dashboard.html", {"cases": list(cases), "qa_queue": qa_queue})


# -- the workspace -----------------------------------------------------------------------------------
def _workspace_context(request: HttpRequest, case: Case, review: Review | None) -> dict:
    user = request.user
    assignment = services.active_assignment(case)
    is_assignee = bool(assignment and assignment.reviewer.user_id == user.pk)
    editable = bool(review and services.can_edit(user, review))
    context = {
        "case": case,
        "review": review,
        "assignment": assignment,
        "is_assignee": is_assignee,
        "awaiting_acceptance": bool(is_assignee and not assignment.accepted_at),
        "editable": editable,
        "is_admin": is_administrator(user),
        "is_qa": is_qa(user),
        "records": case.records.all(),
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
        context["qa_return_form"] = QAReturnForm()
    return context


@require_GET
def workspace(request: HttpRequest, case_number: str) -> HttpResponse:
    """The case file beside the determination being written: the reviewer's one page per case."""
    case = _case(request, case_number, "treating_providers", "disputed_items")
    review = services.current_review(case)
    assignment = services.active_assignment(case)
    accepted = bool(assignment and assignment.reviewer.user_id == request.user.pk and assignment.accepted_at)
    if accepted and (review is None or review.is_editable or case.status == "assigned"):
        review = services.start_or_get_review(case, request.user)
        case.refresh_from_db()
    if review is not None:
        review = (
            Review.objects.select_related("case", "reviewer__user", "saved_by")
            .prefetch_related(
                Prefetch("decisions", queryset=ItemDecision.objects.select_related("disputed_item"))
            )
            .get(pk=review.pk)
        )
    return render(request, "reviews/workspace.html", _workspace_context(request, case, review))


def _posted_fields(request: HttpRequest, review: Review) -> dict[str, str]:
    keys = {services.SUMMARY_KEY} | {
        services.item_key(item_id, name)
        for item_id in review.decisions.values_list("disputed_item_id", flat=True)
        for name in services.ITEM_FIELDS
    }
    return {k: request.POST[k] for k in request.POST if k in keys}


@require_POST
def save_draft(request: HttpRequest, case_number: str) -> HttpResponse:
    """Autosave and "Save progress": stores what was typed, never validates, never overwrites a newer save."""
    case = _case(request, case_number)
    review = services.current_review(case)
    if review is None:
        raise Http404("No review has been started on this case.")
    as_json = _wants_json(request)
    try:
        base_revision = int(request.POST.get("base_revision", ""))
    except ValueError:
        return _save_error(request, case, "base_revision: missing; reload the page.", 400)
    data = _posted_fields(request, review)
    try:
        result = services.save_draft(review, data, base_revision, by=request.user)
    except FrozenReviewError as exc:
        return _save_error(request, case, str(exc), 409)
    except services.InvalidInput as exc:
        return _save_error(request, case, str(exc), 400)
    except services.WorkspaceError as exc:
        return _save_error(request, case, str(exc), 409)
    if not result.saved:
        context = {
            "case": case,
            "review": result.review,
            "conflicts": result.conflicts,
            "others": {k: v for k, v in data.items() if k not in {c.key for c in result.conflicts}},
        }
        if as_json:
            html = render_to_string("reviews/_conflict.html", context, request=request)
            return JsonResponse(
                {"status": "conflict", "revision": result.review.revision, "html": html}, status=409
            )
        return render(request, "reviews/conflict.html", context, status=409)
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
def checklist(request: HttpRequest, case_number: str) -> HttpResponse:
    """The consistency checklist as an htmx partial, refreshed after each save."""
    case = _case(request, case_number)
    review = services.current_review(case)
    if review is None:
        raise Http404("No review has been started on this case.")
    checks = consistency_checks(review, timezone.localdate())
    return render(
        request,
        "reviews/_checklist.html",
        {
            "case": case,
            "review": review,
            "checks": checks,
            "failing": failing(checks),
            "editable": services.can_edit(request.user, review),
        },
    )


_WORD = re.compile(r"\w[\w'-]*")


@require_GET
def record_search(request: HttpRequest, case_number: str) -> HttpResponse:
    """Search within this case's medical records (title, author, text); an htmx partial."""
    case = _case(request, case_number)
    query = request.GET.get("q", "").strip()[:200]
    records = case.records.all()
    if query:
        terms = _WORD.findall(query) or [query]
        condition = Q()
        for term in terms:
            condition &= Q(text__icontains=term) | Q(title__icontains=term) | Q(author__icontains=term)
        records = records.filter(condition)
    return render(
        request,
        "reviews/_records.html",
        {"case": case, "records": records, "query": query, "searched": True},
    )


# -- sign-off, QA, amendments -----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, case_number: str) -> HttpResponse:
    """Confirm and sign: the strict validation the drafts never had."""
    case = _case(request, case_number)
    review = services.current_review(case)
    if review is None:
        raise Http404("No review has been started on this case.")
    if is_administrator(request.user) and review.reviewer.user_id != request.user.pk:
        raise PermissionDenied("Administrators cannot sign off for a reviewer.")
    if not services.can_edit(request.user, review):
        if review.reviewer.user_id != request.user.pk:
            raise PermissionDenied("Only the assigned reviewer signs off this review.")
        messages.info(request, f"The review is {review.get_status_display().lower()}.")
        return redirect("reviews:workspace", case_number=case.case_number)
    form = SignOffForm(request.POST or None, initial={"base_revision": review.revision})
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review = services.sign_off(
                review, by=request.user, base_revision=form.cleaned_data["base_revision"]
            )
        except services.WorkspaceError as exc:
            error, status = str(exc), 400
        else:
            if review.status == ReviewStatus.IN_QA:
                messages.success(
                    request, "Sent to quality assurance. You will see it again if QA returns it."
                )
            else:
                messages.success(
                    request, "Signed. The determination is issued and the letter is being prepared."
                )
            return redirect("reviews:workspace", case_number=case.case_number)
    elif request.method == "POST":
        status = 400
    review.refresh_from_db()
    checks = consistency_checks(review, timezone.localdate())
    return render(
        request,
        "reviews/sign_off.html",
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
def qa_approve(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    review = services.current_review(case)
    if review is None:
        raise Http404("No review on this case.")
    try:
        services.qa_approve(review, by=request.user, comments=request.POST.get("comments", ""))
    except services.WorkspaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Approved. The determination is issued and the letter is being prepared.")
    return redirect("reviews:workspace", case_number=case.case_number)


@require_POST
def qa_return(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    review = services.current_review(case)
    if review is None:
        raise Http404("No review on this case.")
    form = QAReturnForm(request.POST)
    form.is_valid()
    try:
        services.qa_return(review, by=request.user, comments=form.cleaned_data.get("comments", ""))
    except services.WorkspaceError as exc:
        form.add_error("comments", str(exc).split(": ", 1)[-1])
        context = _workspace_context(request, case, review)
        context["qa_return_form"] = form
        return render(request, "reviews/workspace.html", context, status=400)
    messages.success(request, "Returned to the reviewer with your comments.")
    return redirect("reviews:workspace", case_number=case.case_number)


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, case_number: str) -> HttpResponse:
    """An administrator reopens a signed determination as a new version, with a reason."""
    case = _case(request, case_number)
    if not is_administrator(request.user):
        raise PermissionDenied("Only an administrator amends a signed determination.")
    form = AmendForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review = services.amend(case, by=request.user, reason=form.cleaned_data["reason"])
        except services.WorkspaceError as exc:
            form.add_error("reason" if "Reason" in str(exc) else None, str(exc).removeprefix("Reason: "))
            status = 400
        else:
            messages.success(request, f"Version {review.version} opened for the reviewer to amend.")
            return redirect("reviews:workspace", case_number=case.case_number)
    signed = case.reviews.filter(status=ReviewStatus.SIGNED).order_by("-version").first()
    return render(
        request, "reviews/amend.html", {"case": case, "form": form, "signed": signed}, status=status
    )


@require_GET
def review_version(request: HttpRequest, case_number: str, version: int) -> HttpResponse:
    """Any version of the determination, read-only: earlier versions stay readable after an amendment."""
    case = _case(request, case_number)
    review = get_object_or_404(
        case.reviews.select_related("reviewer__user", "signed_by", "amended_by", "supersedes"),
        version=version,
    )
    return render(
        request,
        "reviews/review_version.html",
        {
            "case": case,
            "review": review,
            "decisions": review.decisions.select_related("disputed_item"),
            "versions": case.reviews.order_by("-version"),
        },
    )
