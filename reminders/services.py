"""Deadline reminders and administrators' alerts, each sent once (``reminders.models.Notice``).

Each rule is a function returning what is due at ``now`` (``Due`` values); nothing is sent there.
``send_reminders`` claims each one by inserting its notice and sends the e-mail in the same
transaction: a failed e-mail rolls the notice back (the next run tries again), and a notice another
process already holds makes the insert fail, so that process's e-mail is the only one.

Times are California's (``cases.clocks``): a determination due on March 10 is due until midnight ending
March 10 in California, and "72 h before" is counted on California's wall clock (the same time of day
three days earlier), so a daylight-saving change moves neither the due date nor a reminder's day.

E-mails carry no health information: the case number, the due date and a link to the application.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases import clocks
from cases.models import OPEN_STATUSES, Case, CaseStatus, DisputedItem
from imr_site.roles import ADMINISTRATOR
from reminders.models import Notice, NoticeKind
from reviews.models import Assignment, Certification, ItemDecision, License, Review, ReviewerProfile
from reviews.models.review import ReviewStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """One notice that is due: its kind, point and subject."""

    kind: str
    point: str
    due_date: datetime.date
    case: Case | None = None
    reviewer: ReviewerProfile | None = None
    credential: str = ""


# -- the rules ----------------------------------------------------------------------------------------
def reminder_hours(review_type: str) -> list[int]:
    """The points (hours before the end of the due date) at which the reviewer is reminded."""
    return sorted(settings.IMR_REMINDER_HOURS.get(review_type) or settings.IMR_REMINDER_HOURS["standard"])


def reminder_point(due_date: datetime.date, review_type: str, now: datetime.datetime) -> int | None:
    """The closest reminder point already reached at ``now``, or None (before the first point, or once the
    due date has ended: then the administrators' overdue alert takes over). A case assigned late gets
    only the closest point, never a burst of every point it missed."""
    deadline = clocks.deadline_at(due_date)
    here = clocks.california_now(now)
    if here >= deadline:
        return None
    # Aware datetimes in one zone subtract on the wall clock: 72 h before midnight is midnight three
    # days earlier, whatever the offset was then.
    reached = [h for h in reminder_hours(review_type) if here >= deadline - datetime.timedelta(hours=h)]
    return min(reached) if reached else None


def _horizon(now: datetime.datetime, hours: int) -> datetime.date:
    return (clocks.california_now(now) + datetime.timedelta(hours=hours)).date()


def reviewer_reminders(now: datetime.datetime) -> list[Due]:
    """The reviewer holding an assigned or in-review case, at each point before its due date."""
    today = clocks.california_today(now)
    longest = max(max(hours) for hours in settings.IMR_REMINDER_HOURS.values())
    held = (
        Assignment.objects.active()
        .filter(
            declined_at__isnull=True,
            ended_at__isnull=True,
            case__status__in=[CaseStatus.ASSIGNED, CaseStatus.IN_REVIEW],
            case__due_date__range=(today, _horizon(now, longest)),
        )
        .select_related("case", "reviewer__user")
        .order_by("case_id")
    )
    out = []
    for assignment in held:
        case = assignment.case
        point = reminder_point(case.due_date, case.review_type, now)
        if point is not None:
            out.append(Due(NoticeKind.REVIEWER_DUE, f"{point}h", case.due_date, case, assignment.reviewer))
    return out


def with_progress(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate how far each case's determination is: its disputed items, the items its draft has
    decided, and whether a review is with QA or signed."""
    items = (
        DisputedItem.objects.filter(case=OuterRef("pk")).values("case").annotate(n=Count("pk")).values("n")
    )
    decided = (
        ItemDecision.objects.filter(review__case=OuterRef("pk"), review__status=ReviewStatus.DRAFT)
        .exclude(decision="")
        .values("review__case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(
        item_count=Coalesce(Subquery(items, output_field=IntegerField()), Value(0)),
        decided_count=Coalesce(Subquery(decided, output_field=IntegerField()), Value(0)),
        past_draft=Exists(
            Review.objects.filter(case=OuterRef("pk"), status__in=[ReviewStatus.IN_QA, ReviewStatus.SIGNED])
        ),
    )


def is_near_completion(case: Case) -> bool:
    """Near completion: the review is with QA or signed, or the draft decides every disputed item (only
    the write-up and sign-off are left). Needs ``with_progress``."""
    return case.past_draft or (case.item_count > 0 and case.decided_count >= case.item_count)


def at_risk_cases(now: datetime.datetime) -> list[Due]:
    """Open cases due within ``IMR_AT_RISK_HOURS`` whose determination is not near completion."""
    hours = settings.IMR_AT_RISK_HOURS
    here = clocks.california_now(now)
    today = here.date()
    candidates = with_progress(
        Case.objects.filter(status__in=OPEN_STATUSES, due_date__range=(today, _horizon(now, hours)))
    ).order_by("pk")
    return [
        Due(NoticeKind.AT_RISK, f"{hours}h", case.due_date, case)
        for case in candidates
        if clocks.deadline_at(case.due_date) - here <= datetime.timedelta(hours=hours)
        and not is_near_completion(case)
    ]


def overdue_cases(now: datetime.datetime) -> list[Due]:
    """Open cases whose due date has passed (the clock stops when the determination is issued)."""
    today = clocks.california_today(now)
    overdue = Case.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today).order_by("pk")
    return [Due(NoticeKind.OVERDUE, "overdue", case.due_date, case) for case in overdue]


def records_overdue_cases(now: datetime.datetime) -> list[Due]:
    """Cases waiting on records the claims administrator has not sent by their due date (8 CCR
    9792.10.5(a); the date itself is ``cases.clocks.records_due_date``)."""
    today = clocks.california_today(now)
    waiting = Case.objects.filter(
        status=CaseStatus.RECORDS_REQUESTED, records_requested_date__lt=today
    ).order_by("pk")
    out = []
    for case in waiting:
        due = clocks.records_due_date(case)
        if due is not None and due < today:
            out.append(Due(NoticeKind.RECORDS_OVERDUE, "records_overdue", due, case))
    return out


def expiring_credentials(now: datetime.datetime) -> list[Due]:
    """Active reviewers' licenses and board certifications expiring within
    ``IMR_CREDENTIAL_WARNING_DAYS`` (Labor Code 139.5(d): a lapsed one makes the reviewer ineligible)."""
    days = settings.IMR_CREDENTIAL_WARNING_DAYS
    today = clocks.california_today(now)
    window = Q(reviewer__is_active=True, expires_on__range=(today, today + datetime.timedelta(days=days)))
    out = [
        Due(NoticeKind.CREDENTIAL_EXPIRING, f"{days}d", lic.expires_on, None, lic.reviewer, str(lic))
        for lic in License.objects.filter(window).select_related("reviewer__user").order_by("pk")
    ]
    out += [
        Due(
            NoticeKind.CREDENTIAL_EXPIRING,
            f"{days}d",
            cert.expires_on,
            None,
            cert.reviewer,
            f"{cert.get_specialty_display()} board certification",
        )
        for cert in Certification.objects.filter(window).select_related("reviewer__user").order_by("pk")
    ]
    return out


ADMIN_ALERTS = {
    NoticeKind.AT_RISK: at_risk_cases,
    NoticeKind.OVERDUE: overdue_cases,
    NoticeKind.RECORDS_OVERDUE: records_overdue_cases,
    NoticeKind.CREDENTIAL_EXPIRING: expiring_credentials,
}


# -- sending ------------------------------------------------------------------------------------------
def administrator_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, groups__name=ADMINISTRATOR).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _claim(due: Due, recipients: int) -> Notice | None:
    """Insert the notice, or None when it exists (here, or in another process that committed first)."""
    try:
        with transaction.atomic():
            return Notice.objects.create(
                kind=due.kind,
                point=due.point,
                due_date=due.due_date,
                case=due.case,
                reviewer=due.reviewer,
                credential=due.credential,
                recipients=recipients,
            )
    except IntegrityError:
        return None


def _context(**extra) -> dict:
    return {"site_url": settings.IMR_SITE_URL, "organisation": settings.IMR_ORGANISATION["name"], **extra}


def _send_reviewer_reminder(due: Due) -> bool:
    email = due.reviewer.user.email
    case_number = due.case.case_number
    try:
        with transaction.atomic():
            if _claim(due, 1 if email else 0) is None:
                return False
            if email:
                body = render_to_string(
                    "reminders/email_reviewer_due.txt",
                    _context(
                        # Explicit fields, never the case itself: the template cannot reach PHI.
                        case_number=case_number,
                        due_date=due.due_date,
                        hours=due.point.removesuffix("h"),
                        path=reverse("reviews:workspace", kwargs={"case_number": case_number}),
                    ),
                )
                send_mail(
                    f"IMR case {case_number}: determination due {due.due_date:%B %-d, %Y}",
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
    except Exception:  # the notice is rolled back with it: the next run tries again
        logger.exception("Reminder %s (%s) not sent; the next run retries it", due.kind, due.point)
        return False
    return True


def _alert_lines(dues: Iterable[Due]) -> list[str]:
    lines = []
    for due in dues:
        if due.case is not None:
            path = reverse("cases:detail", kwargs={"case_number": due.case.case_number})
            link = f"{settings.IMR_SITE_URL}{path}"
            lines.append(f"{due.case.case_number}, due {due.due_date:%B %-d, %Y}: {link}")
        else:
            lines.append(f"{due.reviewer}: {due.credential} expires {due.due_date:%B %-d, %Y}")
    return lines


def _send_alert(kind: str, dues: list[Due], addresses: list[str]) -> int:
    """One e-mail to the administrators naming every newly due notice of one kind."""
    try:
        with transaction.atomic():
            claimed = [due for due in dues if _claim(due, len(addresses)) is not None]
            if claimed and addresses:
                body = render_to_string(
                    "reminders/email_alert.txt",
                    _context(
                        title=NoticeKind(kind).label,
                        lines=_alert_lines(claimed),
                        reviewers_path=reverse("reviews:assignment:reviewers"),
                        about_reviewers=kind == NoticeKind.CREDENTIAL_EXPIRING,
                    ),
                )
                send_mail(
                    f"IMR {NoticeKind(kind).label.removeprefix('Alert: ')}: {len(claimed)}",
                    body,
                    settings.DEFAULT_FROM_EMAIL,
                    addresses,
                )
    except Exception:
        logger.exception("Alert %s not sent; the next run retries it", kind)
        return 0
    return len(claimed)


def send_reminders(now: datetime.datetime | None = None) -> Counter:
    """Send every reminder and alert due at ``now`` that was not sent before; how many of each kind."""
    now = now or timezone.now()
    sent: Counter = Counter()
    for due in reviewer_reminders(now):
        sent[NoticeKind.REVIEWER_DUE] += _send_reviewer_reminder(due)
    addresses = administrator_addresses()
    for kind, rule in ADMIN_ALERTS.items():
        dues = rule(now)
        if dues:
            sent[kind] += _send_alert(kind, dues, addresses)
    return sent
