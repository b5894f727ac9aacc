"""Portal records: online submissions (drafts and the idempotency key), private uploads and
one-time codes. Dossier rows themselves are written only by `motcua.dossiers.services`."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.portal.constants import OtpPurpose, SubmissionState, UploadPurpose
from motcua.portal.storage import get_private_storage, upload_path


class Submission(models.Model):
    """One online submission form as the citizen fills it (a draft until submitted).

    `idempotency_key` is generated when the form is first shown and sent back in a hidden
    field: a double tap or a retried request finds this row and its dossier, never a second one.
    """

    idempotency_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_submissions"
    )
    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
    )
    data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    applicant = models.JSONField(_("thông tin người nộp"), default=dict, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_submission",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ nộp trực tuyến")
        verbose_name_plural = _("hồ sơ nộp trực tuyến")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_version} – {self.idempotency_key[:8]}"


class Upload(models.Model):
    """A file sent by a citizen, stored privately under MEDIA_ROOT/private with a random name
    and served only through `views.upload_download` (owner or staff who may see the dossier)."""

    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="uploads"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_uploads",
    )
    component = models.ForeignKey(
        "catalogue.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(
        max_length=16, choices=UploadPurpose.choices, default=UploadPurpose.SUBMISSION
    )
    file = models.FileField(storage=get_private_storage, upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_uploads"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class OneTimeCode(models.Model):
    """A one-time code sent to a phone number or an e-mail address (stored as a keyed hash)."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    destination = models.CharField(max_length=254, db_index=True)
    channel = models.CharField(max_length=8)  # "sms" | "email"
    purpose = models.CharField(max_length=16, choices=OtpPurpose.choices)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã xác thực một lần")
        verbose_name_plural = _("mã xác thực một lần")

    def __str__(self) -> str:
        return f"{self.channel}:{self.destination}"

    def as_dict(self) -> dict[str, Any]:
        return {"destination": self.destination, "channel": self.channel}


class Notification(models.Model):
    """The applicant was notified of this dossier event (one row per event: re-runs of the
    after-commit hook send nothing twice). `sent` counts the SMS/e-mail messages sent."""

    # The id of the `dossiers.DossierEvent` (no foreign key: events are append-only and the
    # test databases empty that table on their own).
    event_id = models.BigIntegerField(unique=True)
    sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo cho người nộp")
        verbose_name_plural = _("thông báo cho người nộp")

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.sent}"
