"""Admin for core: the personal-data access log, read-only (NĐ 13/2023 art. 38)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "user",
        "unit",
        "action",
        "outcome",
        "dossier_code",
        "subject",
        "purpose",
        "reason",
        "ip",
    ]
    list_filter = [
        "outcome",
        "action",
        ("at", admin.DateFieldListFilter),
        ("unit", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["dossier_code", "user__username", "purpose"]
    date_hierarchy = "at"
    list_select_related = ["user", "unit"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
