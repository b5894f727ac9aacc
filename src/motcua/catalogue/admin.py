"""Django admin for the catalogue (/quan-tri/): fields, procedures, versions with their
components, fee rules and internal process.

Procedures are saved through `procedure_upsert` (keeps `name_search`); versions are published
through `version_publish`; published versions are read-only (create a new draft instead).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalogue import rules, selectors, services
from motcua.catalogue.constants import FeePer, VersionStatus
from motcua.catalogue.models import (
    Component,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)
from motcua.core.errors import DomainError
from motcua.documents.admin import ResultTemplateInline, stamp_uploader


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class VersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ("number", "status", "valid_from", "valid_to", "time_limit_amount", "time_limit_unit")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level")
    list_filter = ("field", "level")
    search_fields = ("code", "name_search")
    inlines = [VersionInline]
    actions = ["create_draft"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        """Accent-insensitive: "dang ky ket hon" finds "Đăng ký kết hôn"."""
        if not search_term:
            return queryset, False
        found = selectors.procedure_search(search_term, limit=1000)
        return queryset.filter(pk__in=[p.pk for p in found]), False

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        saved = services.procedure_upsert(
            code=obj.code,
            name=obj.name,
            field=obj.field,
            level=obj.level,
            unit_kinds=obj.unit_kinds,
            legal_basis=obj.legal_basis,
            life_events=obj.life_events,
        )
        obj.pk = saved.pk
        obj.name_search = saved.name_search

    @admin.action(description=_("Tạo phiên bản dự thảo mới (sao chép phiên bản gần nhất)"))
    def create_draft(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        for procedure in queryset:
            try:
                draft = services.version_create_draft(
                    procedure=procedure, valid_from=dt.date.today()
                )
            except DomainError as exc:
                self.message_user(request, f"{procedure.code}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Đã tạo phiên bản dự thảo %(v)s.") % {"v": draft},
                    messages.SUCCESS,
                )


class ProcedureVersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = [
            "procedure",
            "number",
            "valid_from",
            "valid_to",
            "time_limit_amount",
            "time_limit_unit",
            "verification_extra_amount",
            "time_limit_text",
            "online_level",
            "legal_basis",
            "sources",
            "fee_text",
            "eform_schema",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, unit = data.get("time_limit_amount"), data.get("time_limit_unit")
        if amount is not None and unit:
            problem = rules.limit_problem(Decimal(amount), unit)
            if problem:
                self.add_error("time_limit_amount", problem)
        valid_from = data.get("valid_from")
        if valid_from:
            problem = rules.period_problem(valid_from, data.get("valid_to"))
            if problem:
                self.add_error("valid_to", problem)
        return data


class StepFormSet(forms.BaseInlineFormSet):
    """Step allotments must fit within the version's legal limit (rules.py, DOMAIN §2.1)."""

    def clean(self) -> None:
        super().clean()
        version = self.instance
        if version.time_limit_amount is None or not version.time_limit_unit:
            return
        items = [
            (Decimal(f.cleaned_data["allotted_amount"]), f.cleaned_data["allotted_unit"])
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("allotted_amount") is not None
            and f.cleaned_data.get("allotted_unit")
        ]
        problem = rules.steps_problem(
            Decimal(version.time_limit_amount), version.time_limit_unit, items
        )
        if problem:
            raise forms.ValidationError(problem)


class FeeRuleForm(forms.ModelForm):
    per = forms.ChoiceField(label=_("tính theo"), choices=FeePer.choices)

    class Meta:
        model = FeeRule
        fields = [
            "order",
            "name",
            "amount",
            "per",
            "from_quantity",
            "to_quantity",
            "max_amount",
            "legal_ref",
            "exemption",
            "province",
            "valid_from",
            "valid_to",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problem = rules.fee_line_problem(
            provincial=data.get("province") is not None,
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
        )
        if problem:
            self.add_error("valid_to" if data.get("province") else "province", problem)
        return data


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


class FeeRuleInline(admin.TabularInline):
    """National lines (no province) and each province's lines from its HĐND resolution, with
    the resolution's period; the province list offers province units only."""

    model = FeeRule
    form = FeeRuleForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[FeeRule]:
        return super().get_queryset(request).select_related("province")


class StepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionForm
    list_display = (
        "procedure",
        "number",
        "status",
        "valid_from",
        "valid_to",
        "time_limit_amount",
        "time_limit_unit",
        "online_level",
    )
    list_filter = ("status", "time_limit_unit", "online_level", "procedure__field")
    search_fields = ("procedure__code", "procedure__name_search")
    readonly_fields = ("status", "published_at")
    autocomplete_fields = ("procedure",)
    # Result templates (DOCX) are uploaded with the version; once it is published (read-only
    # here) an administrator adds them under Văn bản › Mẫu văn bản kết quả.
    inlines = [ComponentInline, FeeRuleInline, StepInline, ResultTemplateInline]
    actions = ["publish", "publish_closing_previous"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        stamp_uploader(formset, request.user)
        super().save_formset(request, form, formset, change)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == VersionStatus.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status == VersionStatus.PUBLISHED:
            return False
        return super().has_delete_permission(request, obj)

    def _publish(
        self, request: HttpRequest, queryset: QuerySet[ProcedureVersion], close_previous: bool
    ) -> None:
        for version in queryset.select_related("procedure"):
            try:
                services.version_publish(version=version, close_previous=close_previous)
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Đã công bố %(v)s.") % {"v": version}, messages.SUCCESS
                )

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        self._publish(request, queryset, close_previous=False)

    @admin.action(description=_("Công bố và kết thúc hiệu lực phiên bản trước vào ngày liền trước"))
    def publish_closing_previous(
        self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]
    ) -> None:
        self._publish(request, queryset, close_previous=True)
