"""Celery discovers ``<app>.tasks``: the reviews app's tasks live in their sub-packages."""

from reviews.letters.tasks import render_letter, sweep_letters

__all__ = ["render_letter", "sweep_letters"]
