"""Django admin for units, memberships and the staffing registry (/quan-tri/, data repair).

Units are saved through the services so that `path` and `name_search` stay right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.organisation.models import Membership, StaffingQuota, StaffPosition, Unit
from motcua.organisation.services import unit_create, unit_update


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = (
            "code",
            "name",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "successors",
            "agency_identifier",
            "address",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("parent")
        if (
            self.instance.pk
            and parent is not None
            and (parent.pk == self.instance.pk or parent.path.startswith(self.instance.path))
        ):
            self.add_error("parent", _("Đơn vị cấp trên nằm trong chính cây đơn vị này."))
        vf, vt = data.get("valid_from"), data.get("valid_to")
        if vf and vt and vt < vf:
            self.add_error("valid_to", _("Ngày hết hiệu lực không được trước ngày có hiệu lực."))
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("indented_name", "code", "kind", "valid_from", "valid_to")
    list_filter = ("kind",)
    ordering = ("path",)
    search_fields = ("code", "name_search")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)
    filter_horizontal = ("successors",)
    fields = (
        "code",
        "name",
        "kind",
        "parent",
        "path",
        "valid_from",
        "valid_to",
        "successors",
        "agency_identifier",
        "address",
    )

    @admin.display(description=_("tên đơn vị"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return "— " * (obj.path.count("/") - 2) + obj.name

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Accent-insensitive: "tai son" finds "Xã Tái Sơn".
        return super().get_search_results(request, queryset, fold(search_term))

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        data = {
            key: form.cleaned_data.get(key)
            for key in (
                "code",
                "name",
                "kind",
                "parent",
                "valid_from",
                "valid_to",
                "agency_identifier",
                "address",
            )
        }
        try:
            if change:
                saved = unit_update(unit=Unit.objects.get(pk=obj.pk), **data)
            else:
                saved = unit_create(**data)
        except DomainError as exc:
            messages.error(request, exc.message)
            raise
        obj.pk = saved.pk
        obj.path = saved.path


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "unit__name_search", "unit__code")
    autocomplete_fields = ("user", "unit")


@admin.register(StaffPosition)
class StaffPositionAdmin(admin.ModelAdmin):
    list_display = (
        "full_name",
        "position",
        "unit",
        "category",
        "is_party_member",
        "political_theory_level",
        "professional_level",
        "valid_from",
        "valid_to",
    )
    list_filter = ("category", "is_party_member")
    search_fields = ("full_name", "position", "unit__name_search")
    autocomplete_fields = ("unit", "user")


@admin.register(StaffingQuota)
class StaffingQuotaAdmin(admin.ModelAdmin):
    list_display = ("unit", "year", "category", "quota", "legal_ref")
    list_filter = ("year", "category")
    search_fields = ("unit__name_search", "unit__code")
    autocomplete_fields = ("unit",)
