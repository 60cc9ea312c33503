"""Rate limits per client (``API_RATE_LIMIT``, e.g. 600/min), counted in the shared cache (Redis when
configured), so every web process counts the same client's requests together."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if token is None:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"app-{token.application_id}"}
