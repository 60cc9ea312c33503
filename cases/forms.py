"""Intake through the browser: a JSON upload, or a form for one case with its items and records.

Both end in ``cases.intake``: the form builds the same payload a JSON file holds, so the browser gets the
same validation and the same messages as the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row
from django import forms
from django.forms import formset_factory

from cases.intake import IntakeError, check_pdf
from cases.models import AppealedBy, Case, IneligibleReason, RecordKind, ReviewType, Sex
from imr_site.text import HygienicFormMixin


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    intake_file = forms.FileField(
        label="Intake file (JSON)",
        help_text='One case, or {"cases": [...]}, in the intake format.',
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )
    record_files = MultipleFileField(
        label="Record PDFs named in the file", required=False, help_text="Matched to records by file name."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


ADDRESS_PARTS = ("line1", "line2", "city", "state", "postal_code")
ADDRESS_REQUIRED = ("line1", "city", "state", "postal_code")


def address_fields(prefix: str) -> dict[str, forms.Field]:
    """The fields of one mailing address (optional as a whole; complete when given), named
    ``<prefix>_address_<part>``."""
    return {
        f"{prefix}_address_line1": forms.CharField(max_length=100, required=False, label="Address"),
        f"{prefix}_address_line2": forms.CharField(max_length=100, required=False, label="Address line 2"),
        f"{prefix}_address_city": forms.CharField(max_length=60, required=False, label="City"),
        f"{prefix}_address_state": forms.CharField(
            max_length=2, required=False, label="State", help_text="e.g. CA"
        ),
        f"{prefix}_address_postal_code": forms.CharField(max_length=10, required=False, label="ZIP code"),
    }


def clean_address(form: forms.Form, prefix: str) -> dict | None:
    """The address as the intake format holds it, or None when no part is filled in; a part missing from
    a started address is an error on that field."""
    data = form.cleaned_data
    given = {part: (data.get(f"{prefix}_address_{part}") or "").strip() for part in ADDRESS_PARTS}
    if not any(given.values()):
        return None
    for part in ADDRESS_REQUIRED:
        if not given[part]:
            form.add_error(f"{prefix}_address_{part}", "Needed for a mailing address.")
    given["state"] = given["state"].upper()
    return {part: value for part, value in given.items() if value}


def address_row(prefix: str) -> Row:
    return Row(*(Column(f"{prefix}_address_{part}") for part in ADDRESS_PARTS))


def _lines(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[\n;]+", value or "") if v.strip()]


class CaseForm(HygienicFormMixin, forms.Form):
    case_number = forms.CharField(max_length=16, help_text="e.g. CM15-0165834")
    review_type = forms.ChoiceField(choices=ReviewType.choices)
    formulary_only = forms.BooleanField(
        required=False,
        label="Drug formulary dispute only",
        help_text="Every disputed item is a drug under the MTUS Drug Formulary: due in 5 working days.",
    )
    received_date = forms.DateField(widget=DATE, label="Application received")
    records_received_date = forms.DateField(widget=DATE, required=False, label="Records-complete date")
    applicant_age = forms.IntegerField(label="Applicant age")
    applicant_sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, label="Applicant sex")
    applicant_represented = forms.BooleanField(required=False, label="Represented by an attorney")
    injury_date = forms.DateField(widget=DATE, label="Date of injury")
    injury_description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Injury")
    body_regions = forms.CharField(required=False, help_text="One per line or separated by semicolons.")
    diagnoses = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line."
    )
    employer = forms.CharField(max_length=200, required=False)
    claims_administrator = forms.CharField(max_length=200)
    claim_number = forms.CharField(max_length=40, required=False, label="Claim number")
    ur_decision_date = forms.DateField(widget=DATE, label="UR decision date")
    ur_date_of_service = forms.DateField(widget=DATE, required=False, label="UR date of service")
    appealed_by = forms.ChoiceField(choices=[("", "—"), *AppealedBy.choices], required=False)
    applicant_name = forms.CharField(
        max_length=200,
        required=False,
        label="Injured worker's name",
        help_text="For the envelope only: never in a letter, never shown to the reviewer.",
    )
    locals().update(address_fields("applicant"))
    attorney_name = forms.CharField(max_length=200, required=False, label="Attorney or law firm")
    locals().update(address_fields("attorney"))
    locals().update(address_fields("claims_administrator"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "Case",
                Row(
                    Column("case_number"),
                    Column("review_type"),
                    Column("received_date"),
                    Column("records_received_date"),
                ),
                "formulary_only",
            ),
            Fieldset(
                "Applicant (de-identified)",
                Row(Column("applicant_age"), Column("applicant_sex"), Column("applicant_represented")),
            ),
            Fieldset(
                "Injury",
                Row(Column("injury_date"), Column("body_regions")),
                "injury_description",
                "diagnoses",
            ),
            Fieldset(
                "Parties", Row(Column("employer"), Column("claims_administrator"), Column("claim_number"))
            ),
            Fieldset(
                "Utilization review",
                Row(Column("ur_decision_date"), Column("ur_date_of_service"), Column("appealed_by")),
            ),
            Fieldset(
                "Mailing addresses (where the determination is mailed; optional)",
                "applicant_name",
                address_row("applicant"),
                "attorney_name",
                address_row("attorney"),
                HTML("<p class='form-text'>Claims administrator</p>"),
                address_row("claims_administrator"),
            ),
        )

    def clean(self) -> dict:
        data = super().clean()
        self.addresses = {prefix: clean_address(self, prefix) for prefix in ADDRESS_PREFIXES}
        if data.get("attorney_name") and not self.addresses["attorney"]:
            self.add_error("attorney_address_line1", "Give the attorney's mailing address.")
        if self.addresses["attorney"] and not data.get("attorney_name"):
            self.add_error("attorney_name", "Whose address is this? Give the attorney's name.")
        if data.get("applicant_name") and not self.addresses["applicant"]:
            self.add_error("applicant_address_line1", "Give the injured worker's mailing address.")
        return data

    def payload(self) -> dict:
        d = self.cleaned_data
        out = {
            "case_number": d["case_number"].strip().upper(),
            "review_type": d["review_type"],
            "received_date": d["received_date"].isoformat(),
            "applicant": {
                "age": d["applicant_age"],
                "sex": d["applicant_sex"],
                "represented": d["applicant_represented"],
            },
            "injury": {
                "date": d["injury_date"].isoformat(),
                "description": d["injury_description"],
                "body_regions": _lines(d["body_regions"]),
                "diagnoses": _lines(d["diagnoses"]),
            },
            "claims_administrator": d["claims_administrator"],
            "utilization_review": {"decision_date": d["ur_decision_date"].isoformat()},
        }
        if d.get("formulary_only"):
            out["formulary_only"] = True
        if d.get("records_received_date"):
            out["records_received_date"] = d["records_received_date"].isoformat()
        if d.get("employer"):
            out["employer"] = d["employer"]
        if d.get("claim_number"):
            out["claim_number"] = d["claim_number"]
        if d.get("ur_date_of_service"):
            out["utilization_review"]["date_of_service"] = d["ur_date_of_service"].isoformat()
        if d.get("appealed_by"):
            out["utilization_review"]["appealed_by"] = d["appealed_by"]
        if self.addresses["applicant"]:
            out["applicant"]["mailing_address"] = self.addresses["applicant"]
        if d.get("applicant_name"):
            out["applicant"]["name"] = d["applicant_name"]
        if d.get("attorney_name") or self.addresses["attorney"]:
            out["attorney"] = {"name": d.get("attorney_name", "")}
            if self.addresses["attorney"]:
                out["attorney"]["mailing_address"] = self.addresses["attorney"]
        if self.addresses["claims_administrator"]:
            out["claims_administrator_address"] = self.addresses["claims_administrator"]
        return out


class ProviderForm(HygienicFormMixin, forms.Form):
    name = forms.CharField(max_length=200, required=False, label="Treating provider")
    specialty = forms.CharField(max_length=200, required=False)
    requesting = forms.BooleanField(required=False, label="Requested the treatment")
    locals().update(address_fields("provider"))

    def clean(self) -> dict:
        data = super().clean()
        self.address = clean_address(self, "provider")
        return data


class DisputedItemForm(HygienicFormMixin, forms.Form):
    description = forms.CharField(max_length=500, required=False, label="Disputed item")
    quantity = forms.IntegerField(required=False)
    claims_administrator_guidelines = forms.CharField(
        required=False,
        label="Claims administrator's guideline(s)",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, as cited in the UR decision.",
    )


class RecordForm(HygienicFormMixin, forms.Form):
    title = forms.CharField(max_length=300, required=False, label="Record title")
    date = forms.DateField(widget=DATE, required=False)
    author = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=RecordKind.choices, initial=RecordKind.PROGRESS_NOTE)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(
        required=False, label="PDF", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            content = upload.read()
            problem = check_pdf(content)
            if problem:
                raise forms.ValidationError(problem)
            self.pdf_bytes = content
        return upload


class AddRecordForm(RecordForm):
    """A record that arrives after intake (the claims administrator answering a records request)."""

    title = forms.CharField(max_length=300, label="Record title")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if not data.get("text") and not data.get("file") and "file" not in self.errors:
            raise forms.ValidationError("A record needs its text or a PDF.")
        return data


class RecordsCompleteForm(HygienicFormMixin, forms.Form):
    records_complete_date = forms.DateField(widget=DATE, label="Records-complete date")


# One empty row each; the page adds and removes rows (static/js/formset.js). The caps follow the intake
# schema (at most 50 disputed items) and keep a posted form bounded.
ProviderFormSet = formset_factory(ProviderForm, extra=1, max_num=20, validate_max=True)
DisputedItemFormSet = formset_factory(DisputedItemForm, extra=1, max_num=50, validate_max=True)
RecordFormSet = formset_factory(RecordForm, extra=1, max_num=100, validate_max=True)

# Where an intake error path lands on the case form.
CASE_FIELD_FOR_PATH = {
    "case_number": "case_number",
    "review_type": "review_type",
    "formulary_only": "formulary_only",
    "received_date": "received_date",
    "records_received_date": "records_received_date",
    "applicant.age": "applicant_age",
    "applicant.sex": "applicant_sex",
    "injury.date": "injury_date",
    "injury.description": "injury_description",
    "employer": "employer",
    "claims_administrator": "claims_administrator",
    "claim_number": "claim_number",
    "utilization_review.decision_date": "ur_decision_date",
    "utilization_review.date_of_service": "ur_date_of_service",
    "treating_providers": None,
    "applicant.name": "applicant_name",
    "attorney": "attorney_name",
    "attorney.name": "attorney_name",
}
ADDRESS_PREFIXES = {
    "applicant": "applicant.mailing_address",
    "attorney": "attorney.mailing_address",
    "claims_administrator": "claims_administrator_address",
}
for _prefix, _path in ADDRESS_PREFIXES.items():
    CASE_FIELD_FOR_PATH[_path] = f"{_prefix}_address_line1"
    for _part in ADDRESS_PARTS:
        CASE_FIELD_FOR_PATH[f"{_path}.{_part}"] = f"{_prefix}_address_{_part}"
FORMSET_FOR_PATH = {"disputed_items": "items", "records": "records", "treating_providers": "providers"}


def place_intake_errors(
    errors: list[IntakeError], case_form: CaseForm, formsets: dict, row_maps: dict
) -> None:
    """Attach each intake error to the form field it names, so the user sees it where it belongs.

    ``row_maps`` maps a formset name to the payload index -> form index of the non-empty rows.
    """
    for error in errors:
        m = re.match(r"^(disputed_items|records|treating_providers)\[(\d+)\](?:\.([\w.]+))?", error.path)
        if m:
            name = FORMSET_FOR_PATH[m.group(1)]
            form_index = row_maps[name].get(int(m.group(2)))
            field = m.group(3) or ""
            if field.startswith("mailing_address"):  # a provider's address: provider_address_<part>
                field = "provider_address_" + (field.partition(".")[2] or "line1")
            formset = formsets[name]
            if form_index is not None:
                form = formset.forms[form_index]
                form.add_error(field if field in form.fields else None, error.message)
                continue
        field = CASE_FIELD_FOR_PATH.get(error.path)
        case_form.add_error(field, error.message if field else str(error))


def _non_empty_rows(formset, *keys: str) -> list[tuple[int, dict]]:
    """(form index, cleaned data) of the rows with any of ``keys`` filled in; blank extra rows skipped."""
    return [
        (k, f.cleaned_data)
        for k, f in enumerate(formset.forms)
        if getattr(f, "cleaned_data", None) and any(f.cleaned_data.get(key) for key in keys)
    ]


@dataclass
class CaseEntry:
    """The "New case" page: the case form and its providers, items and records formsets, turned into
    the payload an intake JSON file holds (``payload``) and the PDFs it names (``files``), so the case
    goes through ``cases.intake`` like an import. ``place_errors`` puts intake's errors back on the rows
    they came from."""

    form: CaseForm
    formsets: dict
    files: dict[str, bytes] = field(default_factory=dict)
    _row_maps: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def bind(cls, data=None, files=None) -> CaseEntry:
        return cls(
            CaseForm(data),
            {
                "providers": ProviderFormSet(data, prefix="providers"),
                "items": DisputedItemFormSet(data, prefix="items"),
                "records": RecordFormSet(data, files, prefix="records"),
            },
        )

    def is_valid(self) -> bool:
        return self.form.is_valid() and all(fs.is_valid() for fs in self.formsets.values())

    def payload(self) -> dict:
        """The intake payload; fills ``files`` with the uploaded PDFs under the names it gives them."""
        payload = self.form.payload()
        providers = _non_empty_rows(self.formsets["providers"], "name")
        items = _non_empty_rows(self.formsets["items"], "description")
        records = _non_empty_rows(self.formsets["records"], "title", "text", "file")
        payload["treating_providers"] = []
        for k, d in providers:
            provider = {"name": d["name"], "specialty": d["specialty"], "requesting": d["requesting"]}
            address = self.formsets["providers"].forms[k].address
            if address:
                provider["mailing_address"] = address
            payload["treating_providers"].append(provider)
        payload["disputed_items"] = [
            {
                "description": d["description"],
                "quantity": d["quantity"],
                "claims_administrator_guidelines": [  # one per line: a guideline may hold a ";"
                    g.strip() for g in d["claims_administrator_guidelines"].splitlines() if g.strip()
                ],
            }
            for _, d in items
        ]
        self.files = {}
        payload["records"] = []
        for n, (k, d) in enumerate(records):
            record = {"title": d["title"], "kind": d["kind"]}
            for key in ("author", "text"):
                if d.get(key):
                    record[key] = d[key]
            record["date"] = d["date"].isoformat() if d.get("date") else None
            if d.get("file"):
                record["file"] = f"record-{n}.pdf"
                self.files[record["file"]] = self.formsets["records"].forms[k].pdf_bytes
            payload["records"].append(record)
        self._row_maps = {
            "providers": {n: k for n, (k, _) in enumerate(providers)},
            "items": {n: k for n, (k, _) in enumerate(items)},
            "records": {n: k for n, (k, _) in enumerate(records)},
        }
        return payload

    def place_errors(self, errors: list[IntakeError]) -> None:
        place_intake_errors(errors, self.form, self.formsets, self._row_maps)


class SavedFilterForm(HygienicFormMixin, forms.Form):
    name = forms.CharField(label="Filter name", max_length=80)


BULK_ACTIONS = [
    ("assign", "Assign to a reviewer…"),
    ("mark_ineligible", "Mark ineligible"),
    ("withdraw", "Withdraw"),
]


class BulkActionForm(HygienicFormMixin, forms.Form):
    """The case list's bulk bar. The reason a status change needs is checked here, before any case moves."""

    cases = forms.ModelMultipleChoiceField(
        label="Cases",
        queryset=Case.objects.order_by("due_date", "case_number"),
        to_field_name="case_number",
        error_messages={
            "required": "Select at least one case.",
            "invalid_choice": "Case %(value)s does not exist.",
        },
    )
    action = forms.ChoiceField(
        label="Action",
        choices=BULK_ACTIONS,
        error_messages={"required": "Choose what to do with the selected cases."},
    )
    ineligible_reason = forms.ChoiceField(
        label="Ineligibility reason", choices=[("", "—"), *IneligibleReason.choices], required=False
    )
    reason = forms.CharField(label="Reason to withdraw", max_length=1000, required=False)

    def clean(self) -> dict:
        d = super().clean()
        if d.get("action") == "mark_ineligible" and not d.get("ineligible_reason"):
            self.add_error("ineligible_reason", "Choose the ground on which the cases are ineligible.")
        if d.get("action") == "withdraw" and not (d.get("reason") or "").strip():
            self.add_error("reason", "Say why the cases are withdrawn (e.g. the treatment was authorised).")
        return d
