"""The OAuth 2.0 client-credentials security scheme in the OpenAPI document (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientCredentialsScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientCredentialsAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/o/token/",
                    "scopes": {
                        "read": "Read the organisation's cases",
                        "write": "Upload records, manage webhooks",
                    },
                }
            },
        }
