"""Template helpers of the reviewer's workspace."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Escape ``text`` and mark each word of ``query`` found in it, for searching within records."""
    escaped = escape(text or "")
    words = [w for w in re.findall(r"\w[\w'-]*", query or "") if len(w) > 1]
    if not words:
        return mark_safe(escaped)  # noqa: S308 - escaped above
    pattern = re.compile("|".join(re.escape(escape(w)) for w in sorted(words, key=len, reverse=True)), re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308


@register.filter
def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))
