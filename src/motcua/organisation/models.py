"""Administrative units (a tree of any depth, with validity dates and merges), staff roles and
the staffing registry used by the CCHC report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.organisation.constants import Role, StaffCategory, UnitKind


class Unit(TimeStampedModel):
    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    name_search = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes ("/01/00004/"), kept by the services: a subtree is one prefix.
    path = models.CharField(max_length=500, editable=False, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        blank=True,
        symmetrical=False,
        related_name="predecessors",
    )
    # Agency identifier under QCVN (TT 10/2016/TT-BTTTT), the first part of dossier codes
    # (DOMAIN.md §1.5). Empty: the unit code is used.
    agency_identifier = models.CharField(_("mã định danh cơ quan"), max_length=40, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def dossier_code_prefix(self) -> str:
        return self.agency_identifier or self.code


class Membership(TimeStampedModel):
    """A staff account's role in a unit. One account may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class StaffPosition(TimeStampedModel):
    """One person in the staffing registry of a unit (đội ngũ cán bộ, công chức)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff_positions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_positions",
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ, chức danh"), max_length=200)
    category = models.CharField(_("phân loại"), max_length=24, choices=StaffCategory.choices)
    is_party_member = models.BooleanField(_("đảng viên"), default=False)
    political_theory_level = models.CharField(
        _("trình độ lý luận chính trị"), max_length=50, blank=True
    )
    professional_level = models.CharField(_("trình độ chuyên môn"), max_length=50, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cán bộ, công chức")
        verbose_name_plural = _("đội ngũ cán bộ, công chức")
        ordering = ["unit", "category", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.position})"


class StaffingQuota(TimeStampedModel):
    """Staffing quota (biên chế được giao) of a unit for a year and category."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staffing_quotas")
    year = models.PositiveSmallIntegerField(_("năm"))
    category = models.CharField(_("phân loại"), max_length=24, choices=StaffCategory.choices)
    quota = models.PositiveSmallIntegerField(_("biên chế được giao"))
    legal_ref = models.CharField(_("căn cứ giao biên chế"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("biên chế được giao")
        verbose_name_plural = _("biên chế được giao")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "category"], name="quota_unique"),
        ]
