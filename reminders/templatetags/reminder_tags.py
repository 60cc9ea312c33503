"""The reminders and alerts sent about a case, for the case page (``{% case_notices case %}``)."""

from __future__ import annotations

from django import template

from reminders.models import Notice

register = template.Library()


@register.inclusion_tag("reminders/case_notices.html")
def case_notices(case) -> dict:
    return {"notices": list(Notice.objects.filter(case=case).select_related("reviewer__user"))}
