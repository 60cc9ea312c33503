"""What the product does with assignments: assign, reassign, unassign, bulk assign, accept, decline.

Every change runs under a row lock on the case (``select_for_update``) and re-checks the rules inside
the lock, so two administrators acting at once serialise: one wins, the other gets ``AssignmentError``
saying what happened. The database's one-active-assignment-per-case constraint is the last guard.
Every change is recorded as an ``AssignmentEvent`` (who, when, from, to, why) and the case's status moves
through ``cases.services.transition_case`` so it is recorded there too.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from cases.models import Case
from cases.services import TransitionError, transition_case
from reviews.assignment.conflicts import Conflict, screen_affiliations, screen_conflicts
from reviews.assignment.eligibility import Eligibility, ExpiringCredential, evaluate_eligibility
from reviews.assignment.queries import (
    OpenCase,
    open_case_count,
    open_cases_with_parties,
    reviewers_with_workload,
)
from reviews.assignment.ranking import Suggestion, assignment_blockers, rank_reviewers
from reviews.models import (
    Affiliation,
    AffiliationKind,
    Assignment,
    AssignmentEvent,
    Review,
    ReviewerProfile,
    ReviewStatus,
)
from reviews.workspace.drafts import start_review

logger = logging.getLogger(__name__)
Action = AssignmentEvent.Action


class AssignmentError(Exception):
    """An assignment change the rules or the current state do not allow; the message is for the user."""


def check_assignable(case: Case, reviewer: ReviewerProfile, on: datetime.date | None = None) -> list[str]:
    """Why ``reviewer`` may not be assigned ``case`` today (empty: it may). Eligibility on the day of
    assignment, conflicts with the case's parties, capacity."""
    eligibility = evaluate_eligibility(reviewer, on=on, case=case)
    return assignment_blockers(
        eligibility, screen_conflicts(reviewer, case), open_case_count(reviewer), reviewer.max_open_cases
    )


def is_assignable(case: Case) -> bool:
    """Whether the case's state machine allows assigning it now (``Case.assign``'s sources)."""
    return can_proceed(case.assign)


def conflicts_found_after_assignment(assignment: Assignment) -> list[Conflict]:
    """Conflicts of the assigned reviewer with the case that the screen at assignment did not see
    (an affiliation declared, or a party added, since). Uses prefetched affiliations and providers."""
    return screen_conflicts(assignment.reviewer, assignment.case)


def late_conflict_message(conflict: Conflict) -> str:
    return f"Conflict found after assignment: {conflict}."


def _active(case: Case) -> Assignment | None:
    return case.assignments.select_related("reviewer__user").filter(active=True).first()


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError(f"Give a reason to {what}.")
    return reason


def _transition(case: Case, name: str, by, reason: str) -> None:
    try:
        transition_case(case, name, by=by, reason=reason)
    except TransitionError as exc:
        raise AssignmentError(str(exc)) from exc


def _create(case: Case, reviewer: ReviewerProfile, by, on: datetime.date | None) -> Assignment:
    # Lock the reviewer too: two cases assigned to it at once must not both fit in its last free slot.
    reviewer = ReviewerProfile.objects.select_for_update().get(pk=reviewer.pk)
    blockers = check_assignable(case, reviewer, on)
    if blockers:
        raise AssignmentError(
            f"{reviewer} can not be assigned case {case.case_number}: " + " ".join(blockers)
        )
    try:
        with transaction.atomic():
            return Assignment.objects.create(case=case, reviewer=reviewer, assigned_by=by)
    except IntegrityError as exc:  # the database constraint: someone else's assignment got there first
        raise AssignmentError(f"Case {case.case_number} was assigned by someone else just now.") from exc


def _already_assigned_message(case: Case, current: Assignment) -> str:
    who = (
        current.assigned_by.get_full_name() or current.assigned_by.get_username()
        if current.assigned_by
        else ""
    )
    by = f" by {who}" if who else ""
    when = timezone.localtime(current.assigned_at)
    return (
        f"Case {case.case_number} is already assigned to {current.reviewer}{by} at "
        f"{when:%H:%M} on {when:%b} {when.day}; nothing was changed. Use reassign to change the reviewer."
    )


def notify_assigned(assignment: Assignment) -> bool:
    """Email the reviewer. Only the case number and dates: no PHI (no names, diagnoses or parties).

    Whether the e-mail went out is returned and kept on the object as ``assignment.email_sent`` (None
    until the transaction commits), so the page says "emailed" only when it was."""
    assignment.email_sent = False
    email = assignment.reviewer.user.email
    if not email:
        return False
    context = {
        # Explicit fields, never the case itself, so the template can not reach PHI. The due date is the
        # case's own: it moves when the records complete (cases.services.set_records_complete).
        "case_number": assignment.case.case_number,
        "review_type": assignment.case.get_review_type_display(),
        "due_date": assignment.case.due_date,
        "dashboard_path": reverse("reviews:dashboard"),
        "site_url": settings.IMR_SITE_URL,
        "organisation": settings.IMR_ORGANISATION["name"],
    }
    body = render_to_string("reviews/assignment/email_assigned.txt", context)
    try:
        send_mail(
            f"IMR case {assignment.case.case_number} assigned to you",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    except Exception:  # the assignment stands; the reviewer also sees it on its dashboard
        logger.exception("Assignment email failed for assignment %s", assignment.pk)
        return False
    assignment.email_sent = True
    return True


def assign(
    case: Case, reviewer: ReviewerProfile, by, reason: str = "", on: datetime.date | None = None
) -> Assignment:
    """Assign an eligible, conflict-free reviewer with room to an unassigned case; email it."""
    with transaction.atomic():
        locked = _lock(case)
        current = _active(locked)
        if current:
            raise AssignmentError(_already_assigned_message(locked, current))
        if not is_assignable(locked):
            raise AssignmentError(
                f"Case {locked.case_number} is {locked.get_status_display().lower()}: only eligible cases "
                "(or cases awaiting records) can be assigned."
            )
        assignment = _create(locked, reviewer, by, on)
        _transition(locked, "assign", by, reason or f"Assigned to {reviewer}")
        AssignmentEvent.objects.create(
            case=locked, assignment=assignment, action=Action.ASSIGNED, actor=by, to_reviewer=reviewer,
            reason=reason,
        )  # fmt: skip
    case.refresh_from_db()
    # After the commit: a rolled-back assignment (e.g. inside the admin site's transaction) sends nothing.
    transaction.on_commit(lambda: notify_assigned(assignment))
    return assignment


def _end(assignment: Assignment, by, reason: str) -> None:
    assignment.active = False
    assignment.ended_at = timezone.now()
    assignment.ended_by = by
    assignment.end_reason = reason
    assignment.save(update_fields=["active", "ended_at", "ended_by", "end_reason"])


def _void_open_review(case: Case, by, reason: str) -> Review | None:
    """The case leaves its reviewer: a draft or a review with QA is voided (kept, readable, never signed),
    so the reviewer assigned next writes and signs a version of its own and QA can not sign the removed
    reviewer's text in its name."""
    review = (
        Review.objects.select_for_update()
        .filter(case=case, status__in=[ReviewStatus.DRAFT, ReviewStatus.IN_QA])
        .first()
    )
    if review is None:
        return None
    review.void(by=by, reason=reason)
    review.save()
    return review


def reassign(
    case: Case, reviewer: ReviewerProfile, by, reason: str, on: datetime.date | None = None
) -> Assignment:
    """Move an assigned case to another reviewer, with a reason; both reviewers' changes are recorded."""
    reason = _require_reason(reason, "reassign")
    with transaction.atomic():
        locked = _lock(case)
        current = _active(locked)
        if current is None:
            raise AssignmentError(f"Case {locked.case_number} is not assigned; assign it instead.")
        if current.reviewer_id == reviewer.pk:
            raise AssignmentError(f"Case {locked.case_number} is already assigned to {reviewer}.")
        _end(current, by, reason)
        _void_open_review(locked, by, f"Reassigned from {current.reviewer} to {reviewer}: {reason}")
        _transition(locked, "unassign", by, reason)
        assignment = _create(locked, reviewer, by, on)
        _transition(locked, "assign", by, reason)
        AssignmentEvent.objects.create(
            case=locked, assignment=assignment, action=Action.REASSIGNED, actor=by,
            from_reviewer=current.reviewer, to_reviewer=reviewer, reason=reason,
        )  # fmt: skip
    case.refresh_from_db()
    # After the commit: a rolled-back assignment (e.g. inside the admin site's transaction) sends nothing.
    transaction.on_commit(lambda: notify_assigned(assignment))
    return assignment


def unassign(case: Case, by, reason: str) -> Assignment:
    """Take the case back from its reviewer; the case returns to eligible for a new assignment."""
    reason = _require_reason(reason, "unassign")
    with transaction.atomic():
        locked = _lock(case)
        current = _active(locked)
        if current is None:
            raise AssignmentError(f"Case {locked.case_number} is not assigned.")
        _end(current, by, reason)
        _void_open_review(locked, by, f"Unassigned from {current.reviewer}: {reason}")
        _transition(locked, "unassign", by, reason)
        AssignmentEvent.objects.create(
            case=locked, assignment=current, action=Action.UNASSIGNED, actor=by,
            from_reviewer=current.reviewer, reason=reason,
        )  # fmt: skip
    case.refresh_from_db()
    return current


@dataclass
class BulkOutcome:
    case_number: str
    ok: bool
    message: str


def bulk_assign(
    cases: list[Case], reviewer: ReviewerProfile, by, reason: str = "", on: datetime.date | None = None
) -> list[BulkOutcome]:
    """Assign several cases to one reviewer, each screened and committed on its own: a conflict or a
    full capacity on one case never blocks (or undoes) the others."""
    outcomes = []
    for case in cases:
        try:
            assign(case, reviewer, by, reason=reason, on=on)
        except AssignmentError as exc:
            outcomes.append(BulkOutcome(case.case_number, False, str(exc)))
        else:
            outcomes.append(BulkOutcome(case.case_number, True, f"Assigned to {reviewer}."))
    return outcomes


def _own_active(assignment: Assignment, by) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("case", "reviewer").get(pk=assignment.pk)
    if locked.reviewer.user_id != by.pk:
        raise AssignmentError("Only the assigned reviewer can answer this assignment.")
    if not locked.active:
        raise AssignmentError(f"This assignment of case {locked.case.case_number} is no longer active.")
    return locked


def accept_assignment(assignment: Assignment, by, attest_no_conflict: bool = True) -> Assignment:
    """The reviewer accepts and attests, with the time recorded, that it has no conflict of interest
    (Labor Code 139.5(d)(4); the letter certifies it). Accepting starts the review (the case goes in
    review)."""
    if not attest_no_conflict:
        raise AssignmentError("To accept, attest that you have no conflict of interest with this case.")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=assignment.case_id).first()
        locked = _own_active(assignment, by)
        if locked.accepted_at:
            raise AssignmentError(f"You already accepted case {locked.case.case_number}.")
        now = timezone.now()
        locked.accepted_at = now
        locked.conflict_attested_at = now
        locked.save(update_fields=["accepted_at", "conflict_attested_at"])
        AssignmentEvent.objects.create(
            case=locked.case, assignment=locked, action=Action.ACCEPTED, actor=by,
            to_reviewer=locked.reviewer, reason="Attested no conflict of interest.",
        )  # fmt: skip
        # Accepting starts the review: the draft is created and the case moves to in review.
        start_review(locked.case, by)
    assignment.refresh_from_db()
    return assignment


def decline_assignment(
    assignment: Assignment, by, reason: str, conflict: bool = False, conflicting_party: str = ""
) -> Assignment:
    """The reviewer declines; the case goes back to the administrators (status eligible) with the reason.

    With ``conflict``, the declared conflict is recorded; a named ``conflicting_party`` is also added to
    the reviewer's affiliations so the screen catches it on every later case.
    """
    reason = _require_reason(reason, "decline")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=assignment.case_id)
        locked = _own_active(assignment, by)
        now = timezone.now()
        locked.declined_at = now
        locked.decline_reason = reason
        locked.declared_conflict = conflict
        locked.save(update_fields=["declined_at", "decline_reason", "declared_conflict"])
        _end(locked, by, reason)
        _void_open_review(case, by, f"Declined by {locked.reviewer}: {reason}")
        label = "Reviewer declared a conflict of interest" if conflict else "Reviewer declined"
        _transition(case, "unassign", by, f"{label}: {reason}")
        if conflict and conflicting_party.strip():
            Affiliation.objects.get_or_create(
                reviewer=locked.reviewer,
                kind=AffiliationKind.PROVIDER_GROUP,
                name=conflicting_party.strip()[:200],
            )
        AssignmentEvent.objects.create(
            case=case, assignment=locked, actor=by, from_reviewer=locked.reviewer, reason=reason,
            action=Action.CONFLICT_DECLARED if conflict else Action.DECLINED,
        )  # fmt: skip
    assignment.refresh_from_db()
    return assignment


def deactivate_reviewer(reviewer: ReviewerProfile, by, reason: str) -> list[Assignment]:
    """No new cases for the reviewer; returns its open assignments, which administrators must move."""
    from reviews.assignment.queries import open_assignments

    reason = _require_reason(reason, "deactivate a reviewer")
    reviewer.is_active = False
    reviewer.deactivated_at = timezone.now()
    reviewer.deactivation_reason = reason
    reviewer.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])
    return list(open_assignments().filter(reviewer=reviewer).select_related("case"))


def reactivate_reviewer(reviewer: ReviewerProfile, by) -> None:
    reviewer.is_active = True
    reviewer.deactivated_at = None
    reviewer.deactivation_reason = ""
    reviewer.save(update_fields=["is_active", "deactivated_at", "deactivation_reason"])


# -- what the administrators' pages show -------------------------------------------------------------


@dataclass
class AssignmentPanel:
    """The case page's assignment panel: the current assignment and what is wrong with it now, and the
    ranked reviewers when the case can be (re)assigned."""

    current: Assignment | None
    current_problems: list[str]
    assignable: bool
    suggestions: list[Suggestion]

    @property
    def ranked(self) -> list[Suggestion]:
        return [s for s in self.suggestions if s.assignable]

    @property
    def blocked(self) -> list[Suggestion]:
        return [s for s in self.suggestions if not s.assignable]


def assignment_panel(case: Case) -> AssignmentPanel:
    """``case`` should come from ``queries.case_for_panel`` (its assignments and parties prefetched)."""
    current = next((a for a in case.assignments.all() if a.active), None)
    assignable = is_assignable(case) or current is not None
    suggestions = rank_reviewers(case) if assignable else []
    problems: list[str] = []
    if current:
        # The ranked list's reviewer has its credentials and affiliations prefetched.
        suggested = next((s.reviewer for s in suggestions if s.reviewer.pk == current.reviewer_id), None)
        if suggested is not None:
            current.reviewer = suggested
        current.case = case
        problems += [late_conflict_message(c) for c in conflicts_found_after_assignment(current)]
        problems += [r.message for r in evaluate_eligibility(current.reviewer, case=case).reasons]
    return AssignmentPanel(current, problems, assignable, suggestions)


@dataclass(frozen=True)
class LateConflict:
    """A conflict of a reviewer with one of its open cases that the screen at assignment did not see."""

    open_case: OpenCase
    reviewer: ReviewerProfile
    conflict: Conflict


@dataclass
class ReviewerRoster:
    """The Reviewers page: each reviewer's eligibility, credentials lapsing soon, the open cases of
    reviewers no longer eligible, and conflicts found after assignment."""

    rows: list[tuple[ReviewerProfile, Eligibility]] = field(default_factory=list)
    expiring: list[tuple[ReviewerProfile, ExpiringCredential]] = field(default_factory=list)
    stranded: list[tuple[ReviewerProfile, Eligibility, list[OpenCase]]] = field(default_factory=list)
    late_conflicts: list[LateConflict] = field(default_factory=list)


def reviewer_roster(on: datetime.date | None = None) -> ReviewerRoster:
    """The same screen as ``conflicts_found_after_assignment`` for every open assignment, over plain rows
    (``open_cases_with_parties``) and each reviewer's prefetched affiliations."""
    on = on or timezone.localdate()
    roster = ReviewerRoster()
    held: dict[int, list[OpenCase]] = {}
    for open_case in open_cases_with_parties():
        held.setdefault(open_case.reviewer_id, []).append(open_case)
    for reviewer in reviewers_with_workload():
        eligibility = evaluate_eligibility(reviewer, on=on)
        roster.rows.append((reviewer, eligibility))
        roster.expiring += [(reviewer, credential) for credential in eligibility.expiring]
        open_cases = held.get(reviewer.pk, [])
        if open_cases and not eligibility.eligible:
            roster.stranded.append((reviewer, eligibility, open_cases))
        affiliations = list(reviewer.affiliations.all())
        for open_case in open_cases if affiliations else ():
            roster.late_conflicts += [
                LateConflict(open_case, reviewer, conflict)
                for conflict in screen_affiliations(affiliations, open_case.parties)
            ]
    roster.expiring.sort(key=lambda pair: pair[1].expires_on)
    return roster


def bulk_screen(cases: list[Case]) -> list[dict]:
    """For each reviewer, which of ``cases`` it may take (``ok``: case numbers) and why not the others
    (``blocked``: case number and blockers); reviewers who may take the most first."""
    reviewers = list(reviewers_with_workload(max((c.due_date for c in cases if c.due_date), default=None)))
    screen: dict[int, dict] = {r.pk: {"reviewer": r, "ok": [], "blocked": []} for r in reviewers}
    for case in cases:
        for suggestion in rank_reviewers(case, reviewers=reviewers):
            entry = screen[suggestion.reviewer.pk]
            if suggestion.assignable:
                entry["ok"].append(case.case_number)
            else:
                entry["blocked"].append((case.case_number, suggestion.blockers))
    return sorted(screen.values(), key=lambda e: (-len(e["ok"]), str(e["reviewer"])))
