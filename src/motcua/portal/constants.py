"""Plain-Vietnamese labels and limits of the citizen portal."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import State

#: Life events (sự kiện cuộc sống) used as `Procedure.life_events` tags, with their labels.
LIFE_EVENTS: dict[str, str | Promise] = {
    "co-con-nho": _("Có con nhỏ"),
    "ket-hon": _("Kết hôn"),
    "nguoi-than-qua-doi": _("Người thân qua đời"),
    "xac-nhan-giay-to": _("Xác nhận, chứng thực giấy tờ"),
    "tro-giup-xa-hoi": _("Trợ giúp xã hội"),
    "dat-dai": _("Đất đai, nhà ở"),
    "cu-tru": _("Cư trú, chuyển nơi ở"),
    "kinh-doanh": _("Kinh doanh, hộ kinh doanh"),
    "viec-lam": _("Việc làm"),
    "nghia-vu-quan-su": _("Nghĩa vụ quân sự"),
}

#: Folded words people add around a procedure name ("làm giấy khai sinh", "xin cấp…",
#: "thủ tục kết hôn"). Dropped only when the strict search finds nothing (docs/domain/portal.md).
SEARCH_FILLER_WORDS: frozenset[str] = frozenset(
    {
        "lam", "giay", "xin", "thu", "tuc", "cap", "muon", "can", "toi", "minh", "cho", "de",
        "nhu", "the", "nao", "o", "dau", "ho", "so", "hs", "ve", "viec",
    }
)  # fmt: skip

#: The dossier state in the words a citizen understands (TT 22/2019 art. 4: show the status).
CITIZEN_STATE_LABELS: dict[str, str | Promise] = {
    State.DRAFT: _("Hồ sơ nháp, chưa nộp"),
    State.SUBMITTED: _("Đã nộp, đang chờ cán bộ kiểm tra"),
    State.INTAKE_SUPPLEMENT: _("Cần bổ sung giấy tờ trước khi được tiếp nhận"),
    State.INTAKE_REFUSED: _("Không được tiếp nhận"),
    State.RECEIVED: _("Đã tiếp nhận, đang chuyển xử lý"),
    State.IN_PROCESS: _("Đang giải quyết"),
    State.CONSULTING: _("Đang lấy ý kiến cơ quan khác"),
    State.SUPPLEMENT_AFTER_REVIEW: _("Cần bổ sung giấy tờ (tạm dừng tính thời hạn)"),
    State.FINANCIAL_OBLIGATION: _("Chờ nộp phí, lệ phí hoặc nghĩa vụ tài chính"),
    State.RESULT_READY: _("Đã có kết quả, mời đến nhận"),
    State.REJECTED_AFTER_REVIEW: _("Không giải quyết (có văn bản nêu lý do)"),
    State.RETURNED: _("Đã trả kết quả"),
    State.WITHDRAWN: _("Đã rút hồ sơ theo yêu cầu"),
    State.STOPPED: _("Cơ quan đã dừng giải quyết"),
}

#: Upload content types accepted, detected from the file's first bytes.
ALLOWED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png")

#: Default upload limit; `settings.MOTCUA["PORTAL_UPLOAD_MAX_BYTES"]` overrides it.
DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

#: Look-up throttling: tries per client IP and per dossier code within the window.
LOOKUP_MAX_TRIES = 10
LOOKUP_WINDOW_SECONDS = 600

#: One-time codes: length, lifetime, wrong tries allowed, sends per destination per window.
OTP_LENGTH = 6
OTP_TTL_SECONDS = 600
OTP_MAX_ATTEMPTS = 5
OTP_MAX_SENDS = 3
OTP_SEND_WINDOW_SECONDS = 600


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã nộp")


class UploadPurpose(models.TextChoices):
    SUBMISSION = "submission", _("Nộp hồ sơ")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")


class OtpPurpose(models.TextChoices):
    SIGNUP = "signup", _("Đăng ký tài khoản")
