"""Outgoing webhooks: CloudEvents 1.0 (structured JSON) POSTed to partner systems.

Flow (docs/dev/integrations.md):

1. `deliveries_for_event` is a dossier after-commit hook (`motcua.dossiers.tasks.register`): for
   every active subscription whose unit subtree holds the dossier's receiving unit and whose
   type filter accepts the event, one `WebhookDelivery` is created — unique per
   (subscription, event), so re-running the hook creates nothing twice — and the Celery task
   `integrations.deliver` is queued.
2. `delivery_attempt` claims the delivery (one sender at a time), POSTs the event signed with
   `X-Motcua-Signature: sha256=<HMAC-SHA256 of the body with the subscription secret>`, and
   records the outcome. A failure stores `next_attempt_at` (back-off 30 s × 2^(n−1)); after
   `WEBHOOK_MAX_ATTEMPTS` attempts the delivery is `failed`. The beat task
   `integrations.retry_due` re-sends what is due (the eager embedded mode cannot sleep).
3. The CloudEvents `id` is stable per (subscription, event): retries and redeliveries carry
   the same id, so a receiver drops duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.models import DeliveryState, WebhookDelivery, WebhookSubscription
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

TYPE_PREFIX = "vn.motcua.dossier."
SIGNATURE_HEADER = "X-Motcua-Signature"
TIMESTAMP_HEADER = "X-Motcua-Timestamp"
EVENT_ID_HEADER = "X-Motcua-Event-Id"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
#: Fixed namespace of the CloudEvents ids (uuid5 of "<subscription>:<event>").
ID_NAMESPACE = uuid.UUID("8f6c2d1e-4b7a-5c3d-9e8f-0a1b2c3d4e5f")
BACKOFF_BASE_SECONDS = 30
USER_AGENT = "MotCua-Webhook/1"


def max_attempts() -> int:
    return int(str(settings.MOTCUA.get("WEBHOOK_MAX_ATTEMPTS", 8)))


def timeout_seconds() -> float:
    return float(str(settings.MOTCUA.get("WEBHOOK_TIMEOUT", 5)))


def backoff_seconds(attempts: int) -> int:
    """Wait after the `attempts`-th failed attempt: 30 s, 60 s, 120 s, … (capped at 6 h)."""
    return int(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def event_type(event: DossierEvent) -> str:
    """`vn.motcua.dossier.<new state>` for a state change (`…received`, `…returned`),
    `vn.motcua.dossier.<action>` otherwise (`…assign`, `…apology`)."""
    if event.to_state and event.to_state != event.from_state:
        return TYPE_PREFIX + event.to_state
    return TYPE_PREFIX + event.action


def cloudevent_id(subscription_id: int, event_id: int) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{subscription_id}:{event_id}"))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def cloudevent(delivery: WebhookDelivery) -> dict[str, Any]:
    """The CloudEvents 1.0 structured envelope of a delivery. `data` carries the dossier's
    status, never the identity number, phone, e-mail or address of the applicant."""
    event = delivery.event
    dossier = event.dossier
    base = str(settings.MOTCUA.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return {
        "specversion": "1.0",
        "id": delivery.cloudevent_id,
        "source": f"{base}/don-vi/{dossier.unit.code}",
        "type": event_type(event),
        "subject": dossier.code or f"#{dossier.pk}",
        "time": _iso(event.at),
        "datacontenttype": "application/json",
        "data": {
            "dossier": {
                "code": dossier.code,
                "unit": dossier.unit.code,
                "current_unit": dossier.current_unit.code,
                "procedure": dossier.procedure_version.procedure.code,
                "channel": dossier.channel,
                "state": dossier.state,
                "version": dossier.version,
                "applicant_name": dossier.applicant_name,
                "submitted_at": _iso(dossier.submitted_at),
                "received_at": _iso(dossier.received_at),
                "due_at": _iso(dossier.effective_due_at),
                "finished_at": _iso(dossier.finished_at),
                "returned_at": _iso(dossier.returned_at),
            },
            "event": {
                "seq": event.seq,
                "action": event.action,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "at": _iso(event.at),
            },
        },
    }


# ---------------------------------------------------------------------------------------------
# Subscriptions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatedSubscription:
    subscription: WebhookSubscription
    secret: str  # shown once


def may_manage(user: Any, unit: Unit) -> bool:
    """Unit administrators of `unit` manage its subscriptions; superusers manage all."""
    from motcua.organisation.selectors import user_has_role

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return user_has_role(user, unit, Role.UNIT_ADMIN)


def subscription_create(
    *,
    unit: Unit,
    name: str,
    target_url: str,
    event_types: Iterable[str] = (),
    created_by: User | None = None,
) -> CreatedSubscription:
    """A new subscription with a fresh random secret (returned once)."""
    if not target_url.startswith(("http://", "https://")):
        raise DomainError(_("Địa chỉ nhận phải bắt đầu bằng http:// hoặc https://."))
    types = sorted({t.strip() for t in event_types if t.strip()})
    bad = [t for t in types if not t.startswith(TYPE_PREFIX)]
    if bad:
        raise DomainError(
            _("Loại sự kiện phải bắt đầu bằng %(p)s: %(bad)s.")
            % {"p": TYPE_PREFIX, "bad": ", ".join(bad)}
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    subscription = WebhookSubscription.objects.create(
        unit=unit,
        name=name.strip() or target_url,
        target_url=target_url,
        secret=secret,
        event_types=types,
        created_by=created_by,
    )
    return CreatedSubscription(subscription, secret)


# ---------------------------------------------------------------------------------------------
# The after-commit hook
# ---------------------------------------------------------------------------------------------


def _subscriptions_for(dossier: Dossier) -> list[WebhookSubscription]:
    codes = [c for c in dossier.unit.path.split("/") if c] or [dossier.unit.code]
    return list(WebhookSubscription.objects.filter(active=True, unit__code__in=codes))


def deliveries_for_event(event_id: int) -> list[int]:
    """Hook: create the deliveries of a committed event and queue them. Idempotent."""
    event = DossierEvent.objects.select_related("dossier__unit").filter(pk=event_id).first()
    if event is None:
        return []
    kind = event_type(event)
    created: list[int] = []
    for subscription in _subscriptions_for(event.dossier):
        if not subscription.wants(kind):
            continue
        try:
            with transaction.atomic():
                delivery, was_created = WebhookDelivery.objects.get_or_create(
                    subscription=subscription,
                    event=event,
                    defaults={"cloudevent_id": cloudevent_id(subscription.pk, event.pk)},
                )
        except IntegrityError:  # created by a concurrent run of the hook
            continue
        if was_created:
            created.append(delivery.pk)
    if created:
        from motcua.integrations.tasks import deliver

        for pk in created:
            deliver.delay(pk)
    return created


def on_dossier_event(event_id: int) -> None:
    """The registered after-commit hook (`IntegrationsConfig.ready`)."""
    deliveries_for_event(event_id)


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptResult:
    sent: bool  # False: nothing was due (already delivered, failed, or claimed elsewhere)
    delivered: bool = False
    retry_in: int | None = None  # seconds until the next attempt, after a failure


def _claim(delivery_id: int, now: dt.datetime, force: bool) -> bool:
    """Take the delivery for one attempt: only a pending one that is due (or `force`). The
    claim pushes `next_attempt_at` past the timeout so a concurrent sender skips it."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    query = WebhookDelivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING)
    if not force:
        query = query.filter(due)
    lease = now + dt.timedelta(seconds=timeout_seconds() * 2 + 5)
    return query.update(next_attempt_at=lease) == 1


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body`; the HTTP status (raises `urllib.error.URLError`/`OSError` when unreachable).
    A 3xx is not followed (the target must be the final address)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def delivery_attempt(
    delivery_id: int, *, now: dt.datetime | None = None, force: bool = False
) -> AttemptResult:
    """Send one attempt of the delivery if it is due; record the outcome."""
    now = now or timezone.now()
    if not _claim(delivery_id, now, force):
        return AttemptResult(sent=False)
    delivery = WebhookDelivery.objects.select_related(
        "subscription",
        "event__dossier__unit",
        "event__dossier__current_unit",
        "event__dossier__procedure_version__procedure",
    ).get(pk=delivery_id)
    body = json.dumps(cloudevent(delivery), ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": CONTENT_TYPE,
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(delivery.subscription.secret, body),
        TIMESTAMP_HEADER: str(int(now.timestamp())),
        EVENT_ID_HEADER: delivery.cloudevent_id,
    }
    status: int | None = None
    error = ""
    try:
        status = post_json(delivery.subscription.target_url, body, headers, timeout_seconds())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:500] or exc.__class__.__name__
    ok = status is not None and 200 <= status < 300
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": status,
        "updated_at": timezone.now(),
    }
    if ok:
        fields.update(
            state=DeliveryState.DELIVERED, delivered_at=now, next_attempt_at=None, last_error=""
        )
        WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
        return AttemptResult(sent=True, delivered=True)
    fields["last_error"] = error or _("Địa chỉ nhận trả về mã %(code)s.") % {"code": status}
    if attempts >= max_attempts():
        fields.update(state=DeliveryState.FAILED, next_attempt_at=None)
        WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
        return AttemptResult(sent=True)
    wait = backoff_seconds(attempts)
    fields["next_attempt_at"] = now + dt.timedelta(seconds=wait)
    WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
    return AttemptResult(sent=True, retry_in=wait)


def due_delivery_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_redeliver(*, delivery: WebhookDelivery, user: Any) -> WebhookDelivery:
    """ "Gửi lại": the delivery goes back to pending (same CloudEvents id) and is queued after
    the commit. Unit administrators of the subscription's unit, or a superuser."""
    if not may_manage(user, delivery.subscription.unit):
        raise PermissionDenied()
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.PENDING,
            next_attempt_at=None,
            last_error="",
            updated_at=timezone.now(),
        )

        def _queue() -> None:
            from motcua.integrations.tasks import deliver

            deliver.delay(delivery.pk)

        transaction.on_commit(_queue)
    delivery.refresh_from_db()
    return delivery
