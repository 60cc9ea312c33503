"""The public, redacted form of the letter (reviews/letters/publication.py): no party's name, from the
case's data or inside the reviewer's text; the decisions, citations and rationale kept."""

from __future__ import annotations

import json

import pytest

from audit.models import AccessEvent, AuditAction
from cases.demo import to_eligible
from cases.intake import EXAMPLE_CASE_PATH, import_payload
from cases.models import MailingAddress
from parties.models import ClaimsAdministratorName, ClaimsAdministratorOrganisation
from reviews.assignment.services import accept_assignment, assign
from reviews.demo import draft_review
from reviews.letters import publication
from reviews.workspace.signoff import sign_off
from tests import factories
from tests.auth import log_in
from tests.reviews.letters.helpers import pdf_text, seed_reviewer
from tests.seed_determination import SEED_DECISIONS

WORKER = "Jordan Quincy Applicant"
ATTORNEY = "Avery Counsel, Esq."
PROVIDER = "Maria Lopez, MD"
OTHER_PROVIDER = "Dr. Samuel Okafor"
EMPLOYER = "Example Distribution Co."
CLAIMS_ADMINISTRATOR = "Example Claims Services"
ORGANISATION = "Example Claims Holdings Inc."
STREET = "1200 Orchard Lane"

# The reviewer's summary and rationale name the parties, as a careless draft would.
SUMMARY = (
    "Jordan Applicant is a represented 51-year-old who has filed a claim for chronic low back pain, "
    "associated with an industrial injury while working for Example Distribution on May 19, 2014. "
    f"In a Utilization Review report dated August 11, 2015, {CLAIMS_ADMINISTRATOR} failed to approve "
    "requests for 12 sessions of physical therapy and MRI imaging of the lumbar spine. Mr. Applicant's "
    "attorney, Avery Counsel, appealed. Dr. Lopez, an orthopedic surgeon, sought a new MRI for "
    "preoperative planning; Samuel Okafor, MD, had treated the applicant earlier. The applicant lives at "
    f"{STREET}. Reviewed by Dana Rivera."
)


@pytest.fixture
def named_case(db):
    payload = json.loads(EXAMPLE_CASE_PATH.read_text())
    payload["applicant"]["name"] = WORKER
    payload["applicant"]["mailing_address"] = {
        "line1": STREET,
        "city": "Fresno",
        "state": "CA",
        "postal_code": "93701",
    }
    payload["attorney"] = {
        "name": ATTORNEY,
        "mailing_address": {"line1": "55 Court St", "city": "Fresno", "state": "CA", "postal_code": "93721"},
    }
    payload["case_number"] = "CM15-0165999"
    payload["employer"] = EMPLOYER
    payload["claims_administrator"] = CLAIMS_ADMINISTRATOR
    payload["treating_providers"] = [
        {"name": PROVIDER, "specialty": "Orthopedic Surgery", "requesting": True},
        {"name": OTHER_PROVIDER, "specialty": "Family Medicine"},
    ]
    report = import_payload(payload, None)
    assert report.ok, report.lines()
    organisation = ClaimsAdministratorOrganisation.objects.create(name=ORGANISATION)
    ClaimsAdministratorName.objects.create(organisation=organisation, name=CLAIMS_ADMINISTRATOR)
    return report.imported[0].case


@pytest.fixture
def issued_letter(named_case, django_capture_on_commit_callbacks):
    reviewer = seed_reviewer()  # Dana Rivera
    to_eligible(named_case, by=None)
    assignment = assign(named_case, reviewer, by=None, reason="test")
    accept_assignment(assignment, by=reviewer.user)
    decisions = [
        (d["decision"], d["guideline_citations"], d["rationale"] + " Dr. Lopez's request is addressed above.")
        for d in SEED_DECISIONS
    ]
    review = draft_review(named_case, reviewer.user.get_username(), SUMMARY, decisions)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off(review, by=reviewer.user)  # requests the letter; rendered on commit (eager)
    letter = review.letters.get()
    assert letter.is_ready
    return letter


def _names(case) -> list[str]:
    """Every name the case's data holds, and its reviewer's, as a test would list them by hand."""
    return [
        WORKER,
        "Jordan Applicant",
        "Applicant",  # the surname, as "Mr. Applicant" in the summary
        ATTORNEY,
        "Avery Counsel",
        "Counsel",
        PROVIDER,
        "Maria Lopez",
        "Lopez",
        "Samuel Okafor",
        "Okafor",
        EMPLOYER,
        "Example Distribution",
        CLAIMS_ADMINISTRATOR,
        ORGANISATION,
        "Dana Rivera",
        "Rivera",
        STREET,
        *MailingAddress.objects.filter(case=case).exclude(name="").values_list("name", flat=True),
        *case.treating_providers.values_list("name", flat=True),
    ]


def test_the_public_form_names_no_party_and_keeps_the_determination(issued_letter):
    full = pdf_text(issued_letter.file.read())
    assert "Dr. Lopez" in full and CLAIMS_ADMINISTRATOR in full  # the issued letter prints what was typed
    text = pdf_text(publication.render_public_letter(issued_letter).content)
    for name in _names(issued_letter.case):
        assert name.lower() not in text.lower().replace("the applicant", ""), name
    # What the state publishes stays: case number, dates, items, decisions, citations, rationale, roles.
    assert issued_letter.case.case_number in text
    assert "Date of Injury: 05/19/2014" in text
    for decision in SEED_DECISIONS:
        assert f"{decision['heading']}: {decision['decision']}" in text
        for citation in decision["guideline_citations"].splitlines():
            assert citation.strip().rstrip(".") in text
    assert "Decision based on MTUS" in text
    assert "The requesting provider, an orthopedic surgeon" in text
    assert "The injured worker is a represented 51-year-old" in text
    assert "Public form of the Final Determination" in text
    assert "State(s) of Licensure:" in text  # the reviewer's credentials, never the name


def test_redaction_keeps_role_words_and_other_text_alone():
    redact = publication.redactor(
        [
            publication.Name("Treating Orthopedic Spine Surgeon", "requesting_provider", person=True),
            publication.Name("Example Claims Services", "claims_administrator", person=False),
        ]
    )
    text = "The treating orthopedic spine surgeon asked. example claims services, inc. denied it."
    assert redact(text) == "The requesting provider asked. The claims administrator denied it."
    assert redact("A surgeon and a service were named.") == "A surgeon and a service were named."


def test_administrators_download_the_public_form_and_it_is_audited(client, issued_letter):
    admin = factories.AdminUserFactory()
    log_in(client, admin)
    case_number = issued_letter.case.case_number
    response = client.get(f"/reviews/letters/{case_number}/v{issued_letter.version}/public.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "(public)" in response["Content-Disposition"]
    assert WORKER not in pdf_text(response.content)
    event = AccessEvent.objects.get(action=AuditAction.PUBLIC_LETTER)
    assert (event.user, event.case_number) == (admin, case_number)


def test_qa_reads_the_letter_but_may_not_make_the_public_form(client, issued_letter):
    log_in(client, factories.QAUserFactory())
    response = client.get(
        f"/reviews/letters/{issued_letter.case.case_number}/v{issued_letter.version}/public.pdf"
    )
    assert response.status_code == 403
    assert not AccessEvent.objects.filter(action=AuditAction.PUBLIC_LETTER).exists()
