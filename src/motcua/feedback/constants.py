"""Choices, labels and the deadline settings of ratings and phản ánh, kiến nghị (PAKN).

Deadlines (docs/domain/feedback.md): the values of QĐ 766/QĐ-TTg indicator 5.2 "Tiến độ xử lý
PAKN" (DOMAIN.md §4.2), which measures the handling rules of Nghị định 20/2008/NĐ-CP (as amended
by Nghị định 92/2017/NĐ-CP). The article numbers of the decree were not verified (❓), so every
value is a setting in `settings.MOTCUA` with this default (docs/domain/settings.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng công dân (tài khoản)")
    LOOKUP = "lookup", _("Tra cứu bằng mã hồ sơ")
    COUNTER = "counter", _("Tại Bộ phận Một cửa")


#: Reasons a citizen can tick when not satisfied (checkbox list; free text goes in `comment`).
RATING_REASONS: dict[str, str | Promise] = {
    "late": _("Trả kết quả chậm so với ngày hẹn"),
    "extra_papers": _("Bị yêu cầu giấy tờ ngoài quy định"),
    "many_trips": _("Phải đi lại nhiều lần"),
    "attitude": _("Thái độ của cán bộ chưa tốt"),
    "guidance": _("Hướng dẫn chưa rõ ràng, đầy đủ"),
    "extra_cost": _("Phải trả chi phí ngoài quy định"),
    "result_error": _("Kết quả có sai sót"),
    "other": _("Lý do khác"),
}


class FeedbackKind(models.TextChoices):
    REFLECTION = "phan_anh", _("Phản ánh")
    RECOMMENDATION = "kien_nghi", _("Kiến nghị")


class FeedbackTopic(models.TextChoices):
    """Classification used by QĐ 766 indicator 5.1 (DOMAIN.md §4.2)."""

    REGULATION = "regulation", _("Quy định hành chính, thủ tục hành chính")
    BEHAVIOUR = "behaviour", _("Hành vi của cán bộ, công chức")
    OTHER = "other", _("Nội dung khác")


class FeedbackChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng công dân")
    OPEN311 = "open311", _("Open311 (hệ thống khác)")
    API = "api", _("API")
    COUNTER = "counter", _("Tại Bộ phận Một cửa")


class FeedbackState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận, chờ phân loại")
    REFUSED = "refused", _("Không thuộc phạm vi xử lý")
    ACCEPTED = "accepted", _("Đã phân loại, chờ phân công xử lý")
    HANDLING = "handling", _("Đang xử lý")
    ANSWER_PROPOSED = "answer_proposed", _("Đã dự thảo trả lời, chờ lãnh đạo duyệt")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai kết quả xử lý")


FEEDBACK_CLOSED_STATES = frozenset({FeedbackState.REFUSED, FeedbackState.PUBLISHED})
#: States that answer "closed" in Open311 (GeoReport v2 has only open/closed).
OPEN311_CLOSED_STATES = frozenset(
    {FeedbackState.REFUSED, FeedbackState.ANSWERED, FeedbackState.PUBLISHED}
)

#: What the citizen reads for each state (status page, Open311 `status_notes`).
CITIZEN_FEEDBACK_LABELS: dict[str, str | Promise] = {
    FeedbackState.RECEIVED: _("Đã tiếp nhận, đang phân loại"),
    FeedbackState.REFUSED: _("Không thuộc phạm vi xử lý của cơ quan (xem lý do)"),
    FeedbackState.ACCEPTED: _("Đã thụ lý, đang phân công xử lý"),
    FeedbackState.HANDLING: _("Đang xử lý"),
    FeedbackState.ANSWER_PROPOSED: _("Đang xử lý"),
    FeedbackState.ANSWERED: _("Đã có kết quả trả lời"),
    FeedbackState.PUBLISHED: _("Đã có kết quả trả lời và đã công khai"),
}


class DeadlineStatus(models.TextChoices):
    OVERDUE = "overdue", _("Quá hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    ON_TRACK = "on_track", _("Trong hạn")
    DONE = "done", _("Đã xong")


#: Defaults of the deadline settings (working days, DOMAIN.md §4.2 indicator 5.2 ❓).
DEFAULTS: dict[str, Any] = {
    # Classify (accept, or refuse as not in scope with the reason) within N working days.
    "FEEDBACK_CLASSIFY_DAYS": 2,
    # Ask the sender for missing information within N working days of the receipt.
    "FEEDBACK_INFO_REQUEST_DAYS": 5,
    # Answer (handled, approved by the leader) within N working days of the receipt.
    "FEEDBACK_ANSWER_DAYS": 15,
    # Publish the answer within N working days of the answer.
    "FEEDBACK_PUBLISH_DAYS": 2,
    # Open311 `GET requests.json` also lists accepted, still open requests (subject only).
    "OPEN311_LIST_OPEN": False,
    # Open311 API keys accepted for `POST requests.json`; empty: no key needed.
    "OPEN311_API_KEYS": [],
}


def setting(name: str) -> Any:
    """A feedback setting from `settings.MOTCUA`, or its documented default."""
    return getattr(settings, "MOTCUA", {}).get(name, DEFAULTS[name])


#: Submissions per client IP per window (portal form, API and Open311 share the budget).
SUBMIT_MAX_TRIES = 10
SUBMIT_WINDOW_SECONDS = 3600
#: Status look-ups per client IP and per code per window.
LOOKUP_MAX_TRIES = 10
LOOKUP_WINDOW_SECONDS = 600
