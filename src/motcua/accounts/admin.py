"""Django admin for accounts (/quan-tri/): data repair, with the user's memberships inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.accounts import totp
from motcua.accounts.models import User
from motcua.organisation.models import Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    verbose_name = _("vai trò tại đơn vị")
    verbose_name_plural = _("vai trò tại các đơn vị")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "kind",
        "email",
        "is_active",
        "is_superuser",
        "totp_enabled",
    )
    list_filter = ("kind", "is_active", "is_superuser", "totp_enabled")
    readonly_fields = ("totp_enabled",)
    actions = ["reset_totp"]
    search_fields = ("username", "full_name", "email", "phone")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Thông tin Một Cửa"), {"fields": ("kind", "full_name", "phone")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        (_("Thông tin Một Cửa"), {"fields": ("kind", "full_name", "phone")}),
    )
    inlines = [MembershipInline]

    @admin.action(description=_("Đặt lại xác thực hai bước (mất điện thoại)"))
    def reset_totp(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for user in queryset:
            totp.totp_reset(user)
        self.message_user(request, _("Đã đặt lại xác thực hai bước; cán bộ sẽ đăng ký lại."))
