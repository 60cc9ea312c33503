"""Webhooks: signatures, replay protection, retries with backoff, the delivery log and redelivery."""

from __future__ import annotations

import json
import time

import pytest

from parties import webhooks
from parties.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from tests.auth import log_in
from tests.parties.receiver import Receiver

SECRET = "whsec_test"


def test_a_signature_verifies_and_a_changed_body_does_not():
    body = b'{"type":"determination.issued"}'
    header = webhooks.sign(SECRET, int(time.time()), body)
    webhooks.verify_signature(SECRET, body, header)
    with pytest.raises(webhooks.WebhookSignatureError, match="does not match"):
        webhooks.verify_signature(SECRET, body.replace(b"issued", b"revoked"), header)
    with pytest.raises(webhooks.WebhookSignatureError, match="does not match"):
        webhooks.verify_signature("whsec_other", body, header)


def test_an_old_delivery_replayed_is_refused_by_its_timestamp():
    body = b"{}"
    sent = int(time.time()) - 600
    header = webhooks.sign(SECRET, sent, body)
    with pytest.raises(webhooks.WebhookSignatureError, match="replayed"):
        webhooks.verify_signature(SECRET, body, header)
    # The timestamp is signed: moving it forward breaks the signature.
    forged = header.replace(f"t={sent}", f"t={int(time.time())}")
    with pytest.raises(webhooks.WebhookSignatureError, match="does not match"):
        webhooks.verify_signature(SECRET, body, forged)
    with pytest.raises(webhooks.WebhookSignatureError, match="malformed"):
        webhooks.verify_signature(SECRET, body, "v1=abc")


def test_backoff_doubles_and_is_capped():
    assert [webhooks.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert webhooks.retry_delay(20) == 3600


@pytest.fixture
def subscription(org):
    def make(url: str, events=(WebhookEvent.STATUS_CHANGED,)):
        return WebhookSubscription.objects.create(organisation=org, url=url, events=list(events))

    return make


def test_a_status_change_is_delivered_signed_to_the_subscriber(
    subscription, own_case, django_capture_on_commit_callbacks
):
    from cases.services import transition_case

    with Receiver() as receiver:
        sub = subscription(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            transition_case(own_case, "start_eligibility_review")
        assert len(receiver.received) == 1
        headers, body = receiver.received[0]
    webhooks.verify_signature(sub.secret, body, headers["imr-signature"])
    payload = json.loads(body)
    assert payload["type"] == "case.status_changed"
    assert payload["data"] == {
        "case_number": own_case.case_number,
        "from": "Received",
        "to": "Eligibility Review",
    }
    assert headers["imr-event-id"] == payload["id"]
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_a_failing_receiver_is_retried_until_it_answers(
    subscription, own_case, django_capture_on_commit_callbacks
):
    with Receiver(answers=[500, 503]) as receiver:
        sub = subscription(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit(own_case and sub.organisation, WebhookEvent.STATUS_CHANGED, {"case_number": "x"})
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert len(receiver.received) == 3
    # Every attempt carried the same event id (receivers drop duplicates).
    assert len({headers["imr-event-id"] for headers, _ in receiver.received}) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert [a.status_code for a in delivery.attempt_log.order_by("at", "id")] == [500, 503, 204]


def test_a_delivery_out_of_attempts_fails_and_can_be_redelivered(
    subscription, org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    with Receiver(answers=[500, 500]) as receiver:
        sub = subscription(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit(org, WebhookEvent.STATUS_CHANGED, {"case_number": "x"})
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 2
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.redeliver(delivery)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert len(receiver.received) == 3


def test_an_unreachable_receiver_is_recorded_with_the_reason(
    subscription, org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    sub = subscription("http://127.0.0.1:9/nothing-listens-here")
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.emit(org, WebhookEvent.STATUS_CHANGED, {"case_number": "x"})
    attempt = WebhookDelivery.objects.get(subscription=sub).attempt_log.get()
    assert attempt.status_code is None and "Connection" in attempt.error


def test_only_subscribed_events_of_the_own_organisation_are_sent(subscription, org, other_org):
    sub = subscription("https://example.invalid/hooks", events=[WebhookEvent.DETERMINATION_ISSUED])
    assert webhooks.emit(org, WebhookEvent.STATUS_CHANGED, {}) == []
    assert webhooks.emit(other_org, WebhookEvent.DETERMINATION_ISSUED, {}) == []
    assert [d.subscription for d in webhooks.emit(org, WebhookEvent.DETERMINATION_ISSUED, {})] == [sub]


def test_subscribing_through_the_api_returns_the_secret_once(api, settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    refused = api.post(
        "/api/v1/webhooks/",
        {"url": "http://example.org/h", "events": ["records.requested"]},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "url"
    created = api.post(
        "/api/v1/webhooks/",
        {"url": "https://example.org/h", "events": ["records.requested"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    listed = api.get("/api/v1/webhooks/").json()
    assert listed[0]["url"] == "https://example.org/h" and "secret" not in listed[0]


def test_the_portal_delivery_log_redelivers_for_the_organisation_admin_only(
    client, portal_admin, portal_user, subscription, org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with Receiver(answers=[500]) as receiver:
        sub = subscription(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit(org, WebhookEvent.STATUS_CHANGED, {"case_number": "x"})
        delivery = WebhookDelivery.objects.get(subscription=sub)
        log_in(client, portal_user)
        assert client.get("/portal/webhooks/").status_code == 403
        log_in(client, portal_admin)
        page = client.get("/portal/webhooks/")
        assert str(delivery.event_id) in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/portal/webhooks/deliveries/{delivery.pk}/redeliver/")
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED


def test_in_production_a_url_into_our_own_network_is_refused_at_subscription_and_delivery(
    subscription, org, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert (
        webhooks.check_url("http://127.0.0.1:8000/h") == "the host 127.0.0.1 resolves to an internal address"
    )
    assert "internal address" in webhooks.check_url("https://10.1.2.3/h")
    with Receiver() as receiver:
        sub = subscription(receiver.url)  # subscribed before the rule applied
        settings.WEBHOOK_MAX_ATTEMPTS = 1
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.emit(org, WebhookEvent.STATUS_CHANGED, {"case_number": "x"})
        assert receiver.received == []
    attempt = WebhookDelivery.objects.get(subscription=sub).attempt_log.get()
    assert "internal address" in attempt.error
