"""Import historical dossiers from JSON Lines (`motcua import-dossiers FILE.jsonl`).

See docs/dev/import-dossiers.md for the format. In short:

- every line is validated first; all bad lines are reported (line number and Vietnamese
  reason) in one `ValidationReport` and nothing is written;
- everything is written in one transaction, with `bulk_create` in batches;
- idempotent: a line with a `code` is skipped when that code exists; a line without a code gets
  a generated code and is recognised later by the SHA-256 of its canonical JSON, stored in the
  payload of its `import` event (`line_hash`);
- the state is derived from the fields (`outcome`, `returned_at`, `finished_at`, an open
  supplement); a missing `due_at` is computed from the procedure version in force at
  `received_at` on the unit's calendar (DOMAIN.md §2), restarted from the last completed
  supplement (NĐ61 art. 19(4)).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.constants import LimitUnit
from motcua.calendar.workdays import DueResult
from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.models import Procedure, ProcedureVersion
from motcua.core.errors import DomainError, ValidationReport
from motcua.core.validators import plausible_date
from motcua.dossiers import codes, tasks
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.hashchain import seal_chain
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import compute_due, validate_id_number
from motcua.dossiers.transitions import rule_set_for
from motcua.organisation.models import Unit

if TYPE_CHECKING:
    from motcua.calendar.workdays import WorkCalendar

DAY_UNITS = {LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS, LimitUnit.SAME_DAY}

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH_SIZE = 1000
IMPORT_ACTION = "import"

OUTCOME_STATES = {
    "returned": State.RETURNED,
    "rejected": State.REJECTED_AFTER_REVIEW,
    "withdrawn": State.WITHDRAWN,
    "stopped": State.STOPPED,
    "refused_at_intake": State.INTAKE_REFUSED,
}
KNOWN_KEYS = {
    "code",
    "unit",
    "procedure",
    "channel",
    "applicant",
    "submitted_at",
    "received_at",
    "due_at",
    "extended_due_at",
    "finished_at",
    "returned_at",
    "closed_at",
    "outcome",
    "supplements",
    "events",
}
INSTANT_KEYS = ("submitted_at", "received_at", "due_at", "extended_due_at", "finished_at",
                "returned_at", "closed_at")  # fmt: skip


@dataclass
class ImportSummary:
    lines_read: int = 0
    created: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("Đã đọc %(read)s dòng: tạo mới %(created)s hồ sơ, không đổi %(unchanged)s.") % {
            "read": self.lines_read,
            "created": self.created,
            "unchanged": self.unchanged,
        }


@dataclass
class Row:
    """One validated line, ready to become a dossier."""

    line: int
    line_hash: str
    code: str | None
    unit: Unit
    version: ProcedureVersion
    channel: str
    applicant: dict[str, str]
    instants: dict[str, dt.datetime | None]
    outcome: str | None
    supplements: list[tuple[dt.datetime, dt.datetime | None]]
    events: list[dict[str, Any]] = field(default_factory=list)


class LineError(Exception):
    """One line of the import file is invalid; the message is the Vietnamese reason."""


def parse_instant(value: Any, key: str) -> dt.datetime | None:
    """ISO 8601 instant; without an offset it is Asia/Ho_Chi_Minh local time."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) <= 10:
        raise LineError(
            _("“%(key)s” phải là thời điểm ISO 8601 có ngày và giờ, ví dụ 2025-03-10T09:00.")
            % {"key": key}
        )
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise LineError(
            _("“%(key)s” không phải thời điểm ISO 8601 hợp lệ: %(value)s.")
            % {"key": key, "value": value}
        ) from exc
    try:
        plausible_date(parsed)  # year 1 or 9999 would overflow in the time-zone conversion
    except ValidationError as exc:
        raise LineError(f"“{key}”: {exc.messages[0]}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed


def line_hash(obj: dict[str, Any]) -> str:
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Context:
    """Look-ups shared by all lines, loaded once (no query per line)."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        unit_codes = {o.get("unit") for o in objects if isinstance(o.get("unit"), str)}
        proc_codes = {o.get("procedure") for o in objects if isinstance(o.get("procedure"), str)}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
        self.procedures = {p.code: p for p in Procedure.objects.filter(code__in=proc_codes)}
        self.versions: dict[int, list[ProcedureVersion]] = defaultdict(list)
        for v in ProcedureVersion.objects.filter(
            procedure__in=self.procedures.values(), status=VersionStatus.PUBLISHED
        ).select_related("procedure"):
            self.versions[v.procedure_id].append(v)
        self.calendars: dict[int, WorkCalendar] = {}
        self._dues: dict[tuple[Any, ...], DueResult] = {}

    def due(self, unit: Unit, version: ProcedureVersion, clock: dt.datetime) -> DueResult:
        """`compute_due` memoised: for day-based limits the appointment depends only on the
        effective start day (docs of `WorkCalendar.due`), so lines received the same day share
        one computation; the first explanation line is rewritten with the line's own receipt."""
        from motcua.calendar.workdays import fmt_instant

        calendar = self.calendar(unit)
        start = calendar.clock_start(clock, version.time_limit_unit)
        amount = version.time_limit_amount
        day_based = version.time_limit_unit in DAY_UNITS and amount == amount.to_integral_value()
        moved = start if start != calendar.local(clock) else None
        key = (unit.pk, version.pk, start.date() if day_based else start, moved)
        cached = self._dues.get(key)
        if cached is None:
            cached = compute_due(version, calendar, clock, verify=False)
            self._dues[key] = cached
            return cached
        first = _("Tiếp nhận: %(at)s.") % {"at": fmt_instant(clock, calendar.tz)}
        return DueResult(cached.due_at, [first, *cached.explanation[1:]])

    def version_on(self, procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
        candidates = [
            v
            for v in self.versions.get(procedure.pk, [])
            if v.valid_from <= on and (v.valid_to is None or on <= v.valid_to)
        ]
        return max(candidates, key=lambda v: v.valid_from, default=None)

    def calendar(self, unit: Unit) -> WorkCalendar:
        if unit.pk not in self.calendars:
            from motcua.calendar.selectors import calendar_for_unit

            self.calendars[unit.pk] = calendar_for_unit(unit)
        return self.calendars[unit.pk]


def _validate(obj: Any, line: int, ctx: _Context) -> Row:
    if not isinstance(obj, dict):
        raise LineError(_("Mỗi dòng phải là một đối tượng JSON."))
    unknown = sorted(set(obj) - KNOWN_KEYS)
    if unknown:
        raise LineError(_("Trường không được hỗ trợ: %(keys)s.") % {"keys": ", ".join(unknown)})
    problems: list[str] = []
    code = obj.get("code")
    if code is not None and (not isinstance(code, str) or not code.strip() or len(code) > 64):
        problems.append(_("“code” phải là chuỗi khác rỗng, tối đa 64 ký tự."))
    unit_code, proc_code = obj.get("unit"), obj.get("procedure")
    unit = ctx.units.get(unit_code) if isinstance(unit_code, str) else None
    if unit is None:
        problems.append(_("Không có đơn vị mã “%(code)s”.") % {"code": obj.get("unit")})
    procedure = ctx.procedures.get(proc_code) if isinstance(proc_code, str) else None
    if procedure is None:
        problems.append(_("Không có thủ tục mã “%(code)s”.") % {"code": obj.get("procedure")})
    channel = obj.get("channel")
    if channel not in Channel.values:
        problems.append(
            _("“channel” phải là online, counter hoặc postal (nhận được “%(value)s”).")
            % {"value": channel}
        )
    applicant = obj.get("applicant")
    person: dict[str, str] = {}
    if not isinstance(applicant, dict) or not str(applicant.get("name") or "").strip():
        problems.append(_("Thiếu họ tên người nộp (applicant.name)."))
    else:
        person["name"] = str(applicant["name"]).strip()[:200]
        person["phone"] = str(applicant.get("phone") or "")[:20]
        if applicant.get("id_number"):
            try:
                person["id_number"] = validate_id_number(str(applicant["id_number"]))
            except DomainError as exc:
                problems.append(exc.message)
    instants: dict[str, dt.datetime | None] = {}
    for key in INSTANT_KEYS:
        try:
            instants[key] = parse_instant(obj.get(key), key)
        except LineError as exc:
            problems.append(str(exc))
    if obj.get("received_at") is None:
        problems.append(_("Thiếu thời điểm tiếp nhận (received_at)."))
    outcome = obj.get("outcome")
    if outcome is not None and outcome not in OUTCOME_STATES:
        problems.append(
            _("“outcome” không hợp lệ: %(value)s (dùng %(choices)s).")
            % {"value": outcome, "choices": ", ".join(OUTCOME_STATES)}
        )
    supplements: list[tuple[dt.datetime, dt.datetime | None]] = []
    raw_supplements = obj.get("supplements") or []
    if not isinstance(raw_supplements, list):
        problems.append(_("“supplements” phải là một danh sách."))
        raw_supplements = []
    for i, item in enumerate(raw_supplements, start=1):
        try:
            if not isinstance(item, dict):
                raise LineError(_("mỗi phần tử phải là đối tượng"))
            requested = parse_instant(item.get("requested_at"), "requested_at")
            if requested is None:
                raise LineError(_("thiếu requested_at"))
            completed = parse_instant(item.get("completed_at"), "completed_at")
            if completed is not None and completed < requested:
                raise LineError(_("completed_at trước requested_at"))
            supplements.append((requested, completed))
        except LineError as exc:
            problems.append(_("Lần bổ sung %(i)s: %(msg)s.") % {"i": i, "msg": exc})
    if any(c is None for _r, c in supplements[:-1]):
        problems.append(_("Chỉ lần bổ sung cuối cùng được phép chưa hoàn thành."))
    events: list[dict[str, Any]] = []
    raw_events = obj.get("events") or []
    if not isinstance(raw_events, list):
        problems.append(_("“events” phải là một danh sách."))
        raw_events = []
    for i, item in enumerate(raw_events, start=1):
        try:
            if not isinstance(item, dict) or not str(item.get("action") or "").strip():
                raise LineError(_("cần “action”"))
            at = parse_instant(item.get("at"), "at")
            if at is None:
                raise LineError(_("cần “at”"))
            events.append(
                {
                    "at": at,
                    "action": str(item["action"])[:40],
                    "note": str(item.get("note") or ""),
                    "from_state": str(item.get("from_state") or "")[:32],
                    "to_state": str(item.get("to_state") or "")[:32],
                }
            )
        except LineError as exc:
            problems.append(_("Sự kiện %(i)s: %(msg)s.") % {"i": i, "msg": exc})
    if problems:
        raise LineError(" ".join(problems))
    assert unit is not None and procedure is not None
    received = instants["received_at"]
    assert received is not None
    _check_order(instants, supplements, outcome)
    on = timezone.localtime(received, VN_TZ).date()
    version = ctx.version_on(procedure, on)
    if version is None:
        raise LineError(
            _("Thủ tục “%(code)s” không có phiên bản có hiệu lực ngày %(date)s.")
            % {"code": procedure.code, "date": on.strftime("%d/%m/%Y")}
        )
    return Row(
        line=line,
        line_hash=line_hash(obj),
        code=code.strip() if isinstance(code, str) else None,
        unit=unit,
        version=version,
        channel=str(channel),
        applicant=person,
        instants=instants,
        outcome=outcome,
        supplements=supplements,
        events=events,
    )


def _check_order(
    instants: dict[str, dt.datetime | None],
    supplements: list[tuple[dt.datetime, dt.datetime | None]],
    outcome: str | None,
) -> None:
    received = instants["received_at"]
    assert received is not None
    problems = []
    submitted = instants["submitted_at"]
    if submitted is not None and submitted > received:
        problems.append(_("submitted_at sau received_at."))
    for key in ("due_at", "finished_at", "returned_at", "closed_at"):
        value = instants[key]
        if value is not None and value < received:
            problems.append(_("%(key)s trước received_at.") % {"key": key})
    due, extended = instants["due_at"], instants["extended_due_at"]
    if extended is not None and due is not None and extended <= due:
        problems.append(_("extended_due_at phải sau due_at."))
    finished, returned = instants["finished_at"], instants["returned_at"]
    if finished is not None and returned is not None and returned < finished:
        problems.append(_("returned_at trước finished_at."))
    if supplements and supplements[0][0] < received:
        problems.append(_("Yêu cầu bổ sung trước received_at."))
    if outcome == "returned" and returned is None:
        problems.append(_("outcome “returned” cần returned_at."))
    if outcome == "rejected" and finished is None:
        problems.append(_("outcome “rejected” cần finished_at (thời điểm từ chối)."))
    if outcome in {"withdrawn", "stopped"} and instants["closed_at"] is None and finished is None:
        problems.append(
            _("outcome “%(o)s” cần closed_at hoặc finished_at (thời điểm kết thúc).")
            % {"o": outcome}
        )
    if outcome in {"withdrawn", "stopped", "refused_at_intake", "rejected"} and returned:
        problems.append(_("Hồ sơ “%(o)s” không thể có returned_at.") % {"o": outcome})
    if problems:
        raise LineError(" ".join(problems))


def _derive_state(row: Row) -> State:
    if row.outcome is not None:
        return OUTCOME_STATES[row.outcome]
    if row.instants["returned_at"] is not None:
        return State.RETURNED
    if row.instants["finished_at"] is not None:
        return State.RESULT_READY
    if row.supplements and row.supplements[-1][1] is None:
        return State.SUPPLEMENT_AFTER_REVIEW
    return State.IN_PROCESS


def _read(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, text in enumerate(lines, start=1):
        if number == 1:
            text = text.removeprefix("\ufeff")  # BOM of spreadsheet exports
        if text.strip():
            yield number, text


def import_dossiers(lines: Iterable[str], *, source: str = "") -> ImportSummary:
    """Validate then import dossiers from JSON Lines; see the module docstring."""
    summary = ImportSummary()
    parsed: list[tuple[int, Any]] = []
    problems: list[tuple[int, str]] = []
    for number, text in _read(lines):
        summary.lines_read += 1
        if "\x00" in text or "\\u0000" in text:
            problems.append((number, _("Dòng chứa ký tự NUL (\\u0000); không nhập được.")))
            continue
        try:
            parsed.append((number, json.loads(text)))
        except json.JSONDecodeError as exc:
            problems.append((number, _("JSON không hợp lệ: %(msg)s.") % {"msg": exc.msg}))
        except RecursionError:
            problems.append((number, _("JSON lồng nhau quá sâu.")))
    ctx = _Context([obj for _n, obj in parsed if isinstance(obj, dict)])
    rows: list[Row] = []
    seen_codes: dict[str, int] = {}
    for number, obj in parsed:
        try:
            row = _validate(obj, number, ctx)
        except LineError as exc:
            problems.append((number, str(exc)))
            continue
        if row.code is not None:
            if row.code in seen_codes:
                problems.append(
                    (
                        number,
                        _("Mã hồ sơ %(code)s trùng với dòng %(other)s.")
                        % {"code": row.code, "other": seen_codes[row.code]},
                    )
                )
                continue
            seen_codes[row.code] = number
        rows.append(row)
    if problems:
        problems.sort()
        raise ValidationReport(problems)

    with transaction.atomic():
        fresh = _skip_existing(rows, summary)
        summary.created = _create(fresh, ctx, source)
    return summary


def _chunks(items: list[Any], size: int = 900) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _skip_existing(rows: list[Row], summary: ImportSummary) -> list[Row]:
    with_code = [r.code for r in rows if r.code]
    existing_codes: set[str] = set()
    for chunk in _chunks(with_code):
        existing_codes.update(
            c for c in Dossier.objects.filter(code__in=chunk).values_list("code", flat=True) if c
        )
    hashes = [r.line_hash for r in rows if not r.code]
    existing_hashes: set[str] = set()
    for chunk in _chunks(hashes):
        existing_hashes.update(
            DossierEvent.objects.filter(
                Q(action=IMPORT_ACTION) & Q(payload__line_hash__in=chunk)
            ).values_list("payload__line_hash", flat=True)
        )
    fresh: list[Row] = []
    for row in rows:
        if (row.code and row.code in existing_codes) or (
            not row.code and row.line_hash in existing_hashes
        ):
            summary.unchanged += 1
            continue
        if not row.code:
            existing_hashes.add(row.line_hash)  # the same line twice in one file
        fresh.append(row)
    return fresh


def _local_date(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant, VN_TZ).date()


def _create(rows: list[Row], ctx: _Context, source: str) -> int:
    if not rows:
        return 0
    # Codes: generate for lines without one (per unit and receipt day, gap-free), and make the
    # counters follow imported codes so later receipts never collide with them.
    needing: dict[tuple[int, dt.date], list[Row]] = defaultdict(list)
    highest: dict[tuple[int, dt.date], int] = {}
    units = {r.unit.pk: r.unit for r in rows}
    for row in rows:
        received = row.instants["received_at"]
        assert received is not None
        day = _local_date(received)
        if row.code is None and row.outcome != "refused_at_intake":
            needing[(row.unit.pk, day)].append(row)
        elif row.code is not None:
            parsed = codes.parse_code(row.code)
            if parsed and parsed[0] == row.unit.dossier_code_prefix:
                key = (row.unit.pk, parsed[1])
                highest[key] = max(highest.get(key, 0), parsed[2])
    generated: dict[int, str] = {}
    for (unit_id, day), group in sorted(needing.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        group.sort(key=lambda r: (r.instants["received_at"], r.line))
        for row, code in zip(
            group, codes.reserve_dossier_codes(units[unit_id], day, len(group)), strict=True
        ):
            generated[row.line] = code
    for (unit_id, day), number in highest.items():
        codes.bump_daily_counter(units[unit_id], day, number)

    now = timezone.now()
    dossiers: list[Dossier] = []
    import_payloads: list[dict[str, Any]] = []
    for row in rows:
        dossier, payload = _build(row, ctx, generated.get(row.line), source)
        dossiers.append(dossier)
        import_payloads.append(payload)
    for dossier, pk in zip(dossiers, _reserve_ids(Dossier, len(dossiers)), strict=True):
        dossier.pk = pk
    bulk_insert(Dossier, dossiers)
    events: list[DossierEvent] = []
    for row, dossier, payload in zip(rows, dossiers, import_payloads, strict=True):
        first = len(events)
        seq = 0
        for item in sorted(row.events, key=lambda e: e["at"]):
            seq += 1
            events.append(
                DossierEvent(
                    dossier=dossier,
                    seq=seq,
                    at=item["at"],
                    unit=row.unit,
                    action=item["action"],
                    from_state=item["from_state"],
                    to_state=item["to_state"],
                    note=item["note"],
                    payload={"imported": True},
                )
            )
        events.append(
            DossierEvent(
                dossier=dossier,
                seq=seq + 1,
                at=now,
                unit=row.unit,
                action=IMPORT_ACTION,
                from_state="",
                to_state=dossier.state,
                note=_("Nhập từ tệp %(source)s, dòng %(line)s.")
                % {"source": source or "-", "line": row.line},
                payload=payload,
                visible_to_applicant=False,
            )
        )
        seal_chain(events[first:])  # tamper-evident chain (dossiers.hashchain)
    for event, pk in zip(events, _reserve_ids(DossierEvent, len(events)), strict=True):
        event.pk = pk
    bulk_insert(DossierEvent, events)
    tasks.schedule_batch([d.pk for d in dossiers])
    return len(dossiers)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, taken inside the import transaction.

    PostgreSQL: from the column's sequence (safe under concurrency). SQLite: after the current
    maximum (SQLite has one writer at a time and the import already holds the write lock)."""
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def bulk_insert(model: type[models.Model], objs: list[Any]) -> None:
    """INSERT `objs` (primary keys already set) with one `executemany` per batch.

    `bulk_create` compiles SQL for every value of every row; for 10 000 dossiers of 40 columns
    that dominates the import. Values are prepared by each field as the ORM would."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields]
    now = timezone.now()
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                setattr(obj, f.attname, now)
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(model._meta.db_table),
        ", ".join(qn(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # Plain columns go as they are; only the fields that adapt values (dates, JSON) convert.
    plain = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
    getters = [attrgetter(f.attname) for f in fields]
    converters = [
        None
        if isinstance(f, plain) or (f.is_relation and not isinstance(f, models.JSONField))
        else partial(f.get_db_prep_save, connection=connection)
        for f in fields
    ]
    pairs = list(zip(getters, converters, strict=True))
    with connection.cursor() as cursor:
        for chunk in _chunks(objs, BATCH_SIZE):
            cursor.executemany(
                sql,
                [
                    tuple(get(o) if conv is None else conv(get(o)) for get, conv in pairs)
                    for o in chunk
                ],
            )


def _build(
    row: Row, ctx: _Context, generated_code: str | None, source: str
) -> tuple[Dossier, dict[str, Any]]:
    inst = row.instants
    received = inst["received_at"]
    assert received is not None
    state = _derive_state(row)
    refused = state == State.INTAKE_REFUSED
    payload: dict[str, Any] = {"line": row.line, "line_hash": row.line_hash, "source": source}
    completed = [c for _r, c in row.supplements if c is not None]
    clock = None if refused else (completed[-1] if completed else received)
    due = inst["due_at"]
    if due is None and clock is not None:
        result = ctx.due(row.unit, row.version, clock)
        due = result.due_at
        payload["due_computed"] = True
        payload["due_explanation"] = result.explanation
    if row.supplements:
        payload["supplements"] = [
            [r.isoformat(), c.isoformat() if c else None] for r, c in row.supplements
        ]
    closed = None
    if state == State.RETURNED:
        closed = inst["returned_at"]
    elif state == State.REJECTED_AFTER_REVIEW or state in {State.WITHDRAWN, State.STOPPED}:
        closed = inst["closed_at"] or inst["finished_at"]
    elif refused:
        closed = inst["closed_at"] or inst["finished_at"] or received
    day = _local_date(received)
    dossier = Dossier(
        code=row.code or generated_code,
        unit=row.unit,
        current_unit=row.unit,
        procedure_version=row.version,
        field_id=row.version.procedure.field_id,
        rule_set=rule_set_for(day),
        channel=row.channel,
        state=state,
        applicant_name=row.applicant["name"],
        applicant_id_number=row.applicant.get("id_number", ""),
        applicant_phone=row.applicant.get("phone", ""),
        submitted_at=inst["submitted_at"] or received,
        received_at=None if refused else received,
        clock_started_at=clock,
        due_at=due,
        extended_due_at=inst["extended_due_at"],
        finished_at=inst["finished_at"],
        returned_at=inst["returned_at"],
        closed_at=closed,
        supplement_count=len(row.supplements),
        lookup_secret="" if refused else codes.new_lookup_secret(),
        version=1,
    )
    return dossier, payload
