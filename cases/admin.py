from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, CaseTransition, DisputedItem, MailingAddress, MedicalRecord, TreatingProvider
from imr_site.readonly_admin import ReadOnlyAdminMixin


class FixedAfterSignOffInline:
    """What a determination was made on is read-only once it is signed or with QA (amend it first);
    the models refuse the change too (``cases.models.check_determination_not_fixed``)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return not (obj and obj.determination_is_fixed) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj and obj.determination_is_fixed) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.determination_is_fixed) and super().has_delete_permission(request, obj)


class TreatingProviderInline(FixedAfterSignOffInline, admin.TabularInline):
    model = TreatingProvider
    extra = 0


class DisputedItemInline(FixedAfterSignOffInline, admin.TabularInline):
    model = DisputedItem
    extra = 0


class MedicalRecordInline(FixedAfterSignOffInline, admin.StackedInline):
    model = MedicalRecord
    extra = 0
    exclude = ["file"]
    readonly_fields = ["file_sha256", "file_size"]


class MailingAddressInline(admin.TabularInline):
    """Where each party's determination is mailed. Editable after sign-off: a party that moves is still
    mailed (the address is not what the determination was made on). Field errors come from the model's
    validators (two-letter state, ZIP or ZIP+4)."""

    model = MailingAddress
    extra = 0
    fields = ["party", "name", "line1", "line2", "city", "state", "postal_code"]


class CaseTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseTransition
    extra = 0
    readonly_fields = ["transition", "from_status", "to_status", "actor", "at", "reason"]


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
    inlines = [
        TreatingProviderInline,
        DisputedItemInline,
        MailingAddressInline,
        MedicalRecordInline,
        CaseTransitionInline,
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj and obj.determination_is_fixed) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.determination_is_fixed) and super().has_delete_permission(request, obj)
