"""Builders for assignment tests: an eligible case with parties and items, reviewers of a specialty."""

from __future__ import annotations

from reviews.models import Affiliation
from tests.factories import CaseFactory, DisputedItemFactory, TreatingProviderFactory


def eligible_case(
    requester_specialty: str = "Orthopedic Surgery",
    items: tuple[str, ...] = ("Physical therapy for the lumbar spine", "MRI of the lumbar spine"),
    **kwargs,
):
    kwargs.setdefault("status", "eligible")
    case = CaseFactory(**kwargs)
    TreatingProviderFactory(case=case, name="Jane Roe, MD", specialty=requester_specialty, requesting=True)
    for position, description in enumerate(items):
        DisputedItemFactory(case=case, position=position, description=description)
    return case


def affiliate(reviewer, name: str, kind: str = "employer") -> Affiliation:
    return Affiliation.objects.create(reviewer=reviewer, kind=kind, name=name)
