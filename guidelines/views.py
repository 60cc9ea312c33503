"""Thin views: an htmx partial with suggestions for a disputed item, knowledge base search, feedback."""

from __future__ import annotations

import re

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from cases.models import Case, DisputedItem
from guidelines import services
from guidelines.models import FeedbackAction

_FIELD_ID = re.compile(r"^[A-Za-z][\w\-:.]{0,80}$")
FIELD_PARAMS = ("guideline_field", "rationale_field", "decision_field")


def _visible_item(request: HttpRequest, item_id: int) -> DisputedItem:
    """The item, or 404 unless its case is one the user may see."""
    return get_object_or_404(
        DisputedItem.objects.select_related("case").filter(case__in=Case.objects.visible_to(request.user)),
        pk=item_id,
    )


def _field_ids(request: HttpRequest) -> dict[str, str]:
    """Ids of the reviewer's form fields to fill, from the query string (only safe id characters)."""
    out = {}
    for name in FIELD_PARAMS:
        value = request.GET.get(name, "")
        out[name] = value if _FIELD_ID.match(value) else ""
    return out


def _readable_item(request: HttpRequest, item_id: int) -> DisputedItem:
    """The item, 404 unless its case is one the user sees, 403 unless the user may read its records:
    suggestions quote them (a reviewer reads them only once it has accepted the case)."""
    item = _visible_item(request, item_id)
    if not rules.has_perm("cases.view_records", request.user, item.case):
        raise PermissionDenied
    return item


@login_required
@require_GET
def item_suggestions(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _readable_item(request, item_id)
    # No summary text in the query string: URLs end up in access logs, and case text is PHI.
    suggestion = services.suggest_for_disputed_item(item)
    context = {"item": item, "s": suggestion, "fields": _field_ids(request)}
    return render(request, "guidelines/_suggestions.html", context)


@login_required
@require_POST
def item_feedback(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _readable_item(request, item_id)
    action = request.POST.get("action", "")
    if action not in FeedbackAction.values:
        return HttpResponseBadRequest("unknown action")
    services.record_feedback(
        request.user, item, request.POST.get("suggestion_key", ""), action, request.POST.get("detail", "")
    )
    return render(request, "guidelines/_feedback_done.html", {"action": action})


@permission_required("guidelines.search_guidelines", raise_exception=True)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = services.search_sections(query) if query else []
    template = "guidelines/_search_results.html" if request.htmx else "guidelines/search.html"
    return render(request, template, {"q": query, "results": results, "fields": _field_ids(request)})


@require_GET
@permission_required("guidelines.view_suggestion_usage", raise_exception=True)
def usage(request: HttpRequest) -> HttpResponse:
    """Administrators: what reviewers did with the suggestions, to learn which ones to improve."""
    categories, not_helpful = services.suggestion_usage()
    return render(request, "guidelines/usage.html", {"categories": categories, "not_helpful": not_helpful})
