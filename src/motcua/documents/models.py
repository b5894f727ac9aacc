"""Result templates of the procedures and the documents the system generated (hồ sơ điện tử).

`ResultTemplate`: a DOCX with Jinja tags (docxtpl) that an administrator uploads for a
procedure version; the result document of a dossier (trích lục, giấy xác nhận…) is filled from
it (`services.result_render`). `GeneratedDocument`: one stored file (PDF or DOCX) produced for a
dossier — by the after-commit task for the event that issued it, or on demand — kept in the
private storage with its SHA-256 so a later copy can be checked against it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.portal.storage import get_private_storage


def result_template_path(instance: ResultTemplate, filename: str) -> str:
    return f"documents/result-templates/{instance.sha256 or 'template'}.docx"


def generated_document_path(instance: GeneratedDocument, filename: str) -> str:
    created = instance.created_at
    stamp = f"{created:%Y/%m}" if created else "undated"
    return f"documents/generated/{stamp}/{instance.sha256}.{instance.format}"


class ResultTemplate(models.Model):
    """The DOCX template of a procedure version's result document (docxtpl / Jinja tags)."""

    procedure_version = models.ForeignKey(
        "catalogue.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="result_templates",
        verbose_name=_("phiên bản thủ tục"),
    )
    name = models.CharField(_("tên văn bản kết quả"), max_length=200)
    file = models.FileField(
        _("tệp mẫu (DOCX)"), storage=get_private_storage, upload_to=result_template_path
    )
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, editable=False)
    required_fields = models.JSONField(
        _("trường dữ liệu cần điền"), default=list, blank=True, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tải lên"),
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu văn bản kết quả")
        verbose_name_plural = _("mẫu văn bản kết quả")
        ordering = ["procedure_version", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.procedure_version})"


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"


#: `kind` of a result document (the forms use their FormKind value: "receipt", "refusal"…).
RESULT_KIND = "result"


class GeneratedDocument(models.Model):
    """One file generated for a dossier, stored privately with its hash. Generation by an event
    is idempotent: one row per (event, kind, format)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="generated_documents"
    )
    kind = models.CharField(_("loại văn bản"), max_length=32)
    title = models.CharField(_("tên văn bản"), max_length=300, blank=True)
    format = models.CharField(_("định dạng"), max_length=8, choices=DocumentFormat.choices)
    file = models.FileField(storage=get_private_storage, upload_to=generated_document_path)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    # Null only for documents printed on demand (not issued by an event).
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    result_template = models.ForeignKey(
        ResultTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    # A digitally signed copy (motcua.signing.documents): the unsigned document it signs and the
    # leader who signed it; its `event` is the `document_signed` event of the dossier.
    signed_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_version",
        verbose_name=_("bản gốc chưa ký"),
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ký"),
    )

    class Meta:
        verbose_name = _("văn bản đã tạo")
        verbose_name_plural = _("văn bản đã tạo")
        ordering = ["dossier", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "kind", "format"], name="generated_document_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} ({self.dossier_id})"

    @property
    def filename(self) -> str:
        return f"{self.dossier.code or self.dossier_id}-{self.kind}.{self.format}"
