"""The operations dashboard: the administrators' home page. Thin: one call to ``operations.figures``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rules.contrib.views import permission_required

from operations.figures import STATUS_COUNTS_CACHE_SECONDS, dashboard


@permission_required("cases.manage_case", raise_exception=True)
def operations_dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "operations/dashboard.html",
        {"board": dashboard(), "status_counts_age": STATUS_COUNTS_CACHE_SECONDS},
    )
