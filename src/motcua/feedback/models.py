"""Satisfaction ratings of returned dossiers, and phản ánh, kiến nghị (PAKN) with their
append-only history (Nghị định 20/2008/NĐ-CP; docs/domain/feedback.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.feedback.constants import (
    FeedbackChannel,
    FeedbackKind,
    FeedbackState,
    FeedbackTopic,
    RatingChannel,
)


class Rating(models.Model):
    """Đánh giá mức độ hài lòng: one per dossier, after its result was returned."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="rating"
    )
    # The unit whose leaders hear about an unhappy rating (the dossier's receiving unit).
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
        db_index=False,  # rating_unit_sat
    )
    satisfied = models.BooleanField(_("hài lòng"))
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    comment = models.TextField(_("ý kiến khác"), blank=True)
    channel = models.CharField(_("kênh"), max_length=16, choices=RatingChannel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("đánh giá lúc"))
    leaders_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        indexes = [
            models.Index(fields=["unit", "satisfied", "created_at"], name="rating_unit_sat"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {'+' if self.satisfied else '-'}"


class Feedback(models.Model):
    """Một phản ánh, kiến nghị. State changes only through `motcua.feedback.services`."""

    code = models.CharField(_("mã phản ánh"), max_length=32, unique=True, null=True, blank=True)
    lookup_secret = models.CharField(max_length=16)
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("đơn vị xử lý"),
        db_index=False,  # feedback_queue
    )
    received_unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    procedure = models.ForeignKey(
        "catalogue.Procedure",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thủ tục liên quan"),
    )
    #: The catalogue field the PAKN is about (Open311's `service_code`), the procedure's field
    #: when a procedure is named; None: a general PAKN.
    field = models.ForeignKey(
        "catalogue.Field",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lĩnh vực"),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=FeedbackKind.choices)
    topic = models.CharField(
        _("phân loại"), max_length=16, choices=FeedbackTopic.choices, blank=True
    )
    subject = models.CharField(_("tiêu đề"), max_length=300)
    content = models.TextField(_("nội dung"))
    location = models.CharField(_("địa điểm"), max_length=300, blank=True)
    # Sender (personal data, NĐ 13/2023): staff reads are logged; never public, never in Open311.
    sender_name = models.CharField(_("họ và tên người gửi"), max_length=200)
    sender_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    sender_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("kênh"), max_length=16, choices=FeedbackChannel.choices)
    state = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=FeedbackState.choices,
        default=FeedbackState.RECEIVED,
    )  # indexed by feedback_published (state, published_at)
    refusal_reason = models.TextField(_("lý do không xử lý"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_feedback",
        verbose_name=_("người xử lý"),
    )
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    public_summary = models.TextField(_("nội dung công khai"), blank=True)
    # Clock (UTC). `unit_received_at`: receipt by the current unit (moves on forwarding).
    received_at = models.DateTimeField(_("tiếp nhận lúc"))
    unit_received_at = models.DateTimeField(_("đơn vị nhận lúc"))
    classify_due_at = models.DateTimeField(_("hạn phân loại"))
    info_request_due_at = models.DateTimeField(_("hạn đề nghị bổ sung thông tin"))
    answer_due_at = models.DateTimeField(_("hạn trả lời"))
    publish_due_at = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    #: The deadline of the current step (None when closed): the queues sort on it.
    current_due_at = models.DateTimeField(null=True, blank=True)
    classified_at = models.DateTimeField(null=True, blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    #: Highest event `seq` already told to the sender (the notification task is idempotent).
    sender_notified_seq = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    content_digest = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [
            models.Index(fields=["unit", "state", "current_due_at", "id"], name="feedback_queue"),
            models.Index(fields=["state", "published_at"], name="feedback_published"),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"


class FeedbackEvent(models.Model):
    """One recorded step of a feedback. Append-only: never updated, never deleted."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.PROTECT, related_name="events", db_index=False
    )  # feedback_event_seq_unique (feedback, seq)
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("thao tác"), max_length=32)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    visible_to_sender = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("sự kiện phản ánh")
        verbose_name_plural = _("nhật ký phản ánh")
        ordering = ["feedback", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "seq"], name="feedback_event_seq_unique"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Feedback events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Feedback events are append-only.")
