"""Assignment forms: parse and validate input; the rules themselves live in services and eligibility."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from cases.models import Case
from imr_site.text import HygienicFormMixin
from reviews.models import Assignment, ReviewerProfile


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReviewerProfile) -> str:
        return f"{obj} ({', '.join(obj.specialty_labels()) or 'no certification'})"


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class AssignForm(HygienicFormMixin, forms.Form):
    reviewer = ReviewerChoiceField(
        label="Expert reviewer",
        queryset=ReviewerProfile.objects.select_related("user").prefetch_related("certifications"),
        error_messages={"invalid_choice": "That reviewer does not exist; pick one from the list."},
    )
    reason = forms.CharField(label="Reason", required=False, max_length=1000)

    def __init__(self, *args, reason_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.helper = _helper()


class ReasonForm(HygienicFormMixin, forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class BulkAssignForm(HygienicFormMixin, forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label="Cases",
        queryset=Case.objects.all(),
        to_field_name="case_number",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one case.",
            "invalid_choice": "Case %(value)s does not exist.",
        },
    )
    reviewer = ReviewerChoiceField(
        label="Expert reviewer",
        queryset=ReviewerProfile.objects.select_related("user").prefetch_related("certifications"),
        error_messages={"invalid_choice": "That reviewer does not exist; pick one from the list."},
    )
    reason = forms.CharField(label="Reason", required=False, max_length=1000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AcceptForm(HygienicFormMixin, forms.Form):
    attest_no_conflict = forms.BooleanField(
        label=(
            "I attest that I have no material professional, familial or financial affiliation with the "
            "employer, the employee, the treating or requesting providers, or the claims administrator "
            "of this case."
        ),
        error_messages={"required": "Tick the attestation to accept: you must have no conflict of interest."},
    )


class DeclineForm(HygienicFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for declining", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    conflict = forms.BooleanField(label="I have a conflict of interest with this case", required=False)
    conflicting_party = forms.CharField(
        label="Party I am affiliated with (optional)",
        max_length=200,
        required=False,
        help_text="Recorded with your affiliations so future cases with this party are screened.",
    )


class AssignmentAdminForm(HygienicFormMixin, forms.ModelForm):
    """The Django admin's add form: the same screen as everywhere else (see AssignmentAdmin)."""

    reason = forms.CharField(label="Reason", required=False, max_length=1000)

    class Meta:
        model = Assignment
        fields = ["case", "reviewer"]

    def clean(self) -> dict:
        from reviews.assignment.services import check_assignable, is_assignable

        data = super().clean()
        case, reviewer = data.get("case"), data.get("reviewer")
        if self.instance.pk or not case or not reviewer:
            return data
        if case.assignments.filter(active=True).exists():
            self.add_error(
                "case", f"Case {case.case_number} is already assigned; reassign it from the case page."
            )
        elif not is_assignable(case):
            self.add_error(
                "case", f"Case {case.case_number} is {case.get_status_display().lower()}: not assignable."
            )
        blockers = check_assignable(case, reviewer)
        if blockers:
            self.add_error("reviewer", " ".join(blockers))
        return data
