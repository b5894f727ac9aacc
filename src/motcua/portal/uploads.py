"""Checks of citizen uploads: type by content (magic bytes), size, hash."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.conf import settings

from motcua.portal.constants import DEFAULT_UPLOAD_MAX_BYTES

#: File signatures of the accepted types. The name and the browser's declared type are ignored.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def max_upload_bytes() -> int:
    """`settings.MOTCUA["PORTAL_UPLOAD_MAX_BYTES"]`, 10 MB by default."""
    value: Any = settings.MOTCUA.get("PORTAL_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)
    return int(value)


def sniff(head: bytes) -> str | None:
    """The content type announced by the first bytes of a file, or None when not accepted."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(64 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()
