"""Background tasks of the feedback app (take ids, idempotent)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="feedback.tasks.notify_leaders_unhappy_rating")
def notify_leaders_unhappy_rating(rating_id: int) -> int:
    """E-mail the leaders of the dossier's unit about an unhappy rating; once per rating
    (`leaders_notified_at`). Returns the number of messages sent."""
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from motcua.feedback.constants import RATING_REASONS
    from motcua.feedback.models import Rating
    from motcua.feedback.selectors import unit_leaders
    from motcua.portal.notify import notify

    with transaction.atomic():
        rating = (
            Rating.objects.select_for_update()
            .select_related("dossier__procedure_version__procedure", "unit")
            .filter(pk=rating_id, satisfied=False, leaders_notified_at__isnull=True)
            .first()
        )
        if rating is None:
            return 0
        reasons = "; ".join(str(RATING_REASONS.get(r, r)) for r in rating.reasons)
        subject = _("Đánh giá chưa hài lòng: hồ sơ %(code)s") % {"code": rating.dossier.code}
        text = _(
            "Người dân đánh giá CHƯA HÀI LÒNG với hồ sơ %(code)s (%(procedure)s) của %(unit)s.\n"
            "Lý do: %(reasons)s\nÝ kiến: %(comment)s\n"
            "Xem danh sách đánh giá chưa hài lòng trên trang quản lý, mục Phản ánh."
        ) % {
            "code": rating.dossier.code,
            "procedure": rating.dossier.procedure_version.procedure.name,
            "unit": rating.unit.name,
            "reasons": reasons or "—",
            "comment": rating.comment or "—",
        }
        sent = 0
        for leader in unit_leaders(rating.unit):
            try:
                notify(channel="email", destination=leader.email, subject=subject, text=text)
                sent += 1
            except Exception:  # one bad address must not stop the others
                logger.exception("Could not e-mail leader %s about rating %s", leader.pk, rating_id)
        rating.leaders_notified_at = timezone.now()
        rating.save(update_fields=["leaders_notified_at"])
    return sent


@shared_task(name="feedback.tasks.notify_sender")
def notify_sender(feedback_id: int) -> int:
    """Tell the sender about a refusal, a request for information or the approved answer —
    by e-mail when given, else by SMS. Idempotent: events up to `sender_notified_seq` were
    already told. Returns the number of messages sent."""
    from django.conf import settings
    from django.db import transaction
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from motcua.feedback.models import Feedback
    from motcua.feedback.workflow import Action
    from motcua.portal.notify import notify

    told = {Action.REFUSE, Action.REQUEST_INFO, Action.APPROVE_ANSWER}
    with transaction.atomic():
        f = Feedback.objects.select_for_update().filter(pk=feedback_id).first()
        if f is None or not (f.sender_email or f.sender_phone):
            return 0
        events = list(
            f.events.filter(seq__gt=f.sender_notified_seq, action__in=told).order_by("seq")
        )
        if not events:
            return 0
        base = str(settings.MOTCUA.get("PUBLIC_BASE_URL", "")).rstrip("/")
        link = f"{base}{reverse('feedback:lookup')}?ma={f.code}"
        sent = 0
        for event in events:
            if event.action == Action.REFUSE:
                text = _("Phản ánh %(c)s không thuộc phạm vi xử lý. Lý do: %(r)s") % {
                    "c": f.code,
                    "r": event.note,
                }
            elif event.action == Action.REQUEST_INFO:
                text = _("Đề nghị bổ sung thông tin cho phản ánh %(c)s: %(n)s") % {
                    "c": f.code,
                    "n": event.note,
                }
            else:
                text = _("Phản ánh %(c)s đã có trả lời:\n%(a)s") % {"c": f.code, "a": f.answer}
            text += "\n" + _("Tra cứu: %(l)s") % {"l": link}
            channel, destination = (
                ("email", f.sender_email) if f.sender_email else ("sms", f.sender_phone)
            )
            if channel == "sms":
                text = text[:300]
            try:
                notify(
                    channel=channel,
                    destination=destination,
                    subject=_("Phản ánh, kiến nghị %(c)s") % {"c": f.code},
                    text=text,
                )
                sent += 1
            except Exception:
                logger.exception("Could not notify the sender of feedback %s", feedback_id)
        f.sender_notified_seq = events[-1].seq
        f.save(update_fields=["sender_notified_seq"])
    return sent
