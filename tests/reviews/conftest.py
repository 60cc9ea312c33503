"""Fixtures of the reviewer's workspace: an accepted assignment on the seed-like case, and its review."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests import factories

UPHELD_RATIONALE = (
    "No, the request for 12 sessions of physical therapy was not medically necessary, medically appropriate, "
    "or indicated here. Therefore, the request for 12 additional sessions of physical therapy was not "
    "medically necessary."
)
OVERTURNED_RATIONALE = (
    "Conversely, the request for lumbar MRI imaging was medically necessary, medically appropriate, and "
    "indicated here. Therefore, the request was medically necessary."
)


@pytest.fixture
def other_reviewer(db):
    return factories.reviewer_with_credentials(states=("CA",), specialties=("orthopedic_surgery",))


@pytest.fixture
def qa_user(db):
    return factories.QAUserFactory()


@pytest.fixture
def assigned_case(db, reviewer):
    """A case with two disputed items and records, assigned to ``reviewer`` and accepted."""
    case = factories.CaseFactory(status="assigned")
    factories.DisputedItemFactory(case=case, position=0)
    factories.DisputedItemFactory(
        case=case,
        position=1,
        description="MRI of the lumbar spine",
        quantity=1,
        claims_administrator_guidelines=["MTUS Low Back Complaints 2004"],
    )
    factories.MedicalRecordFactory(case=case, title="Progress note", text="Off work. 12 prior PT sessions.")
    factories.MedicalRecordFactory(case=case, title="UR determination", text="Not approved.", kind="other")
    now = timezone.now()
    factories.AssignmentFactory(case=case, reviewer=reviewer, accepted_at=now, conflict_attested_at=now)
    return case


@pytest.fixture
def review(assigned_case, reviewer):
    from reviews.workspace.drafts import start_review

    return start_review(assigned_case, reviewer.user)


def complete(review) -> None:
    """Fill in a review so every consistency check passes (a summary, both items decided and cited)."""
    from reviews.workspace.drafts import ITEM_FIELDS, item_key, save_draft

    items = list(review.case.disputed_items.all())
    values = {
        items[0].pk: ("Upheld", "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine", "",
                      UPHELD_RATIONALE),
        items[1].pk: ("Overturned", "MTUS Low Back Complaints 2004, Section(s): Special Studies", "",
                      OVERTURNED_RATIONALE),
    }  # fmt: skip
    data = {"clinical_summary": "The applicant is a represented 45-year-old with chronic low back pain."}
    for pk, row in values.items():
        data.update({item_key(pk, name): value for name, value in zip(ITEM_FIELDS, row, strict=True)})
    review.refresh_from_db()
    result = save_draft(review, data, review.revision, by=review.reviewer.user)
    assert result.saved
    review.refresh_from_db()
