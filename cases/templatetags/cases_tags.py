"""Case display tags: the clock, the status colour and the case's dates, one definition each."""

from __future__ import annotations

from django import template
from django.utils import timezone

from cases import clocks
from cases.clocks import Clock
from cases.status_display import TONES, Tone
from cases.status_display import case_tone as _case_tone

register = template.Library()


@register.simple_tag
def case_clock(case) -> Clock:
    return clocks.case_clock(case)


@register.simple_tag
def case_tone(case) -> Tone:
    """``{% case_tone case as tone %}``: the status badge's colour and what it means."""
    return _case_tone(case)


@register.simple_tag
def status_tones() -> list[Tone]:
    """Every colour with its meaning, for a legend."""
    return TONES


@register.inclusion_tag("partials/case_dates.html")
def case_dates(case, compact: bool = False) -> dict:
    """``{% case_dates case %}``: the determination due date (marked provisional while the records are
    not complete) and the records-due date, wherever a case is shown."""
    records_due = (
        clocks.records_due_date(case) if case.records_complete_date is None and case.is_open else None
    )
    return {
        "case": case,
        "clock": clocks.case_clock(case),
        "provisional": clocks.due_date_is_provisional(case),
        "records_due": records_due,
        "records_overdue": records_due is not None and records_due < timezone.localdate(),
        "compact": compact,
    }


@register.inclusion_tag("cases/_case_status.html", takes_context=True)
def case_status_controls(context, case, oob: bool = False) -> dict:
    """``{% case_status_controls case %}``: the status changes the administrator may make now."""
    from cases.models import IneligibleReason
    from cases.services import available_admin_transitions

    return {
        "case": case,
        "transitions": available_admin_transitions(case),
        "ineligible_reasons": IneligibleReason.choices,
        "csrf_token": context.get("csrf_token"),
        "oob": oob,
    }
