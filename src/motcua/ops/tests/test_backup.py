"""Backup → empty database → restore gives back the same installation (issue 8)."""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.factories import MembershipFactory, UserFactory

from motcua.accounts.models import UserKind
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, in_process_dossier, local
from motcua.ops.backup import MANIFEST, database_is_empty, empty_database
from motcua.portal.models import Upload
from motcua.portal.services import upload_store
from motcua.portal.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def stats_json(unit_code: str) -> dict:
    out = io.StringIO()
    call_command(
        "stats", "--unit", unit_code, "--from", "2025-03-01", "--to", "2025-03-31",
        "--by", "field", "--source", "oracle", stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def dossier_page(client, user, dossier_id: int) -> str:
    client.force_login(user)
    response = client.get(f"/ho-so/{dossier_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def verify_events() -> str:
    out = io.StringIO()
    call_command("verify_events", stdout=out)  # exits 1 on a break
    return out.getvalue()


@pytest.fixture
def world(commune, version, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    counter_dossier(commune, version)  # submitted at the counter
    received = in_process_dossier(commune, version)
    done = in_process_dossier(commune, version)
    done = services.dossier_approve(dossier=done, user=commune.leader, at=local(2025, 3, 12))
    done = services.dossier_return_result(
        dossier=done, user=commune.receiver, recipient_name="Trần Thị Bình", at=local(2025, 3, 13)
    )
    withdrawn = counter_dossier(commune, version)
    withdrawn = services.dossier_receive(dossier=withdrawn, user=commune.receiver, at=MONDAY)
    services.dossier_withdraw(dossier=withdrawn, user=commune.receiver, reason="Xin rút")
    citizen = UserFactory(kind=UserKind.CITIZEN)
    upload = upload_store(user=citizen, file=pdf(), dossier=received)
    MembershipFactory(user=UserFactory(), unit=commune.unit, role="supervisor")
    return commune, received, upload


def test_round_trip_gives_identical_statistics_pages_and_files(world, client, tmp_path):
    commune, dossier, upload = world
    stats_before = stats_json(commune.unit.code)
    page_before = dossier_page(client, commune.leader, dossier.pk)
    file_bytes = Path(upload.file.path).read_bytes()
    counts_before = {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "uploads": Upload.objects.count(),
    }
    assert verify_events().startswith(f"Toàn vẹn: {counts_before['events']} sự kiện")

    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "bk"), stdout=out)
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    assert manifest["counts"]["dossiers.Dossier"] == counts_before["dossiers"]
    assert manifest["media_files"] == 1
    assert oct((tmp_path / "bk" / "data.mjson").stat().st_mode)[-3:] == "600"

    with pytest.raises(CommandError, match="không trống"):
        call_command("restore", str(tmp_path / "bk"))
    empty_database()
    assert database_is_empty()
    Path(upload.file.path).unlink()

    call_command("restore", str(tmp_path / "bk"), stdout=io.StringIO())
    assert {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "uploads": Upload.objects.count(),
    } == counts_before
    assert stats_json(commune.unit.code) == stats_before
    client.logout()
    assert dossier_page(client, commune.leader, dossier.pk) == page_before
    assert Path(Upload.objects.get(pk=upload.pk).file.path).read_bytes() == file_bytes
    assert verify_events().startswith(f"Toàn vẹn: {counts_before['events']} sự kiện")
    # New rows after a restore get fresh ids (sequences reset on PostgreSQL).
    d = counter_dossier(commune, dossier.procedure_version)
    assert d.pk > max(Dossier.objects.exclude(pk=d.pk).values_list("pk", flat=True))


def test_restore_names_each_table_whose_row_count_differs(world, tmp_path, monkeypatch):
    from motcua.ops import backup as module

    call_command("backup", "--output", str(tmp_path / "bk"), stdout=io.StringIO())
    manifest = module.read_manifest(tmp_path / "bk")
    table, want = sorted(manifest["counts"].items())[0]
    monkeypatch.setattr(module, "row_counts", lambda: {**manifest["counts"], table: want + 2})
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "bk"), "--force")
    assert str(refused.value).endswith(
        f"không khớp bản sao lưu: {table} có {want + 2}, cần {want}."
    )


def test_restore_refuses_a_damaged_backup(world, tmp_path):
    call_command("backup", "--output", str(tmp_path / "bk"), stdout=io.StringIO())
    with (tmp_path / "bk" / "data.mjson").open("a") as fh:
        fh.write(" ")
    with pytest.raises(CommandError, match="không khớp mã SHA-256"):
        call_command("restore", str(tmp_path / "bk"), "--force")


def test_backup_refuses_a_non_empty_directory_and_restore_an_unsafe_tar(world, tmp_path):
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("x")
    with pytest.raises(CommandError, match="không trống"):
        call_command("backup", "--output", str(tmp_path / "bk"))
    from motcua.ops import backup as module

    bad = tmp_path / "bad.tar"
    with tarfile.open(bad, "w") as tar:
        info = tarfile.TarInfo("../../etc/evil")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with (
        tarfile.open(bad) as tar,
        pytest.raises(module.BackupError, match=re.escape("“../../etc/evil”")),
    ):
        module._safe_members(tar)
