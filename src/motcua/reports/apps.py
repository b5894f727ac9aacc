from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "motcua.reports"
    label = "reports"
    verbose_name = _("Báo cáo")

    def ready(self) -> None:
        # Explicit hook registration (not Django signals): the dossier services call these
        # after their transaction commits.
        from motcua.dossiers import tasks
        from motcua.reports import hooks

        tasks.register(hooks.refresh_for_event)
        tasks.register_batch(hooks.refresh_for_batch)
