from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitisationConfig(AppConfig):
    name = "motcua.digitisation"
    label = "digitisation"
    verbose_name = _("Số hóa hồ sơ và kho dữ liệu cá nhân")

    def ready(self) -> None:
        from motcua.digitisation import hooks
        from motcua.dossiers import tasks

        tasks.register(hooks.fill_store)
        tasks.register(hooks.record_reuse)
