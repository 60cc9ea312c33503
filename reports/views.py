"""The reports page and each report's CSV: thin wrappers over ``reports.queries``."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from rules.contrib.views import permission_required

from reports.forms import PeriodForm, initial_for
from reports.queries import REPORTS, Table, summary


def _chart(table: Table) -> dict:
    """What static/js/reports.js draws: labels from the first column, one dataset per charted column."""
    return {
        "type": table.chart["type"],
        "unit": table.chart.get("label", ""),
        "labels": [row[0] for row in table.rows],
        "datasets": [
            {"label": table.columns[k], "data": [row[k] for row in table.rows]} for k in table.chart["series"]
        ],
    }


@permission_required("reports.view_reports", raise_exception=True)
def reports_page(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period()
    if not form.is_bound:
        form = PeriodForm(initial=initial_for(period))
    tables = [report(period) for report in REPORTS.values()]
    return render(
        request,
        "reports/reports.html",
        {
            "form": form,
            "period": period,
            "summary": summary(period),
            "tables": tables,
            "charts": {t.key: _chart(t) for t in tables if t.chart},
            "query": f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _cell(value) -> object:
    """A spreadsheet never runs a cell as a formula (a reviewer's name starting with '=')."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@permission_required("reports.view_reports", raise_exception=True)
def report_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in REPORTS:
        raise Http404("No such report.")
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(f"{form[name].label}: {' '.join(errs)}" for name, errs in form.errors.items())
        return HttpResponse(f"The period is not valid: {problems}", status=400, content_type="text/plain")
    period = form.period()
    table = REPORTS[key](period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{key}-{period.start}-to-{period.end}.csv"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows([_cell(v) for v in row] for row in table.rows)
    return response
