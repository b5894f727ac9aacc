"""Messages to the applicant when their dossier changes (TT 22/2019 art. 4; NĐ61 art. 20:
"notify the applicant in advance — SMS, e-mail").

`on_dossier_event` is registered on the dossier services' after-commit hooks
(`PortalConfig.ready`); it hands the event to the Celery task `portal.tasks.notify_event`
(eager in the embedded default), which sends one SMS (the applicant's phone) and/or one e-mail
through `portal.notify.notify`. Idempotent: a `Notification` row per event is claimed before
sending, so a re-run sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.portal.notify import notify

logger = logging.getLogger(__name__)

#: Events recorded with a time older than this (back-dated imports, demo data) are not sent.
NOTIFY_MAX_AGE_HOURS = 24

#: Actions the applicant is told about, with the message's first sentence.
NOTIFIED_ACTIONS = {
    "intake_request_supplement": gettext_noop("Hồ sơ cần bổ sung trước khi được tiếp nhận"),
    "intake_refuse": gettext_noop("Hồ sơ không được tiếp nhận"),
    "receive": gettext_noop("Hồ sơ đã được tiếp nhận"),
    "request_supplement": gettext_noop("Hồ sơ cần bổ sung giấy tờ"),
    "financial_obligation": gettext_noop("Hồ sơ chờ nộp phí, lệ phí hoặc nghĩa vụ tài chính"),
    "reject": gettext_noop("Hồ sơ không được giải quyết"),
    "apology": gettext_noop("Cơ quan xin lỗi vì chậm trả kết quả và hẹn lại ngày trả"),
    "approve": gettext_noop("Đã có kết quả giải quyết hồ sơ"),
    "stop": gettext_noop("Cơ quan đã dừng giải quyết hồ sơ"),
}


def _date(value: object) -> str:
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value) if isinstance(value, str) else None
    return timezone.localtime(parsed).strftime("%d/%m/%Y") if parsed else ""


def event_text(event: DossierEvent) -> str:
    """The message for `event` (plain Vietnamese, short enough for 2 SMS)."""
    d = event.dossier
    ref = d.code or f"#{d.pk}"
    parts = [
        _("Một Cửa – hồ sơ %(ref)s (%(procedure)s): %(what)s.")
        % {
            "ref": ref,
            "procedure": d.procedure_version.procedure.name,
            "what": _(NOTIFIED_ACTIONS[event.action]),
        }
    ]
    payload = event.payload or {}
    if event.action == "receive" and d.due_at:
        parts.append(
            _("Ngày hẹn trả kết quả: %(d)s.")
            % {"d": timezone.localtime(d.due_at).strftime("%d/%m/%Y")}
        )
    elif event.action == "apology":
        new = _date(payload.get("extended_due_at"))
        if new:
            parts.append(_("Ngày hẹn trả mới: %(d)s.") % {"d": new})
    elif event.action == "financial_obligation" and payload.get("amount"):
        parts.append(
            _("Số tiền: %(a)s đồng. Có thể thanh toán trực tuyến trên Cổng công dân.")
            % {"a": payload["amount"]}
        )
    elif event.action == "approve":
        parts.append(
            _("Mời ông/bà đến Bộ phận Một cửa – %(u)s nhận kết quả.") % {"u": d.current_unit.name}
        )
    items = payload.get("items")
    if isinstance(items, list) and items:
        parts.append(_("Nội dung: %(i)s.") % {"i": "; ".join(str(i) for i in items)[:300]})
    elif event.note and event.action != "approve":
        parts.append(event.note[:300])
    return " ".join(parts)


def send_to_applicant(dossier: Dossier, *, subject: str, text: str) -> int:
    """Send `text` to the applicant's phone (SMS) and e-mail, those of the dossier or else of
    the account. Returns the number of messages sent; a failing channel is logged."""
    account = dossier.applicant
    phone = dossier.applicant_phone or (account.phone if account else "")
    email = dossier.applicant_email or (account.email if account else "")
    sent = 0
    for channel, destination in (("sms", phone), ("email", email)):
        if not destination:
            continue
        try:
            notify(channel=channel, destination=destination, subject=subject, text=text)
        except Exception:  # one channel failing must not stop the other
            logger.exception("Notification by %s failed for dossier %s", channel, dossier.pk)
        else:
            sent += 1
    return sent


def send_event_notification(event_id: int) -> int:
    """Send the notification of one event once (see module doc). Returns messages sent."""
    from motcua.portal.models import Notification

    event = (
        DossierEvent.objects.select_related(
            "dossier__procedure_version__procedure", "dossier__current_unit", "dossier__applicant"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.action not in NOTIFIED_ACTIONS or not event.visible_to_applicant:
        return 0
    if event.at < timezone.now() - dt.timedelta(hours=NOTIFY_MAX_AGE_HOURS):
        return 0  # back-dated (imports, demo data): the news is old, nobody is told now
    _row, created = Notification.objects.get_or_create(event_id=event.pk)
    if not created:
        return 0
    text = event_text(event)
    sent = send_to_applicant(event.dossier, subject=_(NOTIFIED_ACTIONS[event.action]), text=text)
    Notification.objects.filter(event_id=event.pk).update(sent=sent)
    return sent


def on_dossier_event(event_id: int) -> None:
    """The dossier after-commit hook: queue the notification task."""
    from motcua.portal.tasks import notify_event

    notify_event.delay(event_id)
