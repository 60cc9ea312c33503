"""The determination as the parties read it: the ready letter of the signed review in force, and its
items, decisions and citations as structured data (the API's JSON, the portal's page)."""

from __future__ import annotations

from cases.models import Case
from reviews.models import DeterminationLetter, LetterStatus, ReviewStatus


def issued_letter(case: Case) -> DeterminationLetter | None:
    """The newest ready letter of the case's signed determination in force, or None before it is issued
    (or while an amendment is open)."""
    return (
        DeterminationLetter.objects.filter(
            case=case, status=LetterStatus.READY, review__status=ReviewStatus.SIGNED
        )
        .select_related("review", "supersedes")
        .order_by("-version")
        .first()
    )


def determination_data(letter: DeterminationLetter) -> dict:
    from parties.delivery import date_issued

    decisions = {d.disputed_item_id: d for d in letter.review.decisions.all()}
    items = []
    for number, item in enumerate(letter.case.disputed_items.all(), start=1):
        decision = decisions.get(item.pk)
        items.append(
            {
                "number": number,
                "description": item.description,
                "quantity": item.quantity,
                "decision": decision.decision if decision else "",
                "citations": decision.citation_lines if decision else [],
                "claims_administrator_guidelines": list(item.claims_administrator_guidelines or []),
                "rationale": decision.rationale if decision else "",
            }
        )
    return {
        "case_number": letter.case.case_number,
        "version": letter.version,
        "date_issued": date_issued(letter),
        "amends_version": letter.supersedes.version if letter.supersedes_id else None,
        "items": items,
        "letter_sha256": letter.sha256,
        "letter_pages": letter.page_count or 0,
    }
