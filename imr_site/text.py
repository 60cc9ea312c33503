"""The one rule for text that enters the system: no control characters, no broken Unicode.

PostgreSQL refuses a NUL character in text and ``\\u0000`` in JSON, and cannot encode a lone surrogate
(``"\\ud800"`` is valid JSON but not valid UTF-8); other control characters are invisible in a page and
in the letter, where they hide or garble what a reviewer reads. Tab, line feed and carriage return are
ordinary text. Every entry point applies this module: forms (``HygienicFormMixin`` and
``no_control_characters``), the intake JSON (``json_text_problems``) and the workspace autosave
(``text_problem``), so each gives a clear error naming the field instead of a database error (500).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# C0 controls except \t \n \r, DEL, C1 controls, and UTF-16 surrogates (never valid on their own).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# Deeper than any intake document needs (the schema's deepest value is 4 levels down); deeper input is
# refused before anything recurses over it.
MAX_JSON_DEPTH = 32


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None. The message names the character, never the text."""
    match = _FORBIDDEN.search(value)
    if match is None:
        return None
    return f"contains a control character (U+{ord(match.group(0)):04X}) at position {match.start() + 1}"


def no_control_characters(value: Any) -> None:
    """A Django validator for any text field."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValidationError(f"This text {problem}; remove it and try again.", code="control_character")


class HygienicFormMixin:
    """Adds ``no_control_characters`` to every text field of a form (model forms and the admin's too)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if isinstance(form_field, forms.CharField) and not isinstance(form_field, forms.JSONField):
                form_field.validators.append(no_control_characters)


def json_depth_exceeds(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than ``limit``; iterative, so deep input cannot exhaust the stack."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children)
    return False


def json_text_problems(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, problem) for every string, or object key, in parsed JSON that breaks the text rule."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem:
            yield path, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            problem = text_problem(str(key))
            if problem:
                yield path, f"a field name {problem}"
            yield from json_text_problems(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from json_text_problems(value, (*path, index))
