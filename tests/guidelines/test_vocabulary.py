"""One vocabulary: reviewer assignment and the suggestion engine read a provider's specialty alike."""

import pytest

from guidelines.suggest import criteria
from guidelines.suggest.schema import CaseFacts
from reviews.assignment.specialties import provider_specialty
from reviews.models.reviewers import Specialty

SURGEONS = {
    Specialty.ORTHOPEDIC_SURGERY,
    Specialty.NEUROLOGICAL_SURGERY,
    Specialty.HAND_SURGERY,
    Specialty.GENERAL_SURGERY,
}
TYPED = ["Treating Orthopedic Spine Surgeon", "Neurosurgeon", "Pain management", "Chiropractor, D.C.", ""]


@pytest.mark.parametrize("text", [label for _, label in Specialty.choices] + TYPED)
def test_the_engine_counts_as_a_surgeon_whom_assignment_counts_as_one(text):
    check = criteria.specialty_check(CaseFacts(requesting_specialty=text))
    assert (check.key == "surgeon_requesting") == (provider_specialty(text) in SURGEONS)


def test_a_neurosurgeon_requesting_imaging_meets_the_surgeon_criterion():
    # The controlled list's own label; the engine's former word list ("neurosurg", "surgeon") missed it.
    check = criteria.specialty_check(CaseFacts(requesting_specialty="Neurological Surgery"))
    assert (check.key, check.status, check.favours) == ("surgeon_requesting", "met", "Overturned")
