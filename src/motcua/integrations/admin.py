from django.contrib import admin
from django.http import HttpRequest

from motcua.integrations.models import NationalSync, WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "target_url", "active", "created_at")
    list_filter = ("active",)
    exclude = ("secret",)  # shown once, at creation (`motcua webhook create`)
    raw_id_fields = ("unit", "created_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("cloudevent_id", "subscription", "state", "attempts", "last_status_code")
    list_filter = ("state",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NationalSync)
class NationalSyncAdmin(admin.ModelAdmin):
    list_display = ("dossier", "national_id", "state", "attempts", "updated_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in NationalSync._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
