from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "motcua.integrations"
    label = "integrations"
    verbose_name = _("Tích hợp: webhook và Cổng Dịch vụ công quốc gia")

    def ready(self) -> None:
        # Explicit after-commit hooks (no Django signals): webhooks and the national-portal sync.
        from motcua.dossiers import tasks
        from motcua.integrations import national, webhooks

        tasks.register(webhooks.on_dossier_event)
        tasks.register(national.on_dossier_event)
