"""Citation strings exactly as the seed Final Determination letter prints them."""

import pytest

from guidelines.suggest.citation import format_citation
from guidelines.suggest.schema import GuidelineInfo

CPMTG_2009 = GuidelineInfo("mtus-cpmtg-2009", "MTUS Chronic Pain Medical Treatment", 2009, True, 1)
LBC_2004 = GuidelineInfo("acoem-low-back-2004", "MTUS Low Back Complaints", 2004, True, 1)
ODG = GuidelineInfo("odg", "Official Disability Guidelines (ODG)", None, False, 2)


def test_mtus_with_two_sections():
    assert (
        format_citation(CPMTG_2009, ["Introduction", "Physical Medicine"])
        == "MTUS Chronic Pain Medical Treatment 2009, Section(s): Introduction, Physical Medicine"
    )


def test_mtus_without_section_names_the_guideline_only():
    assert format_citation(CPMTG_2009) == "MTUS Chronic Pain Medical Treatment 2009"


def test_acoem_chapter_section():
    assert (
        format_citation(LBC_2004, ["Special Studies"])
        == "MTUS Low Back Complaints 2004, Section(s): Special Studies"
    )


def test_non_mtus_chapter():
    assert (
        format_citation(ODG, [], "Low Back Chapter")
        == "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter"
    )


def test_knowledge_base_sections_cite_in_letter_style(kb):
    assert kb.by_key["cpmtg-physical-medicine"].citation == (
        "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine"
    )
    assert (
        kb.by_key["acoem-lumbar-mri-imaging"].citation
        == "MTUS Low Back Complaints 2004, Section(s): Special Studies"
    )
    assert kb.by_key["cpmtg2016-physical-medicine"].citation == (
        "MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine.", True),
        ("mtus low back complaints 2004", True),
        ("MTUS (Effective July 18, 2009)", True),  # on no guideline on file, but says MTUS first
        ("Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter", False),
        ("ODG Low Back Chapter", False),  # the knowledge base's ODG, by its abbreviation
        ("Official Disability Guidelines, Pain Chapter", False),
        ("ACOEM Practice Guidelines, Chapter 12", False),
        ("ODGx", False),
    ],
)
def test_mtus_citation_by_the_knowledge_base(kb, line, expected):
    assert kb.is_mtus_citation(line) is expected


def test_a_line_names_its_guideline_by_title_or_abbreviation(kb):
    assert kb.guideline_named("ODG Low Back Chapter").key == "odg"
    assert kb.guideline_named("MTUS Low Back Complaints 2004, Section(s): Special Studies").key == (
        "acoem-low-back-2004"
    )
    assert kb.guideline_named("ODGx") is None
