"""The audit record in the admin site: read-only for everyone, superusers included."""

from django.contrib import admin

from audit.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "case_number", "object_id", "status_code", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "case_number")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
