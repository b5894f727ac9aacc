"""Checks of citizen uploads: type by content (magic bytes), size, hash."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.portal.constants import ALLOWED_CONTENT_TYPES, DEFAULT_UPLOAD_MAX_BYTES

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


@dataclass(frozen=True)
class CheckedFile:
    """What `inspect_upload` found: the type by content, the size and the SHA-256."""

    content_type: str
    size: int
    sha256: str


def inspect_upload(file: UploadedFile | File[Any]) -> CheckedFile:
    """Check one file before it is stored: not empty, not above `max_upload_bytes()`, a PDF,
    JPEG or PNG BY CONTENT (the name and the declared type are ignored). Raises `DomainError`
    with a Vietnamese message naming the file; nothing is stored here."""
    name = getattr(file, "name", "") or ""
    limit = max_upload_bytes()
    size = file.size or 0
    if size > limit:
        raise DomainError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(max)s MB.")
            % {
                "name": name,
                "size": f"{size / 1048576:.1f}",
                "max": f"{limit / 1048576:g}",
            }
        )
    if size == 0:
        raise DomainError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    file.seek(0)
    content_type = sniff(file.read(16))
    if content_type is None or content_type not in ALLOWED_CONTENT_TYPES:
        raise DomainError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG. Vui lòng chụp ảnh hoặc quét lại.")
            % {"name": name}
        )
    return CheckedFile(content_type=content_type, size=size, sha256=sha256_of(file))
