"""The public, redacted form of a Final Determination: what the state publishes (the Division of Workers'
Compensation publishes IMR determinations without identifying the parties, as the letters in the corpus
show). It keeps the case number, the header's dates and priority, the reviewer's credentials, each disputed
item with its decision, guideline citations and rationale, and the clinical summary; it has no names: the
injured worker, the attorney, the providers, the employer, the claims administrator (and the organisation
answering for it) and the reviewer are replaced by their role, the way the published letters write them
("the injured worker", "the treating provider"), wherever the reviewer's text names them.

It is made on demand from the signed review, through the letter's own template and WeasyPrint (one layout
for both forms), and never stored: the issued letter stays the one document of record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cases.models import AddressedParty, Case
from reviews.letters.rendering import RenderedPdf, letter_context, render_letter_pdf
from reviews.models import DeterminationLetter, Review

# Role words as the published letters print them.
ROLE = {
    "injured_worker": "the injured worker",
    "attorney": "the applicant's attorney",
    "requesting_provider": "the requesting provider",
    "treating_provider": "the treating provider",
    "employer": "the employer",
    "claims_administrator": "the claims administrator",
    "reviewer": "the expert reviewer",
    "address": "[address removed]",
}
HONORIFIC = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof)\.?\s+"
CREDENTIAL_SUFFIX = re.compile(
    r"[\s,]+(?:M\.?D|D\.?O|D\.?C|P\.?A(?:-C)?|N\.?P|Ph\.?D|PsyD|DPM|LAc|L\.?Ac|Esq|RN|PT|DPT|OT)\.?$", re.I
)
CORPORATE_SUFFIX = re.compile(
    r"[\s,]+(?:Inc|Incorporated|LLC|L\.L\.C|LLP|Co|Company|Corp|Corporation|Ltd|Group|Services)\.?$", re.I
)


@dataclass(frozen=True)
class Name:
    text: str
    role: str
    person: bool  # a person's name: its surname after Dr./Mr./Ms. is theirs too


def _person_variants(name: str) -> set[str]:
    name = " ".join(name.split())
    bare = name
    while CREDENTIAL_SUFFIX.search(bare):
        bare = CREDENTIAL_SUFFIX.sub("", bare).strip()
    bare = re.sub(rf"^{HONORIFIC}", "", bare, flags=re.I)
    out = {name, bare}
    parts = bare.split()
    if len(parts) >= 2:
        out.add(f"{parts[0]} {parts[-1]}")
        out.add(f"{parts[-1]}, {parts[0]}")
    return {v for v in out if len(v) >= 2}


def _organisation_variants(name: str) -> set[str]:
    name = " ".join(name.split())
    out = {name}
    bare = name
    while CORPORATE_SUFFIX.search(bare):
        bare = CORPORATE_SUFFIX.sub("", bare).strip()
        out.add(bare)
    return {v for v in out if len(v) >= 3}


def party_names(case: Case, review: Review | None = None) -> list[Name]:
    """Every name of the case's parties the public form must not print, with the role that replaces it."""
    names: list[Name] = []
    for provider in case.treating_providers.all():
        role = "requesting_provider" if provider.requesting else "treating_provider"
        names.append(Name(provider.name, role, person=True))
    if case.employer:
        names.append(Name(case.employer, "employer", person=False))
    names.append(Name(case.claims_administrator, "claims_administrator", person=False))
    names.extend(Name(n, "claims_administrator", person=False) for n in _organisation_names(case))
    for address in case.mailing_addresses.all():
        if address.name and address.party in (AddressedParty.INJURED_WORKER, AddressedParty.ATTORNEY):
            names.append(Name(address.name, address.party, person=True))
        for line in (address.line1, address.line2):
            if line:
                names.append(Name(line, "address", person=False))
    if review is not None:
        user = review.reviewer.user
        full = " ".join(p for p in (user.first_name, user.last_name) if p)
        for value in {full, user.get_full_name(), user.username}:
            if value:
                names.append(Name(value, "reviewer", person=bool(user.last_name)))
    return [n for n in names if n.text.strip()]


def _organisation_names(case: Case) -> Iterable[str]:
    """The organisation answering for the case's claims administrator, and every name it answers for."""
    from django.apps import apps

    if not apps.is_installed("parties"):
        return []
    name_model = apps.get_model("parties", "ClaimsAdministratorName")
    row = name_model.objects.filter(name=case.claims_administrator).select_related("organisation").first()
    if row is None:
        return []
    return [row.organisation.name, *row.organisation.names.values_list("name", flat=True)]


def redactor(names: list[Name]) -> Callable[[str], str]:
    """A function replacing every name (any case, whole words; the longest first) and a person's surname
    after an honorific ("Dr. Lopez") with the role; a role opening a sentence is capitalised."""
    roles: dict[str, str] = {}
    surnames: dict[str, str] = {}
    for name in names:
        variants = _person_variants(name.text) if name.person else _organisation_variants(name.text)
        for variant in variants:
            roles.setdefault(variant.lower(), ROLE[name.role])
        if name.person:
            bare = sorted(_person_variants(name.text), key=len)[0].split()
            if bare and len(bare[-1]) >= 2:
                surnames.setdefault(bare[-1].lower(), ROLE[name.role])
    if not roles:
        return lambda text: text
    alternatives = [re.escape(v) for v in sorted(roles, key=len, reverse=True)]
    by_honorific = [re.escape(s) for s in sorted(surnames, key=len, reverse=True)]
    pattern = r"(?<![\w])(?:" + HONORIFIC + r")?(?:" + "|".join(alternatives) + r")(?![\w])"
    if by_honorific:
        pattern = rf"(?<![\w]){HONORIFIC}(?:{'|'.join(by_honorific)})(?![\w])|" + pattern
    # A person's credentials or a company's form after the name go with it ("Maria Lopez, MD", ", Inc.").
    trailing = r"M\.?D|D\.?O|D\.?C|P\.?A-C|N\.?P|Ph\.?D|Esq|Inc|LLC|Co|Corp|Ltd"
    pattern = rf"(?:{pattern})(?:,?\s+(?:{trailing})\.?(?![\w]))?"
    compiled = re.compile(pattern, re.I)

    def role_of(matched: str) -> str:
        key = re.sub(rf"^{HONORIFIC}", "", matched, flags=re.I)
        key = re.sub(rf",?\s+(?:{trailing})\.?$", "", key, flags=re.I).strip().lower()
        return roles.get(key) or surnames.get(key) or roles.get(matched.lower()) or "[name removed]"

    def replace(match: re.Match) -> str:
        role = role_of(match.group(0))
        before = match.string[: match.start()].rstrip()
        if role.startswith("the ") and re.search(r"(?i)\bthe$", before):
            return role[4:]  # "the Example Claims Services" -> "the claims administrator"
        if not before or before[-1] in ".!?:\n":
            role = role[0].upper() + role[1:]
        return role

    def redact(text: str) -> str:
        return compiled.sub(replace, text or "")

    return redact


def public_letter_context(letter: DeterminationLetter) -> dict:
    review = Review.objects.select_related("case", "reviewer__user", "assignment").get(pk=letter.review_id)
    redact = redactor(party_names(review.case, review))
    context = letter_context(review, letter, redact=redact)
    context["public"] = True
    return context


def render_public_letter_html(letter: DeterminationLetter) -> str:
    from django.template.loader import render_to_string

    from reviews.letters.rendering import LETTER_TEMPLATE

    return render_to_string(LETTER_TEMPLATE, public_letter_context(letter))


def render_public_letter(letter: DeterminationLetter) -> RenderedPdf:
    """The public form's PDF, through the letter's renderer (no network, the project's fonts)."""
    return render_letter_pdf(render_public_letter_html(letter))
