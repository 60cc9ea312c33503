from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_percentile(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        from reports.aggregates import SQLitePercentileCont

        connection.connection.create_aggregate("PERCENTILE_CONT", 2, SQLitePercentileCont)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        connection_created.connect(_sqlite_percentile, dispatch_uid="reports.sqlite_percentile")
