"""The administrators' audit page: filter by case, user and time; export what is shown as CSV."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from rules.contrib.views import permission_required

from audit.queries import audit_rows
from imr_site.text import HygienicFormMixin


class AuditFilterForm(HygienicFormMixin, forms.Form):
    case_number = forms.CharField(required=False, max_length=32)
    username = forms.CharField(required=False, max_length=150, label="User")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")


def _start_of(day: datetime.date | None, plus_days: int = 0) -> datetime.datetime | None:
    if day is None:
        return None
    moment = datetime.datetime.combine(day + datetime.timedelta(days=plus_days), datetime.time())
    return timezone.make_aware(moment)


@permission_required("audit.view_audit_record", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    rows = []
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        rows = audit_rows(
            case_number=(data.get("case_number") or "").strip(),
            username=(data.get("username") or "").strip(),
            since=_start_of(data.get("since")),
            until=_start_of(data.get("until"), plus_days=1),  # "to" includes the whole day
        )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-record.csv"'
        writer = csv.writer(response)
        writer.writerow(["time (UTC)", "user", "kind", "action", "case number", "what", "details"])
        for r in rows:
            writer.writerow(
                [r.at.isoformat(), r.username, r.kind, r.action, r.case_number, r.what, r.details]
            )
        return response
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request, "audit/audit_log.html", {"form": form, "rows": rows, "csv_query": query.urlencode()}
    )
