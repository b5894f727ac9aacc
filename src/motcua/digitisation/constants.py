"""Sources of digitised components and kinds of personal-store items (QĐ 766 group 4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where the digitised file comes from (the paper shown at the counter, or a reuse)."""

    ORIGINAL = "original", _("Bản chính")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    COPY = "copy", _("Bản sao")
    ELECTRONIC_RESULT = "electronic_result", _("Kết quả điện tử")
    PERSONAL_STORE = "personal_store", _("Kho dữ liệu cá nhân")


#: The sources an officer may choose when scanning at the counter (a reuse from the personal
#: store is recorded only by `services.store_item_attach`, never typed by hand).
COUNTER_SOURCES = (
    Source.ORIGINAL,
    Source.CERTIFIED_COPY,
    Source.COPY,
    Source.ELECTRONIC_RESULT,
)


class StoreItemKind(models.TextChoices):
    RESULT = "result", _("Kết quả giải quyết")
    COMPONENT = "component", _("Thành phần hồ sơ")


#: Content type → file extension of the stored copies (the accepted upload types).
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
