from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import (
    Affiliation,
    Assignment,
    AssignmentEvent,
    Certification,
    DeterminationLetter,
    ItemDecision,
    License,
    QAReview,
    Review,
    ReviewerProfile,
)


class LicenseInline(admin.TabularInline):
    model = License
    extra = 0


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "availability", "is_active", "max_open_cases"]
    inlines = [LicenseInline, CertificationInline, AffiliationInline]


@admin.register(AssignmentEvent)
class AssignmentEventAdmin(admin.ModelAdmin):
    list_display = ["case", "action", "actor", "at", "from_reviewer", "to_reviewer"]
    readonly_fields = [f.name for f in AssignmentEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class ItemDecisionInline(admin.StackedInline):
    model = ItemDecision
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:
        # A signed review is a legal document: read-only here too (changes go through an amendment).
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_frozen) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_frozen) and super().has_delete_permission(request, obj)


class QAReviewInline(admin.TabularInline):
    model = QAReview
    extra = 0
    readonly_fields = ["by", "at", "outcome", "comments"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["case", "version", "status", "signed_at"]
    list_filter = ["status"]
    inlines = [ItemDecisionInline, QAReviewInline]
    readonly_fields = ["revision", "field_revisions", "saved_at", "saved_by", "credentials_snapshot"]

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_frozen) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.status != "draft") and super().has_delete_permission(request, obj)


@admin.register(DeterminationLetter)
class DeterminationLetterAdmin(admin.ModelAdmin):
    list_display = ["case", "version", "status", "requested_at", "rendered_at", "page_count"]
    readonly_fields = ["sha256", "file", "error", "page_count", "rendered_at"]


admin.site.register(Assignment)
