from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Claims administrators' API"

    def ready(self) -> None:
        from api import schema  # noqa: F401  (the OAuth security scheme for drf-spectacular)
