"""Reviewer views: thin wrappers over reviews services and queries."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.queries import cases_for_user


def dashboard(request: HttpRequest) -> HttpResponse:
    """The reviewer's own assigned cases, soonest due first."""
    cases = cases_for_user(request.user).order_by("due_date", "case_number")
    return render(request, "reviews/dashboard.html", {"cases": cases})
