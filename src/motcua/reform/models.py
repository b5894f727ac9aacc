"""Administrative-reform (cải cách hành chính, CCHC) work of a unit and its periodic report
(DOMAIN.md §8): plans and their tasks, reviews of procedures, counted activities, report drafts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.reform.constants import (
    ActivityKind,
    DraftStatus,
    PeriodConvention,
    PeriodKind,
    ReformArea,
    ReviewProposal,
    ReviewStatus,
    TaskStatus,
)


class ReformPlan(TimeStampedModel):
    """A plan (kế hoạch) issued by the unit, e.g. "15/KH-UBND Kế hoạch CCHC năm 2023"."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="reform_plans"
    )
    number = models.CharField(_("số, ký hiệu"), max_length=40)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=400)
    area = models.CharField(_("lĩnh vực CCHC"), max_length=24, choices=ReformArea.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kế hoạch CCHC")
        verbose_name_plural = _("kế hoạch CCHC")
        ordering = ["unit", "-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="reform_plan_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class ReformTask(TimeStampedModel):
    """One task of a plan, with its deadline and the evidence of completion."""

    plan = models.ForeignKey(ReformPlan, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("nhiệm vụ"), max_length=400)
    owner_text = models.CharField(_("đơn vị, người thực hiện"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reform_tasks",
        verbose_name=_("người thực hiện"),
    )
    deadline = models.DateField(_("thời hạn"))
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    evidence = models.TextField(_("kết quả, sản phẩm"), blank=True)

    class Meta:
        verbose_name = _("nhiệm vụ CCHC")
        verbose_name_plural = _("nhiệm vụ CCHC")
        ordering = ["plan", "deadline", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def done_on_time(self) -> bool:
        return (
            self.status == TaskStatus.DONE
            and self.done_on is not None
            and self.done_on <= self.deadline
        )


class ProcedureReview(TimeStampedModel):
    """A review of a procedure (rà soát, đánh giá TTHC) and what it proposed."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="procedure_reviews"
    )
    period = models.CharField(_("kỳ rà soát"), max_length=20, help_text=_("Ví dụ: 2023"))
    reviewed_on = models.DateField(_("ngày rà soát"))
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    procedure_text = models.CharField(_("thủ tục (ghi bằng chữ)"), max_length=400, blank=True)
    findings = models.TextField(_("kết quả rà soát"), blank=True)
    proposal = models.CharField(_("phương án"), max_length=16, choices=ReviewProposal.choices)
    outcome = models.TextField(_("kết quả xử lý kiến nghị"), blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("rà soát TTHC")
        verbose_name_plural = _("rà soát, đánh giá TTHC")
        ordering = ["unit", "-reviewed_on", "id"]

    def __str__(self) -> str:
        return self.procedure_name

    @property
    def procedure_name(self) -> str:
        return self.procedure.name if self.procedure_id and self.procedure else self.procedure_text


class ReformActivity(TimeStampedModel):
    """A dated, counted activity that the report cites (propaganda, self-inspection, ...)."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="reform_activities"
    )
    kind = models.CharField(_("loại hoạt động"), max_length=24, choices=ActivityKind.choices)
    held_on = models.DateField(_("ngày"))
    title = models.CharField(_("nội dung"), max_length=400)
    count = models.PositiveIntegerField(_("số lượng (buổi, văn bản, lượt)"), default=1)
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hoạt động CCHC")
        verbose_name_plural = _("hoạt động CCHC")
        ordering = ["unit", "-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class ReportDraft(TimeStampedModel):
    """A periodic CCHC report (báo cáo) being written, then issued with a frozen snapshot."""

    unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="reform_reports"
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=24, help_text=_("Ví dụ: 2023-H1"))
    period_kind = models.CharField(_("loại kỳ"), max_length=16, choices=PeriodKind.choices)
    convention = models.CharField(
        _("cách chốt số liệu"), max_length=16, choices=PeriodConvention.choices
    )
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=40, default="BC-UBND")
    place = models.CharField(_("địa danh"), max_length=100)
    summary = models.CharField(_("trích yếu"), max_length=400, blank=True)
    parent_agency = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    agency = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signer_authority = models.CharField(
        _("thẩm quyền ký"), max_length=100, default="TM. ỦY BAN NHÂN DÂN"
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField(_("họ tên người ký"), max_length=200, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận"))
    narrative = models.JSONField(_("nội dung tường thuật"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField(_("số liệu tại thời điểm ban hành"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("báo cáo CCHC")
        verbose_name_plural = _("báo cáo CCHC")
        ordering = ["unit", "-date_to", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    @property
    def number_symbol(self) -> str:
        """Number and symbol, "Số: 05/BC-UBND" (NĐ 30/2020 Phụ lục I: numbers < 10 padded);
        a blank number leaves room for the clerk ("Số:      /BC-UBND")."""
        if self.number is None:
            return f"Số:       /{self.symbol}"
        return f"Số: {self.number:02d}/{self.symbol}"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
