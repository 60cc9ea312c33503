"""What the reviewer's workspace does: open a review, save drafts (never validating, never overwriting
someone else's save), sign off, QA, and amend.

Every write takes the review's row lock, so two tabs or two people saving at once serialise and the
second is compared against what the first wrote.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case, CaseStatus
from cases.rules import is_administrator, is_qa
from cases.services import transition_case
from reviews.models import (
    Assignment,
    Decision,
    FrozenReviewError,
    ItemDecision,
    QAOutcome,
    QAReview,
    Review,
    ReviewStatus,
)
from reviews.workspace.checks import Check, consistency_checks, credentials_problems, failing

SUMMARY_KEY = "clinical_summary"
ITEM_FIELDS = ("decision", "guideline_citations", "non_mtus_reason", "rationale")
FIELD_LABELS = {
    "decision": "Decision",
    "guideline_citations": "Guideline",
    "non_mtus_reason": "Why the MTUS does not address this item",
    "rationale": "Decision rationale",
}


class WorkspaceError(Exception):
    """An action the review's state does not allow; the message is for the user."""


class InvalidInput(WorkspaceError):
    """A value no field can hold (an unknown decision, a field that does not exist); names the field."""


class ChecksFailed(WorkspaceError):
    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks
        super().__init__(f"{len(failing(checks))} check(s) fail; fix them before signing off.")


def item_key(item_id: int, name: str) -> str:
    """The form field name of one item's field, also its key in ``Review.field_revisions``."""
    return f"item-{item_id}-{name}"


@dataclass
class FieldConflict:
    key: str
    label: str
    mine: str
    theirs: str

    @property
    def diff_html(self) -> str:
        """The two versions word by word: what only the saved version has is struck, yours underlined."""
        return word_diff_html(self.theirs, self.mine)


def word_diff_html(old: str, new: str) -> str:
    """Escaped HTML of ``old`` -> ``new`` with <del>/<ins> around the words that differ."""
    from difflib import SequenceMatcher

    from django.utils.html import escape

    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


@dataclass
class SaveResult:
    review: Review
    saved: bool
    conflicts: list[FieldConflict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


# -- reading -----------------------------------------------------------------------------------------
def current_review(case: Case) -> Review | None:
    """The review being worked on or last signed: the newest version not superseded."""
    return case.reviews.exclude(status=ReviewStatus.SUPERSEDED).order_by("-version").first()


def active_assignment(case: Case) -> Assignment | None:
    return case.assignments.filter(active=True).select_related("reviewer__user").first()


def can_edit(user, review: Review) -> bool:
    """Only the actively assigned reviewer, after accepting, edits a draft; nobody edits anything else."""
    if not review.is_editable or not user.is_authenticated:
        return False
    assignment = active_assignment(review.case)
    return bool(
        assignment and assignment.accepted_at and assignment.reviewer.user_id == user.pk
        and review.reviewer_id == assignment.reviewer_id
    )  # fmt: skip


def _require_editor(user, review: Review) -> None:
    if review.is_frozen:
        raise FrozenReviewError(f"{review} is {review.get_status_display().lower()}; it cannot change.")
    if review.status == ReviewStatus.IN_QA:
        raise WorkspaceError("The review is with quality assurance; it can change once returned.")
    if not can_edit(user, review):
        raise PermissionDenied("Only the assigned reviewer edits this review.")


# -- opening -----------------------------------------------------------------------------------------
def start_or_get_review(case: Case, reviewer_user) -> Review:
    """The reviewer's current review of the case, created (one decision per item) on first open.

    The first open of an accepted assignment also moves the case from assigned to in review.
    """
    assignment = active_assignment(case)
    if not assignment or assignment.reviewer.user_id != reviewer_user.pk:
        raise PermissionDenied("The case is not assigned to you.")
    if not assignment.accepted_at:
        raise WorkspaceError("Accept the assignment (and attest to no conflict) before starting the review.")
    with transaction.atomic():
        locked_case = Case.objects.select_for_update().get(pk=case.pk)
        review = current_review(case)
        if review is None:
            review = Review.objects.create(
                case=case, version=1, reviewer=assignment.reviewer, assignment=assignment
            )
        elif review.is_editable and review.reviewer_id != assignment.reviewer_id:
            # Reassigned while a draft was open: the new reviewer carries on the same draft.
            review.reviewer = assignment.reviewer
            review.assignment = assignment
            review.save(update_fields=["reviewer", "assignment"])
        _ensure_decisions(review)
        # Under the case lock, so two tabs opening the case at once start the review only once.
        if locked_case.status == CaseStatus.ASSIGNED:
            transition_case(locked_case, "start_review", by=reviewer_user)
    case.refresh_from_db()
    return review


def _ensure_decisions(review: Review) -> None:
    have = set(review.decisions.values_list("disputed_item_id", flat=True))
    missing = [item for item in review.case.disputed_items.all() if item.pk not in have]
    if missing and review.is_editable:
        ItemDecision.objects.bulk_create(ItemDecision(review=review, disputed_item=i) for i in missing)


# -- saving drafts -----------------------------------------------------------------------------------
def _current_values(review: Review, decisions: dict[int, ItemDecision]) -> dict[str, str]:
    values = {SUMMARY_KEY: review.clinical_summary}
    for item_id, decision in decisions.items():
        for name in ITEM_FIELDS:
            values[item_key(item_id, name)] = getattr(decision, name)
    return values


def field_label(key: str, decisions: dict[int, ItemDecision]) -> str:
    if key == SUMMARY_KEY:
        return "Clinical case summary"
    _, item_id, name = key.split("-", 2)
    decision = decisions.get(int(item_id))
    heading = decision.disputed_item.heading if decision else f"Item {item_id}"
    return f"{heading}: {FIELD_LABELS[name]}"


def save_draft(review: Review, data: dict[str, str], base_revision: int, by) -> SaveResult:
    """Save whatever the reviewer typed, complete or not: saving progress never validates.

    ``data`` maps field keys (``clinical_summary``, ``item-<item_id>-<field>``) to values; keys not given
    are left alone. ``base_revision`` is the revision the reviewer's page was showing. A field someone else
    changed after that revision, to a value different from this one, is a conflict: nothing is saved and
    both versions come back for merging. Fields nobody else touched save normally, so two tabs working on
    different items never collide.
    """
    _require_editor(by, review)
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if not locked.is_editable:
            raise FrozenReviewError(f"{locked} is {locked.get_status_display().lower()}; it cannot change.")
        decisions = {
            d.disputed_item_id: d for d in locked.decisions.select_related("disputed_item").order_by("pk")
        }
        current = _current_values(locked, decisions)
        unknown = [k for k in data if k not in current]
        if unknown:
            raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        for key, value in data.items():
            if key.endswith("-decision") and value not in ("", *Decision.values):
                raise InvalidInput(f"{field_label(key, decisions)}: choose Upheld or Overturned.")
        incoming = {k: _normalise(v) for k, v in data.items()}
        changed = [k for k, v in incoming.items() if v != current[k]]
        conflicts = [
            FieldConflict(k, field_label(k, decisions), incoming[k], current[k])
            for k in changed
            if locked.field_revisions.get(k, 0) > base_revision
        ]
        if conflicts:
            return SaveResult(locked, saved=False, conflicts=conflicts)
        if not changed:
            return SaveResult(locked, saved=True)
        locked.revision += 1
        touched_items: set[int] = set()
        for key in changed:
            locked.field_revisions[key] = locked.revision
            if key == SUMMARY_KEY:
                locked.clinical_summary = incoming[key]
                continue
            _, item_id, name = key.split("-", 2)
            setattr(decisions[int(item_id)], name, incoming[key])
            touched_items.add(int(item_id))
        for item_id in touched_items:
            decisions[item_id].save()
        locked.saved_at = timezone.now()
        locked.saved_by = by
        locked.save(update_fields=["clinical_summary", "revision", "field_revisions", "saved_at", "saved_by"])
    return SaveResult(locked, saved=True, changed=changed)


def _normalise(value: str | None) -> str:
    # Browsers send CRLF line ends; store LF so an unchanged textarea is not a change.
    return (value or "").replace("\r\n", "\n")


# -- sign-off and QA ----------------------------------------------------------------------------------
def _require_assigned_reviewer(review: Review, by) -> None:
    if is_administrator(by) and review.reviewer.user_id != by.pk:
        raise PermissionDenied("Administrators cannot sign off for a reviewer.")
    if not can_edit(by, review):
        if review.is_frozen:
            raise FrozenReviewError(f"{review} is already {review.get_status_display().lower()}.")
        if review.status == ReviewStatus.IN_QA:
            raise WorkspaceError("The review is already with quality assurance.")
        raise PermissionDenied("Only the assigned reviewer signs off this review.")


def _validated(review: Review, today: datetime.date) -> None:
    checks = consistency_checks(review, today)
    if failing(checks):
        raise ChecksFailed(checks)


def sign_off(review: Review, by, base_revision: int | None = None) -> Review:
    """The reviewer's signature: validates strictly, then freezes the review and issues the determination.

    When the organisation asks for QA (``settings.IMR_QA_REQUIRED``) the review goes to QA instead and is
    frozen only when a QA reader approves it. ``base_revision``, when given, is the revision the reviewer
    looked at on the sign-off page: a later save (another tab) makes them look again.
    """
    _require_assigned_reviewer(review, by)
    if settings.IMR_QA_REQUIRED:
        return submit_for_qa(review, by, base_revision=base_revision)
    with transaction.atomic():
        locked = _lock_for_signature(review, base_revision)
        _validated(locked, timezone.localdate())
        _finalise(locked, signer=by)
    review.refresh_from_db()
    return review


def _lock_for_signature(review: Review, base_revision: int | None) -> Review:
    locked = Review.objects.select_for_update().select_related("case", "reviewer").get(pk=review.pk)
    if locked.status != ReviewStatus.DRAFT:
        raise WorkspaceError(
            f"The review is {locked.get_status_display().lower()}; it cannot be signed again."
        )
    if base_revision is not None and locked.revision != base_revision:
        raise WorkspaceError("The review was saved again after you opened this page; look it over once more.")
    return locked


def _finalise(locked: Review, signer) -> None:
    """Freeze the review with the credentials the letter prints, issue the determination, ask for the PDF."""
    from guidelines.services import citation_sources
    from reviews.letters.services import request_letter

    for decision in locked.decisions.all():
        decision.citation_sources = citation_sources(decision.citation_lines)
        decision.save(update_fields=["citation_sources"])
    profile = locked.reviewer
    locked.credentials_snapshot = {
        "states": profile.licensure_states(),
        "specialties": profile.specialty_labels(),
    }
    locked.status = ReviewStatus.SIGNED
    locked.signed_at = timezone.now()
    locked.signed_by = signer
    locked.save()
    transition_case(locked.case, "issue_determination", by=signer)
    request_letter(locked, by=signer)


def submit_for_qa(review: Review, by, base_revision: int | None = None) -> Review:
    """The reviewer signs the draft over to QA: validated strictly, read-only until QA answers."""
    _require_assigned_reviewer(review, by)
    with transaction.atomic():
        locked = _lock_for_signature(review, base_revision)
        _validated(locked, timezone.localdate())
        locked.status = ReviewStatus.IN_QA
        locked.submitted_for_qa_at = timezone.now()
        locked.save(update_fields=["status", "submitted_for_qa_at"])
    review.refresh_from_db()
    return review


def _lock_in_qa(review: Review, by) -> Review:
    if not is_qa(by):
        raise PermissionDenied("Only a quality-assurance reader answers a QA request.")
    if review.reviewer.user_id == by.pk:
        raise PermissionDenied("A reviewer cannot quality-assure its own review.")
    locked = Review.objects.select_for_update().select_related("case", "reviewer__user").get(pk=review.pk)
    if locked.status != ReviewStatus.IN_QA:
        raise WorkspaceError(f"The review is {locked.get_status_display().lower()}, not waiting for QA.")
    return locked


def qa_approve(review: Review, by, comments: str = "") -> Review:
    """QA agrees: the review is signed in the reviewer's name and the determination issued."""
    with transaction.atomic():
        locked = _lock_in_qa(review, by)
        problems = credentials_problems(locked.reviewer, timezone.localdate(), case=locked.case)
        if problems:
            raise WorkspaceError("The reviewer's credentials are not eligible today: " + "; ".join(problems))
        QAReview.objects.create(review=locked, by=by, outcome=QAOutcome.APPROVED, comments=comments.strip())
        _finalise(locked, signer=locked.reviewer.user)
    review.refresh_from_db()
    return review


def qa_return(review: Review, by, comments: str) -> Review:
    """QA sends the draft back to the reviewer with comments saying what to change."""
    if not comments or not comments.strip():
        raise WorkspaceError("Comments: say what the reviewer should change.")
    with transaction.atomic():
        locked = _lock_in_qa(review, by)
        QAReview.objects.create(review=locked, by=by, outcome=QAOutcome.RETURNED, comments=comments.strip())
        locked.status = ReviewStatus.DRAFT
        locked.save(update_fields=["status"])
    review.refresh_from_db()
    return review


# -- amendments --------------------------------------------------------------------------------------
def amend(case: Case, by, reason: str) -> Review:
    """An administrator reopens a signed determination as a new version; the signed one stays readable."""
    if not is_administrator(by):
        raise PermissionDenied("Only an administrator amends a signed determination.")
    if not reason or not reason.strip():
        raise WorkspaceError("Reason: say why the determination is amended.")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        signed = case.reviews.filter(status=ReviewStatus.SIGNED).order_by("-version").first()
        if signed is None:
            raise WorkspaceError(f"Case {case.case_number} has no signed determination to amend.")
        version = (case.reviews.aggregate(v=Max("version"))["v"] or 0) + 1
        amendment = Review.objects.create(
            case=case,
            version=version,
            reviewer=signed.reviewer,
            assignment=signed.assignment,
            clinical_summary=signed.clinical_summary,
            supersedes=signed,
            amendment_reason=reason.strip(),
            amended_by=by,
            saved_at=timezone.now(),
            saved_by=by,
        )
        ItemDecision.objects.bulk_create(
            ItemDecision(
                review=amendment,
                disputed_item_id=d.disputed_item_id,
                decision=d.decision,
                guideline_citations=d.guideline_citations,
                citation_sources=d.citation_sources,
                non_mtus_reason=d.non_mtus_reason,
                rationale=d.rationale,
            )
            for d in signed.decisions.all()
        )
        signed.status = ReviewStatus.SUPERSEDED
        signed.save()
        transition_case(case, "reopen_for_amendment", by=by, reason=reason.strip())
    return amendment
