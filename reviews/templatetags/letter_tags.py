"""The letter's wording on the product's pages (``{% load letter_tags %}``), from ``letters.texts``.

Pages that show what the letter will print use these, so no template restates a letter sentence.
"""

from __future__ import annotations

from django import template

from reviews.letters.texts import letter_texts

register = template.Library()


@register.simple_tag
def letter_text(key: str) -> str:
    """``{% letter_text "claims_administrator_label" %}``: one fixed text, organisation names filled in."""
    return letter_texts()[key]


@register.filter
def decision_based_on(citation: str) -> str:
    """``{{ line|decision_based_on }}``: the sentence the letter prints for one citation line."""
    from reviews.letters.rendering import decision_based_on_sentence

    return decision_based_on_sentence(citation, letter_texts())
