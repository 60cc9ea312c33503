"""The audit record in the admin site: read-only for everyone, superusers included."""

from django.contrib import admin

from audit.models import AccessEvent
from imr_site.readonly_admin import ReadOnlyAdminMixin


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "username", "action", "case_number", "object_id", "status_code", "ip_address")
    list_filter = ("action",)
    search_fields = ("username", "case_number")
    date_hierarchy = "at"
