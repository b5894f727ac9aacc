"""Tamper-evident event log: every `DossierEvent` carries a SHA-256 over its own fields and
the hash of the previous event of the same dossier ("" for the first one).

Changing, deleting or inserting an event afterwards breaks the chain at that point, and
`motcua verify-events` reports it (NĐ 13/2023 art. 38: system logs of processing must be kept;
TT 01/2018 art. 10: the tracking of a dossier must be complete). The database also refuses
UPDATE and DELETE on the table (migration 0003), so tampering needs the owner to disable that
trigger first — and still shows up here.

The canonical form is frozen: changing `canonical_event` invalidates every stored hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Fields covered by the hash, by attribute name (as `QuerySet.values()` returns them).
HASHED_FIELDS = (
    "dossier_id",
    "seq",
    "at",
    "actor_id",
    "unit_id",
    "action",
    "from_state",
    "to_state",
    "note",
    "form",
    "payload",
    "visible_to_applicant",
)


def _instant(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_event(fields: Mapping[str, Any], prev_hash: str) -> bytes:
    """Sorted-key, compact, UTF-8 JSON of the hashed fields plus `prev_hash`."""
    data: dict[str, Any] = {name: fields.get(name) for name in HASHED_FIELDS}
    data["at"] = _instant(data["at"])
    data["payload"] = data["payload"] or {}
    data["visible_to_applicant"] = bool(data["visible_to_applicant"])
    data["prev_hash"] = prev_hash
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def event_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical_event(fields, prev_hash)).hexdigest()


def event_fields(event: Any) -> dict[str, Any]:
    """The hashed fields of an unsaved or saved `DossierEvent` instance."""
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def seal_chain(events: Iterable[Any], prev_hash: str = "") -> str:
    """Set `prev_hash` and `hash` on consecutive events of ONE dossier (in seq order); returns
    the last hash. Used by the importer, which writes events in bulk."""
    for event in events:
        event.prev_hash = prev_hash
        event.hash = event_hash(event_fields(event), prev_hash)
        prev_hash = event.hash
    return prev_hash


@dataclass(frozen=True)
class ChainBreak:
    dossier_id: int
    dossier_code: str
    seq: int
    problem: str
    expected: str
    found: str

    def __str__(self) -> str:
        return (
            f"{self.dossier_code or '#' + str(self.dossier_id)} seq={self.seq}: {self.problem} "
            f"(cần {self.expected or '∅'}, thấy {self.found or '∅'})"
        )


def check_chain(
    rows: Iterable[Mapping[str, Any]],
) -> Iterator[tuple[Mapping[str, Any], str, str, str]]:
    """Walk rows (dicts with HASHED_FIELDS + prev_hash + hash) ordered by (dossier, seq) and
    yield (row, problem, expected, found) for every break."""
    current: Any = None
    prev_hash = ""
    prev_seq = 0
    for row in rows:
        if row["dossier_id"] != current:
            current, prev_hash, prev_seq = row["dossier_id"], "", 0
        if row["seq"] != prev_seq + 1:
            yield row, "thiếu hoặc thừa sự kiện (số thứ tự)", str(prev_seq + 1), str(row["seq"])
        if row["prev_hash"] != prev_hash:
            yield row, "liên kết với sự kiện trước bị đứt", prev_hash, row["prev_hash"]
        expected = event_hash(row, row["prev_hash"])
        if row["hash"] != expected:
            yield row, "nội dung sự kiện đã bị sửa", expected, row["hash"]
        prev_hash, prev_seq = row["hash"], row["seq"]


def verify_events(*, dossier_code: str = "") -> list[ChainBreak]:
    """Every break of every dossier's chain (or of one dossier), oldest first."""
    from django.db.models import F, Max
    from django.db.models.functions import Coalesce

    from motcua.dossiers.models import Dossier, DossierEvent

    events = DossierEvent.objects.order_by("dossier_id", "seq")
    if dossier_code:
        events = events.filter(dossier__code=dossier_code)
    rows = events.values(*HASHED_FIELDS, "prev_hash", "hash").iterator(chunk_size=5000)
    found = list(check_chain(rows))
    # The tail: every transition bumps `Dossier.version` and appends exactly one event, so a
    # deleted last event shows as a version ahead of the last seq.
    dossiers = Dossier.objects.annotate(last_seq=Coalesce(Max("events__seq"), 0)).exclude(
        version=F("last_seq")
    )
    if dossier_code:
        dossiers = dossiers.filter(code=dossier_code)
    for pk, version, last_seq in dossiers.values_list("pk", "version", "last_seq"):
        if version > last_seq:
            tail = {"dossier_id": pk, "seq": last_seq + 1}
            problem = "thiếu sự kiện cuối (so với phiên bản hồ sơ)"
        else:
            tail = {"dossier_id": pk, "seq": last_seq}
            problem = "thừa sự kiện (so với phiên bản hồ sơ)"
        found.append((tail, problem, str(version), str(last_seq)))
    codes = dict(
        Dossier.objects.filter(pk__in={row["dossier_id"] for row, *_ in found}).values_list(
            "pk", "code"
        )
    )
    return [
        ChainBreak(
            dossier_id=row["dossier_id"],
            dossier_code=codes.get(row["dossier_id"]) or "",
            seq=row["seq"],
            problem=problem,
            expected=expected,
            found=got,
        )
        for row, problem, expected, got in found
    ]
