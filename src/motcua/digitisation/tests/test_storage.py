"""Private file storage through Django's storage API (`settings.STORAGES["private"]`): local
disk in the embedded default, an S3-compatible bucket with MOTCUA_STORAGE=s3 (tested with moto).
Either way: what is saved reads back with the same SHA-256, and no public URL exists."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws

from motcua.digitisation.models import DigitisedComponent
from motcua.digitisation.tests.conftest import PDF_BYTES, digitise
from motcua.portal.storage import PrivateStorage, get_private_storage
from motcua.portal.storage_s3 import PrivateS3Storage
from motcua.portal.tests.conftest import received

BUCKET = "motcua-rieng-tu"
S3_PRIVATE = {
    "BACKEND": "motcua.portal.storage_s3.PrivateS3Storage",
    "OPTIONS": {
        "bucket_name": BUCKET,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "ap-southeast-1",
    },
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_local_private_storage_is_the_default(settings: Any) -> None:
    storage = get_private_storage()
    assert isinstance(storage, PrivateStorage)
    name = storage.save("thu/tep.pdf", ContentFile(PDF_BYTES))
    path = Path(settings.MEDIA_ROOT) / "private" / name
    assert path.is_file()  # under MEDIA_ROOT/private, not the public media
    with storage.open(name, "rb") as fh:
        assert sha(fh.read()) == sha(PDF_BYTES)
    with pytest.raises(ValueError, match="no public URL"):
        storage.url(name)


@pytest.fixture
def s3(settings: Any, monkeypatch: pytest.MonkeyPatch):
    """A moto S3 bucket behind `settings.STORAGES["private"]`."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with mock_aws():
        client = boto3.client(
            "s3",
            region_name="ap-southeast-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
        )
        settings.STORAGES = {**settings.STORAGES, "private": S3_PRIVATE}
        yield client


def _public_grants(client: Any, key: str) -> list[dict[str, Any]]:
    acl = client.get_object_acl(Bucket=BUCKET, Key=key)
    return [g for g in acl["Grants"] if "AllUsers" in g["Grantee"].get("URI", "")]


def test_s3_storage_saves_reads_back_private_without_url(s3: Any) -> None:
    storage = get_private_storage()
    assert isinstance(storage, PrivateS3Storage)
    name = storage.save("so-hoa/2026/11/tep.pdf", ContentFile(PDF_BYTES))
    body = s3.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    assert sha(body) == sha(PDF_BYTES)
    with storage.open(name, "rb") as fh:
        assert sha(fh.read()) == sha(PDF_BYTES)
    assert _public_grants(s3, name) == []  # ACL "private"
    with pytest.raises(ValueError, match="no public URL"):
        storage.url(name)
    again = storage.save("so-hoa/2026/11/tep.pdf", ContentFile(b"%PDF-khac"))
    assert again != name  # never overwritten


@pytest.mark.django_db
def test_digitised_component_stored_in_s3(
    s3: Any, commune: Any, birth: Any, citizen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model's file field writes through the configured storage (the field resolves the
    storage when the model is loaded, so the test points it at the S3 one)."""
    field = DigitisedComponent._meta.get_field("file")
    monkeypatch.setattr(field, "storage", get_private_storage())
    dossier = received(commune, birth, citizen)
    item = digitise(commune.receiver, dossier)
    body = s3.get_object(Bucket=BUCKET, Key=item.file.name)["Body"].read()
    assert sha(body) == item.sha256 == sha(PDF_BYTES)
    assert _public_grants(s3, item.file.name) == []


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['private']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "motcua.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"MOTCUA_STORAGE": ""}, "motcua.portal.storage.PrivateStorage", id="local"),
        pytest.param(
            {"MOTCUA_STORAGE": "s3", "MOTCUA_S3_BUCKET": "b"},
            "motcua.portal.storage_s3.PrivateS3Storage",
            id="s3",
        ),
        pytest.param({"MOTCUA_STORAGE": "s3"}, "MOTCUA_S3_BUCKET", id="s3-needs-a-bucket"),
    ],
)
def test_settings_choose_the_backend_from_the_environment(
    env: dict[str, str], expected: str
) -> None:
    result = _settings_with(env)
    assert expected in result.stdout + result.stderr
