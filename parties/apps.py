from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = "Parties: claims administrators, records requests, webhooks and delivery"

    def ready(self) -> None:
        from parties import signals  # noqa: F401
