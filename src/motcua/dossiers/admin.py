"""Admin for data repair only: dossiers are changed through the services, never here.

Events are append-only: shown read-only inline, never added, edited or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, Transfer


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    ordering = ["seq"]
    fields = ("seq", "at", "action", "from_state", "to_state", "actor", "unit", "form", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DossierComponentInline(admin.TabularInline):
    model = DossierComponent
    extra = 0
    fields = ["name", "kind", "quantity", "provided"]
    readonly_fields = ["name", "kind"]


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0
    can_delete = False
    fields = ("kind", "from_unit", "to_unit", "sent_at", "due_at", "answered_at", "answer")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "applicant_name",
        "procedure_version",
        "unit",
        "current_unit",
        "state",
        "channel",
        "received_at",
        "due_at",
    ]
    list_filter = ["state", "channel", "rule_set", "unit"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    date_hierarchy = "received_at"
    list_select_related = ["unit", "current_unit", "procedure_version__procedure"]
    raw_id_fields = ["applicant", "assignee", "procedure_version", "current_step"]
    readonly_fields = [
        "code",
        "unit",
        "state",
        "version",
        "ledger_year",
        "ledger_number",
        "rule_set",
        "created_at",
        "updated_at",
    ]
    inlines = [DossierComponentInline, TransferInline, DossierEventInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
