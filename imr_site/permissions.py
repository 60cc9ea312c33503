"""``object_permission_required``: a view declares its rule and the object the rule is about.

Like ``rules.contrib.views.permission_required(perm, fn=...)``, but the object is fetched once and handed
to the view, so the view does not look it up a second time, and the rule is asked of the rules registry
(``rules.has_perm``): Django's shortcut that grants a superuser every permission does not apply, so a
superuser does not, for example, sign a review it is not assigned. ``fetch`` answers 404 for what the user may
not see at all (a case assigned to someone else looks like a case that does not exist); the rule answers
403 for what the user sees but may not do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def object_permission_required(
    perm: str, fetch: Callable[..., Any]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Call ``fetch(request, **url_kwargs)``, check ``perm`` on its result, then
    ``view(request, obj, **url_kwargs)``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            obj = fetch(request, **kwargs)
            if not rules.has_perm(perm, request.user, obj):
                raise PermissionDenied
            return view(request, obj, **kwargs)

        return wrapped

    return decorator
