"""The period form of the evaluation page (dates typed dd/mm/yyyy)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import plausible_date

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class PeriodForm(forms.Form):
    tu_ngay = forms.DateField(
        label=_("Từ ngày"),
        input_formats=DATE_FORMATS,
        validators=[plausible_date],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    den_ngay = forms.DateField(
        label=_("Đến ngày"),
        input_formats=DATE_FORMATS,
        validators=[plausible_date],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải không trước ngày bắt đầu."))
        return data
