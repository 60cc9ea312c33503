from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The administrators' operations dashboard: what needs doing today, counted from cases and reviews."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "operations"
