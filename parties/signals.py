"""What the parties hear of a case's life: its status transitions and its issued letters.

Each handler records what must be kept inside the transaction of the change and hands the rest (PDFs,
webhooks) to a worker once it commits, so a rolled-back change sends nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.models import EXTERNAL_STATUS, Case, CaseStatus
from reviews.letters.services import letter_ready


@receiver(post_transition, sender=Case)
def on_case_transition(sender, instance: Case, name: str, source: str, target: str, **kwargs) -> None:
    from parties import records, webhooks
    from parties.models import RecordsRequest, WebhookEvent

    case_id = instance.pk
    if name == "mark_eligible":
        transaction.on_commit(lambda: _enqueue("parties.issue_records_request", case_id))
    elif name == "request_records":
        request = RecordsRequest.objects.create(
            case=instance,
            requested_on=instance.records_requested_date,
            electronically=instance.records_requested_electronically,
        )
        transaction.on_commit(lambda: _enqueue("parties.store_records_notice", request.pk))
        webhooks.emit(
            records.organisation_of_case(instance),
            WebhookEvent.RECORDS_REQUESTED,
            records.request_data(request),
        )
    elif name == "mark_insufficient_records":
        records.mark_insufficient(instance)
    before, after = EXTERNAL_STATUS[CaseStatus(source)], EXTERNAL_STATUS[CaseStatus(target)]
    if before != after:
        webhooks.emit(
            records.organisation_of_case(instance),
            WebhookEvent.STATUS_CHANGED,
            {"case_number": instance.case_number, "from": before, "to": after},
        )


@receiver(letter_ready)
def on_letter_ready(sender, letter, **kwargs) -> None:
    letter_id = letter.pk
    transaction.on_commit(lambda: _enqueue("parties.prepare_delivery", letter_id))


def _enqueue(task_name: str, object_id: int) -> None:
    import logging

    from parties import tasks

    task = {
        "parties.issue_records_request": tasks.issue_records_request,
        "parties.store_records_notice": tasks.store_records_notice,
        "parties.prepare_delivery": tasks.prepare_delivery,
    }[task_name]
    try:
        task.delay(object_id)
    except Exception as exc:  # the broker is down: the work is redone by hand (see docs/api.md)
        logging.getLogger(__name__).warning("%s(%s) not queued: %s", task_name, object_id, type(exc).__name__)
