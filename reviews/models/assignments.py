"""Who reviews a case. At most one active assignment per case, enforced by the database."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from reviews.models.reviewers import ReviewerProfile


class AssignmentQuerySet(models.QuerySet):
    """Who holds a case: the one home of "the active assigned reviewer" (rules and lists build on it)."""

    def active(self) -> AssignmentQuerySet:
        return self.filter(active=True)

    def held_by(self, user) -> AssignmentQuerySet:
        """The user's own assignments (none for an anonymous user)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(reviewer__user=user)

    def accepted(self) -> AssignmentQuerySet:
        return self.filter(accepted_at__isnull=False)


class Assignment(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    conflict_attested_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    declared_conflict = models.BooleanField(
        default=False, help_text="The reviewer declined because it found a conflict of interest."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    objects = AssignmentQuerySet.as_manager()

    # Every change, with who made it and the values before and after (the audit record, SECURITY.md).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(active=True), name="one_active_assignment_per_case"
            )
        ]
        indexes = [
            # Open work per reviewer (reviews.assignment.queries.workload): from the few thousand cases in
            # work to their active assignment and its reviewer, read from the index alone. A closed case's
            # assignment stays active, so a per-reviewer scan would read all of its history.
            models.Index(
                fields=["case", "reviewer"],
                condition=models.Q(active=True),
                name="assignment_open_idx",
            ),
            # A reviewer's own cases ("My cases", reviews.workspace.dashboard), newest assignment first:
            # its ~1,500 cases and their acceptance read from the index alone (not from the table's rows,
            # scattered among every reviewer's), and its earlier cases a page at a time in this order.
            models.Index(
                fields=["reviewer", "id"],
                include=["case", "accepted_at"],
                condition=models.Q(active=True),
                name="assignment_held_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} -> {self.reviewer}"

    @property
    def state(self) -> str:
        """Derived from the dates, so it never goes stale."""
        if self.declined_at:
            return "conflict declared" if self.declared_conflict else "declined"
        if self.ended_at:
            return "ended"
        if self.accepted_at:
            return "accepted"
        return "awaiting acceptance"


class AssignmentEvent(models.Model):
    """Every assignment change: who, when, from whom, to whom, why."""

    class Action(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        REASSIGNED = "reassigned", "Reassigned"
        UNASSIGNED = "unassigned", "Unassigned"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CONFLICT_DECLARED = "conflict_declared", "Conflict declared"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="assignment_events")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    from_reviewer = models.ForeignKey(
        ReviewerProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_reviewer = models.ForeignKey(
        ReviewerProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.action}"
