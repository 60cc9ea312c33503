"""The guidelines app's demo data: the packaged knowledge base, which the suggestions and letters need.

One part of ``manage.py load_demo`` (``imr_site``); ``manage.py load_guidelines`` loads the same data alone.
"""

from __future__ import annotations

from guidelines.loader import load_guidelines


def load() -> list[str]:
    return load_guidelines().lines()
