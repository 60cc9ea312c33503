"""The project's roles (Django groups), their predicates, and the groups the admin site needs.

Every app's ``rules.py`` builds its object rules on these predicates; nothing else tests group names.
"""

from __future__ import annotations

import rules

ADMINISTRATOR = "Administrator"
REVIEWER = "Reviewer"
QA = "QA"

ADMIN_APPS = ["cases", "reviews", "guidelines", "auth"]

is_administrator = rules.is_group_member(ADMINISTRATOR) | rules.is_superuser
is_reviewer = rules.is_group_member(REVIEWER)
is_qa = rules.is_group_member(QA)


def ensure_roles(**kwargs) -> None:
    """Create the groups and give administrators the admin site's model permissions. Idempotent."""
    from django.contrib.auth.models import Group, Permission

    admins, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    Group.objects.get_or_create(name=REVIEWER)
    Group.objects.get_or_create(name=QA)
    perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    admins.permissions.add(*perms)
