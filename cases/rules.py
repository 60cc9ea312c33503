"""Who may do what with cases (django-rules). Views declare these; templates ask them with ``has_perm``.

``cases.view_case`` agrees with ``Case.objects.visible_to`` (the tests check it over every role).
"""

import rules

from imr_site.roles import is_administrator, is_qa


@rules.predicate
def is_assigned_reviewer(user, case) -> bool:
    """The user holds the case's active assignment (accepted or not)."""
    if case is None:
        return False
    return case.assignments.active().held_by(user).exists()


@rules.predicate
def is_accepted_reviewer(user, case) -> bool:
    """The user holds the case's active assignment and has accepted it (attesting no conflict)."""
    if case is None:
        return False
    return case.assignments.active().accepted().held_by(user).exists()


# The case number, parties (for the conflict check), disputed items and due date: enough to accept or decline.
rules.add_perm("cases.view_case", is_administrator | is_qa | is_assigned_reviewer)
# The health information itself (injury, diagnoses, UR decision, medical records and their files, drafts,
# letters): only once the reviewer has accepted the case (minimum necessary, 45 CFR 164.502(b)).
rules.add_perm("cases.view_records", is_administrator | is_qa | is_accepted_reviewer)
rules.add_perm("cases.manage_case", is_administrator)
