from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """The documents the system issues: PDF (WeasyPrint) and DOCX (python-docx) forms, result
    documents from per-procedure templates (docxtpl) and the stored generated files."""

    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Văn bản, biểu mẫu")

    def ready(self) -> None:
        # Explicit hook registration (no Django signals): runs after a dossier event commits.
        from motcua.documents import tasks as document_tasks
        from motcua.dossiers import tasks

        tasks.register(document_tasks.enqueue_generation)
