"""Case views: thin wrappers over cases.intake, cases.services and Case.objects.visible_to."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import CharField, Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from audit.models import AuditAction
from audit.recording import record as record_read
from cases import intake
from cases.filters import CaseFilter, list_querystring, sort_order
from cases.forms import (
    AddRecordForm,
    BulkActionForm,
    CaseEntry,
    ImportForm,
    RecordsCompleteForm,
    SavedFilterForm,
)
from cases.models import Case, CaseStatus, DisputedItem, IneligibleReason, SavedFilter
from cases.services import (
    CaseInputError,
    TransitionError,
    add_medical_record,
    bulk_transition,
    set_records_complete,
    transition_case,
)
from imr_site.ranges import ranged_file_response

CASES_PER_PAGE = 25
# Counting every case on every page of the unfiltered list is a scan of the whole table (1 s at 200,000
# cases under load): past this many rows (the planner's estimate) the total shown may be a minute old.
EXACT_TOTAL_BELOW = 10_000
TOTAL_CACHE_SECONDS = 60
TOTAL_CACHE_KEY = "cases:list:open-total"


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


def _open_total(queryset: QuerySet[Case]) -> int:
    """The number of cases in the list's default view (the open cases): exact while the table is small,
    else a count at most ``TOTAL_CACHE_SECONDS`` old (Redis when configured). The list is for
    administrators, who see every case (``Case.objects.visible_to``), so one figure serves them all."""
    if _estimated_rows(Case) < EXACT_TOTAL_BELOW:
        return queryset.count()
    return cache.get_or_set(TOTAL_CACHE_KEY, queryset.count, TOTAL_CACHE_SECONDS)


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    if request.user.has_perm("cases.manage_case"):
        return redirect("operations:dashboard")
    if request.user.has_perm("reviews.view_qa_queue") and not hasattr(request.user, "reviewer_profile"):
        return redirect("reviews:qa_queue")  # QA readers land on their queue, not an empty "My cases"
    if request.user.has_perm("parties.use_portal"):
        return redirect("portal:cases")  # a claims administrator's user
    return redirect("reviews:dashboard")


def _listed_cases(user) -> QuerySet[Case]:
    """The case list's rows with what its columns show: item counts and the reviewer holding each case.

    Both are subqueries computed for the page's 25 rows only (a join and GROUP BY would aggregate every
    case before sorting), so the query count and the work per page do not grow with the table."""
    from django.apps import apps

    assignment = apps.get_model("reviews", "Assignment")
    items = (
        DisputedItem.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    )
    holder = (
        assignment.objects.active()
        .filter(case=OuterRef("pk"))
        .order_by()  # one active assignment per case: nothing to sort
        .annotate(
            display=Coalesce(
                NullIf(
                    Trim(Concat("reviewer__user__first_name", Value(" "), "reviewer__user__last_name")),
                    Value(""),
                ),
                "reviewer__user__username",
            )
        )
        .values("display")[:1]
    )
    return Case.objects.visible_to(user).annotate(
        item_count=Coalesce(Subquery(items, output_field=IntegerField()), Value(0)),
        reviewer_name=Subquery(holder, output_field=CharField()),
    )


def _case_filter(request: HttpRequest) -> tuple[CaseFilter, str]:
    """The filtered, sorted cases of the request's query string, and the sort applied."""
    sort, order = sort_order(request.GET.get("sort"))
    case_filter = CaseFilter(request.GET or None, queryset=_listed_cases(request.user).order_by(*order))
    return case_filter, sort


@permission_required("cases.manage_case", raise_exception=True)
def case_list(request: HttpRequest) -> HttpResponse:
    case_filter, sort = _case_filter(request)
    query = list_querystring(request.GET)
    filtered = (
        any(request.GET.get(key) for key in ("q", "status", "review_type", "due", "queue", "reviewer"))
        or request.GET.get("show") == "all"
    )
    total = None if filtered else _open_total(case_filter.qs)
    paginator = CasePaginator(case_filter.qs, CASES_PER_PAGE, total)
    number = request.GET.get("page")
    page = paginator.get_page(paginator.num_pages if number == "last" else number)
    context = {
        "filter": case_filter,
        "page": page,
        "cases": list(page.object_list),
        "query": query,
        "sort": sort,
        "query_without_sort": list_querystring(_without(request.GET, "sort")),
        "show_all": request.GET.get("show") == "all",
        "query_without_show": list_querystring(_without(request.GET, "show")),
    }
    context["saved_filters"] = list(SavedFilter.objects.filter(user=request.user))
    context["ineligible_reasons"] = IneligibleReason.choices
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "cases/_case_results.html", context)
    return render(request, "cases/case_list.html", context)


def _without(params, key: str):
    copy = params.copy()
    copy.pop(key, None)
    copy.pop("page", None)
    return copy


# The columns of the CSV export: what an administrator works the queue with, nothing clinical.
EXPORT_COLUMNS = [
    ("case_number", "Case number"),
    ("status", "Status"),
    ("review_type", "Review type"),
    ("received_date", "Received"),
    ("records_complete_date", "Records complete"),
    ("due_date", "Determination due"),
    ("reviewer_name", "Expert reviewer"),
    ("claims_administrator", "Claims administrator"),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


@permission_required("cases.manage_case", raise_exception=True)
def case_export(request: HttpRequest) -> StreamingHttpResponse:
    """The current filter as CSV, streamed in chunks (no list of every case in memory); recorded in the
    audit record as a read of case data, with the filter that chose the rows."""
    case_filter, _ = _case_filter(request)
    rows = case_filter.qs.values_list(*(name for name, _ in EXPORT_COLUMNS))
    status_labels = dict(CaseStatus.choices)
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([label for _, label in EXPORT_COLUMNS])
        for row in rows.iterator(chunk_size=2000):
            values = list(row)
            values[1] = status_labels.get(values[1], values[1])
            yield writer.writerow(["" if v is None else v for v in values])

    record_read(
        request, AuditAction.EXPORT_CASE_LIST, status_code=200, detail=list_querystring(request.GET)[:200]
    )
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y-%m-%d}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Keep the list's current filter under a name (the same name replaces it)."""
    form = SavedFilterForm(request.POST)
    querystring = list_querystring(QueryDict(request.POST.get("querystring", "")))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"Filter name: {' '.join(errors)}")
        return redirect(f"{reverse('cases:list')}?{querystring}")
    SavedFilter.objects.update_or_create(
        user=request.user, name=form.cleaned_data["name"], defaults={"querystring": querystring}
    )
    messages.success(request, f"Filter \u201c{form.cleaned_data['name']}\u201d saved.")
    return redirect(f"{reverse('cases:list')}?{querystring}")


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def saved_filter_delete(request: HttpRequest, filter_id: int) -> HttpResponse:
    """Only the owner's own filter; another user's answers 404 like one that does not exist."""
    saved = get_object_or_404(SavedFilter, pk=filter_id, user=request.user)
    saved.delete()
    messages.success(request, f"Filter \u201c{saved.name}\u201d deleted.")
    return redirect("cases:list")


@require_POST
@permission_required("cases.manage_case", raise_exception=True)
def case_bulk(request: HttpRequest) -> HttpResponse:
    """The case list's bulk bar: assign (on to the assignment page, which screens each case), mark
    ineligible with a reason, or withdraw with a reason; each case's outcome is listed."""
    form = BulkActionForm(request.POST)
    numbers = request.POST.getlist("cases")
    if form.is_valid() and form.cleaned_data["action"] == "assign":
        return redirect(f"{reverse('reviews:assignment:bulk')}?{urlencode({'cases': numbers}, doseq=True)}")
    results = None
    if form.is_valid():
        d = form.cleaned_data
        cases = [c for c in d["cases"] if rules.has_perm("cases.manage_case", request.user, c)]
        reason = d["ineligible_reason"] if d["action"] == "mark_ineligible" else d["reason"]
        results = bulk_transition(cases, d["action"], by=request.user, reason=reason)
        done = sum(1 for r in results if r.ok)
        (messages.success if done == len(results) else messages.warning)(
            request, f"{done} of {len(results)} case(s) changed."
        )
    status = 200 if results is not None else 400
    return render(
        request,
        "cases/bulk_result.html",
        {"form": form, "results": results, "back": request.POST.get("back", "")},
        status=status,
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
    """A record's PDF, only for those who may see the case; never from a public media URL. Whole, or
    the one byte range asked for (``imr_site.ranges``)."""
    case = get_object_or_404(Case.objects.visible_to(request.user), case_number=case_number)
    if not rules.has_perm("cases.view_records", request.user, case):
        raise PermissionDenied
    record = get_object_or_404(case.records, pk=record_id)
    if not record.file:
        raise Http404("This record has no file.")
    # Range requests (206) let PDF.js fetch a large record chunk by chunk; the audit records one read per
    # opening, not one per chunk (audit.recording.AuditMiddleware).
    response = ranged_file_response(
        request,
        record.file,
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
        upload = form.cleaned_data["intake_file"]
        report = intake.import_bytes(upload.read(), files, by=request.user, name=upload.name)
        if report.imported:
            messages.success(request, f"Imported {len(report.imported)} case(s) from {upload.name}.")
        if not report.ok:
            messages.error(request, f"Some cases in {upload.name} were not imported; see the reasons below.")
    # A browser never keeps a chosen file once the form is sent: say so, naming the files to choose again.
    chosen = [f.name for f in request.FILES.getlist("intake_file") + request.FILES.getlist("record_files")]
    retry = request.method == "POST" and (report is None or not report.ok)
    return render(
        request,
        "cases/import.html",
        {"form": form, "report": report, "choose_again": chosen if retry else []},
        status=400 if request.method == "POST" and report is None else 200,
    )


@permission_required("cases.manage_case", raise_exception=True)
def intake_format(request: HttpRequest) -> HttpResponse:
    """The intake format, read from the JSON Schema itself (no copy to drift): every field, its type,
    whether it is required, its rules and its description. Holds no case data, but belongs to the
    administrators' import, so it is theirs alone."""
    schema = intake.case_validator().schema
    return render(
        request,
        "cases/intake_format.html",
        {"schema": schema, "fields": intake.schema_fields(schema)},
    )


@permission_required("cases.manage_case", raise_exception=True)
def intake_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema file, for validating intake files before sending them."""
    return FileResponse(
        intake.SCHEMA_PATH.open("rb"),
        content_type="application/schema+json",
        filename="case-intake.schema.json",
    )


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
