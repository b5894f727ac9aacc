"""Daily deadline digest (beat task `dossiers.remind_deadlines`).

On each working day, every officer assigned to a dossier whose clock runs and that is due
within 01 working day (DOMAIN.md §2.1, the `due_soon` queue) or already overdue (the `overdue`
queue), and every leader of the unit holding such dossiers, receives ONE e-mail listing them
(code, procedure, appointment date — no applicant data). A `ReminderSent` row per person and
local day makes the job idempotent: running it twice the same day sends nothing the second
time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendar.workdays import fmt_date
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    RUNNING_STATES,
    due_before_q,
    next_working_day_end,
    work_calendar,
)
from motcua.ops.models import ReminderSent
from motcua.organisation.constants import Role
from motcua.organisation.models import Membership
from motcua.portal.notify import mail_connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueItem:
    code: str
    procedure: str
    due: dt.datetime
    overdue: bool


def due_items_by_user(now: dt.datetime) -> dict[int, list[DueItem]]:
    """{user id: items} for assignees and the leaders of the units holding the dossiers."""
    horizon = now + dt.timedelta(days=15)  # coarse bound; the exact limit is per unit below
    dossiers = (
        Dossier.objects.filter(due_before_q(horizon, inclusive=True), state__in=RUNNING_STATES)
        .select_related("current_unit", "procedure_version__procedure")
        .order_by("due_at", "pk")
    )
    limits: dict[int, dt.datetime] = {}
    per_unit: dict[int, list[tuple[int | None, DueItem]]] = defaultdict(list)
    for d in dossiers:
        unit_id = d.current_unit_id
        if unit_id not in limits:
            limits[unit_id] = next_working_day_end(now, d.current_unit)
        due = d.effective_due_at
        if due is None or due > limits[unit_id]:
            continue
        item = DueItem(
            code=d.code or f"#{d.pk}",
            procedure=str(d.procedure_version.procedure),
            due=due,
            overdue=due < now,
        )
        per_unit[unit_id].append((d.assignee_id, item))
    result: dict[int, list[DueItem]] = defaultdict(list)
    leaders: dict[int, set[int]] = defaultdict(set)
    for m in Membership.objects.filter(unit_id__in=per_unit, role=Role.LEADER).values(
        "unit_id", "user_id"
    ):
        leaders[m["unit_id"]].add(m["user_id"])
    for unit_id, items in per_unit.items():
        for assignee_id, item in items:
            recipients = set(leaders[unit_id])
            if assignee_id is not None:
                recipients.add(assignee_id)
            for user_id in recipients:
                result[user_id].append(item)
    return result


def _body(user: User, items: list[DueItem]) -> str:
    lines = [_("Kính gửi %(name)s,") % {"name": user.display_name}, ""]
    overdue = [i for i in items if i.overdue]
    soon = [i for i in items if not i.overdue]
    for title, group in (
        (_("Hồ sơ đã quá hạn"), overdue),
        (_("Hồ sơ đến hạn trong vòng 01 ngày làm việc"), soon),
    ):
        if not group:
            continue
        lines.append(f"{title} ({len(group)}):")
        for i in group:
            lines.append(
                f"- {i.code} — {i.procedure} — "
                + _("hẹn trả %(date)s") % {"date": fmt_date(timezone.localtime(i.due).date())}
            )
        lines.append("")
    lines.append(_("Thư tự động của hệ thống Một cửa; vui lòng không trả lời."))
    return "\n".join(lines)


def send_deadline_reminders(now: dt.datetime | None = None) -> int:
    """Send today's digests not sent yet; returns the number of e-mails sent."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if not work_calendar(None).is_working_day(today):
        return 0
    by_user = due_items_by_user(now)
    if not by_user:
        return 0
    done = set(
        ReminderSent.objects.filter(day=today, user_id__in=by_user).values_list(
            "user_id", flat=True
        )
    )
    users = list(
        User.objects.filter(pk__in=set(by_user) - done, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    if not users:
        return 0
    # One connection to the mail server for the run, not one per e-mail. A send that fails
    # (the server dropped the connection, an idle timeout) is tried once more on a fresh
    # connection; when the server cannot be reached the run stops, and the digests not sent
    # stay unmarked for the next run.
    connection = mail_connection()
    sent = 0
    try:
        if not _open(connection):
            return 0
        for user in users:
            outcome = _send_digest(user, by_user[user.pk], today, connection)
            if outcome is None:  # failed: once more on a fresh connection
                if not _reopen(connection):
                    break
                outcome = _send_digest(user, by_user[user.pk], today, connection)
                if outcome is None and not _reopen(connection):
                    break
            sent += bool(outcome)
    finally:
        connection.close()
    return sent


def _reopen(connection: Any) -> bool:
    connection.close()
    return _open(connection)


def _open(connection: Any) -> bool:
    """Open the mail connection; False (logged) when the server does not answer."""
    try:
        connection.open()
    except Exception:
        logger.exception("Mail server connection for the deadline reminders failed")
        return False
    return True


def _send_digest(user: User, items: list[DueItem], today: dt.date, connection: Any) -> bool | None:
    """Record and send one digest (both or neither): True when sent, False when another run
    sent it meanwhile, None when the send failed (logged; nothing recorded)."""
    subject = _("Một cửa: %(overdue)s hồ sơ quá hạn, %(soon)s hồ sơ sắp đến hạn") % {
        "overdue": sum(i.overdue for i in items),
        "soon": sum(not i.overdue for i in items),
    }
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, day=today, dossiers=len(items))
            send_mail(subject, _body(user, items), None, [user.email], connection=connection)
    except IntegrityError:
        return False  # sent meanwhile by another run
    except Exception:
        logger.exception("Deadline reminder to user %s failed", user.pk)
        return None
    return True
