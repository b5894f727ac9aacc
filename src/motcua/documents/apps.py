from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """PDF rendering of the documents the system issues (no models: templates and static)."""

    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Văn bản, biểu mẫu")
