"""The roles (Django groups) and the model permissions the admin site needs for them.

Object-level rules live in each app's ``rules.py``; these groups are what those rules test.
"""

from django.contrib.auth.models import Group, Permission

from cases.rules import ADMINISTRATOR, QA, REVIEWER

ADMIN_APPS = ["cases", "reviews", "guidelines", "auth"]


def ensure_roles(**kwargs) -> None:
    """Create the groups and give administrators the admin site's model permissions. Idempotent."""
    admins, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    Group.objects.get_or_create(name=REVIEWER)
    Group.objects.get_or_create(name=QA)
    perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    admins.permissions.add(*perms)
