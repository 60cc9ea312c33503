"""Drafts: the review a reviewer writes, started when it accepts the assignment, saved as typed.

Saving never validates and never overwrites someone else's save: every write takes the review's row lock,
so two tabs or two people saving at once serialise and the second is compared against what the first wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.models import Case, CaseStatus
from cases.services import transition_case
from imr_site.text import text_problem
from reviews.models import Assignment, Decision, FrozenReviewError, ItemDecision, Review, ReviewStatus
from reviews.workspace.errors import InvalidInput, WorkspaceError, require_case_under_review

SUMMARY_KEY = "clinical_summary"
ITEM_FIELDS = ("decision", "guideline_citations", "non_mtus_reason", "rationale")
FIELD_LABELS = {
    "decision": "Decision",
    "guideline_citations": "Guideline",
    "non_mtus_reason": "Why the MTUS does not address this item",
    "rationale": "Decision rationale",
}


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
    return case.reviews.live().first()


def active_assignment(case: Case) -> Assignment | None:
    return case.assignments.active().select_related("reviewer__user").first()


def _require_editor(user, review: Review) -> None:
    if review.status == ReviewStatus.VOIDED:
        require_case_under_review(review.case)  # withdrawn: say so, rather than only "voided"
    if review.is_frozen:
        raise FrozenReviewError(f"{review} is {review.get_status_display().lower()}; it cannot change.")
    if review.is_in_qa:
        raise WorkspaceError("The review is with quality assurance; it can change once returned.")
    require_case_under_review(review.case)
    if not rules.has_perm("reviews.edit_review", user, review):
        raise PermissionDenied("Only the assigned reviewer edits this review.")


# -- starting ----------------------------------------------------------------------------------------
def start_review(case: Case, reviewer_user) -> Review:
    """The accepted reviewer's current review of the case, created (one decision per item) if there is none.

    Accepting an assignment calls this, so the case moves from assigned to in review when its reviewer
    accepts it. A reviewer taking over a reassigned case starts a new version: the removed reviewer's draft
    was voided by the reassignment (``reviews.assignment.services``), so authorship never changes hands.
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
            previous = case.reviews.order_by("-version").first()
            amends = {}
            if previous is not None and previous.status == ReviewStatus.VOIDED and previous.supersedes_id:
                # The voided draft was an amendment: this version amends the same signed one, for the
                # same reason.
                amends = {
                    "supersedes_id": previous.supersedes_id,
                    "amendment_reason": previous.amendment_reason,
                    "amended_by_id": previous.amended_by_id,
                }
            review = Review.objects.create(
                case=case,
                version=(previous.version if previous else 0) + 1,
                reviewer=assignment.reviewer,
                assignment=assignment,
                **amends,
            )
        _ensure_decisions(review)
        # Under the case lock, so two requests starting the case at once start the review only once.
        if locked_case.status == CaseStatus.ASSIGNED:
            transition_case(locked_case, "start_review", by=reviewer_user)
    case.refresh_from_db()
    return review


def _ensure_decisions(review: Review) -> None:
    have = set(review.decisions.values_list("disputed_item_id", flat=True))
    missing = [item for item in review.case.disputed_items.all() if item.pk not in have]
    if missing and review.is_editable:
        bulk_create_with_history(
            [ItemDecision(review=review, disputed_item=i) for i in missing], ItemDecision
        )


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
            raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.", field=sorted(unknown)[0])
        for key, value in data.items():
            problem = text_problem(value or "")
            if problem:
                raise InvalidInput(f"{field_label(key, decisions)}: the text {problem}.", field=key)
            if key.endswith("-decision") and value not in ("", *Decision.values):
                raise InvalidInput(f"{field_label(key, decisions)}: choose Upheld or Overturned.", field=key)
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
