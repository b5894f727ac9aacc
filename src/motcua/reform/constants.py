"""Choices of the administrative-reform app (DOMAIN.md §8)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReformArea(models.TextChoices):
    """Areas of the Chương trình tổng thể CCHC 2021–2030 (NQ 76/NQ-CP) as a commune report
    follows them (DOMAIN.md §8.1–8.2), plus direction and propaganda (section I)."""

    DIRECTION = "direction", _("Chỉ đạo, điều hành")
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    INSTITUTIONS = "institutions", _("Cải cách thể chế")
    PROCEDURES = "procedures", _("Cải cách thủ tục hành chính")
    ORGANISATION = "organisation", _("Cải cách tổ chức bộ máy")
    CIVIL_SERVICE = "civil_service", _("Cải cách chế độ công vụ, công chức")
    PUBLIC_FINANCE = "public_finance", _("Cải cách tài chính công")
    DIGITAL = "digital", _("Chính phủ số, ứng dụng công nghệ thông tin")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class ReviewProposal(models.TextChoices):
    """What a review (rà soát, đánh giá TTHC) proposes for a procedure."""

    SIMPLIFY = "simplify", _("Đơn giản hóa")
    AMEND = "amend", _("Sửa đổi, bổ sung")
    ABOLISH = "abolish", _("Bãi bỏ")
    KEEP = "keep", _("Giữ nguyên")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Đang rà soát")
    PROPOSED = "proposed", _("Đã kiến nghị cấp trên")
    ACCEPTED = "accepted", _("Đã được chấp nhận")
    REJECTED = "rejected", _("Không được chấp nhận")
    CLOSED = "closed", _("Đã kết thúc")


class ActivityKind(models.TextChoices):
    PROPAGANDA = "propaganda", _("Tuyên truyền CCHC")
    SELF_INSPECTION = "self_inspection", _("Tự kiểm tra CCHC")
    DOCUMENT = "document", _("Văn bản chỉ đạo, điều hành ban hành")
    LEGAL_DOCUMENT = "legal_document", _("Văn bản quy phạm pháp luật ban hành")
    MEETING = "meeting", _("Hội nghị, cuộc họp về CCHC")
    TRAINING = "training", _("Đào tạo, bồi dưỡng")
    DISCIPLINE = "discipline", _("Xử lý kỷ luật cán bộ, công chức")
    OTHER = "other", _("Hoạt động khác")


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("Quý")
    HALF_YEAR = "half_year", _("6 tháng")
    NINE_MONTHS = "nine_months", _("9 tháng")
    YEAR = "year", _("Năm")
    CUSTOM = "custom", _("Tùy chọn")


class PeriodConvention(models.TextChoices):
    """DOMAIN.md §3.6: calendar periods, or the data cut-off of Nghị định 09/2019/NĐ-CP (from
    the 15th of the month before the period to the 14th of its last month)."""

    CALENDAR = "calendar", _("Theo tháng dương lịch")
    CUTOFF_15 = "cutoff_15", _("Chốt số liệu ngày 14 (Nghị định 09/2019/NĐ-CP)")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class Severity(models.TextChoices):
    """Blocking problems stop the issue of a report; warnings are shown only."""

    BLOCKING = "blocking", _("Lỗi (phải sửa)")
    WARNING = "warning", _("Cảnh báo")


class Section(models.TextChoices):
    """Narrative sections of the report (DOMAIN.md §8.2), written by the officer."""

    INTRO = "intro", _("Mở đầu, căn cứ")
    DIRECTION = "direction", _("I. Công tác chỉ đạo, điều hành")
    INSTITUTIONS = "institutions", _("II.1. Cải cách thể chế")
    PROCEDURES = "procedures", _("II.2. Cải cách thủ tục hành chính")
    ORGANISATION = "organisation", _("II.3. Cải cách tổ chức bộ máy")
    CIVIL_SERVICE = "civil_service", _("II.4. Cải cách chế độ công vụ")
    PUBLIC_FINANCE = "public_finance", _("II.5. Cải cách tài chính công")
    DIGITAL = "digital", _("II.6. Xây dựng chính quyền điện tử, chính quyền số")
    ASSESSMENT = "assessment", _("III. Đánh giá chung")
    NEXT_TASKS = "next_tasks", _("IV. Phương hướng, nhiệm vụ kỳ tới")
    PROPOSALS = "proposals", _("V. Đề xuất, kiến nghị")


#: Sections a report cannot be issued without (III–V of DOMAIN.md §8.2 have no data).
REQUIRED_SECTIONS: tuple[Section, ...] = (
    Section.ASSESSMENT,
    Section.NEXT_TASKS,
    Section.PROPOSALS,
)
