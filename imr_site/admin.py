"""User and role management in the admin site, for the security officer (``imr_site.roles``).

Django's own user admin, with three guards a hospital's security officer would ask for: only a superuser
grants superuser status or direct permissions (roles are groups), nobody but a superuser edits a
superuser's account, and users are deactivated rather than deleted so the admin site's change log
(``LogEntry``, deleted with its user) and every history that names them are kept. The change log itself is
shown read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from imr_site.readonly_admin import ReadOnlyAdminMixin

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class GuardedUserAdmin(UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: the change log and the histories keep naming the user


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed what in the admin site, and when: read-only for everyone."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "user__username"]
    date_hierarchy = "action_time"
