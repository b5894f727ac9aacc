"""Choices and labels of the statutory statistics (Biểu số 06/VPCP/KSTT, DOMAIN.md §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.calendar.constants import LimitUnit
from motcua.dossiers.constants import Channel, State

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Policy(models.TextChoices):
    """DOMAIN.md §3.4: how withdrawn/stopped/supplement-waiting dossiers are reported."""

    STRICT = "strict", _("Tách riêng (dòng ghi chú)")
    FOLDED = "folded", _("Gộp vào Đúng hạn / Trong hạn")


class Source(models.TextChoices):
    ROLLUP = "rollup", _("Bảng tổng hợp theo ngày")
    ORACLE = "oracle", _("Tính trực tiếp từ hồ sơ")


class EndKind(models.TextChoices):
    """How a dossier left the 'open' set (one footprint per dossier)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


# States whose `done` instant is finished_at (fall back to returned_at): "resolved" (§3.3).
RESOLVED_STATES = (State.RESULT_READY, State.RETURNED, State.REJECTED_AFTER_REVIEW)
# Closed without result (§0.2, §3.4): their end is closed_at.
CLOSED_OTHER_STATES = (State.WITHDRAWN, State.STOPPED)
# Never "received" (§1.13): no Mẫu 01 was issued.
NOT_RECEIVED_STATES = (
    State.DRAFT,
    State.SUBMITTED,
    State.INTAKE_SUPPLEMENT,
    State.INTAKE_REFUSED,
)
WAITING_STATES = (State.SUPPLEMENT_AFTER_REVIEW,)
DIRECT_POSTAL_CHANNELS = (Channel.COUNTER, Channel.POSTAL)
# Limits counted in days: classified by local date when CLASSIFY_DAY_LIMITS_BY_DATE (§2.5 (a)).
DAY_LIMIT_UNITS = (LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS)

FIGURE_KEYS: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_rejected",
    "pending_total",
    "pending_within",
    "pending_overdue",
    "closed_other_total",
    "withdrawn",
    "stopped",
)

# Vietnamese labels (Biểu 06 column names, DOMAIN.md §3.2) with the column number if any.
FIGURE_LABELS: dict[str, StrOrPromise] = {
    "received_total": _("Số hồ sơ nhận giải quyết – Tổng số"),
    "received_online": _("Trong đó: Trực tuyến"),
    "received_direct_postal": _("Trong đó: Trực tiếp, dịch vụ bưu chính"),
    "carried_over": _("Từ kỳ trước"),
    "resolved_total": _("Số hồ sơ đã giải quyết – Tổng số"),
    "resolved_early": _("Trước hạn"),
    "resolved_on_time": _("Đúng hạn"),
    "resolved_late": _("Quá hạn"),
    "resolved_rejected": _("Trong đó: từ chối giải quyết"),
    "pending_total": _("Số hồ sơ đang giải quyết – Tổng số"),
    "pending_within": _("Trong hạn"),
    "pending_overdue": _("Quá hạn"),
    "closed_other_total": _("Hồ sơ rút, dừng xử lý"),
    "withdrawn": _("Rút hồ sơ"),
    "stopped": _("Dừng xử lý"),
}

# The 11 figure columns of Biểu 06 (columns 3–13), in order.
BIEU06_COLUMNS: tuple[tuple[int, str], ...] = (
    (3, "received_total"),
    (4, "received_online"),
    (5, "received_direct_postal"),
    (6, "carried_over"),
    (7, "resolved_total"),
    (8, "resolved_early"),
    (9, "resolved_on_time"),
    (10, "resolved_late"),
    (11, "pending_total"),
    (12, "pending_within"),
    (13, "pending_overdue"),
)
