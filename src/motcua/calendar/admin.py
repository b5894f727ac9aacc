"""Admin for the calendar tables (data repair and yearly entry of official decisions).
Writes go through the services so the same validation applies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import CalendarOverride, WorkingSchedule
from motcua.calendar.services import validate_schedule
from motcua.core.errors import DomainError


class YearListFilter(admin.SimpleListFilter):
    title = _("năm")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = sorted({d.year for d in CalendarOverride.objects.dates("date", "year")})
        return [(str(y), str(y)) for y in reversed(years)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


class NationalListFilter(admin.SimpleListFilter):
    title = _("phạm vi")
    parameter_name = "scope"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("national", _("Toàn quốc")), ("unit", _("Riêng đơn vị"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "national":
            return queryset.filter(unit__isnull=True)
        if self.value() == "unit":
            return queryset.filter(unit__isnull=False)
        return queryset


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "kind", "label", "legal_ref", "unit")
    list_filter = (YearListFilter, "kind", NationalListFilter)
    search_fields = ("label", "legal_ref", "unit__name", "unit__code")
    date_hierarchy = "date"
    raw_id_fields = ("unit",)
    ordering = ("-date",)

    @admin.display(description=_("thứ"))
    def weekday(self, obj: CalendarOverride) -> str:
        from motcua.calendar.workdays import weekday_name

        return weekday_name(obj.date)


class WorkingScheduleForm(forms.ModelForm):
    class Meta:
        model = WorkingSchedule
        fields = ("unit", "weekdays", "sessions")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            days, sessions = validate_schedule(
                data.get("weekdays") or [], data.get("sessions") or []
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        data["weekdays"], data["sessions"] = days, sessions
        return data


@admin.register(WorkingSchedule)
class WorkingScheduleAdmin(admin.ModelAdmin):
    form = WorkingScheduleForm
    list_display = ("unit", "weekdays", "sessions", "updated_at")
    search_fields = ("unit__name", "unit__code")
    raw_id_fields = ("unit",)
