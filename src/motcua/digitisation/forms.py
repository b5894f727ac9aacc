"""Forms of the digitisation pages (parsing only; the rules are in `services`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.digitisation.constants import COUNTER_SOURCES, Source
from motcua.dossiers.models import Dossier, DossierComponent

#: The component choice of an electronic result (not a component of the dossier).
RESULT_CHOICE = "ket-qua"


class DigitiseForm(forms.Form):
    """Scan or upload one paper of a dossier at the counter."""

    component = forms.ChoiceField(label=_("Thành phần hồ sơ"))
    source = forms.ChoiceField(
        label=_("Nguồn"),
        choices=[(s.value, s.label) for s in COUNTER_SOURCES],
        initial=Source.ORIGINAL,
    )
    file = forms.FileField(
        label=_("Tệp quét (PDF, JPEG hoặc PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.components = {c.pk: c for c in dossier.components.all()}
        choices: list[tuple[str, str]] = [("", "—")]
        choices += [(str(pk), c.name) for pk, c in self.components.items()]
        choices.append((RESULT_CHOICE, str(_("Kết quả giải quyết (bản điện tử)"))))
        field = self.fields["component"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value = data.get("component")
        if value == RESULT_CHOICE and data.get("source") not in (None, Source.ELECTRONIC_RESULT):
            self.add_error("source", _("Kết quả giải quyết có nguồn “Kết quả điện tử”."))
        if value and value != RESULT_CHOICE and data.get("source") == Source.ELECTRONIC_RESULT:
            self.add_error("source", _("Nguồn “Kết quả điện tử” chỉ dùng cho kết quả giải quyết."))
        return data

    def chosen_component(self) -> DossierComponent | None:
        value = self.cleaned_data.get("component")
        if not value or value == RESULT_CHOICE:
            return None
        return self.components.get(int(value))
