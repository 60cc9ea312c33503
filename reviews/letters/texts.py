"""The letter's fixed wording, keyed by name, in the words of the Final Determination letters.

Placeholders: ``{organisation}`` (IMR_ORGANISATION["name"]) and ``{short_name}``. Another organisation
overrides any entry with the ``IMR_LETTER_TEXTS`` setting (a dict with some of these keys); templates
never carry these sentences as literals: ``letter.html`` and ``letter.css`` (included as a template) print
``texts``, and the product's pages that show the letter's wording use ``{% load letter_tags %}``.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_TEXTS: dict[str, str] = {
    "title": "Final Determination",
    # The public form (reviews.letters.publication): what the state publishes, without names.
    "public_title": "Final Determination (public form)",
    "public_note": (
        "Public form of the Final Determination: the names of the injured worker, the attorney, the "
        "providers, "
        "the employer, the claims administrator and the expert reviewer are replaced by their role."
    ),
    # The letterhead and the case header table.
    "date_issued_label": "Date issued:",
    "case_number_label": "Case Number:",
    "date_assigned_label": "Date Assigned:",
    "date_of_injury_label": "Date of Injury:",
    "decision_date_label": "Decision Date:",
    "ur_denial_date_label": "UR Denial Date:",
    "priority_label": "Priority:",
    "application_received_label": "Application Received:",
    # The running header and footer on every page: "Case Number: CM15-0165834", "Page 1 of 3".
    "page_label": "Page",
    "page_of_label": "of",
    "how_made_heading": "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "independence": (
        "{organisation} sent the complete case file to an expert reviewer. He/she has no affiliation with "
        "the employer, employee, providers or the claims administrator. He/she has been in active clinical "
        "practice for more than five years and is currently working at least 24 hours a week in active "
        "practice. The expert reviewer was selected based on his/her clinical experience, education, "
        "background, and expertise in the same or similar specialties that evaluate and/or treat the "
        "medical condition and disputed items/Service. He/she is familiar with governing laws and "
        "regulations, including the strength of evidence hierarchy that applies to Independent Medical "
        "Review determinations."
    ),
    "credentials_intro": "The Expert Reviewer has the following credentials:",
    "licensure_label": "State(s) of Licensure:",
    "specialty_label": "Certification(s)/Specialty:",
    "summary_heading": "CLINICAL CASE SUMMARY",
    "summary_intro": (
        "The expert reviewer developed the following clinical case summary based on a review of the case "
        "file, including all medical records:"
    ),
    "issues_heading": "IMR ISSUES, DECISIONS AND RATIONALES",
    "issues_intro": (
        "The Final Determination was based on decisions for the disputed items/services set forth below:"
    ),
    "claims_administrator_label": "Claims Administrator guideline:",
    "organisation_guideline_label": "{short_name} guideline:",
    "decision_based_on": "Decision based on {citation}.",
    # Printed before the citations when every guideline the reviewer relied on is outside the MTUS.
    "outside_mtus": (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines."
    ),
    "reviewer_no_citation": "The Expert Reviewer did not cite any medical evidence for its decision.",
    "claims_administrator_no_citation": (
        "The Claims Administrator did not cite any evidence-based criteria for its decision."
    ),
    "rationale_label": "Decision rationale:",
    "not_decided": "Not decided",  # a preview's item without a decision yet
    "replaces": "This letter is version {version} and replaces version {previous} dated {previous_date}.",
    "preview_banner": "PREVIEW: not a determination. The letter is issued only after sign-off.",
}


# What a reviewer may have typed before a citation, copied from an earlier letter: "Decision based on ".
TYPED_CITATION_PREFIX = DEFAULT_TEXTS["decision_based_on"].split("{citation}")[0].lower()


def letter_texts() -> dict[str, str]:
    """The fixed texts with the organisation's names filled in (settings override the defaults)."""
    org = settings.IMR_ORGANISATION
    texts = {**DEFAULT_TEXTS, **getattr(settings, "IMR_LETTER_TEXTS", {})}
    names = {"organisation": org["name"], "short_name": org["short_name"]}
    return {key: _fill(text, names) for key, text in texts.items()}


def _fill(text: str, names: dict[str, str]) -> str:
    # Only the organisation placeholders are filled here; per-item ones ({citation}, {version}) stay.
    for key, value in names.items():
        text = text.replace("{" + key + "}", value)
    return text
