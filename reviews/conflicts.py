"""Conflict-of-interest screening of expert reviewers against a case's parties."""

from __future__ import annotations

import re

# Legal-form words that do not distinguish one organisation from another.
_SUFFIXES = {
    "inc", "incorporated", "co", "company", "corp", "corporation", "llc", "llp", "lp", "ltd", "limited",
    "pc", "pa", "plc", "the", "group", "services", "service",
}  # fmt: skip


def normalize_party_name(name: str) -> str:
    """Case, punctuation and legal suffixes removed: 'Example Distribution Co.' -> 'example distribution'."""
    words = re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).split()
    while words and words[-1] in _SUFFIXES:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)
