"""Matching: MTUS before non-MTUS, the edition in force on the request date, body regions, reasons."""

import datetime as dt

from guidelines.suggest.match import rank_sections
from guidelines.suggest.parse import parse_item
from guidelines.suggest.schema import CaseFacts


def _rank(kb, text, day=dt.date(2016, 12, 1), **facts):
    return rank_sections(kb, parse_item(text), CaseFacts(request_date=day, **facts))


def test_mtus_sections_rank_before_non_mtus(kb):
    matches = _rank(kb, "MRI of the lumbar spine")
    flags = [m.section.guideline.is_mtus for m in matches]
    assert flags[0] is True
    assert flags == sorted(flags, reverse=True), "no MTUS section may follow a non-MTUS one"
    assert any(not f for f in flags), "an ODG alternative is offered too"


def test_non_mtus_first_when_the_mtus_is_silent(kb):
    matches = _rank(kb, "MRI without contrast of the right hip")
    assert matches[0].citation.startswith(
        "Non-MTUS Citation Official Disability Guidelines (ODG), Hip & Pelvis"
    )


def test_edition_in_force_on_the_request_date(kb):
    before = _rank(kb, "Physical therapy for the lumbar spine", dt.date(2015, 8, 4))
    after = _rank(kb, "Physical therapy for the lumbar spine", dt.date(2016, 8, 1))
    assert before[0].citation == "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine"
    assert (
        after[0].citation
        == "MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical medicine treatment"
    )
    assert all("2016" not in m.citation for m in before if m.section.guideline.is_mtus)


def test_opioids_use_the_2016_opioid_guideline_after_its_effective_date(kb):
    assert _rank(kb, "Norco 10/325mg #120")[0].citation.startswith("MTUS Opioid Treatment 2016, Section(s): ")
    assert _rank(kb, "Norco 10/325mg #120", dt.date(2015, 3, 1))[0].citation.startswith(
        "MTUS Chronic Pain Medical Treatment 2009, Section(s): Opioids"
    )


def test_body_region_picks_the_acoem_chapter(kb):
    assert _rank(kb, "MRI of the cervical spine")[0].citation == (
        "MTUS Neck and Upper Back Complaints 2004, Section(s): Special Studies"
    )
    assert _rank(kb, "MRI right knee")[0].citation == "MTUS Knee Complaints 2004, Section(s): Special Studies"


def test_region_from_the_case_when_the_item_names_none(kb):
    matches = _rank(kb, "MRI", body_regions=["shoulder"])
    assert matches[0].citation == "MTUS Shoulder Complaints 2004, Section(s): Special Studies"
    assert any("from the case" in r for r in matches[0].reasons)


def test_specific_drug_section_before_the_class(kb):
    citations = [m.citation for m in _rank(kb, "Cyclobenzaprine 7.5mg #60")]
    assert citations[0] == "MTUS Chronic Pain Medical Treatment 2016, Section(s): Cyclobenzaprine (Flexeril)"
    assert "MTUS Chronic Pain Medical Treatment 2016, Section(s): Muscle relaxants (for pain)" in citations


def test_each_match_says_why(kb):
    top = _rank(kb, "Physical therapy for the lumbar spine 2x6")[0]
    assert any(r.startswith("treatment") for r in top.reasons)
    assert any("in force" in r for r in top.reasons)


def test_unknown_treatment_gets_the_odg_chapter_for_its_region_flagged_as_a_fallback(kb):
    matches = _rank(kb, "Three months coverage of a gadget for the left knee")
    assert [m.citation for m in matches] == [
        "Non-MTUS Citation Official Disability Guidelines (ODG), Knee & Leg Chapter"
    ]
    assert any("does not address" in r for r in matches[0].reasons)
    assert _rank(kb, "") == []


def test_missing_current_edition_falls_back_to_latest_on_file_and_says_so(kb):
    # No ACOEM-based (2017) edition on file covers cytokine DNA testing: the latest MTUS edition, flagged.
    matches = _rank(kb, "Cytokine DNA testing", dt.date(2026, 1, 5))
    assert matches[0].section.guideline.is_mtus and matches[0].section.guideline.year == 2016
    assert any("latest edition on file" in r for r in matches[0].reasons)
