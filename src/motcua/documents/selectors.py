"""Reads of the generated documents (the caller has already checked the dossier's access)."""

from __future__ import annotations

from motcua.documents.models import GeneratedDocument
from motcua.dossiers.models import Dossier


def documents_of(dossier: Dossier) -> list[GeneratedDocument]:
    """The stored documents of a dossier, oldest first."""
    return list(
        GeneratedDocument.objects.filter(dossier=dossier)
        .select_related("signed_version")  # the list shows each PDF's signed copy
        .order_by("created_at", "id")
    )
