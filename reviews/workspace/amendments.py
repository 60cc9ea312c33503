"""Amendments: an administrator reopens a signed determination as a new version, with a reason.

The signed version is superseded (it stays readable) and the new one starts as a draft in the same
reviewer's name, carrying the signed text over for the reviewer to change.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.models import Case
from cases.services import transition_case
from reviews.models import ItemDecision, Review
from reviews.workspace.errors import WorkspaceError


def amend(case: Case, by, reason: str) -> Review:
    """An administrator reopens a signed determination as a new version; the signed one stays readable."""
    if not rules.has_perm("reviews.amend_determination", by, case):
        raise PermissionDenied("Only an administrator amends a signed determination.")
    if not reason or not reason.strip():
        raise WorkspaceError("say why the determination is amended.", field="reason")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        signed = case.reviews.latest_signed()
        if signed is None:
            raise WorkspaceError(f"Case {case.case_number} has no signed determination to amend.")
        version = (case.reviews.aggregate(v=Max("version"))["v"] or 0) + 1
        amendment = Review.objects.create(
            case=case,
            version=version,
            reviewer=signed.reviewer,
            assignment=signed.assignment,
            clinical_summary=signed.clinical_summary,
            supersedes=signed,
            amendment_reason=reason.strip(),
            amended_by=by,
            saved_at=timezone.now(),
            saved_by=by,
        )
        bulk_create_with_history(
            [
                ItemDecision(
                    review=amendment,
                    disputed_item_id=d.disputed_item_id,
                    decision=d.decision,
                    guideline_citations=d.guideline_citations,
                    citation_sources=d.citation_sources,
                    non_mtus_reason=d.non_mtus_reason,
                    rationale=d.rationale,
                )
                for d in signed.decisions.all()
            ],
            ItemDecision,
            default_user=by,
        )
        signed.supersede()
        signed.save()
        transition_case(case, "reopen_for_amendment", by=by, reason=reason.strip())
    return amendment
