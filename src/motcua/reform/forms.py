"""Forms of the CCHC back-office pages: they parse input; the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import Procedure
from motcua.core.validators import plausible_date
from motcua.reform.constants import (
    ActivityKind,
    PeriodConvention,
    ReformArea,
    ReviewProposal,
    ReviewStatus,
    Section,
    TaskStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_INPUT = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


class PlanForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=40, help_text="15/KH-UBND")
    issued_on = forms.DateField(
        label=_("Ngày ban hành"), widget=DATE_INPUT, validators=[plausible_date]
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=400)
    area = forms.ChoiceField(label=_("Lĩnh vực CCHC"), choices=ReformArea.choices)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=400)
    owner_text = forms.CharField(
        label=_("Người, bộ phận thực hiện"), max_length=200, required=False
    )
    deadline = forms.DateField(label=_("Thời hạn"), widget=DATE_INPUT, validators=[plausible_date])


class TaskStatusForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    done_on = forms.DateField(
        label=_("Ngày hoàn thành"), required=False, widget=DATE_INPUT, validators=[plausible_date]
    )
    evidence = forms.CharField(label=_("Kết quả, sản phẩm"), required=False, max_length=2000)


class ReviewForm(forms.Form):
    period = forms.CharField(label=_("Kỳ rà soát"), max_length=20, help_text="2023")
    reviewed_on = forms.DateField(
        label=_("Ngày rà soát"), widget=DATE_INPUT, validators=[plausible_date]
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục trong danh mục"), queryset=Procedure.objects.all(), required=False
    )
    procedure_text = forms.CharField(label=_("hoặc tên thủ tục"), max_length=400, required=False)
    findings = forms.CharField(label=_("Kết quả rà soát"), widget=forms.Textarea, required=False)
    proposal = forms.ChoiceField(label=_("Phương án"), choices=ReviewProposal.choices)


class ReviewStatusForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=ReviewStatus.choices)
    outcome = forms.CharField(label=_("Kết quả xử lý"), required=False, max_length=2000)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại hoạt động"), choices=ActivityKind.choices)
    held_on = forms.DateField(label=_("Ngày"), widget=DATE_INPUT, validators=[plausible_date])
    title = forms.CharField(label=_("Nội dung"), max_length=400)
    count = forms.IntegerField(label=_("Số lượng"), min_value=1, initial=1)
    participants = forms.IntegerField(label=_("Số người tham gia"), min_value=0, required=False)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea, required=False)


class DraftCreateForm(forms.Form):
    period = forms.CharField(
        label=_("Kỳ báo cáo"), max_length=40, help_text=_("2023, 2023-H1, 2023-Q2, 2023-9M")
    )
    convention = forms.ChoiceField(
        label=_("Cách chốt số liệu"), choices=PeriodConvention.choices, required=False
    )


class DraftForm(forms.Form):
    """Header fields and one textarea per narrative section of a report draft."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(label=_("Số"), min_value=1, required=False)
    symbol = forms.CharField(label=_("Ký hiệu"), max_length=40)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    summary = forms.CharField(label=_("Trích yếu"), max_length=400, required=False)
    parent_agency = forms.CharField(label=_("Cơ quan chủ quản"), max_length=200, required=False)
    agency = forms.CharField(
        label=_("Cơ quan ban hành"), widget=forms.Textarea(attrs={"rows": 2}), max_length=200
    )
    signer_authority = forms.CharField(label=_("Thẩm quyền ký"), max_length=100)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=100)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=200, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, label in Section.choices:
            self.fields[f"section_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 6})
            )

    def narrative(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in Section.values}

    def header(self) -> dict[str, object]:
        names = (
            "number",
            "symbol",
            "place",
            "summary",
            "parent_agency",
            "agency",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
        )
        return {name: self.cleaned_data.get(name) for name in names}


#: Labels of the figures a user types to check a report written by hand (Biểu 06, §3.2).
ENTERED_FIGURE_LABELS: tuple[tuple[str, StrOrPromise], ...] = (
    ("received_total", _("Tổng số hồ sơ tiếp nhận")),
    ("received_online", _("Tiếp nhận trực tuyến")),
    ("received_direct_postal", _("Tiếp nhận trực tiếp, bưu chính")),
    ("carried_over", _("Từ kỳ trước chuyển sang")),
    ("resolved_total", _("Đã giải quyết")),
    ("resolved_early", _("Trước hạn")),
    ("resolved_on_time", _("Đúng hạn")),
    ("resolved_late", _("Quá hạn")),
    ("pending_total", _("Đang giải quyết")),
    ("pending_within", _("Trong hạn")),
    ("pending_overdue", _("Quá hạn (đang giải quyết)")),
    ("closed_other_total", _("Kết thúc không có kết quả (rút, dừng, trả lại)")),
    ("withdrawn", _("Trong đó: rút hồ sơ")),
    ("stopped", _("Trong đó: dừng xử lý")),
)


class EnteredFiguresForm(forms.Form):
    """Figures and text of a report typed by hand, for `checks.check_entered_figures`."""

    text = forms.CharField(
        label=_("Nội dung báo cáo (dán vào)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key, label in ENTERED_FIGURE_LABELS:
            self.fields[key] = forms.IntegerField(label=label, min_value=0, required=False)
