"""Forms of the staff pages. They parse and check input; the services decide and write."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.catalogue.models import Procedure, ProcedureVersion
from motcua.core.errors import DomainError
from motcua.core.validators import plausible_date
from motcua.dossiers.constants import Channel
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import validate_id_number
from motcua.dossiers.transitions import Action
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import units_valid_on
from motcua.portal import eform

REQUIRED = _("Vui lòng nhập thông tin này.")


F = TypeVar("F", bound=forms.Field)


def _required(field: F) -> F:
    field.error_messages["required"] = REQUIRED
    return field


class IntakeForm(forms.Form):
    """Counter intake (tiếp nhận trực tiếp, bưu chính) — NĐ61 art. 16(1)–(2), 17(1).

    The chosen procedure's e-form (tờ khai) is not made of Django fields: its inputs (`f_…`,
    `portal.eform`) are read as typed into `cleaned_data["form_values"]` and checked by the
    service (`dossiers.services.form_data_clean`), against the version it receives under."""

    DECISIONS = (
        ("receive", _("Tiếp nhận")),
        ("supplement", _("Yêu cầu bổ sung")),
        ("refuse", _("Từ chối")),
    )

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị tiếp nhận"), empty_label=None
    )
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.all(),
        label=_("Thủ tục hành chính"),
        error_messages={
            "required": _("Vui lòng chọn thủ tục hành chính."),
            "invalid_choice": _("Thủ tục đã chọn không tồn tại."),
        },
    )
    applicant_name = _required(forms.CharField(label=_("Họ và tên người nộp"), max_length=200))
    applicant_id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=300, required=False)
    #: One per displayed form: the same form sent twice receives one dossier (views.intake).
    submit_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    channel = forms.ChoiceField(
        label=_("Hình thức nộp"),
        choices=[
            (Channel.COUNTER.value, Channel.COUNTER.label),
            (Channel.POSTAL.value, Channel.POSTAL.label),
        ],
        initial=Channel.COUNTER.value,
    )
    components = forms.TypedMultipleChoiceField(
        label=_("Thành phần hồ sơ đã nộp"), coerce=int, required=False, choices=()
    )
    copies = forms.IntegerField(
        label=_("Số lượng hồ sơ (bộ)"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={"min_value": _("Số bộ hồ sơ ít nhất là 1.")},
    )
    note = forms.CharField(
        label=_("Ghi chú, lý do (bắt buộc khi yêu cầu bổ sung hoặc từ chối)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    decision = forms.ChoiceField(choices=DECISIONS, initial="receive")

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units
        first = units.first()
        if first is not None:
            field.initial = first.pk
        procedure = self.selected_procedure()
        choices: list[tuple[int, str]] = []
        #: The chosen procedure's version in force today (None: none chosen, or none in force).
        self.version: ProcedureVersion | None = None
        if procedure is not None:
            self.version = procedure_version_today(procedure)
            if self.version is not None:
                choices = [(c.pk, c.name) for c in self.version.components.all()]
        components = self.fields["components"]
        assert isinstance(components, forms.TypedMultipleChoiceField)
        components.choices = choices

    def selected_procedure(self) -> Procedure | None:
        raw = self.data.get("procedure") if self.is_bound else self.initial.get("procedure")
        if not raw:
            return None
        try:
            return Procedure.objects.select_related("field").get(pk=int(raw))
        except (ValueError, TypeError, Procedure.DoesNotExist):
            return None

    def eform_values(self) -> dict[str, str]:
        """The e-form (tờ khai) as typed, field name → text; {} unbound or without an e-form."""
        schema = self.version.eform_schema if self.version is not None else None
        if not self.is_bound or not schema:
            return {}
        return eform.raw_values(schema, self.data)

    def clean_applicant_id_number(self) -> str:
        value: str = self.cleaned_data.get("applicant_id_number", "").strip()
        if not value:
            return ""
        try:
            return validate_id_number(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="cccd") from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in ("supplement", "refuse") and not data.get("note", "").strip():
            self.add_error(
                "note",
                _("Vui lòng nêu rõ lý do (NĐ 61/2018 Điều 17 khoản 1: Mẫu 02, Mẫu 03)."),
            )
        data["form_values"] = self.eform_values()
        return data


def procedure_version_today(procedure: Procedure) -> Any:
    from django.utils import timezone

    from motcua.catalogue.selectors import version_in_force

    return version_in_force(procedure, timezone.localdate())


# ---------------------------------------------------------------------------------------------
# One small form per dossier action (DOMAIN.md §1.13). Every form carries `expected_version`.
# ---------------------------------------------------------------------------------------------


class ActionForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["expected_version"] = dossier.version
        kwargs.setdefault("prefix", None)
        super().__init__(*args, **kwargs)
        self.dossier = dossier


def _text(label: Any, *, required: bool = True, rows: int = 2) -> forms.CharField:
    return _required(
        forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))
    )


class NoteForm(ActionForm):
    note = _text(_("Ghi chú"), required=False)


class ReasonsForm(ActionForm):
    reasons = _text(_("Lý do, nội dung cần bổ sung (mỗi dòng một ý)"), rows=3)


class ReasonForm(ActionForm):
    reason = _text(_("Lý do"), required=False)


class ComponentsForm(ActionForm):
    components = forms.TypedMultipleChoiceField(
        label=_("Thành phần hồ sơ đã nộp"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("Ghi chú"), required=False)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        provided = [c.component_id for c in dossier.components.all() if c.provided]
        kwargs.setdefault("initial", {})["components"] = provided
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["components"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [
            (c.component_id, c.name) for c in dossier.components.all() if c.component_id
        ]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AssignForm(ActionForm):
    assignee = UserChoiceField(
        queryset=User.objects.none(),
        label=_("Giao cho"),
        empty_label=_("— Chọn người xử lý —"),
        error_messages={"required": _("Vui lòng chọn người xử lý.")},
    )
    note = _text(_("Ghi chú"), required=False)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(
                memberships__unit_id=dossier.current_unit_id,
                memberships__role__in=[Role.SPECIALIST, Role.LEADER],
                is_active=True,
            )
            .distinct()
            .order_by("full_name", "username")
        )


def nearby_units(unit: Unit) -> QuerySet[Unit]:
    """Units a dossier may be sent to: the ancestors of `unit` and their children (the district,
    its agencies, the neighbouring communes, the province and its departments) that exist
    today (no district after 01/07/2025, no merged commune)."""
    codes = [c for c in unit.path.split("/") if c]
    ancestors = Unit.objects.filter(code__in=codes)
    return (
        units_valid_on(timezone.localdate())
        .filter(Q(pk__in=ancestors) | Q(parent__in=ancestors))
        .exclude(pk=unit.pk)
        .order_by("path")
    )


class UnitForm(ActionForm):
    to_unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Đơn vị nhận"),
        empty_label=_("— Chọn đơn vị —"),
        error_messages={"required": _("Vui lòng chọn đơn vị nhận.")},
    )
    content = _text(_("Nội dung"), rows=3)
    amount = forms.IntegerField(
        label=_("Thời hạn (ngày làm việc)"), min_value=0, max_value=90, initial=3
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = nearby_units(dossier.current_unit)


class AnswerForm(ActionForm):
    answer = _text(_("Ý kiến, kết quả"), rows=3)


class FinancialForm(ActionForm):
    amount = forms.DecimalField(label=_("Số tiền (đồng)"), min_value=1, decimal_places=0)
    description = _text(_("Nội dung nghĩa vụ tài chính"))


class PaidForm(ActionForm):
    receipt_number = _required(forms.CharField(label=_("Số biên lai, chứng từ"), max_length=60))


class ApologyForm(ActionForm):
    reason = _text(_("Lý do chậm trễ"), rows=3)
    new_due_date = _required(
        forms.DateField(
            label=_("Ngày hẹn trả mới (dd/mm/yyyy)"),
            input_formats=["%d/%m/%Y", "%Y-%m-%d"],
            error_messages={"invalid": _("Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy.")},
            validators=[plausible_date],
        )
    )

    def clean_new_due_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["new_due_date"]
        from motcua.dossiers.selectors import work_calendar

        if not work_calendar(self.dossier.unit).is_working_day(value):
            raise forms.ValidationError(_("Ngày hẹn trả mới phải là ngày làm việc."))
        return value


class ReturnForm(ActionForm):
    recipient_name = _required(forms.CharField(label=_("Họ tên người nhận"), max_length=200))
    recipient_id_number = forms.CharField(
        label=_("Số định danh người nhận"), max_length=20, required=False
    )
    note = _text(_("Ghi chú"), required=False)

    def clean_recipient_id_number(self) -> str:
        value: str = self.cleaned_data.get("recipient_id_number", "").strip()
        if not value:
            return ""
        try:
            return validate_id_number(value)
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="cccd") from exc


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    Action.RECEIVE: ComponentsForm,
    Action.INTAKE_REQUEST_SUPPLEMENT: ReasonsForm,
    Action.INTAKE_REFUSE: ReasonsForm,
    Action.ASSIGN: AssignForm,
    Action.STEP_COMPLETE: NoteForm,
    Action.CONSULT_SEND: UnitForm,
    Action.CONSULT_ANSWER: AnswerForm,
    Action.TRANSFER_SEND: UnitForm,
    Action.TRANSFER_RETURN: AnswerForm,
    Action.REQUEST_SUPPLEMENT: ReasonsForm,
    Action.SUPPLEMENT_COMPLETE: ComponentsForm,
    Action.FINANCIAL_OBLIGATION: FinancialForm,
    Action.FINANCIAL_PAID: PaidForm,
    Action.APPROVE: NoteForm,
    Action.REJECT: ReasonsForm,
    Action.APOLOGY: ApologyForm,
    Action.RETURN_RESULT: ReturnForm,
    Action.WITHDRAW: ReasonForm,
    Action.STOP: ReasonsForm,
}
