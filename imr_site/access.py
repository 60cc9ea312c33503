"""Who may open each URL: one declared rule per URL name, over every role.

The rules themselves live in each app's ``rules.py`` and querysets (``visible_to``); this table states,
in one place, what each role gets from each URL of the project. ``tests/test_access_matrix.py`` walks the
URLconf, asks every URL as every role with real objects, and compares. A URL name missing here fails that
test, so a new view cannot ship without its rule being declared.

Outcomes: a status code ("200", "403", "404", ...), ``LOGIN`` (sent to the login page), ``REDIRECT``
(sent on elsewhere, e.g. back to the page after a form error) or ``ADMIN_LOGIN`` (the admin site's own
login). 404 is for what the role may not know exists (another reviewer's case), 403 for what it sees but
may not do. POSTs are sent empty: a permitted role gets a form error or a redirect, never 403 or 404.
The Django admin site (``admin:`` names) follows the roles' model permissions (``ADMIN_SITE``), checked on
its index, every model's list and one object's page.
"""

from __future__ import annotations

ANONYMOUS = "anonymous"
ADMINISTRATOR = "administrator"
REVIEWER = "reviewer"  # assigned to the case and accepted
PENDING_REVIEWER = "pending reviewer"  # assigned to the case, not accepted yet
OTHER_REVIEWER = "other reviewer"  # a reviewer of other cases
QA = "qa"
SECURITY_OFFICER = "security officer"
SUPERUSER = "superuser"
ROLES = (
    ANONYMOUS,
    ADMINISTRATOR,
    REVIEWER,
    PENDING_REVIEWER,
    OTHER_REVIEWER,
    QA,
    SECURITY_OFFICER,
    SUPERUSER,
)

LOGIN = "login"
ADMIN_LOGIN = "admin login"
REDIRECT = "redirect"
ADMIN_SITE = "the admin site's model permissions"

_SHORT = {
    "administrator": ADMINISTRATOR,
    "reviewer": REVIEWER,
    "pending": PENDING_REVIEWER,
    "other": OTHER_REVIEWER,
    "qa": QA,
    "security": SECURITY_OFFICER,
    "superuser": SUPERUSER,
}


def expect(method: str, default: str, anonymous: str = LOGIN, **roles: str) -> tuple[str, dict[str, str]]:
    """``method`` with each role's outcome; roles not named get ``default``."""
    outcomes = dict.fromkeys(ROLES, default)
    outcomes[ANONYMOUS] = anonymous
    for short, outcome in roles.items():
        outcomes[_SHORT[short]] = outcome
    return method, outcomes


# Administrators (and the superuser, who holds every role) run cases; nobody else sees these pages.
def _managers(method: str, ok: str) -> tuple[str, dict[str, str]]:
    return expect(method, "403", administrator=ok, superuser=ok)


# A page of one case's health information: those who see the case's records (cases.view_records);
# the reviewer who has not accepted sees the case but not these (403); other reviewers and the security
# officer do not see the case at all (404).
def _records(method: str, ok: str = "200", pending: str = "403") -> tuple[str, dict[str, str]]:
    return expect(method, ok, other="404", security="404", pending=pending)


RULES: dict[str, tuple[str, dict[str, str]] | str] = {
    # -- the site ---------------------------------------------------------------------------------
    "home": expect("GET", REDIRECT),
    "login": expect("GET", "200", anonymous="200"),
    "logout": expect("POST", LOGIN),
    "keepalive": expect("GET", "204"),
    # Every logged-in user may enrol an authenticator app (required for administrators and officers).
    "two_factor_setup": expect("GET", "200"),
    # Only someone with an enrolled device verifies; the others are sent to enrol.
    "two_factor_verify": expect("GET", REDIRECT, administrator="200", security="200", superuser="200"),
    "healthz": expect("GET", "200", anonymous="200"),
    "readyz": expect("GET", "200", anonymous="200"),
    "audit:log": expect("GET", "403", administrator="200", security="200", superuser="200"),
    # -- cases (cases.manage_case, cases.view_case, cases.view_records) ---------------------------
    "cases:list": _managers("GET", "200"),
    "cases:import": _managers("GET", "200"),
    "cases:create": _managers("GET", "200"),
    "cases:transition": _managers("POST", REDIRECT),
    "cases:add_record": _managers("POST", "400"),
    "cases:records_complete": _managers("POST", "400"),
    # The reviewer who has not accepted is sent to the workspace, which shows what it needs to decide.
    "cases:detail": _records("GET", pending=REDIRECT),
    "cases:record_file": _records("GET"),
    # -- assignment (reviews.assign_reviewer, reviews.answer_assignment) -------------------------
    "reviews:assignment:reviewers": _managers("GET", "200"),
    "reviews:assignment:reviewer_activation": _managers("POST", REDIRECT),
    "reviews:assignment:bulk": _managers("GET", "200"),
    "reviews:assignment:panel": _managers("GET", "200"),
    "reviews:assignment:assign": _managers("POST", REDIRECT),
    "reviews:assignment:unassign": _managers("POST", REDIRECT),
    # Only the reviewer holding the assignment answers it; to anyone else it does not exist.
    "reviews:assignment:accept": expect("POST", "404", reviewer=REDIRECT, pending=REDIRECT),
    "reviews:assignment:decline": expect("POST", "404", reviewer=REDIRECT, pending=REDIRECT),
    # -- the workspace (cases.view_case / view_records, reviews.edit_review, sign_off_review, qa_review,
    # amend_determination) ----------------------------------------------------------------------
    "reviews:dashboard": expect("GET", "200"),
    "reviews:workspace": expect("GET", "200", other="404", security="404"),
    "reviews:start_review": expect(
        "POST", "403", reviewer=REDIRECT, pending=REDIRECT, other="404", security="404"
    ),
    "reviews:save_draft": expect("POST", "403", reviewer=REDIRECT, other="404", security="404"),
    "reviews:checklist": _records("GET"),
    "reviews:record_search": _records("GET"),
    "reviews:review_version": _records("GET"),
    "reviews:sign_off": expect("GET", "403", reviewer="200", other="404", security="404"),
    "reviews:qa_approve": expect("POST", "403", qa=REDIRECT, other="404", security="404"),
    "reviews:qa_return": expect("POST", "403", qa="400", other="404", security="404"),
    "reviews:amend": expect("GET", "403", administrator="200", superuser="200", other="404", security="404"),
    # -- letters (reviews.read_letter, reviews.regenerate_letter) ---------------------------------
    "reviews:letter_case": _records("GET"),
    "reviews:letter_preview": _records("GET"),
    # Letters a role may not read do not exist for it (DeterminationLetter.objects.visible_to).
    "reviews:letter_status": _records("GET", ok=REDIRECT, pending="404"),
    "reviews:letter_download": _records("GET", pending="404"),
    "reviews:letter_regenerate": expect(
        "POST", "403", administrator=REDIRECT, superuser=REDIRECT, pending="404", other="404", security="404"
    ),
    # -- guidelines: suggestions are drawn from the case's records --------------------------------
    "guidelines:item_suggestions": _records("GET"),
    "guidelines:item_feedback": _records("POST", ok="400"),
    "guidelines:search": expect("GET", "200"),
    # -- the Django admin site -------------------------------------------------------------------
    "admin:": ADMIN_SITE,
}


def rule_for(name: str) -> tuple[str, dict[str, str]] | str | None:
    """The declared rule of a URL name (``admin:`` names share the admin site's rule)."""
    if name in RULES:
        return RULES[name]
    if name.startswith("admin:"):
        return RULES["admin:"]
    return None


# The roles with staff status (they may reach the admin site's pages; their groups say which models).
STAFF_ROLES = (ADMINISTRATOR, SECURITY_OFFICER, SUPERUSER)
