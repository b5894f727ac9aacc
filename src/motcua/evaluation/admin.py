"""Admin: the QĐ 766 indicator configuration (maxima, thresholds, warning margins) and the
publication flags of TT 01/2018 index 6 — values an administrator may change without code."""

from __future__ import annotations

from django.contrib import admin

from motcua.evaluation.models import IndicatorConfig, UnitPublication


@admin.register(IndicatorConfig)
class IndicatorConfigAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "pmax",
        "threshold",
        "warning_target",
        "warning_margin",
        "confidence",
        "waits_for",
    )
    list_editable = ("pmax", "threshold", "warning_target", "warning_margin")
    list_display_links = ("code", "name")
    search_fields = ("code", "name")
    readonly_fields = ("created_at", "updated_at")


@admin.register(UnitPublication)
class UnitPublicationAdmin(admin.ModelAdmin):
    list_display = ("unit", "posted", "electronic", "updated_at")
    list_filter = ("posted", "electronic")
    search_fields = ("unit__code", "unit__name")
    autocomplete_fields = ("unit",)
