"""One MTUS classifier: the sign-off checklist and the letter agree on every guideline line.

The checklist asks a reason for each line that is not MTUS; the letter says the decision rests outside the
MTUS when no line is. Both ask the knowledge base (``guidelines.services.is_mtus_citation``).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from reviews.letters.rendering import organisation_guideline_sentences
from reviews.letters.texts import letter_texts
from reviews.workspace.checks import consistency_checks
from reviews.workspace.drafts import item_key, save_draft
from tests.reviews.conftest import complete

pytestmark = pytest.mark.django_db

LINES = [
    ("ODG Low Back Chapter", False),
    ("Official Disability Guidelines (ODG), Low Back Chapter, MRIs (magnetic resonance imaging)", False),
    ("Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter", False),
    ("Non-MTUS Citation Sildenafil: Drug information, accessed from a drug reference", False),
    ("MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine", True),
    ("MTUS Low Back Complaints 2004, Section(s): Special Studies", True),
    ("ACOEM Practice Guidelines, 2nd Edition, Chapter 12", False),
]


@pytest.fixture
def loaded_guidelines(db):
    from guidelines.loader import load_guidelines
    from guidelines.services import reset_knowledge_base

    load_guidelines()
    reset_knowledge_base()
    yield
    reset_knowledge_base()


@pytest.mark.parametrize(("line", "is_mtus"), LINES)
def test_checklist_and_letter_agree_whether_a_line_is_mtus(review, loaded_guidelines, line, is_mtus):
    complete(review)
    item = review.case.disputed_items.all()[1]
    review.refresh_from_db()
    assert save_draft(
        review, {item_key(item.pk, "guideline_citations"): line}, review.revision, by=review.reviewer.user
    ).saved
    review.refresh_from_db()

    checks = consistency_checks(review, timezone.localdate())
    asks_for_a_reason = any(c.key == f"item-{item.pk}-non-mtus" for c in checks)
    texts = letter_texts()
    sentences = organisation_guideline_sentences(review.decisions.get(disputed_item=item), texts)
    says_outside_the_mtus = texts["outside_mtus"] in sentences

    assert asks_for_a_reason == says_outside_the_mtus == (not is_mtus)
