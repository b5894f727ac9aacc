"""Dossier states, channels and event kinds (DOMAIN.md §1.13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Hồ sơ nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    INTAKE_SUPPLEMENT = "intake_supplement", _("Hướng dẫn bổ sung trước khi tiếp nhận")
    INTAKE_REFUSED = "intake_refused", _("Từ chối tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROCESS = "in_process", _("Đang xử lý")
    CONSULTING = "consulting", _("Đang lấy ý kiến, liên thông")
    SUPPLEMENT_AFTER_REVIEW = "supplement_after_review", _("Chờ bổ sung sau thẩm định")
    FINANCIAL_OBLIGATION = "financial_obligation", _("Chờ thực hiện nghĩa vụ tài chính")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    REJECTED_AFTER_REVIEW = "rejected_after_review", _("Từ chối giải quyết")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


TERMINAL_STATES = frozenset(
    {
        State.INTAKE_REFUSED,
        State.REJECTED_AFTER_REVIEW,
        State.RETURNED,
        State.WITHDRAWN,
        State.STOPPED,
    }
)


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class RuleSet(models.TextChoices):
    ND61_2018 = "ND61-2018", _("Nghị định 61/2018/NĐ-CP")
    ND118_2025 = "ND118-2025", _("Nghị định 118/2025/NĐ-CP")


class EventKind(models.TextChoices):
    """Events that record a fact about the dossier without changing its state (not
    transitions of the state machine; `transitions.Action` lists those)."""

    COMPONENT_DIGITISED = "component_digitised", _("Số hóa thành phần hồ sơ")
    DOCUMENT_SIGNED = "document_signed", _("Ký số văn bản kết quả")
    FORM_DATA_UPDATED = "form_data_updated", _("Cập nhật thông tin tờ khai")
