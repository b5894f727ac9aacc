"""Django admin (/quan-tri/): result templates uploaded with a catalogue version, and the
generated documents (read-only)."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.documents.models import GeneratedDocument, ResultTemplate
from motcua.documents.services import STANDARD_FIELDS, template_fields


class ResultTemplateForm(forms.ModelForm):
    class Meta:
        model = ResultTemplate
        fields = ("procedure_version", "name", "file")
        help_texts = {
            "file": _(
                "Tệp Word (.docx) có thẻ Jinja, ví dụ {{ ho_ten_tre }}, {{ ma_ho_so }}, "
                "{{ dia_danh_ngay_ky }}. Trường chuẩn: %(fields)s; các trường khác lấy từ tờ "
                "khai điện tử của hồ sơ."
            )
            % {"fields": ", ".join(STANDARD_FIELDS)},
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "read"):
            return upload
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Word định dạng .docx."))
        try:
            self.required_fields = template_fields(content)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        self.sha256 = hashlib.sha256(content).hexdigest()
        return upload

    def save(self, commit: bool = True) -> Any:
        if self.instance.pk is None and hasattr(self, "sha256"):  # a new upload: its fingerprint
            self.instance.sha256 = self.sha256
            self.instance.required_fields = self.required_fields
        return super().save(commit)


class ResultTemplateInline(admin.TabularInline):
    """Result templates uploaded with the procedure version (catalogue admin). A recorded
    template is never replaced in place: add a new one."""

    model = ResultTemplate
    form = ResultTemplateForm
    extra = 0
    fields = ("name", "file", "required_fields", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = ("required_fields", "sha256", "uploaded_by", "uploaded_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # existing rows read-only; new rows can still be added


def stamp_uploader(formset: Any, user: Any) -> None:
    """Record who uploaded the new templates of an inline formset (before it is saved)."""
    for form in formset.forms:
        instance = form.instance
        if isinstance(instance, ResultTemplate) and instance.pk is None:
            instance.uploaded_by = user


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    form = ResultTemplateForm
    list_display = ("name", "procedure_version", "uploaded_at", "uploaded_by", "sha256")
    list_filter = ("procedure_version__procedure__field",)
    search_fields = (
        "name",
        "procedure_version__procedure__name",
        "procedure_version__procedure__code",
    )
    readonly_fields = ("sha256", "required_fields", "uploaded_by", "uploaded_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        base = tuple(self.readonly_fields)
        # A recorded template is never replaced in place (its hash identifies the documents
        # made from it): upload a new one instead.
        return (*base, "procedure_version", "file") if obj is not None else base

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ("dossier", "kind", "format", "size", "sha256", "created_at")
    list_filter = ("kind", "format")
    search_fields = ("dossier__code", "sha256")
    readonly_fields = (
        "dossier",
        "kind",
        "title",
        "format",
        "file",
        "sha256",
        "size",
        "event",
        "result_template",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
