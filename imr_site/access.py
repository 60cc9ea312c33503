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
# Users of a claims-administrator organisation (parties): they see the portal and their organisation's cases
# there, and nothing of the IMR side.
PORTAL_USER = "portal user"  # of the organisation answering for the world's case
PORTAL_ADMIN = "portal organisation administrator"  # the same organisation's administrator
OTHER_PORTAL_ADMIN = "other organisation's administrator"  # an organisation answering for other cases
PORTAL_ROLES = (PORTAL_USER, PORTAL_ADMIN, OTHER_PORTAL_ADMIN)
ROLES = (
    ANONYMOUS,
    ADMINISTRATOR,
    REVIEWER,
    PENDING_REVIEWER,
    OTHER_REVIEWER,
    QA,
    SECURITY_OFFICER,
    SUPERUSER,
    *PORTAL_ROLES,
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
    "portal": PORTAL_USER,
    "portal_admin": PORTAL_ADMIN,
    "other_portal": OTHER_PORTAL_ADMIN,
}


def expect(
    method: str, default: str, anonymous: str = LOGIN, outsiders: str = "404", **roles: str
) -> tuple[str, dict[str, str]]:
    """``method`` with each role's outcome; roles not named get ``default``, except the portal's users, who
    get ``outsiders``: outside the portal they are asking about a case the IMR side holds, which does not
    exist for them (404); pages that are no object answer them 403 (``_managers``)."""
    outcomes = dict.fromkeys(ROLES, default)
    outcomes[ANONYMOUS] = anonymous
    outcomes.update(dict.fromkeys(PORTAL_ROLES, outsiders))
    for short, outcome in roles.items():
        outcomes[_SHORT[short]] = outcome
    return method, outcomes


# Administrators (and the superuser, who holds every role) run cases; nobody else sees these pages.
def _managers(method: str, ok: str) -> tuple[str, dict[str, str]]:
    return expect(method, "403", outsiders="403", administrator=ok, superuser=ok)


# Every session, whoever it is, the same (account and session pages, health checks).
def _everyone(method: str, ok: str, anonymous: str = LOGIN) -> tuple[str, dict[str, str]]:
    return expect(method, ok, anonymous=anonymous, outsiders=ok)


# The claims administrators' portal (parties.use_portal, parties.view_case, parties.manage_organisation):
# IMR staff are no organisation's users (403); a portal user reaches its own organisation's cases, and the
# other organisation's administrator does not know case A or O's objects exist (404).
def _portal(method: str, ok: str, user: str | None = None, other: str = "404") -> tuple[str, dict[str, str]]:
    return expect(method, "403", outsiders=ok, portal=ok if user is None else user, other_portal=other)


# The organisation administrator's pages (parties.manage_organisation): its users and webhook log.
def _organisation_admin(method: str, ok: str, other: str) -> tuple[str, dict[str, str]]:
    return _portal(method, ok, user="403", other=other)


# The REST API authenticates OAuth 2.0 bearer tokens only (django-oauth-toolkit, client credentials): a
# session, of any role, is nobody to it, so every data URL answers 401 with a problem document. Which
# organisation's cases a token reaches is the API tests' business (tests/parties/test_api.py), with real
# tokens of two organisations; the matrix shows that no session cookie opens it.
def _api(method: str = "GET") -> tuple[str, dict[str, str]]:
    return expect(method, "401", anonymous="401", outsiders="401")


# A page of one case's health information: those who see the case's records (cases.view_records);
# the reviewer who has not accepted sees the case but not these (403); other reviewers and the security
# officer do not see the case at all (404).
def _records(method: str, ok: str = "200", pending: str = "403") -> tuple[str, dict[str, str]]:
    return expect(method, ok, other="404", security="404", pending=pending)


RULES: dict[str, tuple[str, dict[str, str]] | str] = {
    # -- the site ---------------------------------------------------------------------------------
    "home": _everyone("GET", REDIRECT),
    "login": _everyone("GET", "200", anonymous="200"),
    "logout": _everyone("POST", LOGIN),
    "keepalive": _everyone("GET", "204"),
    # Every logged-in user may enrol an authenticator app (required for administrators and officers).
    "two_factor_setup": _everyone("GET", "200"),
    # Only someone with an enrolled device verifies; the others are sent to enrol.
    "two_factor_verify": expect(
        "GET", REDIRECT, outsiders=REDIRECT, administrator="200", security="200", superuser="200"
    ),
    "healthz": _everyone("GET", "200", anonymous="200"),
    "readyz": _everyone("GET", "200", anonymous="200"),
    "audit:log": expect("GET", "403", outsiders="403", administrator="200", security="200", superuser="200"),
    # -- operations and reports (cases.manage_case, reports.view_reports) ---------------------------
    "operations:dashboard": _managers("GET", "200"),
    "reports:page": _managers("GET", "200"),
    "reports:csv": _managers("GET", "200"),
    # -- cases (cases.manage_case, cases.view_case, cases.view_records) ---------------------------
    "cases:list": _managers("GET", "200"),
    "cases:export": _managers("GET", "200"),
    "cases:bulk": _managers("POST", "400"),
    # A saved filter is its owner's alone (each asks about its own).
    "cases:save_filter": _managers("POST", REDIRECT),
    "cases:delete_filter": _managers("POST", REDIRECT),
    # The intake format documents the administrators' import: theirs alone, though it holds no case data.
    "cases:intake_format": _managers("GET", "200"),
    "cases:intake_schema": _managers("GET", "200"),
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
    # "My cases" is the IMR side's landing page (reviews.view_dashboard); the portal is the portal users'.
    "reviews:dashboard": expect("GET", "200", outsiders="403"),
    # The QA queue is a page, not an object: others see it exists but may not read it.
    "reviews:qa_queue": expect("GET", "403", outsiders="403", qa="200"),
    "reviews:workspace": expect("GET", "200", other="404", security="404"),
    "reviews:start_review": expect(
        "POST", "403", reviewer=REDIRECT, pending=REDIRECT, other="404", security="404"
    ),
    "reviews:save_draft": expect("POST", "403", reviewer=REDIRECT, other="404", security="404"),
    "reviews:checklist": _records("GET"),
    "reviews:record_list": _records("GET"),
    "reviews:record_text": _records("GET"),
    "reviews:compare_versions": _records("GET"),
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
    # The public, redacted form (reviews.publish_letter): administrators only; QA and the accepted
    # reviewer read the letter but may not make the publication (403).
    "reviews:letter_public": expect(
        "GET", "403", administrator="200", superuser="200", pending="404", other="404", security="404"
    ),
    "reviews:letter_regenerate": expect(
        "POST", "403", administrator=REDIRECT, superuser=REDIRECT, pending="404", other="404", security="404"
    ),
    # -- guidelines: suggestions are drawn from the case's records --------------------------------
    "guidelines:item_suggestions": _records("GET"),
    "guidelines:item_feedback": _records("POST", ok="400"),
    # The knowledge base is the IMR side's (guidelines.search_guidelines, guidelines.view_suggestion_usage).
    "guidelines:search": expect("GET", "200", outsiders="403"),
    "guidelines:usage": _managers("GET", "200"),
    # -- the claims administrators' portal (parties) ---------------------------------------------------
    "portal:cases": _portal("GET", "200", other="200"),  # each organisation its own list
    "portal:bulk_upload": _portal("POST", "200", other="200"),  # the empty form answered with its errors
    "portal:case": _portal("GET", "200"),
    "portal:notice": _portal("GET", "200"),
    "portal:document": _portal("GET", "200"),
    # Case A's amendment is open, so no determination is in force: nothing to download for anyone. The
    # issued packet's own scoping is tested in tests/parties.
    "portal:determination": _portal("GET", "404"),
    "portal:users": _organisation_admin("GET", "200", other="200"),  # its own organisation's users
    "portal:webhooks": _organisation_admin("GET", "200", other="200"),
    "portal:user_active": _organisation_admin("POST", REDIRECT, other="404"),
    "portal:redeliver": _organisation_admin("POST", REDIRECT, other="404"),
    # -- the REST API (OAuth 2.0 bearer tokens; see _api) ---------------------------------------------
    # Its description is public, as API documentation is: it holds no case data.
    "api:schema": _everyone("GET", "200", anonymous="200"),
    "api:docs": _everyone("GET", "200", anonymous="200"),
    "api:redoc": _everyone("GET", "200", anonymous="200"),
    "api:cases": _api(),
    "api:case": _api(),
    "api:records_request": _api("POST"),
    "api:records_notice": _api(),
    "api:documents": _api(),
    "api:document_file": _api(),
    "api:determination": _api(),
    "api:determination_letter": _api(),
    "api:applications": _api(),
    "api:webhooks": _api(),
    "api:webhook": _api(),
    "api:webhook_deliveries": _api(),
    "api:webhook_redeliver": _api("POST"),
    # The token endpoints answer clients' credentials, not sessions: an empty request is a bad request
    # (RFC 6749 section 5.2) for everyone.
    "oauth2_provider:token": _everyone("POST", "400", anonymous="400"),
    "oauth2_provider:revoke-token": _everyone("POST", "400", anonymous="400"),
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
