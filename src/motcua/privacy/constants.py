"""Record classes of the retention schedule (DOMAIN.md §10.1, §1.11)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import State

#: What an anonymised applicant name reads.
ANONYMISED_NAME = "Đã ẩn danh"

#: Hours the controller has to notify A05 of a breach (NĐ 13/2023 art. 23(1)).
BREACH_NOTIFY_HOURS = 72


class RecordClass(models.TextChoices):
    DOSSIER_RETURNED = "dossier_returned", _("Hồ sơ đã trả kết quả")
    DOSSIER_REFUSED = "dossier_refused", _("Hồ sơ bị từ chối (tiếp nhận hoặc giải quyết)")
    DOSSIER_WITHDRAWN = "dossier_withdrawn", _("Hồ sơ rút hoặc dừng xử lý")
    ACCESS_LOG = "access_log", _("Nhật ký truy cập dữ liệu cá nhân")
    PORTAL_UPLOAD = "portal_upload", _("Tệp công dân tải lên cổng")


#: Terminal dossier states covered by each dossier record class.
DOSSIER_CLASS_STATES: dict[str, frozenset[str]] = {
    RecordClass.DOSSIER_RETURNED: frozenset({State.RETURNED}),
    RecordClass.DOSSIER_REFUSED: frozenset({State.INTAKE_REFUSED, State.REJECTED_AFTER_REVIEW}),
    RecordClass.DOSSIER_WITHDRAWN: frozenset({State.WITHDRAWN, State.STOPPED}),
}
