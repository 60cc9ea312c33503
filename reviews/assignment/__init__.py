"""Expert-reviewer assignment: eligibility, conflict screening, the specialty rule, ranking, services.

Plain modules, one direction of imports (models <- these <- views/forms/admin):

- ``eligibility``: ``evaluate_eligibility(reviewer, on=None, case=None) -> Eligibility`` (reasons and
  warnings as ``Reason(code, message)``: code tests the ``ReasonCode``, people read the message;
  credentials expiring within ``EXPIRY_WARNING_DAYS``); thresholds with their sources.
- ``conflicts``: ``normalize_party_name``, ``screen_conflicts(reviewer, case) -> list[Conflict]``.
- ``specialties``: the table-driven same-or-similar specialty rule.
- ``ranking``: ``rank_reviewers(case) -> list[Suggestion]`` (score, reasons, blockers).
- ``services``: ``assign``, ``reassign``, ``unassign``, ``bulk_assign``, ``accept_assignment``,
  ``decline_assignment``, ``deactivate_reviewer``, ``check_assignable``, ``is_assignable`` (the Case state
  machine's ``can_proceed``); raise ``AssignmentError``. What the pages show: ``assignment_panel``,
  ``reviewer_roster``, ``bulk_screen``, ``conflicts_found_after_assignment``.
- ``queries``: ``reviewers_with_workload``, ``open_assignments``, ``cases_for_panel``.

Who may assign and who answers an assignment: ``reviews/rules.py``.
"""
