"""The Celery app. Tasks are named ``<app>.<verb>``, take ids, and are idempotent."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")

app = Celery("imr_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def queue_names() -> list[str]:
    """Every queue a task can be sent to (settings.CELERY_TASK_ROUTES and the default queue)."""
    routed = {route["queue"] for route in (app.conf.task_routes or {}).values()}
    return sorted({app.conf.task_default_queue, *routed})
