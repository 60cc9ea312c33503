"""Each criteria check: met, not met, unknown, and negated findings that must not count as present."""

import datetime as dt

import pytest

from guidelines.suggest import criteria, vocabulary
from guidelines.suggest.parse import parse_item
from guidelines.suggest.schema import CaseFacts, Record


def facts(*texts, **kw):
    return CaseFacts(
        records=[Record(f"Note {i}", dt.date(2016, 11, i + 1), t) for i, t in enumerate(texts)], **kw
    )


def test_visit_limit_met_not_met_unknown(kb):
    section = kb.by_key["cpmtg-physical-medicine"]
    case = facts("Diagnosis: lumbar radiculitis.", diagnoses=["radiculitis"])
    over = criteria.visit_limit_check(parse_item("PT x12"), section, case)
    within = criteria.visit_limit_check(parse_item("PT x6"), section, case)
    unknown = criteria.visit_limit_check(parse_item("Physical therapy"), section, case)
    assert over.status == "not met" and "12 sessions requested" in over.detail and "exceeds" in over.detail
    assert "8-10 visits over 4 weeks" in over.detail
    assert within.status == "met"
    assert unknown.status == "unknown"
    assert over.unverified is True  # the facts' figures are flagged unverified in the data


def test_red_flags_present():
    c = criteria.findings_check(
        "red_flags", "Red flags", vocabulary.RED_FLAGS, facts("CT showed a C2 fracture."), "Overturned", 2.0
    )
    assert c.status == "met"
    assert c.evidence[0].record_title == "Note 0"
    assert "fracture" in c.evidence[0].quote


def test_evidence_names_the_record_and_page_it_came_from():
    """The caller's plain ids of a record page ride through to the evidence (the workspace links it)."""
    pages = [
        Record("Scan", dt.date(2017, 2, 14), "Subjective: neck pain.", record_id=7, page=1),
        Record("Scan", dt.date(2017, 2, 14), "Imaging: CT showed a C2 fracture.", record_id=7, page=2),
    ]
    c = criteria.findings_check(
        "red_flags", "Red flags", vocabulary.RED_FLAGS, CaseFacts(records=pages), "Overturned", 2.0
    )
    assert c.status == "met"
    assert [(e.record_id, e.page) for e in c.evidence] == [(7, 2)]
    relief = criteria.pain_relief_check(
        CaseFacts(
            records=[Record("Note", None, "Pain 8/10 without and 4/10 with Norco.", record_id=3, page=5)]
        )
    )
    assert (relief.evidence[0].record_id, relief.evidence[0].page) == (3, 5)


def test_negated_findings_do_not_count():
    case = facts("The patient denies bowel or bladder dysfunction. There are no red flags.")
    c = criteria.findings_check("red_flags", "Red flags", vocabulary.RED_FLAGS, case, "Overturned", 2.0)
    assert c.status == "not met"
    assert c.detail == "the records state that it is absent"


def test_findings_unknown_when_not_mentioned_or_no_text():
    assert (
        criteria.findings_check(
            "red_flags", "Red flags", vocabulary.RED_FLAGS, facts("Neck pain."), "Overturned", 2.0
        ).status
        == "unknown"
    )
    assert (
        criteria.findings_check(
            "red_flags", "Red flags", vocabulary.RED_FLAGS, facts("", "   "), "Overturned", 2.0
        ).status
        == "unknown"
    )


def test_functional_improvement_met_not_met_negated_unknown():
    met = criteria.functional_improvement_check(facts("She returned to work full duty after therapy."))
    ttd = criteria.functional_improvement_check(facts("Placed off of work on total temporary disability."))
    negated = criteria.functional_improvement_check(
        facts("There is no documentation of functional improvement.")
    )
    unknown = criteria.functional_improvement_check(facts("Low back pain."))
    assert met.status == "met" and met.favours == "Overturned"
    assert ttd.status == "not met" and "total temporary disability" in ttd.detail
    assert negated.status == "not met"
    assert unknown.status == "unknown"


def test_prior_course_counts_sessions():
    c = criteria.prior_course_check(
        parse_item("Physical therapy x12"), facts("At least 12 prior physical therapy sessions.")
    )
    assert c.status == "met" and "at least 12 prior sessions" in c.detail


def test_surgeon_requesting_meets_the_imaging_criterion():
    c = criteria.specialty_check(facts("Low back pain.", requesting_specialty="Orthopedic Surgery"))
    assert c.status == "met" and c.favours == "Overturned"
    other = criteria.specialty_check(facts("No surgery is planned.", requesting_specialty="Family Practice"))
    assert other.status == "not met"


def test_gi_risk_for_ppis():
    req = parse_item("Omeprazole 20mg #30")
    met = criteria.run_checks(req, [], facts("Reports gastritis with NSAID use."))
    absent = criteria.run_checks(req, [], facts("No complaints."))
    assert [c.status for c in met if c.key == "gi_risk"] == ["met"]
    assert [c.status for c in absent if c.key == "gi_risk"] == ["not met"]


def test_compound_with_non_recommended_ingredient():
    c = criteria.compound_check(
        parse_item("Gabapentin 10%, Cyclobenzaprine 6%, Bupivacaine 5% in cream base")
    )
    assert c.status == "not met" and "gabapentin" in c.detail


def test_muscle_relaxant_ongoing_use_in_chronic_pain():
    req = parse_item("Cyclobenzaprine 7.5mg #60")
    case = facts(
        "He has been taking cyclobenzaprine for months.",
        request_date=dt.date(2016, 12, 1),
        injury_date=dt.date(2014, 1, 1),
    )
    c = criteria.ongoing_use_check(req, case)
    assert c.status == "not met" and c.favours == "Upheld"


def test_context_negation_comes_from_medspacy():
    """ConText catches negation cues the short fallback list would miss ('... is unlikely')."""
    pytest.importorskip("medspacy")
    from guidelines.suggest.nlp import find_mentions, nlp_available

    assert nlp_available()
    mentions = find_mentions([Record("ED note", None, "Fracture is unlikely.")], ["fracture"])
    assert [m.negated for m in mentions] == [True]


# --- Polarity: a test done with an unexpected result, an absence, and a negated symptom (issue 15). ---


def _facts(text):
    from guidelines.suggest.schema import CaseFacts, Record

    return CaseFacts(records=[Record("Progress note", None, text)])


def test_a_negative_urine_drug_screen_is_a_screen_that_was_done():
    from guidelines.suggest.criteria import findings_check
    from guidelines.suggest.vocabulary import OPIOID_MONITORING

    text = "Urine drug screen on 12/20/2016 was negative for hydrocodone."
    c = findings_check("opioid_monitoring", "Monitoring", OPIOID_MONITORING, _facts(text), "Overturned", 0.5)
    assert c.status == "met"
    assert "absent" not in c.detail


def test_no_red_flags_is_an_absence():
    from guidelines.suggest.criteria import findings_check
    from guidelines.suggest.vocabulary import RED_FLAGS

    c = findings_check(
        "red_flags", "Red flags", RED_FLAGS, _facts("There were no red flags."), "Overturned", 2
    )
    assert (c.status, c.detail) == ("not met", "the records state that it is absent")


def test_denies_numbness_is_a_negated_symptom():
    from guidelines.suggest.criteria import findings_check
    from guidelines.suggest.vocabulary import NEURO_SYMPTOMS

    text = "She denies numbness or tingling in the legs."
    c = findings_check("neuro_symptoms", "Symptoms", NEURO_SYMPTOMS, _facts(text), "Overturned", 0.5)
    assert c.status == "not met"
