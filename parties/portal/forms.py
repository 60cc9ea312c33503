from __future__ import annotations

from django import forms

from cases.forms import MultipleFileField
from cases.models import RecordKind
from imr_site.text import HygienicFormMixin


class UploadForm(HygienicFormMixin, forms.Form):
    files = MultipleFileField(
        label="Record PDFs", help_text="One or more PDFs; each becomes a record of the case."
    )
    kind = forms.ChoiceField(choices=RecordKind.choices, initial=RecordKind.OTHER)


class BulkUploadForm(HygienicFormMixin, forms.Form):
    files = MultipleFileField(
        label="Record PDFs",
        help_text='Each file name starts with its case number, e.g. "CM16-0001234 Medical Records.pdf".',
    )


class PortalUserForm(HygienicFormMixin, forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    is_organisation_admin = forms.BooleanField(required=False, label="Organisation administrator")
