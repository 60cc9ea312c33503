"""The workspace's errors: each carries the form field it is about (or None) and a message for the user,
so views put it on the form (``form.add_error(exc.field, exc.message)``) without reading its text."""

from __future__ import annotations

from reviews.workspace.checks import Check, failing


class WorkspaceError(Exception):
    """An action the review's state does not allow, or a value no field can hold."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class InvalidInput(WorkspaceError):
    """A value no field can hold (an unknown decision, a field that does not exist)."""


class ChecksFailed(WorkspaceError):
    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks
        super().__init__(f"{len(failing(checks))} check(s) fail; fix them before signing off.")


def require_case_under_review(case) -> None:
    """A review changes, is signed or is approved only while its case is assigned or in review."""
    if not case.takes_review_work:
        raise WorkspaceError(
            f"Case {case.case_number} is {case.get_status_display().lower()}: "
            "its review can no longer change."
        )
