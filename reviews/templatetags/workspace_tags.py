"""Template helpers of the reviewer's workspace."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Mark each word of ``query`` found in ``text``, for searching within records.

    The words are found in the raw text and each piece is escaped on its own, so a match never lands
    inside an HTML entity ("amp" in "&amp;") and never splits one."""
    text = text or ""
    words = [w for w in re.findall(r"\w[\w'-]*", query or "") if len(w) > 1]
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


@register.filter
def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))
