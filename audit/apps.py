from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit record: every read of health information and every login (``AccessEvent``), beside the
    change history that django-simple-history keeps for each model that holds case data."""

    name = "audit"
    verbose_name = "Audit record"

    def ready(self) -> None:
        from audit import signals  # noqa: F401 - connects the login signals
