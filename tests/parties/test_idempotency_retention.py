"""Idempotency keys are kept for a retention period, then purged by Celery beat (api/idempotency.py)."""

from __future__ import annotations

import datetime

import time_machine
from django.conf import settings
from django.utils import timezone

from cases.models import MedicalRecord
from parties.models import IdempotencyRecord
from parties.tasks import purge_idempotency_keys
from tests import factories
from tests.parties.conftest import get_token
from tests.parties.test_api import upload

START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def _authorised(client, credentials):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {get_token(client, credentials)}"
    return client


def test_a_key_replays_within_its_retention_and_is_purged_after_it(
    client, api_client_credentials, own_case, settings
):
    settings.API_IDEMPOTENCY_RETENTION_HOURS = 24
    content = factories.pdf_bytes()
    with time_machine.travel(START, tick=False) as clock:
        api = _authorised(client, api_client_credentials)
        assert upload(api, own_case.case_number, content, **{"Idempotency-Key": "k-1"}).status_code == 201

        clock.move_to(START + datetime.timedelta(hours=23))
        api = _authorised(client, api_client_credentials)  # the first token has expired by now
        assert purge_idempotency_keys.apply().get() == 0
        again = upload(api, own_case.case_number, content, **{"Idempotency-Key": "k-1"})
        assert again["Idempotent-Replayed"] == "true"
        assert MedicalRecord.objects.filter(case=own_case).count() == 1

        clock.move_to(START + datetime.timedelta(hours=24, minutes=1))
        assert purge_idempotency_keys.apply().get() == 1
        assert not IdempotencyRecord.objects.exists()
        api = _authorised(client, api_client_credentials)
        later = upload(api, own_case.case_number, content, **{"Idempotency-Key": "k-1"})
        assert later.status_code == 201
        assert not later.has_header("Idempotent-Replayed")
        assert MedicalRecord.objects.filter(case=own_case).count() == 2


def test_the_retention_is_configurable(client, api_client_credentials, own_case, settings):
    settings.API_IDEMPOTENCY_RETENTION_HOURS = 2
    with time_machine.travel(START, tick=False) as clock:
        api = _authorised(client, api_client_credentials)
        upload(api, own_case.case_number, factories.pdf_bytes(), **{"Idempotency-Key": "short"})
        upload(api, own_case.case_number, factories.pdf_bytes(2), **{"Idempotency-Key": "newer"})
        IdempotencyRecord.objects.filter(key="newer").update(
            created_at=timezone.now() + datetime.timedelta(hours=1)
        )
        clock.move_to(START + datetime.timedelta(hours=2, seconds=1))
        assert purge_idempotency_keys.apply().get() == 1
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["newer"]


def test_a_key_past_its_retention_is_not_replayed_even_before_the_purge(
    client, api_client_credentials, own_case, settings
):
    settings.API_IDEMPOTENCY_RETENTION_HOURS = 24
    content = factories.pdf_bytes()
    with time_machine.travel(START, tick=False) as clock:
        api = _authorised(client, api_client_credentials)
        upload(api, own_case.case_number, content, **{"Idempotency-Key": "k-2"})
        clock.move_to(START + datetime.timedelta(hours=25))
        api = _authorised(client, api_client_credentials)
        response = upload(api, own_case.case_number, content, **{"Idempotency-Key": "k-2"})
        assert response.status_code == 201
        assert not response.has_header("Idempotent-Replayed")
        assert MedicalRecord.objects.filter(case=own_case).count() == 2


def test_celery_beat_runs_the_purge():
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "parties.purge_idempotency_keys" in entries
