"""Reminders and alerts: each sent once, at the right moment on California's clock, with a frozen clock.

The server's zone is set to Tokyo throughout, so a rule that counted in the server's zone (or in UTC)
would fire on the wrong day. Daylight saving time in 2026 starts on March 8 and ends on November 1.
"""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from cases import clocks
from reminders.models import Notice, NoticeKind
from reminders.services import send_reminders
from tests import factories

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    """A UTC instant, e.g. at("2026-03-08 08:00")."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture(autouse=True)
def _server_in_tokyo(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    settings.IMR_REMINDER_HOURS = {"standard": [72, 24], "expedited": [24, 8]}
    settings.IMR_AT_RISK_HOURS = 48
    settings.IMR_CREDENTIAL_WARNING_DAYS = 30
    settings.IMR_SITE_URL = "https://imr.example.org"


def run(when: str):
    mail.outbox.clear()
    with time_machine.travel(at(when), tick=False):
        return send_reminders()


def to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def held_case(complete: datetime.date, review_type: str = "standard", **kwargs):
    """An in-review case whose records completed on ``complete``, held by a reviewer."""
    case = factories.CaseFactory(
        status="in_review",
        review_type=review_type,
        received_date=complete - datetime.timedelta(days=3),
        records_complete_date=complete,
        **kwargs,
    )
    assignment = factories.AssignmentFactory(case=case, accepted_at=at("2026-01-01 00:00"))
    return case, assignment.reviewer


@pytest.mark.django_db
def test_due_dates_are_counted_on_dates_across_daylight_saving():
    """Records complete the day before the clocks change: 30 and 3 calendar days, never 720 or 72 hours."""
    standard = factories.CaseFactory(records_complete_date=datetime.date(2026, 3, 7))
    expedited = factories.CaseFactory(
        records_complete_date=datetime.date(2026, 3, 7), review_type="expedited"
    )
    assert standard.due_date == datetime.date(2026, 4, 6)
    assert expedited.due_date == datetime.date(2026, 3, 10)
    # The due date ends at midnight California time: PST before the change, PDT after it.
    assert clocks.deadline_at(datetime.date(2026, 3, 7)) == at("2026-03-08 08:00")
    assert clocks.deadline_at(datetime.date(2026, 3, 8)) == at("2026-03-09 07:00")


@pytest.mark.django_db
def test_days_left_count_californias_date_not_the_servers():
    case = factories.CaseFactory(records_complete_date=datetime.date(2026, 2, 8))  # due March 10
    # 16:00 UTC on March 10 is already March 11 in Tokyo, still March 10 (09:00) in California.
    with time_machine.travel(at("2026-03-10 16:00"), tick=False):
        clock = clocks.case_clock(case)
    assert (clock.days_left, clock.overdue, clock.label) == (0, False, "due today")


@pytest.mark.django_db
def test_reviewer_reminded_72_and_24_hours_before_once_each_across_spring_forward():
    case, reviewer = held_case(datetime.date(2026, 2, 8))  # due March 10; clocks go forward March 8
    address = reviewer.user.email
    # 72 h before midnight ending March 10 is midnight starting March 8, still PST (08:00 UTC).
    run("2026-03-08 07:59")
    assert to(address) == []
    run("2026-03-08 08:00")
    (reminder,) = to(address)
    assert case.case_number in reminder.subject and "March 10, 2026" in reminder.subject
    assert "https://imr.example.org/reviews/cases/" in reminder.body
    run("2026-03-08 20:00")
    assert to(address) == [], "running the job again sends nothing new"
    # 24 h before: midnight starting March 10, now PDT (07:00 UTC).
    run("2026-03-10 06:59")
    assert to(address) == []
    run("2026-03-10 07:00")
    assert len(to(address)) == 1
    run("2026-03-10 16:00")  # March 11 in Tokyo: neither a new reminder nor overdue yet
    assert mail.outbox == []
    assert list(Notice.objects.filter(case=case).values_list("kind", "point").order_by("id")) == [
        (NoticeKind.REVIEWER_DUE, "72h"),
        (NoticeKind.AT_RISK, "48h"),
        (NoticeKind.REVIEWER_DUE, "24h"),
    ]


@pytest.mark.django_db
def test_reviewer_reminder_across_fall_back():
    _, reviewer = held_case(datetime.date(2026, 10, 3))  # due November 2; clocks go back November 1
    # 72 h before midnight ending November 2 (PST) is midnight starting October 31, PDT: 07:00 UTC.
    run("2026-10-31 06:59")
    assert to(reviewer.user.email) == []
    run("2026-10-31 07:00")
    assert len(to(reviewer.user.email)) == 1


@pytest.mark.django_db
def test_expedited_case_gets_only_the_closest_point_when_assigned_late():
    case, reviewer = held_case(datetime.date(2026, 3, 7), review_type="expedited")  # due March 10
    # Expedited points are 24 h and 8 h. The first run after 16:00 PDT on March 10 sends only the 8 h one.
    run("2026-03-10 23:30")
    (reminder,) = to(reviewer.user.email)
    assert "8 hours" in reminder.body
    assert Notice.objects.get(case=case, kind=NoticeKind.REVIEWER_DUE).point == "8h"
    run("2026-03-10 23:45")
    assert to(reviewer.user.email) == []


@pytest.mark.django_db
def test_reassigned_case_reminds_the_new_reviewer():
    case, first = held_case(datetime.date(2026, 2, 8))
    run("2026-03-08 09:00")
    assert len(to(first.user.email)) == 1
    case.assignments.update(active=False)
    second = factories.AssignmentFactory(case=case).reviewer
    run("2026-03-08 10:00")
    assert to(first.user.email) == []
    assert len(to(second.user.email)) == 1


@pytest.mark.django_db
def test_reminder_has_no_health_information():
    case, reviewer = held_case(
        datetime.date(2026, 2, 8),
        injury_description="Crush injury of the left hand at the press",
        employer="Acme Stamping",
        diagnoses=["crush injury"],
    )
    factories.AdminUserFactory(email="ops@example.org")
    run("2026-03-10 07:00")
    assert mail.outbox
    for message in mail.outbox:
        text = message.subject + message.body
        for phi in ("Crush", "crush", "Acme", "hand", case.claims_administrator):
            assert phi not in text


@pytest.mark.django_db
def test_administrators_alerted_once_to_cases_at_risk_unless_near_completion():
    admin = factories.AdminUserFactory(email="ops@example.org")
    complete = datetime.date(2026, 2, 8)  # due March 10: 48 h before is 07:00 UTC on March 9
    waiting = factories.CaseFactory(status="eligible", records_complete_date=complete)
    partly, _ = held_case(complete)
    review = factories.ReviewFactory(case=partly)
    factories.ItemDecisionFactory(review=review, decision="Upheld")
    factories.ItemDecisionFactory(review=review, decision="")
    decided, _ = held_case(complete)
    review = factories.ReviewFactory(case=decided)
    factories.ItemDecisionFactory(review=review, decision="Overturned")
    in_qa, _ = held_case(complete)
    factories.DisputedItemFactory(case=in_qa)
    factories.ReviewFactory(case=in_qa, status="in_qa")

    run("2026-03-09 06:59")
    assert to(admin.email) == []
    run("2026-03-09 07:00")
    (alert,) = to(admin.email)
    assert waiting.case_number in alert.body and partly.case_number in alert.body
    assert decided.case_number not in alert.body and in_qa.case_number not in alert.body
    assert "https://imr.example.org/cases/" in alert.body
    run("2026-03-09 12:00")
    assert to(admin.email) == []


@pytest.mark.django_db
def test_overdue_alert_once_on_californias_next_day():
    admin = factories.AdminUserFactory(email="ops@example.org")
    case = factories.CaseFactory(status="eligible", records_complete_date=datetime.date(2026, 2, 8))
    factories.CaseFactory(status="determination_issued", records_complete_date=datetime.date(2026, 2, 8))
    run("2026-03-11 06:59")  # 23:59 on March 10 in California
    assert not Notice.objects.filter(kind=NoticeKind.OVERDUE).exists()
    run("2026-03-11 07:00")
    (alert,) = [m for m in to(admin.email) if "overdue" in m.subject]
    assert case.case_number in alert.body
    assert Notice.objects.filter(kind=NoticeKind.OVERDUE).count() == 1  # not the issued case
    run("2026-03-12 07:00")
    assert to(admin.email) == []


@pytest.mark.django_db
def test_records_overdue_from_the_claims_administrator():
    admin = factories.AdminUserFactory(email="ops@example.org")
    case = factories.CaseFactory(
        status="records_requested",
        received_date=datetime.date(2026, 1, 30),
        records_complete_date=None,
        records_requested_date=datetime.date(2026, 2, 1),
    )  # mailed: records due 15 days later, February 16
    run("2026-02-17 07:59")  # 23:59 on February 16 in California
    assert not Notice.objects.filter(kind=NoticeKind.RECORDS_OVERDUE).exists()
    run("2026-02-17 08:00")
    (alert,) = to(admin.email)
    assert case.case_number in alert.body and "February 16, 2026" in alert.body
    run("2026-02-18 08:00")
    assert to(admin.email) == []


@pytest.mark.django_db
def test_expiring_credentials_alerted_once_and_again_only_for_a_new_expiry():
    admin = factories.AdminUserFactory(email="ops@example.org")
    reviewer = factories.ReviewerProfileFactory()
    license = factories.LicenseFactory(reviewer=reviewer, state="CA", expires_on=datetime.date(2026, 3, 31))
    factories.CertificationFactory(reviewer=reviewer, expires_on=datetime.date(2027, 1, 1))
    run("2026-02-28 12:00")  # 31 days before
    assert to(admin.email) == []
    run("2026-03-01 12:00")
    (alert,) = to(admin.email)
    assert "California license expires March 31, 2026" in alert.body
    run("2026-03-02 12:00")
    assert to(admin.email) == []
    license.expires_on = datetime.date(2026, 4, 15)  # renewed for two weeks only
    license.save()
    run("2026-03-20 12:00")
    assert "April 15, 2026" in to(admin.email)[0].body


@pytest.mark.django_db
def test_a_failed_email_is_not_recorded_and_goes_out_on_the_next_run(monkeypatch):
    _, reviewer = held_case(datetime.date(2026, 2, 8))

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("reminders.services.send_mail", refuse)
    run("2026-03-08 09:00")
    assert not Notice.objects.exists()
    monkeypatch.undo()
    run("2026-03-08 09:15")
    assert len(to(reviewer.user.email)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_send_each_reminder_once():
    """Two runs racing (two beat or worker processes): the unique constraint, not a prior SELECT,
    decides which one sends."""
    _, reviewer = held_case(datetime.date(2026, 2, 8))
    factories.AdminUserFactory(email="ops@example.org")
    barrier = threading.Barrier(2)
    errors = []

    def race():
        try:
            barrier.wait()
            send_reminders()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    mail.outbox.clear()
    with time_machine.travel(at("2026-03-10 07:00"), tick=False):
        threads = [threading.Thread(target=race) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(to(reviewer.user.email)) == 1
    assert len(to("ops@example.org")) == 1
    assert Notice.objects.count() == 2


@pytest.mark.django_db
def test_case_page_shows_the_notices(admin_client):
    case, _ = held_case(datetime.date(2026, 2, 8))
    run("2026-03-08 09:00")
    page = admin_client.get(reverse("cases:detail", args=[case.case_number])).content.decode()
    assert "Reminders and alerts" in page
    assert "Reminder to the reviewer: determination due, 72 h before the end of Mar 10, 2026" in page


def test_beat_runs_the_reminders(settings):
    from imr_site.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-reminders"]
    assert entry["task"] == "reminders.send_reminders"
    assert "reminders.send_reminders" in app.tasks


@pytest.mark.django_db
def test_the_task_sends_what_is_due():
    from reminders.tasks import send_reminders as task

    _, reviewer = held_case(datetime.date(2026, 2, 8))
    with time_machine.travel(at("2026-03-08 09:00"), tick=False):
        task.delay()
    assert len(to(reviewer.user.email)) == 1
