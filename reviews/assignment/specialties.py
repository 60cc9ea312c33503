"""The same-or-similar specialty rule, as tables.

Labor Code 139.5(d)(1)-(2): the reviewer must be a clinician knowledgeable in the treatment of the
employee's condition and the proposed treatment, board certified in an area appropriate to it. In practice
IMR organisations match the reviewer to (a) the kind of treatment disputed and (b) the specialty of the
requesting provider, accepting a similar specialty where the same one is not available (the "clinical
peer" of URAC IRO standards). Editing these tables changes the rule; no code below needs to change. The
words (free-text specialties, the words for each kind of treatment) are the project's one vocabulary,
``guidelines.suggest.vocabulary``, which the suggestion engine reads too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from guidelines.suggest import vocabulary
from reviews.models.reviewers import Specialty as S

# Specialties a peer in the other specialty may stand in for (symmetric closure is applied below).
SIMILAR_SPECIALTIES: dict[S, set[S]] = {
    S.ORTHOPEDIC_SURGERY: {S.SPORTS_MEDICINE, S.HAND_SURGERY, S.NEUROLOGICAL_SURGERY},
    S.NEUROLOGICAL_SURGERY: {S.ORTHOPEDIC_SURGERY},
    S.PMR: {S.PAIN_MEDICINE, S.SPORTS_MEDICINE, S.OCCUPATIONAL_MEDICINE, S.NEUROMUSCULAR_MEDICINE},
    S.PAIN_MEDICINE: {S.ANESTHESIOLOGY, S.PMR},
    S.ANESTHESIOLOGY: {S.PAIN_MEDICINE},
    S.NEUROLOGY: {S.NEUROMUSCULAR_MEDICINE, S.PMR},
    S.OCCUPATIONAL_MEDICINE: {S.PREVENTIVE_MEDICINE, S.FAMILY_MEDICINE, S.INTERNAL_MEDICINE},
    S.PREVENTIVE_MEDICINE: {S.OCCUPATIONAL_MEDICINE},
    S.FAMILY_MEDICINE: {S.INTERNAL_MEDICINE, S.OCCUPATIONAL_MEDICINE, S.EMERGENCY_MEDICINE},
    S.INTERNAL_MEDICINE: {S.FAMILY_MEDICINE},
    S.PSYCHIATRY: {S.PSYCHOLOGY},
    S.PSYCHOLOGY: {S.PSYCHIATRY},
    S.CHIROPRACTIC: {S.PMR, S.OCCUPATIONAL_MEDICINE},
    S.ACUPUNCTURE: {S.PMR, S.PAIN_MEDICINE},
    S.HAND_SURGERY: {S.ORTHOPEDIC_SURGERY},
    S.SPORTS_MEDICINE: {S.ORTHOPEDIC_SURGERY, S.PMR, S.FAMILY_MEDICINE},
    S.GENERAL_SURGERY: {S.ORTHOPEDIC_SURGERY},
}


def _symmetric(table: dict[S, set[S]]) -> dict[S, frozenset[S]]:
    out: dict[S, set[S]] = {s: set() for s in S}
    for a, peers in table.items():
        for b in peers:
            out[a].add(b)
            out[b].add(a)
    return {k: frozenset(v) for k, v in out.items()}


SIMILAR = _symmetric(SIMILAR_SPECIALTIES)


@dataclass(frozen=True)
class TreatmentKind:
    key: str
    label: str
    pattern: str  # matched case-insensitively against the disputed item's description
    specialties: frozenset[S]


# The specialties knowledgeable about each kind of treatment (the kinds and their words are in the shared
# vocabulary, ``guidelines.suggest.vocabulary.TREATMENT_KIND_WORDS``).
KIND_SPECIALTIES: dict[str, frozenset[S]] = {
    "psych": frozenset({S.PSYCHIATRY, S.PSYCHOLOGY}),
    "electrodiagnostic": frozenset({S.NEUROLOGY, S.PMR, S.NEUROMUSCULAR_MEDICINE, S.OCCUPATIONAL_MEDICINE}),
    "injection": frozenset({S.PAIN_MEDICINE, S.ANESTHESIOLOGY, S.PMR}),
    "surgery": frozenset({S.ORTHOPEDIC_SURGERY, S.NEUROLOGICAL_SURGERY, S.HAND_SURGERY, S.GENERAL_SURGERY}),
    "chiropractic": frozenset({S.CHIROPRACTIC, S.PMR, S.OCCUPATIONAL_MEDICINE}),
    "acupuncture": frozenset({S.ACUPUNCTURE, S.PMR, S.PAIN_MEDICINE, S.OCCUPATIONAL_MEDICINE}),
    "physical_medicine": frozenset({S.PMR, S.OCCUPATIONAL_MEDICINE, S.SPORTS_MEDICINE, S.ORTHOPEDIC_SURGERY,
                                    S.FAMILY_MEDICINE, S.PREVENTIVE_MEDICINE, S.CHIROPRACTIC}),
    "imaging": frozenset({S.ORTHOPEDIC_SURGERY, S.PMR, S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE,
                          S.NEUROLOGY, S.NEUROLOGICAL_SURGERY, S.FAMILY_MEDICINE, S.SPORTS_MEDICINE}),
    "medication": frozenset({S.PAIN_MEDICINE, S.PMR, S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE,
                             S.FAMILY_MEDICINE, S.INTERNAL_MEDICINE, S.ANESTHESIOLOGY, S.MEDICAL_TOXICOLOGY}),
    "dme": frozenset({S.ORTHOPEDIC_SURGERY, S.PMR, S.OCCUPATIONAL_MEDICINE, S.SPORTS_MEDICINE,
                      S.FAMILY_MEDICINE}),
    "lab": frozenset({S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE, S.FAMILY_MEDICINE,
                      S.INTERNAL_MEDICINE, S.MEDICAL_TOXICOLOGY, S.PAIN_MEDICINE}),
    "consultation": frozenset({S.OCCUPATIONAL_MEDICINE, S.PMR, S.FAMILY_MEDICINE, S.INTERNAL_MEDICINE,
                               S.PREVENTIVE_MEDICINE, S.ORTHOPEDIC_SURGERY}),
}  # fmt: skip

# Kinds of disputed treatment and the specialties knowledgeable about them, in the vocabulary's order.
TREATMENT_KINDS: list[TreatmentKind] = [
    TreatmentKind(key, label, pattern, KIND_SPECIALTIES[key])
    for key, (label, pattern) in vocabulary.TREATMENT_KIND_WORDS.items()
]
_COMPILED = [(kind, re.compile(kind.pattern, re.IGNORECASE)) for kind in TREATMENT_KINDS]


def treatment_kinds(description: str) -> list[TreatmentKind]:
    """The kinds of treatment a disputed item's description names (possibly none)."""
    return [kind for kind, pattern in _COMPILED if pattern.search(description)]


def provider_specialty(text: str) -> S | None:
    """A requesting provider's free-text specialty on the controlled list, or None if unknown."""
    code = vocabulary.provider_specialty(text)
    return S(code) if code else None


def specialty_relation(reviewer_specialties: Iterable[str], wanted: S) -> str:
    """'same', 'similar' or 'none': how a reviewer's certifications relate to ``wanted``."""
    mine = {S(s) for s in reviewer_specialties}
    if wanted in mine:
        return "same"
    if mine & SIMILAR[wanted]:
        return "similar"
    return "none"


def item_covered(reviewer_specialties: Iterable[str], description: str) -> bool | None:
    """Whether the reviewer is knowledgeable about the item's treatment; None if the kind is unknown."""
    kinds = treatment_kinds(description)
    if not kinds:
        return None
    mine = {S(s) for s in reviewer_specialties}
    return any(mine & kind.specialties for kind in kinds)
