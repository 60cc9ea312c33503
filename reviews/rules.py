"""Who may do what in reviews (django-rules): the workspace, assignments and determination letters.

Loaded by ``rules.apps.AutodiscoverRulesConfig`` at start-up, so every process (web, worker, shell) knows
these permissions. Views declare them with the object, services check them before they act, the Review
state machine's transitions name them as ``permission=`` and templates ask them with ``{% has_perm %}``.
The rules say *who*; the state machines (``Review.status``, ``Case.status``) say *when*.
"""

from __future__ import annotations

import rules

from cases.rules import is_accepted_reviewer
from imr_site.roles import is_administrator, is_imr_user, is_qa


# -- the workspace (object: a Review) ----------------------------------------------------------------
@rules.predicate
def is_review_author(user, review) -> bool:
    """The reviewer who writes this review: it holds the case's active assignment, has accepted it, and the
    review is in its name."""
    if review is None:
        return False
    held = review.case.assignments.active().accepted().held_by(user)
    return held.filter(reviewer_id=review.reviewer_id).exists()


@rules.predicate
def is_own_review(user, review) -> bool:
    return review is not None and user.is_authenticated and review.reviewer.user_id == user.pk


# Save drafts (while the review is a draft: the state machine says when).
rules.add_perm("reviews.edit_review", is_review_author)
# Sign off, or submit for QA when the organisation asks for it.
rules.add_perm("reviews.sign_off_review", is_review_author)
# Approve or return a review in QA; nobody quality-assures their own review.
rules.add_perm("reviews.qa_review", is_qa & ~is_own_review)
# Reopen a signed determination as a new version (object: the Case).
rules.add_perm("reviews.amend_determination", is_administrator)


# -- assignments -------------------------------------------------------------------------------------
@rules.predicate
def is_assignment_holder(user, assignment) -> bool:
    """The reviewer of an active assignment: one of ``Assignment.objects.active().held_by(user)``."""
    if assignment is None:
        return False
    return type(assignment).objects.active().held_by(user).filter(pk=assignment.pk).exists()


# Assign, reassign and unassign cases; manage reviewers (object: a Case, or none).
rules.add_perm("reviews.assign_reviewer", is_administrator)
# Accept or decline one's own active assignment (object: the Assignment).
rules.add_perm("reviews.answer_assignment", is_assignment_holder)


# -- determination letters (object: a DeterminationLetter) -------------------------------------------
@rules.predicate
def is_letter_reviewer(user, letter) -> bool:
    """The reviewer actively assigned to the letter's case, once it has accepted it. A reviewer removed
    from the case (reassigned, unassigned) loses the letter with the case."""
    if letter is None:
        return False
    return is_accepted_reviewer(user, letter.case)


# Read (status, download, history of the current version): agrees with DeterminationLetter.visible_to.
rules.add_perm("reviews.read_letter", is_administrator | is_qa | is_letter_reviewer)
# Regenerate a letter and see every version's history.
rules.add_perm("reviews.regenerate_letter", is_administrator)
# Make the public, redacted form for publication (reviews.letters.publication). Administrators only: it is
# for the state's publication, which the IMR organisation sends; the parties already hold the full letter.
rules.add_perm("reviews.publish_letter", is_administrator)


# -- quality assurance -------------------------------------------------------------------------------
# The QA queue (no object): the reviews waiting for a QA reader, by due date.
rules.add_perm("reviews.view_qa_queue", is_qa)

# "My cases": the IMR side's landing page (empty for those with no assignment); never a portal user's.
rules.add_perm("reviews.view_dashboard", is_imr_user)
