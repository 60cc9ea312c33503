"""Conflict-of-interest screening of expert reviewers against a case's parties.

Labor Code 139.5(d)(4) (and 8 CCR 9792.10.x, which applies it): the reviewer may have no material
professional, familial or financial affiliation with the employer, the insurer or claims administrator,
or the physician, medical group or independent practice association proposing the treatment. The final
determination letter certifies exactly that, so a match here is a hard conflict that blocks assignment.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cases.models import Case
    from reviews.models import Affiliation, ReviewerProfile

# Legal-form words that do not distinguish one organisation from another.
_SUFFIXES = {
    "inc", "incorporated", "co", "company", "corp", "corporation", "llc", "llp", "lp", "ltd", "limited",
    "pc", "pa", "plc", "the", "group", "services", "service",
}  # fmt: skip
# Professional degrees after a person's name: "Jane Roe, MD" is the same person as "Jane Roe".
_DEGREES = {"md", "do", "dc", "dpm", "phd", "psyd", "np", "pac", "facs", "faaos", "mph", "lac", "dds"}


@functools.lru_cache(maxsize=16_384)
def normalize_party_name(name: str) -> str:
    """Case, punctuation and legal suffixes removed: 'Example Distribution Co.' -> 'example distribution'.

    Memoised (a pure function of the text): screening every open assignment, or ranking 150 reviewers,
    normalises the same employers, claims administrators and providers thousands of times."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"\bpa-c\b", "pac", text).replace(".", "")  # "M.D." -> "md", "Co." -> "co"
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while words and (words[-1] in _SUFFIXES or words[-1] in _DEGREES):
        words.pop()
    while words and words[0] in ("the", "dr"):
        words.pop(0)
    return " ".join(words)


def _same_party(a: str, b: str) -> bool:
    """Equal normalised names, or the same words in another order ('Roe, Jane MD' and 'Dr. Jane Roe')."""
    if not a or not b:
        return False
    return a == b or (len(a.split()) > 1 and sorted(a.split()) == sorted(b.split()))


@dataclass(frozen=True)
class CaseParty:
    role: str  # "employer", "claims administrator", "requesting provider", "treating provider"
    name: str

    @property
    def normalized(self) -> str:
        return normalize_party_name(self.name)


@dataclass(frozen=True)
class Conflict:
    """One affiliation of the reviewer that matches one party of the case."""

    affiliation_kind: str
    affiliation_name: str
    party_role: str
    party_name: str

    def __str__(self) -> str:
        return (
            f"Declared affiliation ({self.affiliation_kind.lower()}) “{self.affiliation_name}” matches the "
            f"case's {self.party_role} “{self.party_name}”"
        )


def case_parties(case: Case) -> list[CaseParty]:
    """The parties a reviewer must not be affiliated with (uses prefetched treating providers if any)."""
    providers = [(provider.name, provider.requesting) for provider in case.treating_providers.all()]
    return parties_of(case.employer, case.claims_administrator, providers)


def parties_of(
    employer: str, claims_administrator: str, providers: Iterable[tuple[str, bool]]
) -> list[CaseParty]:
    """The same parties from plain values (``providers``: name and whether it requested the treatment),
    for pages that screen thousands of open cases without building their model objects."""
    parties = []
    if employer:
        parties.append(CaseParty("employer", employer))
    if claims_administrator:
        parties.append(CaseParty("claims administrator", claims_administrator))
    for name, requesting in providers:
        parties.append(CaseParty("requesting provider" if requesting else "treating provider", name))
    return parties


def screen_affiliations(affiliations: list[Affiliation], parties: list[CaseParty]) -> list[Conflict]:
    """Every affiliation against every party, whatever its kind: an employer that is also the claims
    administrator (self-insured employers) is a conflict under either name."""
    conflicts = []
    for affiliation in affiliations:
        mine = affiliation.normalized_name or normalize_party_name(affiliation.name)
        for party in parties:
            if _same_party(mine, party.normalized):
                conflicts.append(
                    Conflict(affiliation.get_kind_display(), affiliation.name, party.role, party.name)
                )
    return conflicts


def screen_conflicts(reviewer: ReviewerProfile, case: Case) -> list[Conflict]:
    """The reviewer's conflicts with the case; empty means none found."""
    return screen_affiliations(list(reviewer.affiliations.all()), case_parties(case))
