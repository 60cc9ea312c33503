"""The consistency checklist: each check fails on its own fault and passes when the fault is fixed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reviews.workspace.checks import consistency_checks, failing, rationale_conclusion, rationale_markers
from reviews.workspace.drafts import item_key, save_draft
from tests.reviews.conftest import OVERTURNED_RATIONALE, UPHELD_RATIONALE, complete

pytestmark = pytest.mark.django_db


def _failing_keys(review, today=None) -> set[str]:
    review.refresh_from_db()
    return {c.key for c in failing(consistency_checks(review, today or timezone.localdate()))}


def _set(review, **fields) -> None:
    review.refresh_from_db()
    result = save_draft(review, fields, review.revision, by=review.reviewer.user)
    assert result.saved


def _items(review):
    return list(review.case.disputed_items.all())


def test_a_complete_review_passes_every_check(review):
    complete(review)
    assert _failing_keys(review) == set()


def test_a_fresh_review_fails_summary_decisions_guidelines_and_rationales(review):
    first, second = _items(review)
    assert _failing_keys(review) == {
        "summary",
        f"item-{first.pk}-decided",
        f"item-{first.pk}-guideline",
        f"item-{first.pk}-rationale",
        f"item-{second.pk}-decided",
        f"item-{second.pk}-guideline",
        f"item-{second.pk}-rationale",
    }


def test_empty_or_blank_summary_is_flagged(review):
    complete(review)
    _set(review, clinical_summary="   \n  ")
    assert _failing_keys(review) == {"summary"}


def test_undecided_item_is_flagged(review):
    complete(review)
    first = _items(review)[0]
    _set(review, **{item_key(first.pk, "decision"): ""})
    assert _failing_keys(review) == {f"item-{first.pk}-decided"}


def test_decision_without_guideline_is_flagged(review):
    complete(review)
    second = _items(review)[1]
    _set(review, **{item_key(second.pk, "guideline_citations"): "  \n"})
    assert _failing_keys(review) == {f"item-{second.pk}-guideline"}


def test_decision_without_rationale_is_flagged(review):
    complete(review)
    second = _items(review)[1]
    _set(review, **{item_key(second.pk, "rationale"): ""})
    assert _failing_keys(review) == {f"item-{second.pk}-rationale"}


def test_upheld_item_whose_rationale_concludes_medically_necessary_is_flagged(review):
    complete(review)
    first = _items(review)[0]
    _set(review, **{item_key(first.pk, "rationale"): OVERTURNED_RATIONALE})
    checks = consistency_checks(review, timezone.localdate())
    flagged = failing(checks)
    assert [c.key for c in flagged] == [f"item-{first.pk}-conclusion"]
    assert "Upheld" in flagged[0].detail and '"medically necessary"' in flagged[0].detail


def test_overturned_item_whose_rationale_concludes_not_medically_necessary_is_flagged(review):
    complete(review)
    second = _items(review)[1]
    _set(review, **{item_key(second.pk, "rationale"): UPHELD_RATIONALE})
    assert _failing_keys(review) == {f"item-{second.pk}-conclusion"}


def test_switching_the_decision_to_match_the_rationale_clears_the_flag(review):
    complete(review)
    first = _items(review)[0]
    _set(review, **{item_key(first.pk, "rationale"): OVERTURNED_RATIONALE})
    assert _failing_keys(review) == {f"item-{first.pk}-conclusion"}
    _set(review, **{item_key(first.pk, "decision"): "Overturned"})
    assert _failing_keys(review) == set()


def test_a_rationale_with_no_conclusion_is_flagged(review):
    complete(review)
    first = _items(review)[0]
    _set(review, **{item_key(first.pk, "rationale"): "The guideline supports a shorter course."})
    assert _failing_keys(review) == {f"item-{first.pk}-conclusion"}


@pytest.mark.parametrize(
    ("rationale", "expected"),
    [
        ("Therefore, the request was not medically necessary.", "not necessary"),
        ("Therefore, the request was medically necessary.", "necessary"),
        ("The request is medically unnecessary.", "not necessary"),
        # An earlier sentence quoting the other side does not decide; the last ruling sentence does.
        (
            "The claims administrator deemed it not medically necessary. Here the criteria are met. "
            "Therefore, the request was medically necessary.",
            "necessary",
        ),
        ("No conclusion here.", None),
    ],
)
def test_rationale_conclusion_reads_the_last_ruling_sentence(rationale, expected):
    assert rationale_conclusion(rationale) == expected


def test_non_mtus_citation_needs_the_reason(review):
    complete(review)
    second = _items(review)[1]
    _set(
        review,
        **{
            item_key(second.pk, "guideline_citations"): (
                "MTUS Low Back Complaints 2004, Section(s): Special Studies\n"
                "Non-MTUS Citation Official Disability Guidelines (ODG), Low Back Chapter"
            )
        },
    )
    assert _failing_keys(review) == {f"item-{second.pk}-non-mtus"}
    _set(
        review, **{item_key(second.pk, "non_mtus_reason"): "The MTUS is silent on repeat imaging intervals."}
    )
    assert _failing_keys(review) == set()


def test_mtus_only_citations_need_no_reason(review):
    complete(review)
    checks = consistency_checks(review, timezone.localdate())
    assert not [c for c in checks if c.key.endswith("non-mtus")]


def test_expired_license_on_the_day_of_sign_off_is_flagged(review):
    complete(review)
    review.reviewer.licenses.all().update(expires_on=datetime.date(2020, 1, 1))
    checks = consistency_checks(review, timezone.localdate())
    credentials = next(c for c in checks if c.key == "credentials")
    assert not credentials.passed
    assert "No current, nonrestricted medical license" in credentials.detail
    assert "Texas license expired on Jan 1, 2020" in credentials.detail


def test_credentials_are_judged_on_the_given_day(review):
    complete(review)
    expiry = review.reviewer.licenses.order_by("expires_on").first().expires_on
    assert "credentials" not in _failing_keys(review, today=expiry)
    assert "credentials" in _failing_keys(review, today=expiry + datetime.timedelta(days=1))


def test_too_few_practice_hours_is_flagged(review):
    complete(review)
    review.reviewer.hours_per_week = 10
    review.reviewer.save()
    assert _failing_keys(review) == {"credentials"}


def test_being_on_leave_does_not_block_signing_a_written_review(review):
    complete(review)
    review.reviewer.availability = "on_leave"
    review.reviewer.save()
    assert _failing_keys(review) == set()


@pytest.mark.parametrize(
    "marker",
    ["[insert date of the last visit]", "{{ item }}", "TODO", 'documented as absent: "urine drug" (negated)'],
)
def test_a_rationale_holding_template_markers_is_refused(review, marker):
    complete(review)
    first = _items(review)[0]
    _set(review, **{item_key(first.pk, "rationale"): f"The records show {marker}. " + UPHELD_RATIONALE})
    assert f"item-{first.pk}-markers" in _failing_keys(review)


def test_the_expected_rationales_hold_no_marker():
    assert rationale_markers(UPHELD_RATIONALE) == [] and rationale_markers(OVERTURNED_RATIONALE) == []
