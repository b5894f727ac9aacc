"""The upload form of the public verification page."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from motcua.signing.services import PDF_MAGIC

#: Largest PDF the public page checks (a signed result is a few hundred kB).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    pdf = forms.FileField(
        label=_("Tệp PDF cần xác thực (tối đa 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Vui lòng chọn tệp PDF."),
            "empty": _("Tệp đã chọn rỗng."),
            "invalid": _("Không nhận được tệp. Vui lòng chọn lại."),
        },
    )

    def clean_pdf(self) -> bytes:
        upload: UploadedFile = self.cleaned_data["pdf"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."), code="too_large")
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB."), code="too_large")
        if not data.startswith(PDF_MAGIC):
            raise forms.ValidationError(
                _("Tệp không phải là tài liệu PDF (nội dung không bắt đầu như một tệp PDF)."),
                code="not_pdf",
            )
        return data
