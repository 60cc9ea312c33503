"""Polarity and the draft rationale's prose (issue 15).

"Urine drug screen ... was negative for hydrocodone" is a test that was done with an inconsistent result (a
finding); "No red flags" is an absence; "Denies numbness" is a negated symptom. The draft rationale says
what the guideline says, what the records show with their dates, and the conclusion, in prose.
"""

import datetime as dt
import re

import pytest

from guidelines.suggest.engine import suggest
from guidelines.suggest.schema import CaseFacts, Record
from reviews.workspace.checks import rationale_markers

NOTE_DAY = dt.date(2016, 12, 20)


def _suggest(kb, item, text):
    facts = CaseFacts(
        request_date=dt.date(2017, 1, 10),
        injury_date=dt.date(2012, 1, 1),
        records=[Record("Progress report", NOTE_DAY, text)],
    )
    s = suggest(kb, item, facts)
    return s, {c.key: c for c in s.checks}


def test_a_negative_screen_for_the_prescribed_opioid_is_an_inconsistent_result_not_a_missing_test(kb):
    s, checks = _suggest(
        kb, "Norco 10/325mg #120", "Urine drug screen on 12/20/2016 was negative for hydrocodone. Pain 7/10."
    )
    assert checks["opioid_monitoring"].status == "met"  # the screen was done
    uds = checks["uds_consistent"]
    assert (uds.status, uds.favours) == ("not met", "Upheld")
    assert uds.evidence[0].quote.startswith("Urine drug screen on 12/20/2016")
    assert (
        "The Progress report of 12/20/2016 documents a urine drug test result inconsistent with the "
        "prescribed medication: \u201cUrine drug screen on 12/20/2016 was negative for hydrocodone.\u201d"
    ) in s.rationale
    assert "absen" not in s.rationale


def test_a_consistent_screen_supports_continued_monitoring(kb):
    _, checks = _suggest(
        kb, "Norco 10/325mg #120", "UDS on 12/20/2016 was consistent with prescribed medications."
    )
    assert (checks["uds_consistent"].status, checks["uds_consistent"].favours) == ("met", "Overturned")


def test_no_red_flags_is_an_absence(kb):
    s, checks = _suggest(kb, "MRI of the lumbar spine", "Low back pain for 3 months. No red flags.")
    assert (checks["red_flags"].status, checks["red_flags"].favours) == ("not met", "Upheld")
    assert (
        "The Progress report of 12/20/2016 documents the absence of red flags: \u201cNo red flags.\u201d"
        in (s.rationale)
    )


def test_denies_numbness_is_a_negated_symptom_and_numbness_is_a_symptom(kb):
    _, denied = _suggest(
        kb, "EMG/NCV of the bilateral lower extremities", "Denies numbness. Reflexes symmetric."
    )
    assert denied["neuro_symptoms"].status == "not met"
    _, present = _suggest(
        kb, "EMG/NCV of the bilateral lower extremities", "Numbness in the left L5 distribution."
    )
    assert (present["neuro_symptoms"].status, present["neuro_symptoms"].favours) == ("met", "Overturned")


@pytest.mark.parametrize(
    "item, text",
    [
        (
            "Norco 10/325mg #120",
            "Urine drug screen on 12/20/2016 was negative for hydrocodone. She remains off work.",
        ),
        ("MRI of the lumbar spine", "No red flags. Denies numbness or tingling."),
        ("MRI of the lumbar spine", "Progressive weakness of the left foot with foot drop."),
        (
            "Physical therapy 2x6 for the lumbar spine",
            "She has completed 12 prior physical therapy sessions.",
        ),
        ("Transportation to appointments", "She cannot drive because of the cast."),
        ("Colace 100mg #60", "Medications: Norco 10/325 mg. Constipation."),
    ],
)
def test_rationale_is_prose_without_markers_tokens_or_flags(kb, item, text):
    s, checks = _suggest(kb, item, text)
    assert rationale_markers(s.rationale) == []
    for machine in (
        "(negated)",
        "documented as absent",
        " is not met",
        "is documented:",
        "favours",
        "unknown",
    ):
        assert machine not in s.rationale
    assert not any(key in s.rationale for key in checks if "_" in key), "no check keys in the letter"
    assert not re.search(r"\b\w+_\w+\b", s.rationale), "no identifiers in the letter"
    if s.decision:
        assert s.rationale.endswith(
            "Therefore, the request was not medically necessary."
            if s.decision == "Upheld"
            else "Therefore, the request was medically necessary."
        )


def test_quantified_pain_relief_from_the_medication_is_a_finding_for_continuing(kb):
    _, checks = _suggest(
        kb, "Norco 10/325mg #120", "Pain is 8/10 without medications and 4/10 with medications."
    )
    relief = checks["pain_relief"]
    assert (relief.status, relief.favours) == ("met", "Overturned")
    assert relief.detail == "pain 8/10 without the medication and 4/10 with it"
    _, checks = _suggest(kb, "Norco 10/325mg #120", "Pain is 7/10. Medications help somewhat.")
    assert checks["pain_relief"].status == "unknown"
