"""Moved to ``reviews.assignment.conflicts``; kept so older imports keep working."""

from reviews.assignment.conflicts import normalize_party_name, screen_conflicts

__all__ = ["normalize_party_name", "screen_conflicts"]
