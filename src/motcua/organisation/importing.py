"""Import and export of administrative units as JSON (`motcua units import|export FILE`).

The file is a JSON list of objects, one per unit::

    [
      {"code": "30", "name": "Tỉnh Hải Dương", "kind": "province", "parent": null,
       "valid_from": null, "valid_to": "2025-06-30", "successors": ["31"]},
      ...
    ]

Keys: `code`, `name`, `kind` (province | district | commune | ward | special_zone | agency) are
required; `parent` (a code), `valid_from`, `valid_to` (YYYY-MM-DD or dd/mm/yyyy), `successors`
(list of codes), `agency_identifier`, `address` are optional. Keys starting with `_` are comments.

Rules:
- the whole file is validated first; every bad entry is reported with the line where its object
  starts, and nothing is written if any entry is bad (`ValidationReport`);
- codes in `parent` and `successors` may refer to entries of the same file or to units already in
  the database; entries may come in any order (children before parents);
- import is an upsert by code: a key that is absent leaves the stored value unchanged, a key
  given as null/empty clears it; importing the same file twice changes nothing;
- export writes every unit ordered by path; export → import → export gives the same file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationReport
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.services import (
    CODE_RE,
    unit_create,
    unit_set_successors,
    unit_update,
)

REQUIRED_KEYS = ("code", "name", "kind")
OPTIONAL_KEYS = ("parent", "valid_from", "valid_to", "successors", "agency_identifier", "address")
_MISSING: Any = object()


@dataclass(frozen=True)
class UnitEntry:
    """One validated entry; optional values are `_MISSING` when the key was absent."""

    line: int
    code: str
    name: str
    kind: str
    parent: Any
    valid_from: Any
    valid_to: Any
    successors: Any
    agency_identifier: Any
    address: Any


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def entry_start_lines(text: str) -> list[int]:
    """Line numbers (1-based) where each element of the top-level JSON array starts."""
    lines: list[int] = []
    depth = 0
    line = 1
    in_string = False
    escaped = False
    expecting = False  # at depth 1, right after `[` or `,`
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch.isspace():
            continue
        if expecting and ch != "]":
            lines.append(line)
            expecting = False
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 1:
                expecting = True
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 1:
            expecting = True
    return lines


def _parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError


def parse_units(text: str) -> list[UnitEntry]:
    """Parse and validate a units file against the database; raise `ValidationReport` listing
    every problem (line, message) when anything is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationReport(
            [(exc.lineno, _("Tệp không phải JSON hợp lệ: %(msg)s") % {"msg": exc.msg})]
        ) from exc
    if not isinstance(data, list):
        raise ValidationReport([(1, _("Tệp phải là một danh sách JSON các đơn vị ([...])."))])
    starts = entry_start_lines(text)
    if len(starts) != len(data):  # defensive: fall back to the array's line
        starts = [1] * len(data)

    problems: list[tuple[int, str]] = []
    entries: list[UnitEntry] = []
    first_line: dict[str, int] = {}
    for raw, line in zip(data, starts, strict=True):
        errs: list[str] = []
        if not isinstance(raw, dict):
            problems.append((line, _("Mỗi phần tử phải là một đối tượng JSON {…}.")))
            continue
        unknown = [
            k
            for k in raw
            if k not in REQUIRED_KEYS and k not in OPTIONAL_KEYS and not str(k).startswith("_")
        ]
        if unknown:
            errs.append(_("khóa không được hỗ trợ: %(keys)s") % {"keys": ", ".join(unknown)})
        code = raw.get("code")
        if not isinstance(code, str) or not code.strip():
            errs.append(_("thiếu mã đơn vị (code)"))
            code = ""
        else:
            code = code.strip()
            if not CODE_RE.match(code) or len(code) > 32:
                errs.append(_("mã đơn vị “%(code)s” không hợp lệ") % {"code": code})
            elif code in first_line:
                errs.append(
                    _("mã đơn vị “%(code)s” bị trùng (đã có ở dòng %(line)s)")
                    % {"code": code, "line": first_line[code]}
                )
            else:
                first_line[code] = line
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            errs.append(_("thiếu tên đơn vị (name)"))
            name = ""
        kind = raw.get("kind")
        if kind not in UnitKind.values:
            errs.append(
                _("loại đơn vị “%(kind)s” không hợp lệ (chỉ nhận: %(kinds)s)")
                % {"kind": kind if kind is not None else "", "kinds": ", ".join(UnitKind.values)}
            )
        parent = raw.get("parent", _MISSING)
        if parent is not _MISSING and parent is not None and not isinstance(parent, str):
            errs.append(_("mã đơn vị cấp trên (parent) phải là chuỗi"))
            parent = _MISSING
        if isinstance(parent, str) and not parent.strip():
            parent = None
        dates: dict[str, Any] = {}
        for key in ("valid_from", "valid_to"):
            value = raw.get(key, _MISSING)
            if value is _MISSING:
                dates[key] = _MISSING
                continue
            try:
                dates[key] = _parse_date(value)
            except ValueError:
                errs.append(
                    _("ngày %(key)s “%(value)s” không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy)")
                    % {"key": key, "value": value}
                )
                dates[key] = _MISSING
        vf, vt = dates["valid_from"], dates["valid_to"]
        if isinstance(vf, dt.date) and isinstance(vt, dt.date) and vt < vf:
            errs.append(
                _("ngày hết hiệu lực %(to)s trước ngày có hiệu lực %(frm)s")
                % {"to": vt.strftime("%d/%m/%Y"), "frm": vf.strftime("%d/%m/%Y")}
            )
        successors = raw.get("successors", _MISSING)
        if successors is None:
            successors = []
        if successors is not _MISSING and (
            not isinstance(successors, list) or not all(isinstance(s, str) for s in successors)
        ):
            errs.append(_("đơn vị kế thừa (successors) phải là danh sách mã đơn vị"))
            successors = _MISSING
        extras: dict[str, Any] = {}
        for key in ("agency_identifier", "address"):
            value = raw.get(key, _MISSING)
            if value is None:
                value = ""
            if value is not _MISSING and not isinstance(value, str):
                errs.append(_("%(key)s phải là chuỗi") % {"key": key})
                value = _MISSING
            extras[key] = value
        if errs:
            problems.append((line, "; ".join(errs)))
            continue
        entries.append(
            UnitEntry(
                line=line,
                code=code,
                name=name.strip(),
                kind=str(kind),
                parent=parent,
                valid_from=vf,
                valid_to=vt,
                successors=successors,
                **extras,
            )
        )
    problems.extend(_check_references(entries, set(first_line)))
    if problems:
        raise ValidationReport(sorted(problems))
    return entries


def _check_references(entries: list[UnitEntry], file_codes: set[str]) -> list[tuple[int, str]]:
    """Unknown parent/successor codes and cycles in the tree or in the successor links, taking
    the database and the file together (the file wins for the codes it lists)."""
    problems: list[tuple[int, str]] = []
    db_parent: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
    known = set(db_parent) | file_codes
    parent_of: dict[str, str | None] = dict(db_parent)
    succ_of: dict[str, set[str]] = {}
    for src, dst in Unit.successors.through.objects.values_list("from_unit__code", "to_unit__code"):
        succ_of.setdefault(src, set()).add(dst)
    bad_codes: set[str] = set()
    for entry in entries:
        errs: list[str] = []
        if isinstance(entry.parent, str):
            if entry.parent == entry.code:
                errs.append(_("đơn vị không thể là cấp trên của chính nó"))
            elif entry.parent not in known:
                errs.append(_("không tìm thấy đơn vị cấp trên “%(code)s”") % {"code": entry.parent})
        if isinstance(entry.successors, list):
            for succ in entry.successors:
                if succ == entry.code:
                    errs.append(_("đơn vị không thể kế thừa chính nó"))
                elif succ not in known:
                    errs.append(_("không tìm thấy đơn vị kế thừa “%(code)s”") % {"code": succ})
        if errs:
            problems.append((entry.line, "; ".join(errs)))
            bad_codes.add(entry.code)
            continue
        if entry.parent is not _MISSING:
            parent_of[entry.code] = entry.parent
        else:
            parent_of.setdefault(entry.code, None)
        if entry.successors is not _MISSING:
            succ_of[entry.code] = set(entry.successors)
    if problems:
        return problems  # cycles are checked on a file whose references resolve

    line_of = {e.code: e.line for e in entries}
    in_parent_cycle: set[str] = set()
    for start in parent_of:
        seen: list[str] = []
        node: str | None = start
        while node is not None and node not in seen and node not in in_parent_cycle:
            seen.append(node)
            node = parent_of.get(node)
        if node is not None and node in seen:
            in_parent_cycle |= set(seen[seen.index(node) :])
    # Only entries of the file are reported (the database alone has no cycle).
    for code in sorted(in_parent_cycle & set(line_of), key=lambda c: line_of[c]):
        cycle = _cycle_text(code, parent_of)
        problems.append(
            (
                line_of[code],
                _("đơn vị “%(code)s” nằm trong vòng lặp cấp trên: %(cycle)s")
                % {"code": code, "cycle": cycle},
            )
        )
    for code in _successor_cycle_codes(succ_of):
        if code not in line_of:
            continue
        problems.append(
            (
                line_of[code],
                _("đơn vị “%(code)s” nằm trong vòng lặp kế thừa (successors)") % {"code": code},
            )
        )
    return problems


def _cycle_text(start: str, parent_of: dict[str, str | None]) -> str:
    chain = [start]
    node = parent_of.get(start)
    while node is not None and node != start and len(chain) < 50:
        chain.append(node)
        node = parent_of.get(node)
    chain.append(start)
    return " → ".join(chain)


def _successor_cycle_codes(succ_of: dict[str, set[str]]) -> list[str]:
    """Codes lying on a cycle of successor links (iterative DFS, colour marking)."""
    state: dict[str, int] = {}
    on_cycle: set[str] = set()
    for root in sorted(succ_of):
        if state.get(root):
            continue
        stack: list[tuple[str, list[str]]] = [(root, sorted(succ_of.get(root, ())))]
        path = [root]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if pending:
                nxt = pending.pop()
                if state.get(nxt) == 1:
                    on_cycle |= set(path[path.index(nxt) :])
                elif not state.get(nxt):
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, sorted(succ_of.get(nxt, ()))))
            else:
                state[node] = 2
                path.pop()
                stack.pop()
    return sorted(on_cycle)


@transaction.atomic
def units_import(text: str) -> ImportSummary:
    """Validate then upsert every entry of a units file (one transaction)."""
    entries = parse_units(text)
    by_code = {e.code: e for e in entries}

    def depth(code: str) -> int:
        n = 0
        node: str | None = code
        while node is not None and n < 100:
            entry = by_code.get(node)
            if entry is not None and entry.parent is not _MISSING:
                node = entry.parent
            else:
                unit = Unit.objects.filter(code=node).only("path").first()
                return n + (unit.path.count("/") - 1 if unit else 1)
            n += 1
        return n

    created = 0
    created_codes: set[str] = set()
    touched: set[str] = set()
    for entry in sorted(entries, key=lambda e: (depth(e.code), e.line)):
        parent = (
            Unit.objects.get(code=entry.parent) if isinstance(entry.parent, str) else entry.parent
        )
        optional: dict[str, Any] = {
            "valid_from": entry.valid_from,
            "valid_to": entry.valid_to,
            "agency_identifier": entry.agency_identifier,
            "address": entry.address,
        }
        given = {k: v for k, v in optional.items() if v is not _MISSING}
        unit = Unit.objects.filter(code=entry.code).first()
        if unit is None:
            unit_create(
                code=entry.code,
                name=entry.name,
                kind=entry.kind,
                parent=None if parent is _MISSING else parent,
                **given,
            )
            created += 1
            created_codes.add(entry.code)
            continue
        changes: dict[str, Any] = {}
        if unit.name != entry.name:
            changes["name"] = entry.name
        if unit.kind != entry.kind:
            changes["kind"] = entry.kind
        if parent is not _MISSING and unit.parent_id != (parent.pk if parent else None):
            changes["parent"] = parent
        for key, value in given.items():
            if getattr(unit, key) != value:
                changes[key] = value
        if changes:
            unit_update(unit=unit, **changes)
            touched.add(entry.code)
    for entry in entries:
        if entry.successors is _MISSING:
            continue
        unit = Unit.objects.get(code=entry.code)
        wanted = set(entry.successors)
        current = set(unit.successors.values_list("code", flat=True))
        if wanted != current:
            unit_set_successors(unit=unit, successors=Unit.objects.filter(code__in=wanted))
            touched.add(entry.code)
    updated = len(touched - created_codes)
    return ImportSummary(
        created=created, updated=updated, unchanged=len(entries) - created - updated
    )


def units_export() -> str:
    """Every unit as a units file (ordered by path), the format `units_import` reads."""
    succ: dict[int, list[str]] = {}
    for src, code in Unit.successors.through.objects.values_list("from_unit_id", "to_unit__code"):
        succ.setdefault(src, []).append(code)
    rows: list[dict[str, Any]] = []
    for unit in Unit.objects.select_related("parent").order_by("path"):
        row: dict[str, Any] = {
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.code if unit.parent else None,
            "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
            "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
            "successors": sorted(succ.get(unit.pk, [])),
        }
        if unit.agency_identifier:
            row["agency_identifier"] = unit.agency_identifier
        if unit.address:
            row["address"] = unit.address
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
