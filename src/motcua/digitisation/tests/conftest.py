"""Fixtures of the digitisation tests: the portal's commune, procedure and citizens (reused
from `motcua.portal.tests.conftest`), files under a temporary MEDIA_ROOT."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.digitisation import services
from motcua.digitisation.constants import Source
from motcua.digitisation.models import DigitisedComponent
from motcua.dossiers.models import Dossier
from motcua.portal.tests.conftest import (  # noqa: F401 (fixtures)
    PDF_BYTES,
    PNG_BYTES,
    _isolated,
    birth,
    citizen,
    commune,
    other_citizen,
)


def scan(content: bytes = PDF_BYTES, name: str = "quet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_bytes(marker: str) -> bytes:
    """A distinct PDF (its own SHA-256) per marker."""
    return PDF_BYTES + f"% {marker}\n".encode()


def digitise(
    user: User,
    dossier: Dossier,
    *,
    content: bytes = PDF_BYTES,
    source: str = Source.ORIGINAL,
    component: Any = "first",
) -> DigitisedComponent:
    if component == "first":
        component = dossier.components.order_by("pk").first()
    return services.component_digitise(
        user=user,
        dossier=dossier,
        component=component,
        uploaded_file=scan(content),
        source=source,
    )


@pytest.fixture
def files_of(settings: Any):
    """The names of the files stored under MEDIA_ROOT/private/<prefix>."""
    from pathlib import Path

    def names(prefix: str) -> list[str]:
        root = Path(settings.MEDIA_ROOT) / "private" / prefix
        return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return names
