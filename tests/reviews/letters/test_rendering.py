"""The letter's content and layout: the seed letter's sections, wording, credentials and PDF form."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reviews.letters.rendering import (
    LetterNotRenderable,
    letter_context,
    render_letter_html,
    render_letter_pdf,
)
from reviews.models import DeterminationLetter
from tests import factories
from tests.auth import log_in
from tests.reviews.letters.helpers import (  # noqa: F401 - seed_letterhead is a fixture
    normalise,
    page_texts,
    pdf_text,
    seed_letterhead,
    signed_seed_review,
)
from tests.seed_determination import SEED_DECISIONS, SEED_SUMMARY

pytestmark = pytest.mark.usefixtures("seed_letterhead")

SEED_HEADINGS = [
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "The Expert Reviewer has the following credentials:",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
]


def frozen_as(obj, **fields) -> None:
    """Make a signed review (or one of its decisions) read as if it had been signed with these values.

    A signed review refuses saves (it is frozen); these tests need other signed content than the seed's.
    """
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    obj.refresh_from_db()


@pytest.fixture
def review(seed_case):
    return signed_seed_review(seed_case)


@pytest.fixture
def seed_pdf(review) -> bytes:
    return render_letter_pdf(render_letter_html(review)).content


def test_pdf_text_gives_back_every_section_in_the_seed_letters_order(seed_pdf):
    text = pdf_text(seed_pdf)
    expected_in_order = [
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "MAXIMUS Federal Services sent the complete case file to an expert reviewer.",
        "The Expert Reviewer has the following credentials:",
        "State(s) of Licensure: Texas, New York, California",
        "Certification(s)/Specialty: Preventive Medicine, Occupational Medicine",
        "CLINICAL CASE SUMMARY",
        "The expert reviewer developed the following clinical case summary based on a review of the case "
        "file, including all medical records:",
        normalise(SEED_SUMMARY),
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "The Final Determination was based on decisions for the disputed items/services set forth below:",
        "Physical therapy for the lumbar spine, quantity 12: Upheld",
        "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009.",
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009, Section(s): "
        "Introduction, Physical Medicine.",
        "Decision rationale: " + normalise(SEED_DECISIONS[0]["rationale"]),
        "MRI of the lumbar spine: Overturned",
        "Claims Administrator guideline: Decision based on MTUS Low Back Complaints 2004. Decision based on "
        "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter.",
        "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies.",
        "Decision rationale: " + normalise(SEED_DECISIONS[1]["rationale"]),
    ]
    position = 0
    for passage in expected_in_order:
        found = text.find(passage, position)
        assert found >= 0, f"missing or out of order: {passage[:70]!r}"
        position = found + len(passage)


def test_header_table_carries_the_cases_dates_and_priority(seed_pdf, review):
    text = pdf_text(seed_pdf)
    assigned = review.assignment.assigned_at
    from django.utils import timezone

    assert f"Date Assigned: {timezone.localtime(assigned):%m/%d/%Y}" in text
    assert "Date of Injury: 05/19/2014" in text
    assert f"Decision Date: {timezone.localtime(review.signed_at):%m/%d/%Y}" in text
    assert "UR Denial Date: 08/11/2015" in text
    assert "Priority: Standard" in text
    assert "Application Received: 08/24/2015" in text
    assert "Independent Medical Review P.O. Box 138009 Sacramento, CA 95813-8009" in text
    assert "Date issued:" in text


def test_every_page_is_letter_size_numbered_and_carries_the_case_number(seed_pdf):
    reader = PdfReader(io.BytesIO(seed_pdf))
    pages = page_texts(seed_pdf)
    assert len(pages) >= 2
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
        assert f"Page {number} of {len(pages)}" in text
        assert "Case Number: CM15-0165834" in text


def test_the_reviewer_is_never_identified(seed_pdf, review):
    text = pdf_text(seed_pdf).lower()
    user = review.reviewer.user
    for secret in [user.first_name, user.last_name, user.email, user.username]:
        assert secret.lower() not in text
    for license in review.reviewer.licenses.all():
        assert license.number.lower() not in text
    assert f"user {user.pk}" not in text


def test_organisation_name_and_guideline_label_come_from_settings(settings, review):
    settings.IMR_ORGANISATION = {
        "name": "Golden State Review Partners",
        "short_name": "GSRP",
        "address_lines": ["1 Capitol Mall", "Sacramento, CA 95814"],
        "phone": "",
    }
    text = pdf_text(render_letter_pdf(render_letter_html(review)).content)
    assert "Golden State Review Partners sent the complete case file to an expert reviewer." in text
    assert "GSRP guideline: Decision based on MTUS Low Back Complaints 2004" in text
    assert "1 Capitol Mall" in text
    assert "MAXIMUS" not in text


def test_fixed_paragraphs_can_be_reworded_by_settings(settings, review):
    settings.IMR_LETTER_TEXTS = {"summary_intro": "Summary prepared by {organisation}:"}
    html = render_letter_html(review)
    assert "Summary prepared by MAXIMUS Federal Services:" in html


def test_every_letter_label_and_the_pages_showing_them_come_from_the_texts(settings, review, client):
    """The header labels and the item labels are texts too: reworded once, they change in the letter,
    its running header and the reviewer's read-only view of the signed review."""
    settings.IMR_LETTER_TEXTS = {
        "case_number_label": "Case No.",
        "claims_administrator_label": "Payer guideline:",
        "decision_based_on": "Relied on {citation}.",
    }
    html = render_letter_html(review)
    assert '<th scope="row">Case No.</th>' in html
    assert 'content: "Case No. " string(case-number);' in html
    assert "Payer guideline:" in html and "Claims Administrator guideline:" not in html
    assert "Relied on MTUS Low Back Complaints 2004" in html and "Decision based on" not in html
    log_in(client, review.reviewer.user)
    page = client.get(reverse("reviews:workspace", args=[review.case.case_number])).content.decode()
    assert "Payer guideline: Relied on " in page
    assert "Claims Administrator guideline" not in page and "Decision based on" not in page


def test_credentials_come_from_the_sign_off_snapshot_not_todays_profile(review):
    frozen_as(
        review,
        credentials_snapshot={"states": ["California", "Arizona"], "specialties": ["Orthopedic Surgery"]},
    )
    context = letter_context(review)
    assert context["licensure_states"] == "California, Arizona"
    assert context["specialties"] == "Orthopedic Surgery"


def test_credentials_fall_back_to_the_profile_when_no_snapshot_was_taken(review):
    frozen_as(review, credentials_snapshot={})
    context = letter_context(review)
    assert context["licensure_states"] == "Texas, New York, California"
    assert context["specialties"] == "Preventive Medicine, Occupational Medicine"


def test_only_non_mtus_citations_say_the_decision_rests_outside_the_mtus(review):
    decision = review.decisions.get(decision="Overturned")
    frozen_as(
        decision,
        guideline_citations="Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter",
    )
    text = normalise(render_letter_html(review))
    assert (
        "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter."
    ) in text
    assert text.count("outside of the MTUS Guidelines") == 1


def test_each_citation_line_becomes_its_own_sentence(review):
    decision = review.decisions.get(decision="Overturned")
    frozen_as(
        decision,
        guideline_citations=(
            "MTUS Low Back Complaints 2004, Section(s): Special Studies.\n"
            "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter\n"
        ),
    )
    text = normalise(render_letter_html(review))
    assert (
        "Decision based on MTUS Low Back Complaints 2004, Section(s): Special Studies. Decision based on "
        "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter."
    ) in text


def test_text_typed_by_the_reviewer_is_escaped_and_keeps_its_paragraphs(review):
    decision = review.decisions.first()
    frozen_as(decision, rationale="First <b>paragraph</b> & more.\n\nSecond paragraph.")
    html = render_letter_html(review)
    assert "First &lt;b&gt;paragraph&lt;/b&gt; &amp; more.</p>" in html
    assert "<p>Second paragraph.</p>" in html


def test_the_same_letter_version_renders_to_the_same_bytes(review):
    """A lost file can be restored byte-for-byte only if rendering never reads the clock."""
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    first = render_letter_pdf(render_letter_html(review, letter))
    second = render_letter_pdf(render_letter_html(review, letter))
    assert first.sha256 == second.sha256
    assert first.page_count == len(PdfReader(io.BytesIO(first.content)).pages)


def test_a_signed_review_with_an_undecided_item_cannot_make_a_letter(review):
    review.decisions.filter(decision="Overturned").update(decision="")
    with pytest.raises(LetterNotRenderable, match="Disputed item 2 has no decision"):
        render_letter_html(review)


def test_a_draft_cannot_make_a_letter_but_can_be_previewed(seed_case):
    from tests.seed_determination import sign_seed_review

    draft = sign_seed_review(seed_case, factories.reviewer_with_credentials(), signed=False)
    draft.decisions.filter(decision="Overturned").update(decision="")
    with pytest.raises(LetterNotRenderable, match="not signed off"):
        render_letter_html(draft)
    html = normalise(render_letter_html(draft, preview=True))
    assert "PREVIEW: not a determination." in html
    assert 'MRI of the lumbar spine: <span class="decision">Not decided</span>' in html
