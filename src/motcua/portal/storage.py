"""Private file storage (citizen uploads, digitised components, the personal store):
MEDIA_ROOT/private or an S3-compatible bucket, never a public URL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils import timezone


class PrivateStorage(FileSystemStorage):
    """File system storage under MEDIA_ROOT/private (read at each use, so a changed MEDIA_ROOT
    applies) whose `url()` refuses to build a URL: files go out only through the
    permission-checking download view (`views.upload_download`)."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL.")


def get_private_storage() -> Storage:
    """The storage of private files: `settings.STORAGES["private"]` — `PrivateStorage` (local
    disk) in the embedded default, `storage_s3.PrivateS3Storage` when `MOTCUA_STORAGE=s3` (see
    docs/domain/digitisation.md). Without a "private" entry: the local `PrivateStorage`."""
    if "private" not in settings.STORAGES:
        return PrivateStorage()
    return storages["private"]


def upload_path(instance: Any, filename: str) -> str:
    """`portal/YYYY/MM/<random>.<ext>`: the citizen's file name is never used on disk."""
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        getattr(instance, "content_type", ""), "bin"
    )
    return f"portal/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"
