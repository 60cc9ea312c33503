"""The same-or-similar specialty rule, as tables.

Labor Code 139.5(d)(1)-(2): the reviewer must be a clinician knowledgeable in the treatment of the
employee's condition and the proposed treatment, board certified in an area appropriate to it. In practice
IMR organisations match the reviewer to (a) the kind of treatment disputed and (b) the specialty of the
requesting provider, accepting a similar specialty where the same one is not available (the "clinical
peer" of URAC IRO standards). Editing these tables changes the rule; no code below needs to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from reviews.models.reviewers import Specialty as S

# Free-text provider specialties as intake gives them -> the controlled list. First match wins, so the
# more specific words come first ("neurological surgery" before "neurology", "spine surgeon" before
# "surgeon").
PROVIDER_SPECIALTY_ALIASES: list[tuple[str, S]] = [
    (r"neuro ?surg|neurological surg", S.NEUROLOGICAL_SURGERY),
    (r"orthop|ortho\b|spine surg", S.ORTHOPEDIC_SURGERY),
    (r"hand surg", S.HAND_SURGERY),
    (r"physical medicine|pm ?& ?r|pm&r|physiatr|rehabilitation", S.PMR),
    (r"pain", S.PAIN_MEDICINE),
    (r"anesthes", S.ANESTHESIOLOGY),
    (r"neurolog", S.NEUROLOGY),
    (r"occupational med|occ med", S.OCCUPATIONAL_MEDICINE),
    (r"preventive", S.PREVENTIVE_MEDICINE),
    (r"internal med|internist", S.INTERNAL_MEDICINE),
    (r"family|general practice|primary care", S.FAMILY_MEDICINE),
    (r"psychiatr", S.PSYCHIATRY),
    (r"psycholog", S.PSYCHOLOGY),
    (r"chiropract|\bd\.?c\.?\b", S.CHIROPRACTIC),
    (r"acupunct|\bl\.?ac\b", S.ACUPUNCTURE),
    (r"emergency", S.EMERGENCY_MEDICINE),
    (r"sports", S.SPORTS_MEDICINE),
    (r"toxicolog", S.MEDICAL_TOXICOLOGY),
    (r"palliative|hospice", S.HOSPICE_PALLIATIVE),
    (r"surg", S.GENERAL_SURGERY),
]

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


# Kinds of disputed treatment and the specialties knowledgeable about them. An item may be of several
# kinds ("post-op physical therapy" is surgery-related and physical medicine); first the specific ones.
TREATMENT_KINDS: list[TreatmentKind] = [
    TreatmentKind(
        "psych", "psychological / psychiatric care",
        r"psych|cognitive behav|\bcbt\b|biofeedback|depress|anxiety|insomnia",
        frozenset({S.PSYCHIATRY, S.PSYCHOLOGY}),
    ),
    TreatmentKind(
        "electrodiagnostic", "electrodiagnostic testing",
        r"\bemg\b|\bncv\b|\bncs\b|nerve conduction|electromyogra",
        frozenset({S.NEUROLOGY, S.PMR, S.NEUROMUSCULAR_MEDICINE, S.OCCUPATIONAL_MEDICINE}),
    ),
    TreatmentKind(
        "injection", "injections and interventional pain procedures",
        r"inject|epidural|\besi\b|facet|nerve block|radiofrequency|ablation|trigger point|neurolytic|"
        r"spinal cord stim",
        frozenset({S.PAIN_MEDICINE, S.ANESTHESIOLOGY, S.PMR}),
    ),
    TreatmentKind(
        "surgery", "surgery",
        r"surg|arthroscop|arthroplast|fusion|laminect|discect|repair|reconstruct|tunnel release|"
        r"ectomy|otomy\b|plasty|post-?op|pre-?op|medical clearance",
        frozenset({S.ORTHOPEDIC_SURGERY, S.NEUROLOGICAL_SURGERY, S.HAND_SURGERY, S.GENERAL_SURGERY}),
    ),
    TreatmentKind(
        "chiropractic", "chiropractic care",
        r"chiro|manipulat",
        frozenset({S.CHIROPRACTIC, S.PMR, S.OCCUPATIONAL_MEDICINE}),
    ),
    TreatmentKind(
        "acupuncture", "acupuncture",
        r"acupunct",
        frozenset({S.ACUPUNCTURE, S.PMR, S.PAIN_MEDICINE, S.OCCUPATIONAL_MEDICINE}),
    ),
    TreatmentKind(
        "physical_medicine", "physical medicine and therapy",
        r"physical therap|\bpt\b|occupational therap|\bot\b|therapy session|work harden|work condition|"
        r"functional restor|tens\b|massage|traction|myofascial|infrared|home exercise|aquatic|gym",
        frozenset({S.PMR, S.OCCUPATIONAL_MEDICINE, S.SPORTS_MEDICINE, S.ORTHOPEDIC_SURGERY,
                   S.FAMILY_MEDICINE, S.PREVENTIVE_MEDICINE, S.CHIROPRACTIC}),
    ),
    TreatmentKind(
        "imaging", "diagnostic imaging",
        r"\bmri\b|\bct\b|x-?ray|radiograph|bone scan|ultrasound|imaging|scan\b|arthrogram|myelogra",
        frozenset({S.ORTHOPEDIC_SURGERY, S.PMR, S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE,
                   S.NEUROLOGY, S.NEUROLOGICAL_SURGERY, S.FAMILY_MEDICINE, S.SPORTS_MEDICINE}),
    ),
    TreatmentKind(
        "medication", "medications",
        r"\d\s*(mg|mcg|%)|#\s*\d|tablet|capsule|patch|cream|gel\b|ointment|medicat|opioid|norco|"
        r"tramadol|ultram|oxycod|hydrocod|cyclobenzaprine|flexeril|gabapentin|lyrica|naproxen|"
        r"ibuprofen|omeprazole|baclofen|diclofenac|lidocaine|soma|tizanidine|percocet|zofran",
        frozenset({S.PAIN_MEDICINE, S.PMR, S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE,
                   S.FAMILY_MEDICINE, S.INTERNAL_MEDICINE, S.ANESTHESIOLOGY, S.MEDICAL_TOXICOLOGY}),
    ),
    TreatmentKind(
        "dme", "durable medical equipment",
        r"brace|support|sling|orthotic|orthosis|cane|walker|wheelchair|cold therapy|heat|wrap|"
        r"compression|cushion|mattress|pillow|unit\b",
        frozenset({S.ORTHOPEDIC_SURGERY, S.PMR, S.OCCUPATIONAL_MEDICINE, S.SPORTS_MEDICINE,
                   S.FAMILY_MEDICINE}),
    ),
    TreatmentKind(
        "lab", "laboratory tests",
        r"\blab|urine drug|\buds\b|drug screen|blood test|panel\b|\bekg\b|\becg\b",
        frozenset({S.OCCUPATIONAL_MEDICINE, S.PREVENTIVE_MEDICINE, S.FAMILY_MEDICINE,
                   S.INTERNAL_MEDICINE, S.MEDICAL_TOXICOLOGY, S.PAIN_MEDICINE}),
    ),
    TreatmentKind(
        "consultation", "consultations and referrals",
        r"consult|referr|evaluat|follow-? ?up|office visit|\btoc\b|transfer of care",
        frozenset({S.OCCUPATIONAL_MEDICINE, S.PMR, S.FAMILY_MEDICINE, S.INTERNAL_MEDICINE,
                   S.PREVENTIVE_MEDICINE, S.ORTHOPEDIC_SURGERY}),
    ),
]  # fmt: skip

_COMPILED = [(kind, re.compile(kind.pattern, re.IGNORECASE)) for kind in TREATMENT_KINDS]
_ALIASES = [(re.compile(p, re.IGNORECASE), s) for p, s in PROVIDER_SPECIALTY_ALIASES]


def treatment_kinds(description: str) -> list[TreatmentKind]:
    """The kinds of treatment a disputed item's description names (possibly none)."""
    return [kind for kind, pattern in _COMPILED if pattern.search(description)]


def provider_specialty(text: str) -> S | None:
    """A requesting provider's free-text specialty on the controlled list, or None if unknown."""
    for pattern, specialty in _ALIASES:
        if text and pattern.search(text):
            return specialty
    return None


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
