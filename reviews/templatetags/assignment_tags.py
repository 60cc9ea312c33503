"""``{% assignment_panel case %}``: the administrators' assignment panel on the case page."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def assignment_panel(context, case) -> SafeString:
    from reviews.assignment.views import render_panel

    return mark_safe(render_panel(case, context.get("request")))  # noqa: S308 - rendered by a template
