"""Assignment pages: thin wrappers that parse input, call one service, and present the result.

Administrators (rule ``reviews.assign_reviewer``): the case page's assignment panel (ranked suggestions,
assign / reassign / unassign), the Reviewers page, bulk assignment. Reviewers: accept / decline their own
active assignments (anything else answers 404, the same as an assignment that does not exist).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from cases.models import Case
from imr_site.permissions import object_permission_required
from reviews.assignment import services
from reviews.assignment.forms import AcceptForm, AssignForm, BulkAssignForm, DeclineForm, ReasonForm
from reviews.assignment.queries import cases_for_panel
from reviews.models import Assignment, ReviewerProfile

manage = permission_required("reviews.assign_reviewer", raise_exception=True)
PANEL = "reviews/assignment/_panel.html"
# The panel lists this many assignable reviewers, best first, and a button for the rest: at 150 reviewers
# rendering every suggestion with its reasons was most of the case page's time (bench/load.py, issue 11).
SHOWN_SUGGESTIONS = 10
ALL_REVIEWERS = "all"  # ?reviewers=all on the case page or the panel lists every assignable reviewer
ACCEPT_DECLINE = "reviews/assignment/_accept_decline.html"
CASE_LIVE = "cases/_case_live.html"


# -- the case page's panel ---------------------------------------------------------------------------


def _panel_case(case_number: str) -> Case:
    return get_object_or_404(cases_for_panel(), case_number=case_number)


def _show_all(request: HttpRequest | None) -> bool:
    return request is not None and request.GET.get("reviewers") == ALL_REVIEWERS


def panel_context(case: Case, form: AssignForm | None = None, show_all: bool = False, **extra) -> dict:
    """Everything the assignment panel shows; used by the case page's include and the htmx views.
    ``case`` comes from ``queries.cases_for_panel()``. The first ``SHOWN_SUGGESTIONS`` assignable reviewers
    unless ``show_all`` or a form came back with a reviewer chosen (it stays on the list, checked)."""
    panel = services.assignment_panel(case)
    ranked = panel.ranked
    if not (show_all or (form is not None and form["reviewer"].value())):
        ranked = ranked[:SHOWN_SUGGESTIONS]
    return {
        "case": case,
        "current": panel.current,
        "current_problems": panel.current_problems,
        "assignable": panel.assignable,
        "suggestions": panel.suggestions,
        "ranked": ranked,
        "more_assignable": len(panel.ranked) - len(ranked),
        "blocked": panel.blocked,
        "form": form,
        "events": case.assignment_events.select_related("actor", "from_reviewer__user", "to_reviewer__user"),
        **extra,
    }


def render_panel(case: Case, request: HttpRequest | None = None) -> str:
    """The assignment panel's HTML for the case page (``{% assignment_panel case %}``)."""
    context = panel_context(_panel_case(case.case_number), show_all=_show_all(request))
    return render_to_string(PANEL, context, request=request)


def _panel_response(request: HttpRequest, case: Case, **extra) -> HttpResponse:
    if request.htmx:
        panel_case = _panel_case(case.case_number)
        response = render(request, PANEL, panel_context(panel_case, **extra))
        # The case page's header and status controls follow the status the change just made (htmx swaps
        # them out of band), so the page never shows "Records requested" beside an assigned reviewer.
        live = render_to_string(CASE_LIVE, {"case": panel_case, "oob": True}, request=request)
        response.content += live.encode()
        return response
    if extra.get("error"):
        messages.error(request, extra["error"])
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    return redirect("cases:detail", case_number=case.case_number)


@manage
def case_panel(request: HttpRequest, case_number: str) -> HttpResponse:
    return render(request, PANEL, panel_context(_panel_case(case_number), show_all=_show_all(request)))


def _form_error(form) -> str:
    return " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
                    for f, e in form.errors.items())  # fmt: skip


@require_POST
@manage
def assign_case(request: HttpRequest, case_number: str) -> HttpResponse:
    """Assign, or reassign when the case already has a reviewer (then a reason is required)."""
    case = get_object_or_404(Case, case_number=case_number)
    reassigning = request.POST.get("mode") == "reassign"
    form = AssignForm(request.POST, reason_required=reassigning)
    if not form.is_valid():
        if request.htmx:
            return render(request, PANEL, panel_context(_panel_case(case_number), form=form), status=422)
        return _panel_response(request, case, error=_form_error(form))
    reviewer, reason = form.cleaned_data["reviewer"], form.cleaned_data["reason"]
    try:
        if reassigning:
            assignment = services.reassign(case, reviewer, by=request.user, reason=reason)
        else:
            assignment = services.assign(case, reviewer, by=request.user, reason=reason)
    except services.AssignmentError as exc:
        if request.htmx:
            return render(
                request, PANEL, panel_context(_panel_case(case_number), form=form, error=str(exc)), status=409
            )
        return _panel_response(request, case, error=str(exc))
    verb = "reassigned" if reassigning else "assigned"
    notice = f"Case {case.case_number} {verb} to {reviewer}; " + _email_outcome(assignment)
    return _panel_response(request, case, notice=notice)


def _email_outcome(assignment: Assignment) -> str:
    """What the administrator is told about the reviewer's e-mail: only what actually happened."""
    sent = getattr(assignment, "email_sent", None)
    if sent is None:
        return "the e-mail to the reviewer goes out once the change is saved."
    if sent:
        return "emailed."
    return "the e-mail could NOT be sent; the case is on the reviewer's dashboard, tell them another way."


@require_POST
@manage
def unassign_case(request: HttpRequest, case_number: str) -> HttpResponse:
    case = get_object_or_404(Case, case_number=case_number)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, case, error="Reason: give a reason to unassign.")
    try:
        services.unassign(case, by=request.user, reason=form.cleaned_data["reason"])
    except services.AssignmentError as exc:
        return _panel_response(request, case, error=str(exc))
    return _panel_response(request, case, notice=f"Case {case.case_number} unassigned; it is eligible again.")


# -- reviewers ----------------------------------------------------------------------------------------


@manage
def reviewer_list(request: HttpRequest) -> HttpResponse:
    """Every reviewer with its eligibility and reasons, workload, expiring credentials, and the open cases
    of deactivated reviewers or of reviewers whose conflicts were found after assignment."""
    roster = services.reviewer_roster()
    return render(request, "reviews/assignment/reviewers.html", {"roster": roster})


@require_POST
@manage
def reviewer_activation(request: HttpRequest, reviewer_id: int) -> HttpResponse:
    reviewer = get_object_or_404(ReviewerProfile, pk=reviewer_id)
    if request.POST.get("action") == "reactivate":
        services.reactivate_reviewer(reviewer, by=request.user)
        messages.success(request, f"{reviewer} is active again.")
        return redirect("reviews:assignment:reviewers")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Reason: give a reason to deactivate {reviewer}.")
        return redirect("reviews:assignment:reviewers")
    open_cases = services.deactivate_reviewer(reviewer, by=request.user, reason=form.cleaned_data["reason"])
    if open_cases:
        numbers = ", ".join(a.case.case_number for a in open_cases)
        messages.warning(request, f"{reviewer} deactivated; reassign its open cases: {numbers}.")
    else:
        messages.success(request, f"{reviewer} deactivated; it had no open cases.")
    return redirect("reviews:assignment:reviewers")


# -- bulk assignment ----------------------------------------------------------------------------------


@manage
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """Several cases to one reviewer, each screened on its own; the outcome of each is listed."""
    data = request.POST if request.method == "POST" else None
    form = BulkAssignForm(data, initial={"cases": request.GET.getlist("cases")})
    numbers = request.POST.getlist("cases") if data else request.GET.getlist("cases")
    cases = list(
        Case.objects.filter(case_number__in=numbers)
        .prefetch_related("treating_providers", "disputed_items", "assignments")
        .order_by("due_date", "case_number")
    )
    form.fields["cases"].queryset = Case.objects.filter(case_number__in=numbers)
    outcomes = None
    if data is not None and form.is_valid():
        outcomes = services.bulk_assign(
            list(form.cleaned_data["cases"].order_by("due_date", "case_number")),
            form.cleaned_data["reviewer"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
        done = sum(1 for o in outcomes if o.ok)
        (messages.success if done == len(outcomes) else messages.warning)(
            request, f"{done} of {len(outcomes)} case(s) assigned."
        )
        for case in cases:
            case.refresh_from_db()
    return render(
        request,
        "reviews/assignment/bulk.html",
        {"form": form, "cases": cases, "screen": services.bulk_screen(cases), "outcomes": outcomes},
    )


# -- the reviewer's answer ----------------------------------------------------------------------------


def _answer_response(request: HttpRequest, assignment: Assignment, **extra) -> HttpResponse:
    assignment.refresh_from_db()
    if request.htmx:
        status = 422 if extra.get("errors") else 200
        return render(request, ACCEPT_DECLINE, {"assignment": assignment, **extra}, status=status)
    for error in extra.get("errors", {}).values():
        messages.error(request, error)
    if extra.get("notice"):
        messages.success(request, extra["notice"])
    return redirect("reviews:dashboard")


def _own_assignment(request: HttpRequest, assignment_id: int) -> Assignment:
    """The user's own active assignment; any other answers 404, as one that does not exist."""
    held = Assignment.objects.active().held_by(request.user).select_related("case", "reviewer")
    return get_object_or_404(held, pk=assignment_id)


answer = object_permission_required("reviews.answer_assignment", _own_assignment)


@require_POST
@answer
def accept(request: HttpRequest, assignment: Assignment, assignment_id: int) -> HttpResponse:
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return _answer_response(
            request, assignment, errors={"attest_no_conflict": form.errors["attest_no_conflict"][0]}
        )
    try:
        services.accept_assignment(assignment, by=request.user, attest_no_conflict=True)
    except services.AssignmentError as exc:
        return _answer_response(request, assignment, errors={"general": str(exc)})
    return _answer_response(request, assignment, notice=f"Case {assignment.case.case_number} accepted.")


@require_POST
@answer
def decline(request: HttpRequest, assignment: Assignment, assignment_id: int) -> HttpResponse:
    form = DeclineForm(request.POST)
    if not form.is_valid():
        errors = {field: errs[0] for field, errs in form.errors.items()}
        if "reason" in errors:
            errors["reason"] = "Reason for declining: give a reason (it is sent to the administrators)."
        return _answer_response(request, assignment, errors=errors, posted=request.POST)
    try:
        services.decline_assignment(
            assignment,
            by=request.user,
            reason=form.cleaned_data["reason"],
            conflict=form.cleaned_data["conflict"],
            conflicting_party=form.cleaned_data["conflicting_party"],
        )
    except services.AssignmentError as exc:
        return _answer_response(request, assignment, errors={"general": str(exc)}, posted=request.POST)
    notice = f"Case {assignment.case.case_number} returned to the administrators."
    if request.htmx:
        return render(request, ACCEPT_DECLINE, {"assignment": assignment, "notice": notice, "declined": True})
    messages.success(request, notice)
    return redirect("reviews:dashboard")
