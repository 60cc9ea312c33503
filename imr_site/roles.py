"""The project's roles (Django groups), their predicates, and the groups the admin site needs.

Every app's ``rules.py`` builds its object rules on these predicates; nothing else tests group names.

Least privilege: administrators run cases, reviewers and letters, but never users, roles or passwords
(they could otherwise set a reviewer's password and sign in its name, or make themselves superuser).
User and role management belongs to the security officer, whose every change the admin site records
(``django.contrib.admin.models.LogEntry``, read-only in the admin site).
"""

from __future__ import annotations

import rules

ADMINISTRATOR = "Administrator"
REVIEWER = "Reviewer"
QA = "QA"
SECURITY_OFFICER = "Security officer"

# The apps whose models administrators manage in the admin site. Never "auth" (users, groups,
# permissions): that is the security officer's.
ADMIN_APPS = ["cases", "reviews", "guidelines", "parties"]
# (app label, model) pairs the security officer manages, plus reading the admin site's change log.
SECURITY_OFFICER_MODELS = [("auth", "user"), ("auth", "group"), ("admin", "logentry")]

is_administrator = rules.is_group_member(ADMINISTRATOR) | rules.is_superuser
is_reviewer = rules.is_group_member(REVIEWER)
is_qa = rules.is_group_member(QA)
is_security_officer = rules.is_group_member(SECURITY_OFFICER)


@rules.predicate
def is_organisation_user(user) -> bool:
    """A user of a claims-administrator organisation (``parties.Membership``), active or not: the portal is
    all of the site such a user may use; every IMR page answers 403 or 404 to it."""
    return getattr(user, "is_authenticated", False) and hasattr(user, "membership")


# The IMR side's own people: everyone logged in who is not an organisation's user.
is_imr_user = rules.is_authenticated & ~is_organisation_user


def ensure_roles(**kwargs) -> None:
    """Create the groups and give each its admin site permissions. Idempotent; runs after every migrate,
    so a database made before a permission was taken away loses it too."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    admins, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    Group.objects.get_or_create(name=REVIEWER)
    Group.objects.get_or_create(name=QA)
    officers, _ = Group.objects.get_or_create(name=SECURITY_OFFICER)
    admins.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    admins.permissions.remove(*admins.permissions.exclude(content_type__app_label__in=ADMIN_APPS))
    officer_models = Q()
    for app_label, model in SECURITY_OFFICER_MODELS:
        officer_models |= Q(content_type__app_label=app_label, content_type__model=model)
    # The change log is read only: nobody adds, changes or deletes its entries.
    officer_perms = Permission.objects.filter(officer_models).exclude(
        content_type__app_label="admin", codename__in=["add_logentry", "change_logentry", "delete_logentry"]
    )
    officers.permissions.set(officer_perms)
