"""The procedure catalogue (danh mục TTHC): procedures and their dated, versioned rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import ComponentKind, OnlineLevel, ProcedureLevel, VersionStatus
from motcua.core.models import TimeStampedModel
from motcua.organisation.constants import Role, UnitKind


class Field(TimeStampedModel):
    """Lĩnh vực (field): the rows of Biểu 06."""

    code = models.CharField(_("mã lĩnh vực"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Procedure(TimeStampedModel):
    code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=400)
    name_search = models.CharField(max_length=400, editable=False, db_index=True)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    level = models.CharField(
        _("cấp thực hiện"),
        max_length=16,
        choices=ProcedureLevel.choices,
        default=ProcedureLevel.COMMUNE,
    )
    unit_kinds = models.JSONField(_("loại đơn vị thực hiện"), default=list, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    life_events = models.JSONField(_("sự kiện cuộc sống"), default=list, blank=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field__code", "code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class ProcedureVersion(TimeStampedModel):
    """The rules of a procedure for a validity period. Published versions never overlap."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    time_limit_amount = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=2
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=16, choices=LimitUnit.choices
    )
    verification_extra_amount = models.DecimalField(
        _("thời hạn thêm khi cần xác minh"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    time_limit_text = models.CharField(_("thời hạn (mô tả)"), max_length=400, blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    sources = models.TextField(_("nguồn dữ liệu"), blank=True)
    fee_text = models.CharField(_("phí, lệ phí (mô tả)"), max_length=400, blank=True)
    eform_schema = models.JSONField(_("biểu mẫu điện tử (JSON Schema)"), default=dict, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class Component(models.Model):
    """A dossier component (thành phần hồ sơ) required by a version."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=400)
    kind = models.CharField(
        _("hình thức"), max_length=16, choices=ComponentKind.choices, default=ComponentKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    required = models.BooleanField(_("bắt buộc"), default=True)
    form_template = models.CharField(_("mẫu đơn, tờ khai"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return self.name


class FeeRule(models.Model):
    """A fee line: a fixed amount per case, or per unit (page, copy) with an optional cap."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fee_rules"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.CharField(_("khoản thu"), max_length=300)
    amount = models.DecimalField(_("mức thu (đồng)"), max_digits=12, decimal_places=0)
    per = models.CharField(
        _("tính theo"),
        max_length=40,
        default="case",
        help_text=_("case = mỗi hồ sơ; page = mỗi trang; copy = mỗi bản"),
    )
    from_quantity = models.PositiveIntegerField(_("từ đơn vị thứ"), default=1)
    to_quantity = models.PositiveIntegerField(_("đến đơn vị thứ"), null=True, blank=True)
    max_amount = models.DecimalField(
        _("tối đa (đồng)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    legal_ref = models.CharField(_("căn cứ"), max_length=300, blank=True)
    exemption = models.CharField(_("miễn, giảm"), max_length=400, blank=True)
    # A provincial line (the amount set by the province's HĐND resolution, cited in
    # `legal_ref`): for dossiers of that province's units on a date within valid_from..valid_to,
    # the province's lines replace the national ones (province NULL). See `fee_rules_for`.
    province = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": UnitKind.PROVINCE},
        help_text=_(
            "Để trống: mức thu chung. Chọn tỉnh, thành phố: mức thu theo nghị quyết của HĐND "
            "tỉnh, thay thế các mức thu chung cho hồ sơ của tỉnh đó trong thời gian hiệu lực."
        ),
    )
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "order"]


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ) with its role and time allotment."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=300)
    role = models.CharField(_("vai trò thực hiện"), max_length=16, choices=Role.choices)
    allotted_amount = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    allotted_unit = models.CharField(
        _("đơn vị thời gian"), max_length=16, choices=LimitUnit.choices
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
