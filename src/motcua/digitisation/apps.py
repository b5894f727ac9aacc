from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitisationConfig(AppConfig):
    name = "motcua.digitisation"
    label = "digitisation"
    verbose_name = _("Số hóa hồ sơ và kho dữ liệu cá nhân")
