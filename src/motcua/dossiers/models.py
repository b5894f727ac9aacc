"""Dossiers (hồ sơ TTHC), their append-only event log, components and counters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.constants import Channel, RuleSet, State
from motcua.dossiers.hashchain import event_fields, event_hash


class Dossier(models.Model):
    # Indexes: every one is paid by each receipt and transition (benchmarks/README.md), so a
    # column led by a composite index below has no index of its own (unit, current_unit,
    # assignee), and the code's uniqueness is a constraint (no second `varchar_pattern_ops`
    # index: codes are matched exactly or by UPPER(code), never by prefix).
    code = models.CharField(_("mã hồ sơ"), max_length=64, null=True, blank=True)
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("đơn vị tiếp nhận"),
        db_index=False,  # dossier_unit_received, dossier_unit_closed, dossier_ledger_unique
    )
    current_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="dossiers_here",
        verbose_name=_("đơn vị đang xử lý"),
        db_index=False,  # dossier_queue
    )
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="dossiers"
    )
    # Denormalised from the procedure for statistics and queues.
    field = models.ForeignKey("catalogue.Field", on_delete=models.PROTECT, related_name="+")
    rule_set = models.CharField(_("quy định áp dụng"), max_length=16, choices=RuleSet.choices)
    channel = models.CharField(_("kênh nộp"), max_length=16, choices=Channel.choices)
    state = models.CharField(
        _("trạng thái"), max_length=32, choices=State.choices, default=State.DRAFT
    )  # indexed by dossier_state (Meta)
    # Applicant (personal data, DOMAIN.md §10).
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("người nộp"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    copies = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    needs_verification = models.BooleanField(_("cần xác minh"), default=False)
    # Clock (DOMAIN.md §2). All instants in UTC.
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("hẹn trả lại"), null=True, blank=True)
    apology_issued_at = models.DateTimeField(_("xin lỗi lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    # Work in progress.
    current_step = models.ForeignKey(
        "catalogue.ProcessStep", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_step_due_at = models.DateTimeField(_("hạn bước hiện tại"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
        verbose_name=_("người xử lý"),
        db_index=False,  # dossier_assignee
    )
    # Tracking ledger (sổ theo dõi hồ sơ, Mẫu 06): numbered continuously per unit and year.
    ledger_year = models.PositiveSmallIntegerField(null=True, blank=True)
    ledger_number = models.PositiveIntegerField(null=True, blank=True)
    lookup_secret = models.CharField(max_length=16, blank=True)
    version = models.PositiveIntegerField(default=0)  # bumped by every transition
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["current_unit", "state", "due_at", "id"], name="dossier_queue"),
            models.Index(fields=["assignee", "state", "due_at", "id"], name="dossier_assignee"),
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received"),
            models.Index(fields=["unit", "closed_at"], name="dossier_unit_closed"),
            # The portal's look-up compares codes case-insensitively (`code__iexact`).
            models.Index(Upper("code"), name="dossier_code_upper"),
            models.Index(fields=["state"], name="dossier_state"),  # sweeps across units
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="dossier_code_unique"),
            models.UniqueConstraint(
                fields=["unit", "ledger_year", "ledger_number"], name="dossier_ledger_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def effective_due_at(self) -> Any:
        """The date promised to the citizen (the extended one after an apology letter)."""
        return self.extended_due_at or self.due_at


class DossierEvent(models.Model):
    """One recorded step of a dossier. Append-only: never updated, never deleted.

    Tamper-evident: `hash` is SHA-256 over the event's fields and `prev_hash`, the hash of the
    previous event of the same dossier (`motcua.dossiers.hashchain`); the database refuses
    UPDATE and DELETE on the table (migration 0003).
    """

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )  # event_seq_unique (dossier, seq) leads with it
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=40)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    form = models.CharField(_("biểu mẫu"), max_length=16, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    visible_to_applicant = models.BooleanField(default=True)
    prev_hash = models.CharField(_("mã băm sự kiện trước"), max_length=64, blank=True, default="")
    hash = models.CharField(_("mã băm"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Dossier events are append-only.")
        if not self.hash:
            if not self.prev_hash and self.seq > 1:
                self.prev_hash = (
                    DossierEvent.objects.filter(dossier_id=self.dossier_id, seq__lt=self.seq)
                    .order_by("-seq")
                    .values_list("hash", flat=True)
                    .first()
                    or ""
                )
            self.seal(self.prev_hash)
        super().save(*args, **kwargs)

    def seal(self, prev_hash: str) -> None:
        """Link this (unsaved) event to the previous one of its dossier and hash it."""
        self.prev_hash = prev_hash
        self.hash = event_hash(event_fields(self), prev_hash)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Dossier events are append-only.")


class DossierComponent(models.Model):
    """A component handed in (or missing) for a dossier, ticked against the catalogue."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(
        "catalogue.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên giấy tờ"), max_length=400)
    kind = models.CharField(_("hình thức"), max_length=16, blank=True)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    provided = models.BooleanField(_("đã nộp"), default=True)

    class Meta:
        ordering = ["dossier", "id"]


class Transfer(models.Model):
    """Liên thông or lấy ý kiến: a dossier (or a step of it) sent to another unit."""

    class Kind(models.TextChoices):
        TRANSFER = "transfer", _("Liên thông")
        CONSULT = "consult", _("Lấy ý kiến")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    content = models.TextField(_("nội dung"), blank=True)
    sent_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("ý kiến, kết quả"), blank=True)

    class Meta:
        ordering = ["dossier", "sent_at"]


class DailyCounter(models.Model):
    """Gap-free daily sequence of dossier codes per unit (DOMAIN.md §1.5)."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="daily_counter_unique")]


class LedgerCounter(models.Model):
    """Continuous yearly numbering of the tracking ledger (TT 01/2018 art. 10)."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="ledger_counter_unique")
        ]
