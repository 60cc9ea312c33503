"""Current MTUS editions (issue 15): the edition in force on the request date, each with a recorded source.

2009 CPMTG until 28 Jul 2016; the 2016 CPMTG and Opioid Treatment guidelines until 30 Nov 2017; the
ACOEM-based MTUS (8 CCR 9792.23) from 1 Dec 2017 with later chapter updates; the MTUS Drug Formulary
(8 CCR 9792.27.1 ff.) for drugs from 1 Jan 2018.
"""

import datetime as dt

import pytest

from guidelines.suggest.engine import suggest
from guidelines.suggest.schema import CaseFacts


def _top(kb, item, day):
    return suggest(kb, item, CaseFacts(request_date=day)).citations


@pytest.mark.parametrize(
    "item, day, first",
    [
        (
            "Norco 10/325mg #120",
            dt.date(2015, 3, 1),
            "MTUS Chronic Pain Medical Treatment 2009, Section(s): Opioids",
        ),
        ("Norco 10/325mg #120", dt.date(2016, 12, 1), "MTUS Opioid Treatment 2016, Section(s): "),
        ("Norco 10/325mg #120", dt.date(2019, 3, 1), "MTUS ACOEM Opioids Guideline 2017"),
        (
            "MRI of the lumbar spine",
            dt.date(2016, 12, 1),
            "MTUS Low Back Complaints 2004, Section(s): Special Studies",
        ),
        ("MRI of the lumbar spine", dt.date(2019, 3, 1), "MTUS ACOEM Low Back Disorders Guideline 2016"),
        ("MRI of the lumbar spine", dt.date(2022, 1, 10), "MTUS ACOEM Low Back Disorders Guideline 2020"),
        ("MRI of the right knee", dt.date(2020, 6, 1), "MTUS ACOEM Knee Disorders Guideline 2015"),
        (
            "MRI of the cervical spine",
            dt.date(2020, 6, 1),
            "MTUS ACOEM Cervical and Thoracic Spine Disorders",
        ),
        (
            "Physical therapy 2x6 for the low back",
            dt.date(2015, 8, 4),
            "MTUS Chronic Pain Medical Treatment 2009",
        ),
        ("Cyclobenzaprine 7.5mg #60", dt.date(2019, 3, 1), "MTUS ACOEM Chronic Pain Guideline 2017"),
        (
            "Referral to a spine surgeon",
            dt.date(2019, 3, 1),
            "MTUS ACOEM Initial Approaches to Treatment 2017",
        ),
    ],
)
def test_the_edition_in_force_on_the_request_date_is_cited_first(kb, item, day, first):
    assert _top(kb, item, day)[0].startswith(first)


def test_the_drug_formulary_applies_to_drugs_from_2018(kb):
    assert "MTUS Drug Formulary 2018" in _top(kb, "Norco 10/325mg #120", dt.date(2018, 2, 1))
    assert "MTUS Drug Formulary 2018" not in _top(kb, "Norco 10/325mg #120", dt.date(2017, 11, 30))
    # A drug the MTUS guidelines do not name is still under the formulary (unlisted: authorization needed).
    assert _top(kb, "Sildenafil 50mg #30", dt.date(2019, 3, 1))[0] == "MTUS Drug Formulary 2018"
    assert (
        _top(kb, "Sildenafil 50mg #30", dt.date(2016, 12, 1))[0]
        == "Non-MTUS Citation UpToDate, Drug information"
    )


def test_every_mtus_edition_records_its_source_and_dates(kb):
    for g in kb.guidelines.values():
        assert g.source, g.key
        if (
            g.is_mtus
            and g.year
            and g.year >= 2015
            and g.key != "mtus-cpmtg-2016"
            and "opioid-2016" not in g.key
        ):
            assert g.in_force_from and g.in_force_from >= dt.date(2017, 12, 1), g.key


def test_post_2017_records_are_marked_unverified_unless_a_source_confirmed_them(kb):
    later = [
        s
        for s in kb.sections
        if s.guideline.in_force_from and s.guideline.in_force_from >= dt.date(2017, 12, 1)
    ]
    assert later
    for s in later:
        assert s.unverified or s.confidence == "confirmed", s.key


def test_rationale_words_a_current_guideline_as_the_letters_do(kb):
    s = suggest(kb, "Norco 10/325mg #120", CaseFacts(request_date=dt.date(2019, 3, 1)))
    assert "the MTUS ACOEM Opioids Guideline 2017" in s.rationale
    assert "Guideline 2017 Guidelines" not in s.rationale
