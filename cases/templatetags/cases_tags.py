from django import template

from cases.clocks import Clock
from cases.clocks import case_clock as _case_clock

register = template.Library()


@register.simple_tag
def case_clock(case) -> Clock:
    return _case_clock(case)
