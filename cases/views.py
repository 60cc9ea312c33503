"""Case views: thin wrappers over cases.intake, cases.services and Case.objects.visible_to."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from cases import intake
from cases.filters import CaseFilter
from cases.forms import AddRecordForm, CaseEntry, ImportForm, RecordsCompleteForm
from cases.models import Case, DisputedItem, IneligibleReason
from cases.services import (
    CaseInputError,
    TransitionError,
    add_medical_record,
    available_admin_transitions,
    set_records_complete,
    transition_case,
)

CASES_PER_PAGE = 25
# Counting every case on every page of the unfiltered list is a scan of the whole table (1 s at 200,000
# cases under load): past this many rows (the planner's estimate) the total shown may be a minute old.
EXACT_TOTAL_BELOW = 10_000
TOTAL_CACHE_SECONDS = 60
TOTAL_CACHE_KEY = "cases:list:total"


class CasePaginator(Paginator):
    """Pages in the second half are read from the end with the ordering reversed, so the last page is
    as cheap as the first (no OFFSET over the whole table); ``total``, when given, is the row count."""

    def __init__(self, object_list: QuerySet, per_page: int, total: int | None = None) -> None:
        super().__init__(object_list, per_page)
        if total is not None:
            self.count = total  # replaces the cached_property's scan

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if number == 1 or number * 2 <= self.num_pages:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = list(self.object_list.reverse()[max(self.count - top, 0) : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)


def _estimated_rows(model) -> int:
    """The planner's row estimate for ``model``'s table (kept by ANALYZE/autovacuum); -1 when unknown."""
    if connection.vendor != "postgresql":
        return -1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        row = cursor.fetchone()
    return row[0] if row else -1


def _unfiltered_total(queryset: QuerySet[Case]) -> int:
    """The number of cases in the unfiltered list: exact while the table is small, else a count at most
    ``TOTAL_CACHE_SECONDS`` old (Redis when configured). The list is for administrators, who see every
    case (``Case.objects.visible_to``), so one figure serves them all."""
    if _estimated_rows(Case) < EXACT_TOTAL_BELOW:
        return queryset.count()
    return cache.get_or_set(TOTAL_CACHE_KEY, queryset.count, TOTAL_CACHE_SECONDS)


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    if request.user.has_perm("cases.manage_case"):
        return redirect("cases:list")
    if request.user.has_perm("parties.use_portal"):
        return redirect("portal:cases")  # a claims administrator's user
    return redirect("reviews:dashboard")


@permission_required("cases.manage_case", raise_exception=True)
def case_list(request: HttpRequest) -> HttpResponse:
    # The item count is a subquery, computed for the page's 25 rows only (a join and GROUP BY would
    # aggregate every case before sorting).
    items = (
        DisputedItem.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    )
    queryset = (
        Case.objects.visible_to(request.user)
        .annotate(item_count=Coalesce(Subquery(items, output_field=IntegerField()), Value(0)))
        .order_by("due_date", "case_number")
    )
    case_filter = CaseFilter(request.GET or None, queryset=queryset)
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(value for values in query.lists() for value in values[1])
    total = None if filtered else _unfiltered_total(case_filter.qs)
    paginator = CasePaginator(case_filter.qs, CASES_PER_PAGE, total)
    number = request.GET.get("page")
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    template = "cases/_case_rows.html" if request.htmx else "cases/case_list.html"
    return render(
        request,
        template,
        {"filter": case_filter, "page": page, "cases": list(page.object_list), "query": query.urlencode()},
    )


def case_detail(
    request: HttpRequest,
    case_number: str,
    record_form: AddRecordForm | None = None,
    complete_form: RecordsCompleteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).prefetch_related(
            "treating_providers", "disputed_items", "records"
        ),
        case_number=case_number,
    )
    if not rules.has_perm("cases.view_records", request.user, case):
        # A reviewer that has not accepted yet: the workspace shows what it needs to accept or decline.
        return redirect("reviews:workspace", case_number=case.case_number)
    is_admin = request.user.has_perm("cases.manage_case", case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "transitions": available_admin_transitions(case) if is_admin else [],
            "ineligible_reasons": IneligibleReason.choices,
            "history": case.transitions.select_related("actor") if is_admin else [],
            "record_form": record_form or AddRecordForm(),
            "complete_form": complete_form
            or RecordsCompleteForm(initial={"records_complete_date": case.records_complete_date}),
        },
        status=status,
    )


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def add_record(request: HttpRequest, case_number: str) -> HttpResponse:
    """A record that came in after intake; a bad one is shown again with the reason on its field."""
    case = get_object_or_404(Case, case_number=case_number)
    form = AddRecordForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            add_medical_record(
                case,
                title=d["title"],
                kind=d["kind"],
                date=d["date"],
                author=d["author"],
                text=d["text"],
                pdf=getattr(form, "pdf_bytes", None),
                by=request.user,
            )
        except CaseInputError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Record added to case {case.case_number}.")
            return redirect("cases:detail", case_number=case.case_number)
    messages.error(request, "The record was not added; see the reason below.")
    return case_detail(request, case_number, record_form=form, status=400)


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def records_complete(request: HttpRequest, case_number: str) -> HttpResponse:
    case = get_object_or_404(Case, case_number=case_number)
    form = RecordsCompleteForm(request.POST)
    if form.is_valid():
        try:
            set_records_complete(case, form.cleaned_data["records_complete_date"])
        except CaseInputError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request, f"Records complete; the determination is due {case.due_date:%B %-d, %Y}."
            )
            return redirect("cases:detail", case_number=case.case_number)
    return case_detail(request, case_number, complete_form=form, status=400)


@xframe_options_sameorigin
def record_file(request: HttpRequest, case_number: str, record_id: int) -> HttpResponse:
    """A record's PDF, only for those who may see the case; never from a public media URL."""
    case = get_object_or_404(Case.objects.visible_to(request.user), case_number=case_number)
    if not rules.has_perm("cases.view_records", request.user, case):
        raise PermissionDenied
    record = get_object_or_404(case.records, pk=record_id)
    if not record.file:
        raise Http404("This record has no file.")
    response = FileResponse(
        record.file.open("rb"),
        content_type="application/pdf",
        filename=f"{case.case_number}-record-{record.pk}.pdf",  # Django quotes or encodes it safely
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def case_transition(request: HttpRequest, case_number: str) -> HttpResponse:
    case = get_object_or_404(Case, case_number=case_number)
    action = request.POST.get("action", "")
    extra = {}
    if action == "request_records":
        extra["electronically"] = request.POST.get("electronically") == "on"
    try:
        transition_case(case, action, by=request.user, reason=request.POST.get("reason", ""), **extra)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Case {case.case_number} is now {case.get_status_display().lower()}.")
    return redirect("cases:detail", case_number=case.case_number)


@permission_required("cases.manage_case", raise_exception=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {f.name: f.read() for f in form.cleaned_data["record_files"]}
        report = intake.import_bytes(form.cleaned_data["intake_file"].read(), files, by=request.user)
        if report.imported:
            messages.success(request, f"Imported {len(report.imported)} case(s).")
        if not report.ok:
            messages.error(request, "Some cases were not imported; see the reasons below.")
    return render(request, "cases/import.html", {"form": form, "report": report})


@permission_required("cases.manage_case", raise_exception=True)
def case_create(request: HttpRequest) -> HttpResponse:
    entry = CaseEntry.bind(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if entry.is_valid():
            case, errors = intake.submit_case(entry.payload(), entry.files, by=request.user)
            if case is not None:
                messages.success(request, f"Case {case.case_number} created.")
                return redirect("cases:detail", case_number=case.case_number)
            entry.place_errors(errors)
        messages.error(request, "The case was not created; correct the fields marked below.")
    return render(request, "cases/case_form.html", {"form": entry.form, **entry.formsets})
