"""Who may do what with Final Determination letters (django-rules); views ask these, never decide.

Read (status, download, history of the current version): administrators, QA (who review signed
determinations), the reviewer who signed the review and the reviewer actively assigned to the case.
Regenerate and see every version's history: administrators only.
"""

from __future__ import annotations

import rules

from cases.rules import is_administrator, is_qa


@rules.predicate
def is_letter_reviewer(user, letter) -> bool:
    if letter is None or not user.is_authenticated:
        return False
    if letter.review.reviewer.user_id == user.pk:
        return True
    return letter.case.assignments.filter(active=True, reviewer__user=user).exists()


can_read_letter = is_administrator | is_qa | is_letter_reviewer
can_manage_letters = is_administrator

rules.add_perm("reviews.read_letter", can_read_letter)
rules.add_perm("reviews.regenerate_letter", can_manage_letters)
