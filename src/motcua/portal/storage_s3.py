"""S3-compatible private storage (django-storages), used when `MOTCUA_STORAGE=s3`.

A module of its own so that boto3 is imported only when the S3 backend is configured
(`settings.STORAGES["private"]`, docs/domain/digitisation.md).
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Private files in a bucket: objects written with the "private" ACL (and signed URLs
    should a caller bypass `url()`), names never overwritten, and no URL from `url()`: files
    go out only through the permission-checking download views."""

    default_acl = "private"
    querystring_auth = True
    file_overwrite = False

    def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
        raise ValueError("Private files have no public URL.")
