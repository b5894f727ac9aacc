"""Outgoing webhooks against a real local HTTP receiver (CloudEvents 1.0, HMAC-SHA256)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.factories import UserFactory

from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent
from motcua.integrations import tasks, webhooks
from motcua.integrations.models import DeliveryState, WebhookDelivery

from .conftest import MONDAY, received_dossier

pytestmark = pytest.mark.django_db
ID_NUMBER = "001090012345"


@pytest.fixture
def subscription(commune, receiver):
    created = webhooks.subscription_create(
        unit=commune.unit, name="Hệ thống đối tác", target_url=receiver.url
    )
    receiver.secret = created.secret
    return created.subscription


def test_delivered_after_commit_signed_cloudevents(
    commune, version, receiver, subscription, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = received_dossier(commune, version)
    assert receiver.received, "nothing was POSTed"
    assert all(r.signature_ok for r in receiver.received)
    types = [r.body["type"] for r in receiver.received]
    assert "vn.motcua.dossier.received" in types
    received = next(r for r in receiver.received if r.body["type"].endswith(".received"))
    body = received.body
    assert body["specversion"] == "1.0"
    assert body["subject"] == dossier.code
    assert body["datacontenttype"] == "application/json"
    assert body["source"].endswith(f"/don-vi/{commune.unit.code}")
    assert body["data"]["dossier"]["state"] == "received"
    assert received.headers["x-motcua-timestamp"].isdigit()
    assert received.headers["content-type"].startswith("application/cloudevents+json")
    # No identity number anywhere in what left the system.
    assert all(ID_NUMBER not in str(r.body) for r in receiver.received)
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}


def test_nothing_is_sent_when_the_transaction_rolls_back(
    commune, version, receiver, subscription, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        received_dossier(commune, version)
        raise RuntimeError("rollback")
    assert callbacks == []
    assert receiver.calls == 0
    assert not WebhookDelivery.objects.exists()


def test_failure_is_retried_with_backoff_and_the_same_cloudevent_id(
    commune, version, receiver, subscription, django_capture_on_commit_callbacks
):
    receiver.fail_first = 2
    subscription.event_types = ["vn.motcua.dossier.received"]
    subscription.save()
    with django_capture_on_commit_callbacks(execute=True):
        received_dossier(commune, version)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.attempts == 1 and delivery.last_status_code == 500
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 20 < wait <= 30  # first back-off: 30 s
    assert tasks.retry_due() == 0  # not due yet: nothing sent
    assert receiver.calls == 1
    for expected_attempts, expected_state in ((2, DeliveryState.PENDING), (3, "delivered")):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert tasks.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == expected_attempts
        assert delivery.state == expected_state
    assert delivery.delivered_at is not None and delivery.last_status_code == 204
    assert len({r.body["id"] for r in receiver.received}) == 1  # idempotent for the receiver
    assert len(receiver.accepted()) == 1


def test_gives_up_after_max_attempts(
    commune, version, receiver, subscription, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA = {**settings.MOTCUA, "WEBHOOK_MAX_ATTEMPTS": 2}
    receiver.fail_first = 99
    subscription.event_types = ["vn.motcua.dossier.received"]
    subscription.save()
    with django_capture_on_commit_callbacks(execute=True):
        received_dossier(commune, version)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    tasks.retry_due()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 2 and delivery.next_attempt_at is None
    assert "500" in delivery.last_error


def test_unreachable_target_is_recorded(commune, version, subscription):
    subscription.target_url = "http://127.0.0.1:9/khong-co"  # discard port: refused
    subscription.save()
    event = received_dossier(commune, version).events.order_by("-seq").first()
    [pk] = webhooks.deliveries_for_event(event.pk)
    delivery = WebhookDelivery.objects.get(pk=pk)
    assert delivery.state == DeliveryState.PENDING
    assert delivery.last_status_code is None and delivery.last_error


def test_hook_is_idempotent(commune, version, receiver, subscription):
    dossier = received_dossier(commune, version)  # no commit: hooks not run yet
    event = dossier.events.order_by("-seq").first()
    first = webhooks.deliveries_for_event(event.pk)
    again = webhooks.deliveries_for_event(event.pk)
    assert len(first) == 1 and again == []
    assert WebhookDelivery.objects.filter(event=event).count() == 1
    assert receiver.calls == 1


def test_scope_is_the_unit_subtree_and_the_type_filter(
    province, commune, other_commune, version, receiver
):
    at_province = webhooks.subscription_create(
        unit=province, name="Tỉnh", target_url=receiver.url
    ).subscription
    receiver.secret = at_province.secret
    at_other = webhooks.subscription_create(
        unit=other_commune.unit, name="Xã khác", target_url=receiver.url
    ).subscription
    only_returned = webhooks.subscription_create(
        unit=commune.unit,
        name="Chỉ trả kết quả",
        target_url=receiver.url,
        event_types=["vn.motcua.dossier.returned"],
    ).subscription
    event = received_dossier(commune, version).events.order_by("-seq").first()
    webhooks.deliveries_for_event(event.pk)
    subscribed = set(WebhookDelivery.objects.values_list("subscription_id", flat=True))
    assert subscribed == {at_province.pk}
    assert at_other.pk not in subscribed and only_returned.pk not in subscribed


def test_event_type_names():
    event = DossierEvent(action="receive", from_state="draft", to_state="received")
    assert webhooks.event_type(event) == "vn.motcua.dossier.received"
    event = DossierEvent(action="assign", from_state="received", to_state="in_process")
    assert webhooks.event_type(event) == "vn.motcua.dossier.in_process"
    event = DossierEvent(action="apology", from_state="in_process", to_state="in_process")
    assert webhooks.event_type(event) == "vn.motcua.dossier.apology"


def test_subscription_refuses_bad_input(commune):
    from motcua.core.errors import DomainError

    with pytest.raises(DomainError):
        webhooks.subscription_create(unit=commune.unit, name="x", target_url="ftp://x")
    with pytest.raises(DomainError):
        webhooks.subscription_create(
            unit=commune.unit, name="x", target_url="https://x", event_types=["received"]
        )


# --- the delivery log page -------------------------------------------------------------------


@pytest.fixture
def delivered(commune, version, receiver, subscription):
    dossier = received_dossier(commune, version)
    event = dossier.events.order_by("-seq").first()
    [pk] = webhooks.deliveries_for_event(event.pk)
    return dossier, WebhookDelivery.objects.get(pk=pk)


def _get(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url), client


def test_log_visible_to_the_unit_admin_and_superuser_only(commune, other_commune, delivered):
    dossier, delivery = delivered
    url = reverse("integrations:webhook_log")
    response, _client = _get(commune.admin, url)
    assert response.status_code == 200
    page = response.content.decode()
    assert dossier.code in page and delivery.cloudevent_id in page
    assert "Đã gửi" in page
    response, _client = _get(other_commune.admin, url)
    assert response.status_code == 200 and dossier.code not in response.content.decode()
    response, _client = _get(commune.receiver, url)
    assert response.status_code == 403
    superuser = UserFactory(is_superuser=True, is_staff=True)
    response, _client = _get(superuser, url)
    assert response.status_code == 200 and dossier.code in response.content.decode()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302


def test_redeliver_sends_again_with_the_same_id(
    commune, other_commune, receiver, delivered, django_capture_on_commit_callbacks
):
    _dossier, delivery = delivered
    url = reverse("integrations:webhook_redeliver", args=[delivery.pk])
    client = Client()
    client.force_login(other_commune.admin)
    assert client.post(url).status_code == 404  # another commune's delivery
    client.force_login(commune.receiver)
    assert client.post(url).status_code == 404  # not a unit administrator
    assert receiver.calls == 1
    client.force_login(commune.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert receiver.calls == 2
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2
    assert receiver.received[0].body["id"] == receiver.received[1].body["id"]


def test_full_lifecycle_sends_one_event_per_step(
    commune, version, receiver, subscription, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = received_dossier(commune, version)
        d = services.dossier_assign(
            dossier=d, user=commune.leader, assignee=commune.specialist, at=MONDAY
        )
    assert WebhookDelivery.objects.count() == d.events.count()
    assert receiver.calls == d.events.count()


def test_with_a_broker_the_task_retries_itself_after_the_backoff(
    commune, version, receiver, subscription
):
    from celery.exceptions import Retry

    receiver.fail_first = 1
    event = received_dossier(commune, version).events.order_by("-seq").first()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        cloudevent_id=webhooks.cloudevent_id(subscription.pk, event.pk),
    )
    tasks.deliver.push_request(
        is_eager=False, id="t-1", retries=0, called_directly=False, args=[delivery.pk], kwargs={}
    )
    try:
        with pytest.raises(Retry) as retried:
            tasks.deliver.run(delivery.pk)
    finally:
        tasks.deliver.pop_request()
    assert retried.value.when == 30  # the stored back-off, handed to Celery
    delivery.refresh_from_db()
    assert delivery.attempts >= 1 and receiver.calls >= 1


def test_beat_schedule_names_registered_tasks(settings):
    from motcua.config.celery import app

    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"integrations.retry_due", "integrations.national_sync_due"} <= names
    app.loader.import_default_modules()
    assert {"integrations.retry_due", "integrations.national_sync_due", "integrations.deliver"} <= (
        set(app.tasks)
    )
