from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện, quận, thị xã")
    COMMUNE = "commune", _("Xã")
    WARD = "ward", _("Phường")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    AGENCY = "agency", _("Cơ quan, đơn vị")


class Role(models.TextChoices):
    RECEIVER = "receiver", _("Cán bộ tiếp nhận (Một cửa)")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo (ký duyệt)")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    SUPERVISOR = "supervisor", _("Giám sát (chỉ xem)")


class StaffCategory(models.TextChoices):
    CAN_BO = "can_bo", _("Cán bộ")
    CONG_CHUC = "cong_chuc", _("Công chức")
    KHONG_CHUYEN_TRACH = "khong_chuyen_trach", _("Người hoạt động không chuyên trách")
