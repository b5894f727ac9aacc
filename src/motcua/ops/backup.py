"""Portable backup and restore (`motcua backup`, `motcua restore`).

A backup directory holds:

- `data.mjson` — every app's rows in Django's JSON serialisation format (`dumpdata`, natural
  keys for content types and permissions, which `migrate` recreates; sessions are left out),
  with timestamps to the microsecond (`motcua.ops.serializers`: the event hashes cover them);
- `files.tar` — the media directory (`MEDIA_ROOT`, incl. `private/`: uploads, digitised
  components). With `MOTCUA_STORAGE=s3` the private files live in the bucket and are NOT in the
  tar (back the bucket up with its own versioning/replication);
- `manifest.json` — format, time, database vendor, the applied migrations, row counts per
  model, file count, and the SHA-256 of both files.

Restore goes into an EMPTY, migrated database (same migrations as the manifest): it checks the
hashes, loads the rows (INSERTs: the append-only triggers of the event logs are not involved),
unpacks the files, resets the PostgreSQL sequences and compares the row counts with the
manifest. The format is portable: SQLite → PostgreSQL and back. For large installations use
`pg_dump`/`pg_restore` plus a copy of the media (docs/deploy.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

FORMAT = "motcua-backup/1"
DATA, FILES, MANIFEST = "data.mjson", "files.tar", "manifest.json"
SERIALIZER = "mjson"
serializers.register_serializer(SERIALIZER, "motcua.ops.serializers")
#: Recreated by `migrate` (referred to by natural key) or transient.
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
#: Tables that tell whether a database already holds an installation.
SENTINELS = ("accounts.User", "organisation.Unit", "dossiers.Dossier", "dossiers.DossierEvent")


class BackupError(Exception):
    """A backup or restore that cannot go on (its message says why, in Vietnamese)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _excluded(model: Any) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in EXCLUDED or label in EXCLUDED


def _models() -> list[Any]:
    return [
        m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and not _excluded(m)
    ]


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in _models()}


def applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _private_is_local() -> bool:
    return getattr(settings, "PRIVATE_STORAGE", "local") != "s3"


@dataclass
class BackupResult:
    directory: Path
    rows: int
    files: int


def backup(output: Path) -> BackupResult:
    """Write a backup of the database and the media files into `output` (created; must be
    empty). The files hold personal data: the directory is made readable by its owner only."""
    output.mkdir(parents=True, exist_ok=True, mode=0o700)
    if any(output.iterdir()):
        raise BackupError(_("Thư mục %(path)s không trống.") % {"path": output})
    os.chmod(output, 0o700)
    outermost = not connection.in_atomic_block
    with transaction.atomic():  # one consistent snapshot of every table
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        counts = row_counts()
        migrations = applied_migrations()
        call_command(
            "dumpdata",
            *[f"--exclude={label}" for label in EXCLUDED],
            natural_foreign=True,
            format=SERIALIZER,
            output=str(output / DATA),
            verbosity=0,
        )
    media = _media_root()
    files = 0
    with tarfile.open(output / FILES, "w") as tar:
        if media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(media)), recursive=False)
                    files += 1
    for name in (DATA, FILES):
        os.chmod(output / name, 0o600)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database_vendor": connection.vendor,
        "migrations": migrations,
        "counts": counts,
        "media_files": files,
        "private_files_in_tar": _private_is_local(),
        "sha256": {DATA: _sha256(output / DATA), FILES: _sha256(output / FILES)},
    }
    (output / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
    os.chmod(output / MANIFEST, 0o600)
    return BackupResult(output, sum(counts.values()), files)


def database_is_empty() -> bool:
    return not any(apps.get_model(label)._default_manager.exists() for label in SENTINELS)


def _append_only_triggers() -> list[tuple[str, str]]:
    """SQLite: (name, CREATE statement) of the append-only triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE '%append_only%'"
        )
        return [(str(n), str(s)) for n, s in cursor.fetchall()]


def empty_database() -> None:
    """Delete every row (Django's `flush`). PostgreSQL truncates, which the append-only
    triggers (row triggers) do not see; SQLite deletes rows, so its append-only triggers are
    dropped for the flush and recreated right after."""
    if connection.vendor == "sqlite":
        triggers = _append_only_triggers()
        with connection.cursor() as cursor:
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        try:
            call_command("flush", interactive=False, verbosity=0)
        finally:
            with connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)
    else:
        if connection.in_atomic_block:
            with connection.cursor() as cursor:  # TRUNCATE refuses pending deferred FK checks
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("Không đọc được tệp %(path)s của bản sao lưu: %(error)s")
            % {"path": directory / MANIFEST, "error": exc}
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Định dạng bản sao lưu “%(format)s” không được hỗ trợ (cần “%(expected)s”).")
            % {"format": manifest.get("format") or "", "expected": FORMAT}
        )
    for name in (DATA, FILES):
        if _sha256(directory / name) != manifest["sha256"][name]:
            raise BackupError(
                _(
                    "Tệp %(name)s không khớp mã SHA-256 ghi trong %(manifest)s: bản sao lưu "
                    "bị hỏng hoặc đã bị sửa."
                )
                % {"name": name, "manifest": MANIFEST}
            )
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not member.isfile():
            raise BackupError(
                _(
                    "Từ chối mục “%(name)s” trong tệp lưu trữ: chỉ nhận tệp thường, đường dẫn "
                    "tương đối, không có “..”."
                )
                % {"name": member.name}
            )
        members.append(member)
    return members


def reset_sequences() -> None:
    """PostgreSQL: move every id sequence past the restored ids (`sqlsequencereset`)."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore(directory: Path, *, force: bool = False) -> dict[str, int]:
    """Restore the backup in `directory`; returns the row counts. Refuses a database that
    already holds an installation unless `force` (which empties it first)."""
    manifest = read_manifest(directory)
    missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in applied_migrations()}
    if missing:
        raise BackupError(
            _(
                "Bản sao lưu có %(count)s bước cập nhật cấu trúc cơ sở dữ liệu (migration) chưa "
                "có ở đây, ví dụ %(first)s: hãy cài cùng phiên bản phần mềm và chạy "
                "`motcua migrate` trước."
            )
            % {"count": len(missing), "first": ".".join(sorted(missing)[0])}
        )
    if not force and not database_is_empty():
        raise BackupError(
            _(
                "Cơ sở dữ liệu không trống: hãy khôi phục vào một cơ sở dữ liệu mới, "
                "hoặc dùng --force."
            )
        )
    empty_database()  # also rows a migration may have seeded: they would collide with the backup's
    call_command("loaddata", str(directory / DATA), verbosity=0)
    reset_sequences()
    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / FILES) as tar:
        members = _safe_members(tar)
        for member in members:
            target = media / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)  # scans can be tens of MB: not all in memory
    counts = row_counts()
    expected = manifest["counts"]
    wrong = {k: (v, counts.get(k)) for k, v in expected.items() if counts.get(k) != v}
    if wrong:
        raise BackupError(
            _("Số bản ghi sau khi khôi phục không khớp bản sao lưu: %(tables)s.")
            % {
                "tables": "; ".join(
                    _("%(table)s có %(got)s, cần %(want)s")
                    % {"table": table, "got": got if got is not None else 0, "want": want}
                    for table, (want, got) in sorted(wrong.items())
                )
            }
        )
    return counts


__all__ = ["BackupError", "backup", "database_is_empty", "empty_database", "restore"]
