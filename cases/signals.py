"""Record every case status transition with who and when, whichever code path made it."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.models import Case, CaseTransition


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
