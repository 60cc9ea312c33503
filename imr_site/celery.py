"""The Celery app. Tasks are named ``<app>.<verb>``, take ids, and are idempotent."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imr_site.settings")

app = Celery("imr_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
