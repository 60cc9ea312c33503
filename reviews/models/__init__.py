"""The people and their work: expert reviewers, assignments, reviews and determination letters.

One module per part so each can grow on its own: ``reviewers`` (profiles, credentials, affiliations),
``assignments``, ``review`` (the review, item decisions, QA), ``letters`` (determination letters).
"""

from reviews.models.assignments import Assignment, AssignmentEvent
from reviews.models.letters import DeterminationLetter, LetterDownload, LetterStatus
from reviews.models.review import (
    Decision,
    FrozenReviewError,
    ItemDecision,
    QAComment,
    QAOutcome,
    QAReview,
    Review,
    ReviewStatus,
)
from reviews.models.reviewers import (
    Affiliation,
    AffiliationKind,
    Certification,
    License,
    ReviewerProfile,
    Specialty,
)

__all__ = [
    "Affiliation",
    "AffiliationKind",
    "Assignment",
    "AssignmentEvent",
    "Certification",
    "Decision",
    "DeterminationLetter",
    "FrozenReviewError",
    "ItemDecision",
    "LetterDownload",
    "LetterStatus",
    "License",
    "QAComment",
    "QAOutcome",
    "QAReview",
    "Review",
    "ReviewStatus",
    "ReviewerProfile",
    "Specialty",
]
