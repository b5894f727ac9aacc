from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    label = "portal"
    verbose_name = _("Cổng công dân")

    def ready(self) -> None:
        # Explicit hook registration (no Django signals): notify the applicant after each
        # committed dossier event (motcua.portal.notifications).
        from motcua.dossiers import tasks
        from motcua.portal import notifications

        tasks.register(notifications.on_dossier_event)
