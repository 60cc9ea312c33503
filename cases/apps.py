from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from cases import signals  # noqa: F401
        from imr_site.roles import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="cases.ensure_roles")
