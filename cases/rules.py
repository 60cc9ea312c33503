"""Who may do what with cases (django-rules). Views ask these; they never decide on their own."""

import rules

ADMINISTRATOR = "Administrator"
REVIEWER = "Reviewer"
QA = "QA"

is_administrator = rules.is_group_member(ADMINISTRATOR) | rules.is_superuser
is_reviewer = rules.is_group_member(REVIEWER)
is_qa = rules.is_group_member(QA)


@rules.predicate
def is_assigned_reviewer(user, case) -> bool:
    if case is None or not user.is_authenticated:
        return False
    return case.assignments.filter(active=True, reviewer__user=user).exists()


rules.add_perm("cases.manage_case", is_administrator)
rules.add_perm("cases.view_case_file", is_administrator | is_assigned_reviewer | is_qa)
