"""The back-office statistics form (dates dd/mm/yyyy, DOMAIN.md conventions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import plausible_date
from motcua.organisation.models import Unit
from motcua.reports.constants import Policy

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


class Bieu06Form(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Đơn vị"))
    date_from = forms.DateField(
        label=_("Từ ngày"),
        input_formats=DATE_INPUT,
        validators=[plausible_date],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    date_to = forms.DateField(
        label=_("Đến ngày"),
        input_formats=DATE_INPUT,
        validators=[plausible_date],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    policy = forms.ChoiceField(label=_("Cách tính"), choices=Policy.choices, required=False)

    def __init__(self, *args: Any, unit_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=list(unit_ids)).order_by("path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("Ngày kết thúc phải không trước ngày bắt đầu."))
        return data
