"""Admin of the personal-data records: retention schedule, anonymised dossiers (read-only),
breach records with the 72-hour countdown (NĐ 13/2023 art. 23)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.privacy.models import BreachRecord, DossierAnonymisation, RetentionRule
from motcua.privacy.selectors import breach_status


def breach_countdown(breach: BreachRecord, *, now: Any = None) -> str:
    """The deadline status in Vietnamese: "Còn 12 giờ", "Quá hạn 5 giờ", "Đã thông báo…"."""
    status = breach_status(breach, now=now)
    hours = int(abs(status.hours_left))
    if breach.notified_at is not None:
        when = timezone.localtime(breach.notified_at).strftime("%d/%m/%Y %H:%M")
        if status.overdue:
            return _("Đã thông báo lúc %(when)s (muộn %(h)d giờ)") % {"when": when, "h": hours}
        return _("Đã thông báo lúc %(when)s (đúng hạn)") % {"when": when}
    if status.overdue:
        return _("Quá hạn %(h)d giờ — phải thông báo A05 kèm lý do") % {"h": hours}
    return _("Còn %(h)d giờ để thông báo A05") % {"h": hours}


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["record_class", "keep_years", "enabled", "legal_basis"]
    list_editable = ["keep_years", "enabled"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DossierAnonymisation)
class DossierAnonymisationAdmin(admin.ModelAdmin):
    list_display = ["dossier_code", "record_class", "keep_years", "closed_at", "at"]
    list_filter = ["record_class"]
    search_fields = ["dossier_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(BreachRecord)
class BreachRecordAdmin(admin.ModelAdmin):
    list_display = ["discovered_at", "short_description", "subjects_estimate", "countdown"]
    list_filter = [("notified_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["countdown", "created_by", "created_at"]
    search_fields = ["description", "notification_ref"]

    @admin.display(description=gettext_lazy("Vi phạm"))
    def short_description(self, obj: BreachRecord) -> str:
        return obj.description[:80]

    @admin.display(description=gettext_lazy("Thời hạn thông báo 72 giờ"))
    def countdown(self, obj: BreachRecord) -> str:
        if obj.pk is None:
            return "—"
        return breach_countdown(obj)

    def save_model(self, request: HttpRequest, obj: BreachRecord, form: Any, change: bool) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
