"""Forms of the PAKN and rating pages (the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.feedback.constants import RATING_REASONS, FeedbackKind, FeedbackTopic
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.selectors import units_valid_on

LOCAL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)


class FeedbackForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Gửi đến (xã, phường)"),
        queryset=Unit.objects.none(),
        empty_label=_("— Chọn xã, phường —"),
        error_messages={"required": _("Vui lòng chọn xã, phường nhận phản ánh.")},
    )
    kind = forms.ChoiceField(label=_("Loại"), choices=FeedbackKind.choices)
    procedure_code = forms.CharField(
        label=_("Mã thủ tục liên quan (nếu có)"), max_length=32, required=False
    )
    subject = forms.CharField(label=_("Tiêu đề"), max_length=300)
    content = forms.CharField(
        label=_("Nội dung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    sender_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sender_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    sender_email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    sender_address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300, required=False)
    idempotency_key = forms.CharField(
        label=_("Mã chống gửi trùng"), widget=forms.HiddenInput, required=False, max_length=64
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        # The communes and wards that exist today (a merged one is gone from the list).
        on = timezone.localdate()
        field.queryset = units_valid_on(on).filter(kind__in=LOCAL_KINDS).order_by("name")


class FeedbackLookupForm(forms.Form):
    ma = forms.CharField(label=_("Mã phản ánh"), max_length=32)
    secret = forms.CharField(
        label=_("Mã tra cứu"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class RatingForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Ông/bà có hài lòng với việc giải quyết hồ sơ này không?"),
        choices=[("1", _("Hài lòng")), ("0", _("Chưa hài lòng"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn Hài lòng hoặc Chưa hài lòng.")},
    )
    reasons = forms.MultipleChoiceField(
        label=_("Nếu chưa hài lòng, vì sao?"),
        choices=[(k, v) for k, v in RATING_REASONS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=_("Ý kiến khác"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActionForm(forms.Form):
    """Fields of every staff action; each action reads the ones it needs."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(label=_("Ghi chú, lý do"), max_length=5000, required=False)
    topic = forms.ChoiceField(label=_("Phân loại"), choices=FeedbackTopic.choices, required=False)
    assignee = forms.IntegerField(required=False)
    to_unit = forms.CharField(label=_("Mã đơn vị nhận"), max_length=32, required=False)
    answer = forms.CharField(label=_("Nội dung trả lời"), max_length=5000, required=False)
    public_summary = forms.CharField(label=_("Nội dung công khai"), max_length=5000, required=False)
