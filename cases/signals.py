"""Record every case status transition with who and when, whichever code path made it; read each saved
medical record's text page by page (cases.record_pages) on the default queue."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.models import Case, CaseTransition, MedicalRecord

logger = logging.getLogger(__name__)


@receiver(post_transition, sender=Case)
def record_case_transition(sender, instance: Case, name: str, source: str, target: str, **kwargs) -> None:
    method_kwargs = kwargs.get("method_kwargs") or {}
    CaseTransition.objects.create(
        case=instance,
        transition=name,
        from_status=source,
        to_status=target,
        actor=method_kwargs.get("by"),
        reason=str(method_kwargs.get("reason") or ""),
    )


@receiver(post_save, sender=MedicalRecord)
def queue_record_text(sender, instance: MedicalRecord, raw: bool = False, **kwargs) -> None:
    """A record saved (at intake, by upload, or edited) is read page by page once the save commits."""
    if raw:
        return
    from cases.tasks import extract_record_pages

    record_id = instance.pk

    def queue() -> None:
        try:
            extract_record_pages.delay(record_id)
        except Exception:  # broker down: the workspace reads the record when first searched instead
            logger.warning("record %s: text extraction not queued", record_id, exc_info=True)

    transaction.on_commit(queue)
