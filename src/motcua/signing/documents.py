"""Signing the stored documents of a dossier (results and forms) as their leader.

`generated_document_sign` takes an unsigned PDF the system generated (`documents.
GeneratedDocument`), signs it with the configured signer (the leader's key: PKCS#12 in the demo,
a PKCS#11 token or another `DocumentSigner` in production) and, when an agency seal is
configured, seals it as a second signature (NĐ 30/2020 art. 26: the seal of the agency on
documents it issues). The signed copy is stored beside the original with its hash, linked to
the `document_signed` event of the dossier, in one transaction. Signing the same document
again returns the signed copy: a retried request signs once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError, PermissionDenied
from motcua.documents.models import DocumentFormat, GeneratedDocument
from motcua.documents.services import document_store
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import holds_role_for
from motcua.organisation.constants import Role
from motcua.signing.services import SEAL_BOX, pdf_sha256, sign_pdf
from motcua.signing.signers import SignerUnavailable, signer_from_settings

logger = logging.getLogger(__name__)

SIGN_REASON = "Phê duyệt kết quả giải quyết thủ tục hành chính"


def may_sign(user: User, dossier: Dossier) -> bool:
    """A leader of the dossier's receiving or current unit signs its documents (the same rule
    `dossiers.services.dossier_document_signed` enforces when the event is recorded)."""
    return holds_role_for(user, dossier, Role.LEADER)


def generated_document_sign(
    *, user: User, document: GeneratedDocument, at: dt.datetime | None = None
) -> GeneratedDocument:
    """Sign `document` (PDF) as `user`, seal it when a seal is configured, store the copy.

    Raises `PermissionDenied` (not a leader of the dossier's unit), `DomainError` (not a PDF,
    already a signed copy, no signer configured, the file does not match its stored hash)."""
    if document.format != DocumentFormat.PDF:
        raise DomainError(_("Chỉ ký số được văn bản PDF."))
    if document.signed_from_id is not None:
        raise DomainError(_("Văn bản này đã là bản ký số."))
    existing = GeneratedDocument.objects.filter(signed_from=document).first()
    if existing is not None:
        return existing
    dossier = document.dossier
    if not may_sign(user, dossier):  # before any signing work
        raise PermissionDenied(_("Chỉ lãnh đạo của đơn vị được ký số văn bản của hồ sơ này."))
    with document.file.open("rb") as fh:
        original = fh.read()
    if pdf_sha256(original) != document.sha256:
        raise DomainError(_("Tệp văn bản không khớp mã băm đã lưu; không ký."))
    signed = sign_pdf(
        original,
        signer=signer_from_settings("SIGNER"),
        reason=SIGN_REASON,
        location=dossier.unit.name,
        field_name="ChuKySo1",
    )
    sealed = False
    try:
        seal_signer = signer_from_settings("SEAL_SIGNER")
    except SignerUnavailable:
        seal_signer = None  # no seal configured: the leader's signature only
    if seal_signer is not None:
        signed = sign_pdf(
            signed, signer=seal_signer, field_name="DauCoQuan", box=SEAL_BOX, seal=True
        )
        sealed = True
    digest = pdf_sha256(signed)
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        again = GeneratedDocument.objects.filter(signed_from=locked).first()
        if again is not None:  # a concurrent request signed it first
            return again
        event = dossier_services.dossier_document_signed(
            dossier=dossier,
            user=user,
            payload={
                "document_id": document.pk,
                "kind": document.kind,
                "sha256": digest,
                "sealed": sealed,
            },
            at=at,
        )
        copy = document_store(
            dossier=dossier,
            kind=document.kind,
            format=DocumentFormat.PDF,
            content=signed,
            title=_("%(title)s (đã ký số)") % {"title": document.title or document.kind},
            event=event,
            result_template=document.result_template,
        )
        copy.signed_from = locked
        copy.signed_by = user
        copy.save(update_fields=["signed_from", "signed_by"])
    logger.info("Document %s of dossier %s signed by %s", document.pk, dossier.pk, user.pk)
    return copy
