from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, CaseTransition, DisputedItem, MedicalRecord, TreatingProvider


class TreatingProviderInline(admin.TabularInline):
    model = TreatingProvider
    extra = 0


class DisputedItemInline(admin.TabularInline):
    model = DisputedItem
    extra = 0


class MedicalRecordInline(admin.StackedInline):
    model = MedicalRecord
    extra = 0
    exclude = ["file"]
    readonly_fields = ["file_sha256", "file_size"]


class CaseTransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_status", "to_status", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = [
        "case_number",
        "review_type",
        "status",
        "received_date",
        "due_date",
        "claims_administrator",
    ]
    list_filter = ["status", "review_type"]
    search_fields = ["case_number"]
    readonly_fields = ["status", "due_date", "created_at", "updated_at", "created_by"]
    inlines = [TreatingProviderInline, DisputedItemInline, MedicalRecordInline, CaseTransitionInline]
