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


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["case", "version", "status", "signed_at"]
    inlines = [ItemDecisionInline]


@admin.register(DeterminationLetter)
class DeterminationLetterAdmin(admin.ModelAdmin):
    list_display = ["case", "version", "status", "requested_at", "rendered_at", "page_count"]
    readonly_fields = ["sha256", "file", "error", "page_count", "rendered_at"]


admin.site.register(Assignment)
