from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from imr_site.readonly_admin import ReadOnlyAdminMixin
from reviews.assignment import services as assignment_services
from reviews.assignment.eligibility import evaluate_eligibility
from reviews.assignment.forms import AssignmentAdminForm
from reviews.assignment.queries import open_assignments
from reviews.models import (
    Affiliation,
    Assignment,
    AssignmentEvent,
    Certification,
    DeterminationLetter,
    ItemDecision,
    LetterDownload,
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
    list_display = ["__str__", "availability", "is_active", "max_open_cases", "eligibility"]
    list_filter = ["is_active", "availability"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["eligibility", "deactivated_at"]
    inlines = [LicenseInline, CertificationInline, AffiliationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related("licenses", "certifications")
        )

    @admin.display(description="Eligibility today")
    def eligibility(self, obj: ReviewerProfile) -> str:
        if not obj.pk:
            return "—"
        result = evaluate_eligibility(obj)
        return (
            "Eligible" if result.eligible else "Not eligible: " + " ".join(r.message for r in result.reasons)
        )

    def save_model(self, request, obj, form, change) -> None:
        if "is_active" in form.changed_data:
            obj.deactivated_at = None if obj.is_active else timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        """A newly declared affiliation may conflict with a case already assigned: say so at once."""
        super().save_related(request, form, formsets, change)
        for assignment in open_assignments().filter(reviewer=form.instance).select_related("case"):
            assignment.reviewer = form.instance
            for conflict in assignment_services.conflicts_found_after_assignment(assignment):
                message = assignment_services.late_conflict_message(conflict)
                messages.warning(request, f"Case {assignment.case.case_number}: {message}")


@admin.register(AssignmentEvent)
class AssignmentEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "action", "actor", "at", "from_reviewer", "to_reviewer"]


class ItemDecisionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = ItemDecision
    extra = 0


class QAReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = QAReview
    extra = 0


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "version", "status", "signed_at"]
    list_filter = ["status"]
    inlines = [ItemDecisionInline, QAReviewInline]


class LetterDownloadInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LetterDownload
    extra = 0


@admin.register(DeterminationLetter)
class DeterminationLetterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["case", "version", "status", "requested_at", "rendered_at", "page_count"]
    # The file is downloaded through the permission-checked letter view, never a media URL; the signed
    # HTML snapshot is long and holds health information: neither is shown here.
    exclude = ["file", "html"]
    inlines = [LetterDownloadInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Adding goes through the same service as the case page (screened, locked, recorded, emailed);
    an existing assignment is read-only here: reassign or unassign it from the case page."""

    form = AssignmentAdminForm
    list_display = ["case", "reviewer", "assigned_at", "state", "active"]
    list_filter = ["active"]
    list_select_related = ["case", "reviewer__user"]
    search_fields = ["case__case_number"]
    autocomplete_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Assignment._meta.fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["case", "reviewer", "reason"]
        return [f.name for f in Assignment._meta.fields if f.name != "id"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        try:
            created = assignment_services.assign(
                form.cleaned_data["case"],
                form.cleaned_data["reviewer"],
                by=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except assignment_services.AssignmentError as exc:  # lost a race after the form validated
            messages.error(request, str(exc))
            return
        obj.pk = created.pk
        obj.refresh_from_db()

    def log_addition(self, request, obj, message):
        if obj.pk is None:
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return redirect("admin:reviews_assignment_changelist")
        return super().response_add(request, obj, post_url_continue)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
