"""Download of a stored generated document (back office). Thin: access check, log, file."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import User
from motcua.core.decorators import staff_required
from motcua.core.models import AccessLogAction
from motcua.core.services import access_log_record
from motcua.documents.models import DocumentFormat, GeneratedDocument
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier

CONTENT_TYPES: dict[str, str] = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
}


@staff_required
@require_GET
def generated_document_download(request: HttpRequest, pk: int, doc_id: int) -> HttpResponse:
    """A stored document of a dossier, for staff who may read the dossier (the same check as
    the dossier page: another commune's dossier is 404), logged as a print of the dossier."""
    user = request.user
    assert isinstance(user, User)
    try:
        dossier = dossier_selectors.dossier_get_for_user(user, pk)
        document = GeneratedDocument.objects.get(pk=doc_id, dossier=dossier)
    except (Dossier.DoesNotExist, GeneratedDocument.DoesNotExist) as exc:
        raise Http404(_("Không tìm thấy văn bản.")) from exc
    access_log_record(  # NĐ 13/2023 art. 38: the document carries personal data
        user=user,
        action=AccessLogAction.PRINT_FORM,
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        purpose=f"tải văn bản {document.kind}.{document.format}",
        request=request,
    )
    with document.file.open("rb") as handle:  # a form or a result: well under 1 MB
        content = handle.read()
    response = HttpResponse(
        content, content_type=CONTENT_TYPES.get(document.format, "application/octet-stream")
    )
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-SHA256"] = document.sha256
    return response
