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


rules.add_perm("cases.view_case", is_administrator | is_qa | is_assigned_reviewer)
rules.add_perm("cases.manage_case", is_administrator)
