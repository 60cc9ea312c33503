"""Celery tasks of the cases app (default queue). They take ids and are idempotent."""

from __future__ import annotations

from celery import shared_task

from cases import record_pages
from cases.models import MedicalRecord


@shared_task(name="cases.extract_record_pages", ignore_result=True)
def extract_record_pages(record_id: int) -> int:
    """Read one record's text page by page for the workspace's search (cases.record_pages)."""
    record = MedicalRecord.objects.filter(pk=record_id).first()
    return record_pages.extract_pages(record) if record else 0
