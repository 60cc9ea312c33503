"""Whether an expert reviewer may review, computed from its credentials on a given day.

Every threshold lives here with its source, so a change of rule is a change of one line.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from reviews.models.reviewers import Availability

if TYPE_CHECKING:
    from cases.models import Case
    from reviews.models import ReviewerProfile

# The reviewer-qualification statement every Final Determination letter certifies (see the seed letter):
# "in active clinical practice for more than five years and is currently working at least 24 hours a
# week in active practice". It restates the IMR organisation's qualification standard for reviewers under
# Labor Code 139.5(d) and 8 CCR 9792.10.x; the letter must be true, so the thresholds are enforced.
MORE_THAN_YEARS_IN_PRACTICE = 5
MIN_HOURS_PER_WEEK = 24
# Labor Code 139.5(d): a nonrestricted license in any state, current board certification in the area
# appropriate to the condition or treatment, and no history of disciplinary action or sanctions.
REQUIRES_BOARD_CERTIFICATION = True
# Administrators are warned of credentials that lapse within this many days (dashboard flag).
EXPIRY_WARNING_DAYS = 30


def _fmt(day: datetime.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def requires_california_license(case: Case | None) -> bool:
    """Labor Code 139.5(d) accepts a license in any state; an organisation may require a California
    license for some or all cases (setting ``IMR_CALIFORNIA_LICENSE_REQUIRED``: never, expedited, always).
    """
    if case is None:
        return False
    policy = settings.IMR_CALIFORNIA_LICENSE_REQUIRED
    if policy == "always":
        return True
    return policy == "expedited" and case.review_type == "expedited"


class ReasonCode(enum.StrEnum):
    """What a reason is about; code branches on these, never on the wording of a message."""

    DEACTIVATED = "deactivated"
    ON_LEAVE = "on_leave"
    DISCIPLINARY_HISTORY = "disciplinary_history"
    NO_LICENSE = "no_license"
    NO_CURRENT_LICENSE = "no_current_license"
    LICENSE_EXPIRED = "license_expired"
    LICENSE_RESTRICTED = "license_restricted"
    CALIFORNIA_LICENSE_REQUIRED = "california_license_required"
    NO_CERTIFICATION = "no_certification"
    CERTIFICATION_EXPIRED = "certification_expired"
    TOO_FEW_YEARS = "too_few_years"
    TOO_FEW_HOURS = "too_few_hours"
    # warnings: eligible, but worth knowing
    LICENSE_UNVERIFIED = "license_unverified"
    LICENSE_LAPSES_BEFORE_DUE = "license_lapses_before_due"


@dataclass(frozen=True)
class Reason:
    """One reason (or warning) with a code for the code and a message for the administrator."""

    code: ReasonCode
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ExpiringCredential:
    reviewer_id: int
    label: str  # "California license" / "Occupational Medicine certification"
    expires_on: datetime.date

    @property
    def days_left(self) -> int:
        return (self.expires_on - timezone.localdate()).days


@dataclass
class Eligibility:
    """The answer and the reasons; an administrator sees the reasons, never just a flag."""

    on: datetime.date
    reasons: list[Reason] = field(default_factory=list)  # why not eligible
    warnings: list[Reason] = field(default_factory=list)  # eligible, but worth knowing
    expiring: list[ExpiringCredential] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def __bool__(self) -> bool:
        return self.eligible

    def has(self, code: ReasonCode) -> bool:
        """Whether any reason or warning carries ``code``."""
        return any(r.code == code for r in (*self.reasons, *self.warnings))


def evaluate_eligibility(
    reviewer: ReviewerProfile, on: datetime.date | None = None, case: Case | None = None
) -> Eligibility:
    """Eligibility on day ``on`` (default today in California), for ``case`` when given.

    Uses ``reviewer.licenses.all()`` / ``certifications.all()`` so a prefetched list costs no query.
    """
    on = on or timezone.localdate()
    result = Eligibility(on=on)
    licenses = list(reviewer.licenses.all())
    certifications = list(reviewer.certifications.all())
    warn_until = on + datetime.timedelta(days=EXPIRY_WARNING_DAYS)

    if not reviewer.is_active:
        when = (
            f" on {_fmt(timezone.localtime(reviewer.deactivated_at).date())}"
            if reviewer.deactivated_at
            else ""
        )
        result.reasons.append(Reason(ReasonCode.DEACTIVATED, f"Deactivated{when}."))
    if reviewer.availability == Availability.ON_LEAVE:
        result.reasons.append(Reason(ReasonCode.ON_LEAVE, "On leave."))
    if reviewer.disciplinary_history:
        result.reasons.append(
            Reason(
                ReasonCode.DISCIPLINARY_HISTORY,
                "History of disciplinary action or sanctions (Labor Code 139.5(d)).",
            )
        )

    current = [lic for lic in licenses if lic.expires_on >= on and not lic.restricted]
    if not licenses:
        result.reasons.append(Reason(ReasonCode.NO_LICENSE, "No medical license on file."))
    elif not current:
        result.reasons.append(
            Reason(ReasonCode.NO_CURRENT_LICENSE, "No current, nonrestricted medical license.")
        )
    for lic in licenses:
        label = f"{lic.get_state_display()} license"
        if lic.expires_on < on:
            # The letter prints every state of licensure: an expired one would make it untrue.
            result.reasons.append(
                Reason(ReasonCode.LICENSE_EXPIRED, f"{label} expired on {_fmt(lic.expires_on)}.")
            )
        elif lic.expires_on <= warn_until:
            result.expiring.append(ExpiringCredential(reviewer.pk, label, lic.expires_on))
        if lic.restricted:
            result.reasons.append(Reason(ReasonCode.LICENSE_RESTRICTED, f"{label} is restricted."))
        if lic.verified_on is None:
            result.warnings.append(Reason(ReasonCode.LICENSE_UNVERIFIED, f"{label} not yet verified."))
    if requires_california_license(case) and not any(lic.state == "CA" for lic in current):
        result.reasons.append(
            Reason(ReasonCode.CALIFORNIA_LICENSE_REQUIRED, "This case requires a current California license.")
        )

    if REQUIRES_BOARD_CERTIFICATION and not certifications:
        result.reasons.append(Reason(ReasonCode.NO_CERTIFICATION, "No board certification on file."))
    for cert in certifications:
        label = f"{cert.get_specialty_display()} certification"
        if cert.expires_on and cert.expires_on < on:
            result.reasons.append(
                Reason(ReasonCode.CERTIFICATION_EXPIRED, f"{label} expired on {_fmt(cert.expires_on)}.")
            )
        elif cert.expires_on and cert.expires_on <= warn_until:
            result.expiring.append(ExpiringCredential(reviewer.pk, label, cert.expires_on))

    if reviewer.years_in_practice <= MORE_THAN_YEARS_IN_PRACTICE:
        result.reasons.append(
            Reason(
                ReasonCode.TOO_FEW_YEARS,
                f"{reviewer.years_in_practice} years in active practice; more than "
                f"{MORE_THAN_YEARS_IN_PRACTICE} are required.",
            )
        )
    if reviewer.hours_per_week < MIN_HOURS_PER_WEEK:
        result.reasons.append(
            Reason(
                ReasonCode.TOO_FEW_HOURS,
                f"{reviewer.hours_per_week} hours a week in active practice; at least {MIN_HOURS_PER_WEEK} "
                "are required.",
            )
        )
    if case is not None and case.due_date:
        for lic in current:
            if lic.expires_on < case.due_date:
                result.warnings.append(
                    Reason(
                        ReasonCode.LICENSE_LAPSES_BEFORE_DUE,
                        f"{lic.get_state_display()} license expires {_fmt(lic.expires_on)}, before the "
                        f"case is due ({_fmt(case.due_date)}).",
                    )
                )
    return result
