"""``{% assignment_panel case %}``: the administrators' assignment panel on the case page."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def assignment_panel(context, case) -> SafeString:
    from reviews.assignment.queries import cases_for_panel
    from reviews.assignment.views import PANEL, panel_context

    case = cases_for_panel().get(pk=case.pk)
    return render_to_string(PANEL, panel_context(case), request=context.get("request"))
