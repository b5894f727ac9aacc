"""Public page: anybody can check the digital signatures of a PDF (e.g. a result document)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.core.decorators import staff_required
from motcua.core.errors import DomainError
from motcua.documents.models import GeneratedDocument
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier
from motcua.portal import throttle
from motcua.signing import services
from motcua.signing.documents import generated_document_sign
from motcua.signing.forms import MAX_UPLOAD_BYTES, VerifyForm

logger = logging.getLogger(__name__)

#: Checks per client IP and window (verification costs CPU: parse, hash, path building).
VERIFY_MAX_TRIES = 30
VERIFY_WINDOW_SECONDS = 600
#: Multipart overhead allowed above the file limit; a longer request is refused without
#: reading the upload (the reverse proxy should cap the body too, docs/dev/signing.md).
_ENVELOPE = 64 * 1024

TEMPLATE = "signing/verify.html"


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """`/xac-thuc-van-ban/`: upload a PDF, see each signature's integrity, signer, time and
    trust, and the SHA-256 of the file. POST only with the CSRF token; no JavaScript."""
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": VerifyForm()})
    ip = throttle.client_ip(request)
    if not throttle.hit(
        f"signing:verify:ip:{ip}", limit=VERIFY_MAX_TRIES, window=VERIFY_WINDOW_SECONDS
    ):
        return render(request, TEMPLATE, {"form": VerifyForm(), "throttled": True}, status=429)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + _ENVELOPE:
        form = VerifyForm()
        form.errors["pdf"] = form.error_class([_("Tệp lớn hơn 20 MB.")])
        return render(request, TEMPLATE, {"form": form}, status=413)
    form = VerifyForm(request.POST, request.FILES)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        data: bytes = form.cleaned_data["pdf"]
        try:
            result = services.verify_pdf(data)
        except services.InvalidPdf as exc:
            form.add_error("pdf", exc.message)
        except DomainError as exc:  # an unreadable configured trust root: the server's fault
            logger.error("signature verification misconfigured: %s", exc)
            form.add_error(
                None, _("Máy chủ chưa cấu hình đúng chứng thư gốc; vui lòng báo quản trị.")
            )
        else:
            context.update(
                result=result,
                sha256=services.pdf_sha256(data),
                file_name=getattr(request.FILES.get("pdf"), "name", ""),
                size=len(data),
            )
    return render(request, TEMPLATE, context)


@staff_required
@require_POST
def document_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Back office: a leader signs a stored PDF of a dossier (`signing.documents`). The document
    is looked up through the dossiers the user may read: another commune's is 404."""
    user = request.user
    assert isinstance(user, User)
    document = GeneratedDocument.objects.select_related("dossier").filter(pk=pk).first()
    if document is None:
        raise Http404(_("Không tìm thấy văn bản."))
    try:
        dossier_selectors.dossier_get_for_user(user, document.dossier_id)
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy văn bản.")) from exc
    try:
        signed = generated_document_sign(user=user, document=document)
    except DomainError as exc:  # PermissionDenied included: not a leader of the unit
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã ký số văn bản. Mã băm SHA-256 của bản ký: %(h)s") % {"h": signed.sha256},
        )
    return redirect("backoffice:dossier", pk=document.dossier_id)
