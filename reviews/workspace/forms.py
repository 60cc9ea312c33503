"""Forms of the workspace. None is required: saving progress never validates (sign-off does, through
``reviews.workspace.checks``). They exist for labels, widgets, ids and crispy rendering."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from imr_site.text import HygienicFormMixin
from reviews.models import Decision, ItemDecision, Review


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


# The fields sit beside the guideline suggestions, which carry forms of their own; forms cannot nest, so
# each field joins the review form through the HTML ``form`` attribute instead of being inside it.
REVIEW_FORM_ID = "review-form"


def _join_review_form(form: forms.BaseForm) -> None:
    for f in form.fields.values():
        f.widget.attrs.update({"form": REVIEW_FORM_ID, "data-autosave": ""})


class SummaryForm(HygienicFormMixin, forms.ModelForm):
    class Meta:
        model = Review
        fields = ["clinical_summary"]
        labels = {"clinical_summary": "Clinical case summary"}
        widgets = {
            "clinical_summary": forms.Textarea(
                attrs={"rows": 18, "spellcheck": "true", "data-word-count": ""}
            )
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinical_summary"].required = False
        _join_review_form(self)
        self.helper = _helper()


class ItemDecisionForm(HygienicFormMixin, forms.ModelForm):
    """One disputed item's decision; its prefix ``item-<item_id>`` gives ids like
    ``id_item-12-guideline_citations`` that the guideline suggestions fill in."""

    decision = forms.ChoiceField(
        label="Decision", choices=[("", "Not decided yet"), *Decision.choices], required=False
    )

    class Meta:
        model = ItemDecision
        fields = ["decision", "guideline_citations", "non_mtus_reason", "rationale"]
        labels = {
            "guideline_citations": "Guideline",
            "non_mtus_reason": "Why the MTUS does not address this item (non-MTUS citations only)",
            "rationale": "Decision rationale",
        }
        help_texts = {
            "guideline_citations": "One citation per line, as the letter prints it: "
            '"MTUS Low Back Complaints 2004, Section(s): Special Studies".',
        }
        widgets = {
            "guideline_citations": forms.Textarea(attrs={"rows": 2}),
            "non_mtus_reason": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 8, "spellcheck": "true"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = False
        _join_review_form(self)
        self.helper = _helper()


def item_forms(review: Review, data=None) -> list[tuple[object, ItemDecisionForm]]:
    """(disputed item, its form) in the letter's order."""
    decisions = {d.disputed_item_id: d for d in review.decisions.all()}
    out = []
    for item in review.case.disputed_items.all():
        decision = decisions.get(item.pk)
        out.append((item, ItemDecisionForm(data, instance=decision, prefix=f"item-{item.pk}")))
    return out


class SignOffForm(HygienicFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I have reviewed the complete case file and sign this final determination.", required=True
    )
    base_revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class QAReturnForm(HygienicFormMixin, forms.Form):
    """What QA asks the reviewer to change: on the whole determination and, optionally, per item."""

    comments = forms.CharField(
        label="Comments on the determination or its summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=f"Comment on {item.heading}", widget=forms.Textarea(attrs={"rows": 2}), required=False
            )

    def item_comments(self) -> dict[int, str]:
        return {
            int(name.removeprefix("item_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_") and value
        }


class AmendForm(HygienicFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for the amendment", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
