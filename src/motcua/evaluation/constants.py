"""Choices and fixed labels of the evaluation indices (DOMAIN.md §1.15, §4)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Confidence(models.TextChoices):
    """The confidence marks of DOMAIN.md (§0.3)."""

    CONFIRMED = "✅", _("✅ Đã đối chiếu văn bản gốc")
    PARTIAL = "◐", _("◐ Nguồn thứ cấp")
    UNKNOWN = "❓", _("❓ Chưa xác định")


class Status(models.TextChoices):
    """Early-warning status of a QĐ 766 indicator."""

    OK = "ok", _("Đạt")
    WARNING = "warning", _("Cảnh báo")
    FAIL = "fail", _("Không đạt")
    MONITOR = "monitor", _("Theo dõi")
    NA = "na", _("N/A")


class OfficerRating(models.TextChoices):
    """TT 01/2018/TT-VPCP art. 15: officer total of indices 1, 2, 3, 4, 7."""

    FULL = "full", _("Hoàn thành 100% nhiệm vụ")
    PARTIAL = "partial", _("Hoàn thành từ 70% đến dưới 100% nhiệm vụ")
    LOW = "low", _("Hoàn thành dưới 70% nhiệm vụ")


class UnitRating(models.TextChoices):
    """TT 01/2018/TT-VPCP art. 15: unit total of indices 1–9."""

    EXCELLENT = "excellent", _("Xuất sắc")
    GOOD = "good", _("Tốt")
    FAIR = "fair", _("Khá")
    AVERAGE = "average", _("Trung bình")
    WEAK = "weak", _("Yếu")


#: TT 01/2018 art. 15 thresholds (lower bounds, inclusive), highest first.
OFFICER_THRESHOLDS: tuple[tuple[Decimal, OfficerRating], ...] = (
    (Decimal(5), OfficerRating.FULL),
    (Decimal("3.5"), OfficerRating.PARTIAL),
    (Decimal(0), OfficerRating.LOW),
)
UNIT_THRESHOLDS: tuple[tuple[Decimal, UnitRating], ...] = (
    (Decimal(15), UnitRating.EXCELLENT),
    (Decimal(12), UnitRating.GOOD),
    (Decimal(9), UnitRating.FAIR),
    (Decimal(6), UnitRating.AVERAGE),
    (Decimal(0), UnitRating.WEAK),
)

#: The indices of TT 01/2018 art. 13 (per dossier) and art. 14 (unit).
INDEX_LABELS: dict[int, StrOrPromise] = {
    1: _("Tổng thời gian giải quyết so với thời gian quy định"),
    2: _("Thời gian thực hiện của từng cơ quan, đơn vị (kể cả đơn vị phối hợp)"),
    3: _("Số lần phải liên hệ với nơi tiếp nhận để hoàn thiện hồ sơ"),
    4: _("Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ"),
    5: _("Thực hiện đầy đủ quy trình tại Bộ phận Một cửa"),
    6: _("Công khai thủ tục hành chính"),
    7: _("Thái độ của cán bộ, công chức"),
    8: _("Tiếp nhận, xử lý phản ánh, kiến nghị"),
    9: _("Cung cấp dịch vụ công trực tuyến"),
}
DOSSIER_INDICES: tuple[int, ...] = (1, 2, 3, 4, 6, 7)
OFFICER_INDICES: tuple[int, ...] = (1, 2, 3, 4, 7)
UNIT_ONLY_INDICES: tuple[int, ...] = (5, 8, 9)

#: The modules an indicator waits for (`waits_for` in data/qd766.json) and their label.
WAITS_FOR_LABELS: dict[str, StrOrPromise] = {
    "sync": _("đồng bộ Cổng Dịch vụ công quốc gia"),
    "payments": _("thanh toán trực tuyến"),
    "digitisation": _("số hóa hồ sơ, kết quả điện tử"),
    "feedback": _("phản ánh, kiến nghị và đánh giá hài lòng"),
}

#: The Django app behind each `waits_for` key: an indicator is reported "chờ phân hệ …" only
#: while that app is not installed (a key not listed here names a module not built yet).
WAITS_FOR_APPS: dict[str, str] = {
    "sync": "motcua.integrations",
    "payments": "motcua.payments",
    "digitisation": "motcua.digitisation",
    "feedback": "motcua.feedback",
}

#: The legal source shown to leaders on each QĐ 766 card (the internal source keys of
#: DOMAIN.md §0.3 stay in the configuration and in the card's title attribute).
QD766_LEGAL_SOURCE: StrOrPromise = _(
    "Căn cứ: Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ"
)

#: What leaders read instead of the confidence marks of DOMAIN.md §0.3 (✅ needs no note).
CONFIDENCE_NOTES: dict[str, StrOrPromise] = {
    Confidence.CONFIRMED: "",
    Confidence.PARTIAL: _("Cách tính theo hướng dẫn tạm thời, cần đối chiếu văn bản."),
    Confidence.UNKNOWN: _(
        "Văn bản chưa xác định rõ điểm tối đa và cách tính; số liệu để theo dõi, "
        "cần đối chiếu văn bản."
    ),
}
