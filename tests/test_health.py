"""Liveness and readiness answer without a login, tell an operator which dependency is down, and never
mention a case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import LetterStatus


def test_liveness_needs_no_login(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.integration
def test_readiness_checks_database_broker_and_storage(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "broker",
        "storage",
    }
    assert set(body["checks"]["broker"]["queue_depth"]) == {"letters", "default"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.integration
def test_readiness_fails_naming_the_broker_when_it_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_readiness_reports_the_age_of_the_oldest_queued_letter(client, db):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.models import DeterminationLetter
    from tests.factories import SignedReviewFactory

    review = SignedReviewFactory()
    letter = DeterminationLetter.objects.create(case=review.case, review=review, version=1)
    DeterminationLetter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.QUEUED, requested_at=timezone.now() - timedelta(minutes=7)
    )
    body = client.get(reverse("readyz")).json()
    assert body["letters"]["queued"] == 1
    assert 419 <= body["letters"]["oldest_queued_age_seconds"] <= 480
    assert review.case.case_number not in str(body)
