"""The audit record (issue 10, "Audit"): reads of health information, logins, changes with before and
after values and the actor; administrators filter and export it; nobody edits or deletes it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AccessEvent, AppendOnlyError, AuditAction
from audit.recording import READS
from cases.models import MedicalRecord
from tests import factories
from tests.auth import log_in

pytestmark = pytest.mark.django_db


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            names |= _names(p, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


def test_every_audited_page_exists_in_the_urlconf():
    assert set(READS) <= _names(get_resolver())


def test_reads_of_health_information_are_recorded_with_user_case_and_outcome(admin_client, admin_user):
    case = factories.CaseFactory()
    record = factories.MedicalRecordFactory(case=case)
    record.attach_pdf(factories.pdf_bytes())
    record.save()
    admin_client.get(reverse("cases:detail", args=[case.case_number]))
    admin_client.get(reverse("cases:record_file", args=[case.case_number, record.pk]))
    admin_client.get(reverse("reviews:workspace", args=[case.case_number]))
    admin_client.get(reverse("reviews:record_search", args=[case.case_number]), {"q": "back pain"})
    admin_client.get(reverse("cases:detail", args=["CM99-0000000"]))  # no such case: 404, still recorded
    events = list(AccessEvent.objects.order_by("id").values_list("action", "username", "case_number"))
    actions = [a for a, *_ in events if a != AuditAction.LOGIN]
    assert actions == [
        AuditAction.VIEW_CASE,
        AuditAction.VIEW_RECORD_FILE,
        AuditAction.VIEW_CASE_FILE,
        AuditAction.SEARCH_RECORDS,
        AuditAction.VIEW_CASE,
    ]
    search = AccessEvent.objects.get(action=AuditAction.SEARCH_RECORDS)
    assert search.username == admin_user.username and search.case_number == case.case_number
    assert search.detail == "query of 9 characters"  # never the words searched for
    assert AccessEvent.objects.get(case_number="CM99-0000000").status_code == 404
    assert AccessEvent.objects.get(action=AuditAction.VIEW_RECORD_FILE).object_id == str(record.pk)


def test_logins_and_failed_logins_are_recorded():
    user = factories.UserFactory(username="dr.audit")
    user.set_password("the-right-password-42")
    user.save()
    client = Client()
    client.post(reverse("login"), {"username": "dr.audit", "password": "wrong"})
    client.post(reverse("login"), {"username": "dr.audit", "password": "the-right-password-42"})
    client.post(reverse("logout"))
    assert list(AccessEvent.objects.order_by("id").values_list("action", "username")) == [
        (AuditAction.LOGIN_FAILED, "dr.audit"),
        (AuditAction.LOGIN, "dr.audit"),
        (AuditAction.LOGOUT, "dr.audit"),
    ]


def test_audit_entries_cannot_be_changed_or_deleted():
    event = AccessEvent.objects.create(action=AuditAction.LOGIN, username="someone")
    event.username = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().update(username="x")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_to_change_an_audit_entry():
    from django.db import connection

    event = AccessEvent.objects.create(action=AuditAction.LOGIN, username="someone")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_accessevent SET username = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_accessevent WHERE id = %s", [event.pk])


def test_the_admin_site_shows_the_audit_record_read_only():
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    log_in(client, superuser)
    event = AccessEvent.objects.create(action=AuditAction.LOGIN, username="someone")
    assert client.get(reverse("admin:audit_accessevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_accessevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:audit_accessevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_adding_a_record_keeps_the_actor_in_its_history(admin_client, admin_user):
    case = factories.CaseFactory()
    admin_client.post(
        reverse("cases:add_record", args=[case.case_number]),
        {"title": "QME report", "kind": "other", "text": "Permanent and stationary."},
    )
    record = MedicalRecord.objects.get(case=case)
    created = record.history.get(history_type="+")
    assert created.history_user == admin_user
    assert created.title == "QME report"


def test_the_audit_page_filters_by_user_and_time_and_is_for_administrators_only(admin_client, reviewer):
    AccessEvent.objects.create(action=AuditAction.LOGIN, username="dr.one")
    AccessEvent.objects.create(action=AuditAction.LOGIN, username="dr.two")
    page = admin_client.get(reverse("audit:log"), {"username": "dr.one"}).content.decode()
    assert "dr.one" in page and "dr.two" not in page
    page = admin_client.get(
        reverse("audit:log"), {"since": "2001-01-01", "until": "2001-01-02"}
    ).content.decode()
    assert "dr.one" not in page and "Nothing matches." in page
    client = Client()
    log_in(client, reviewer.user)
    assert client.get(reverse("audit:log")).status_code == 403
