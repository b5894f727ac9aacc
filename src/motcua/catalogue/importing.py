"""Catalogue files: parsing, validation and the canonical export format (JSON and CSV).

The JSON file is a list of procedures, each with its versions, components, fee rules and steps
(schema in `docs/dev/adding-a-procedure.md`). The CSV file is the flat part: one row per
procedure with its current version's main fields.

Parsing never writes. `parse_catalogue()` returns the entries or raises
`ValidationReport([(line, message), ...])` listing EVERY bad entry with the line where the
entry's JSON object (or CSV row) starts; the services then write everything in one transaction.
Export uses the same canonical dictionaries, so export → import → export is byte-identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import json.decoder
import json.scanner
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from motcua.calendar.constants import LimitUnit
from motcua.catalogue import rules
from motcua.catalogue.constants import (
    LEGACY_LEVEL_TO_ONLINE,
    ComponentKind,
    FeePer,
    OnlineLevel,
    ProcedureLevel,
    VersionStatus,
)
from motcua.catalogue.models import FeeRule, Procedure, ProcedureVersion
from motcua.core.errors import DomainError, ValidationReport
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit

# ---------------------------------------------------------------------------------------------
# Entry data (what a file says, validated and typed)


@dataclass
class ComponentData:
    name: str
    kind: str = ComponentKind.ORIGINAL
    quantity: int = 1
    required: bool = True
    form_template: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "quantity": self.quantity,
            "required": self.required,
            "form_template": self.form_template,
        }


@dataclass
class FeeRuleData:
    name: str
    amount: Decimal
    per: str = FeePer.CASE
    from_quantity: int = 1
    to_quantity: int | None = None
    max_amount: Decimal | None = None
    legal_ref: str = ""
    exemption: str = ""
    # A provincial line: the province's unit code and the period of its HĐND resolution.
    province: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "amount": _num(self.amount),
            "per": self.per,
            "from_quantity": self.from_quantity,
            "to_quantity": self.to_quantity,
            "max_amount": _num(self.max_amount),
            "legal_ref": self.legal_ref,
            "exemption": self.exemption,
            "province": self.province,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


@dataclass
class StepData:
    name: str
    role: str
    allotted_amount: Decimal
    allotted_unit: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "allotted_amount": _num(self.allotted_amount),
            "allotted_unit": self.allotted_unit,
        }


MAIN_VERSION_FIELDS = (
    "number",
    "status",
    "valid_from",
    "valid_to",
    "time_limit_amount",
    "time_limit_unit",
    "verification_extra_amount",
    "time_limit_text",
    "online_level",
    "legal_basis",
    "sources",
    "fee_text",
)


@dataclass
class VersionData:
    number: int
    valid_from: dt.date
    time_limit_amount: Decimal
    time_limit_unit: str
    status: str = VersionStatus.PUBLISHED
    valid_to: dt.date | None = None
    verification_extra_amount: Decimal | None = None
    time_limit_text: str = ""
    online_level: str = OnlineLevel.NONE
    legal_basis: str = ""
    sources: str = ""
    fee_text: str = ""
    eform_schema: dict[str, Any] = field(default_factory=dict)
    # None: the file does not carry them (CSV) and the stored ones are kept.
    components: list[ComponentData] | None = None
    fees: list[FeeRuleData] | None = None
    steps: list[StepData] | None = None
    line: int = 0

    def main_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "time_limit_amount": _num(self.time_limit_amount),
            "time_limit_unit": self.time_limit_unit,
            "verification_extra_amount": _num(self.verification_extra_amount),
            "time_limit_text": self.time_limit_text,
            "online_level": self.online_level,
            "legal_basis": self.legal_basis,
            "sources": self.sources,
            "fee_text": self.fee_text,
        }

    def to_dict(self) -> dict[str, Any]:
        data = self.main_dict()
        data["eform_schema"] = _sorted_keys(self.eform_schema)
        data["components"] = [c.to_dict() for c in self.components or []]
        data["fees"] = [f.to_dict() for f in self.fees or []]
        data["steps"] = [s.to_dict() for s in self.steps or []]
        return data

    def same_as(self, version: ProcedureVersion) -> bool:
        """True when storing this entry would not change `version`."""
        stored = version_to_data(version)
        if self.components is None:
            return self.main_dict() == stored.main_dict()
        return self.to_dict() == stored.to_dict()


@dataclass
class ProcedureData:
    code: str
    name: str
    field_code: str
    field_name: str
    level: str = ProcedureLevel.COMMUNE
    unit_kinds: list[str] = field(default_factory=list)
    legal_basis: str = ""
    life_events: list[str] = field(default_factory=list)
    versions: list[VersionData] = field(default_factory=list)
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "field": {"code": self.field_code, "name": self.field_name},
            "level": self.level,
            "unit_kinds": self.unit_kinds,
            "legal_basis": self.legal_basis,
            "life_events": self.life_events,
            "versions": [v.to_dict() for v in self.versions],
        }


def _sorted_keys(value: Any) -> Any:
    """JSON objects with sorted keys: PostgreSQL `jsonb` does not keep key order, so exports
    sort them to stay identical on both databases (use lists, e.g. `x-order`, for order)."""
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def _num(value: Decimal | None) -> int | float | None:
    """Numbers are written as JSON numbers: integers without a decimal point."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value.normalize())


# ---------------------------------------------------------------------------------------------
# From the database to entries (export, comparison)


def version_to_data(version: ProcedureVersion) -> VersionData:
    return VersionData(
        number=version.number,
        status=version.status,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        time_limit_amount=version.time_limit_amount,
        time_limit_unit=version.time_limit_unit,
        verification_extra_amount=version.verification_extra_amount,
        time_limit_text=version.time_limit_text,
        online_level=version.online_level,
        legal_basis=version.legal_basis,
        sources=version.sources,
        fee_text=version.fee_text,
        eform_schema=version.eform_schema or {},
        components=[
            ComponentData(
                name=c.name,
                kind=c.kind,
                quantity=c.quantity,
                required=c.required,
                form_template=c.form_template,
            )
            for c in sorted(version.components.all(), key=lambda c: (c.order, c.pk))
        ],
        fees=[
            FeeRuleData(
                name=f.name,
                amount=f.amount,
                per=f.per,
                from_quantity=f.from_quantity,
                to_quantity=f.to_quantity,
                max_amount=f.max_amount,
                legal_ref=f.legal_ref,
                exemption=f.exemption,
                province=f.province.code if f.province is not None else None,
                valid_from=f.valid_from,
                valid_to=f.valid_to,
            )
            for f in sorted(version.fee_rules.all(), key=lambda f: (f.order, f.pk))
        ],
        steps=[
            StepData(
                name=s.name,
                role=s.role,
                allotted_amount=s.allotted_amount,
                allotted_unit=s.allotted_unit,
            )
            for s in sorted(version.steps.all(), key=lambda s: s.order)
        ],
    )


def _with_children(qs: QuerySet[ProcedureVersion]) -> QuerySet[ProcedureVersion]:
    return qs.prefetch_related(
        "components", Prefetch("fee_rules", FeeRule.objects.select_related("province")), "steps"
    )


def stored_versions(code: str) -> dict[int, ProcedureVersion]:
    """The stored versions of a procedure by number, children prefetched (few queries)."""
    qs = _with_children(ProcedureVersion.objects.filter(procedure__code=code).order_by("number"))
    return {v.number: v for v in qs}


def procedure_to_data(
    procedure: Procedure, *, versions: list[ProcedureVersion] | None = None
) -> ProcedureData:
    return ProcedureData(
        code=procedure.code,
        name=procedure.name,
        field_code=procedure.field.code,
        field_name=procedure.field.name,
        level=procedure.level,
        unit_kinds=list(procedure.unit_kinds or []),
        legal_basis=procedure.legal_basis,
        life_events=list(procedure.life_events or []),
        versions=[
            version_to_data(v)
            for v in (
                versions if versions is not None else stored_versions(procedure.code).values()
            )
        ],
    )


def export_json() -> str:
    """The whole catalogue as canonical JSON (procedures by code, versions by number)."""
    procedures = Procedure.objects.select_related("field").order_by("code")
    by_procedure: dict[int, list[ProcedureVersion]] = {}
    for version in _with_children(ProcedureVersion.objects.order_by("procedure_id", "number")):
        by_procedure.setdefault(version.procedure_id, []).append(version)
    data = [procedure_to_data(p, versions=by_procedure.get(p.pk, [])).to_dict() for p in procedures]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "unit_kinds",
    "life_events",
    "procedure_legal_basis",
    *MAIN_VERSION_FIELDS,
)
_LIST_SEP = ";"


def current_version(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    """The CSV row's version: in force on `on`, else the latest published, else the latest."""
    from motcua.catalogue.selectors import version_in_force

    return (
        version_in_force(procedure, on)
        or procedure.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
        or procedure.versions.order_by("-number").first()
    )


def export_csv(*, on: dt.date | None = None) -> str:
    on = on or dt.date.today()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for procedure in Procedure.objects.select_related("field").order_by("code"):
        version = current_version(procedure, on)
        main: dict[str, Any] = (
            version_to_data(version).main_dict() if version else dict.fromkeys(MAIN_VERSION_FIELDS)
        )
        row = [
            procedure.code,
            procedure.name,
            procedure.field.code,
            procedure.field.name,
            procedure.level,
            _LIST_SEP.join(procedure.unit_kinds or []),
            _LIST_SEP.join(procedure.life_events or []),
            procedure.legal_basis,
            *("" if main[k] is None else str(main[k]) for k in MAIN_VERSION_FIELDS),
        ]
        writer.writerow(row)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Parsing with line numbers


class _LineDict(dict[str, Any]):
    """A JSON object that remembers the line where its `{` stands."""

    line: int = 0


def load_json_with_lines(text: str) -> Any:
    """`json.loads` whose objects are `_LineDict`s carrying their starting line number.

    The pure-Python scanner of the standard library calls `parse_object` for every object; we
    wrap it to record the offset of the opening brace and map it to a line number.
    """
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()

    def parse_object(
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: Callable[..., Any],
        object_hook: Any,
        object_pairs_hook: Any,
        memo: dict[str, str] | None = None,
    ) -> tuple[_LineDict, int]:
        brace = s_and_end[1] - 1
        obj, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
        )
        result = _LineDict(obj)
        result.line = bisect_right(line_starts, brace)
        return result, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text)


class _Checker:
    """Collects (line, message) problems while reading one entry."""

    def __init__(self, problems: list[tuple[int, str]], line: int, where: str) -> None:
        self.problems = problems
        self.line = line
        self.where = where

    def add(self, message: str) -> None:
        self.problems.append((self.line, f"{self.where}: {message}"))

    def text(
        self, obj: dict[str, Any], key: str, *, required: bool = False, max_len: int = 0
    ) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(_("thiếu trường bắt buộc “%(key)s”.") % {"key": key})
            return ""
        if not isinstance(value, str):
            self.add(_("trường “%(key)s” phải là chuỗi ký tự.") % {"key": key})
            return ""
        value = value.strip()
        if required and not value:
            self.add(_("trường “%(key)s” không được để trống.") % {"key": key})
        if max_len and len(value) > max_len:
            self.add(_("trường “%(key)s” dài quá %(max)s ký tự.") % {"key": key, "max": max_len})
        return value

    def choice(self, obj: dict[str, Any], key: str, choices: list[str], default: str) -> str:
        value = obj.get(key, default)
        if value is None:
            value = default
        if value not in choices:
            self.add(
                _("giá trị “%(value)s” của trường “%(key)s” không hợp lệ (chọn một trong: %(ok)s).")
                % {"value": value, "key": key, "ok": ", ".join(choices)}
            )
            return default
        return str(value)

    def decimal(
        self,
        obj: dict[str, Any],
        key: str,
        *,
        required: bool = False,
        places: int = 2,
        max_digits: int = 6,
    ) -> Decimal | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.add(_("thiếu trường bắt buộc “%(key)s”.") % {"key": key})
            return None
        if isinstance(value, bool):
            value = "x"
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.add(_("trường “%(key)s” phải là số.") % {"key": key})
            return None
        if not number.is_finite() or number < 0:
            self.add(_("trường “%(key)s” phải là số không âm.") % {"key": key})
            return None
        if number != number.quantize(Decimal(1).scaleb(-places)) or number >= Decimal(10) ** (
            max_digits - places
        ):
            self.add(
                _("trường “%(key)s” vượt độ chính xác cho phép (%(places)s chữ số thập phân).")
                % {"key": key, "places": places}
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))

    def integer(
        self, obj: dict[str, Any], key: str, *, default: int | None, minimum: int = 0
    ) -> int | None:
        value = obj.get(key, default)
        if value is None or value == "":
            if default is None and key in obj and obj[key] is None:
                return None
            if default is None:
                self.add(_("thiếu trường bắt buộc “%(key)s”.") % {"key": key})
            return default
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(
                _("trường “%(key)s” phải là số nguyên ≥ %(min)s.") % {"key": key, "min": minimum}
            )
            return default
        return value

    def date(self, obj: dict[str, Any], key: str, *, required: bool) -> dt.date | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.add(_("thiếu trường bắt buộc “%(key)s”.") % {"key": key})
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(
                _("trường “%(key)s” phải là ngày dạng YYYY-MM-DD (nhận được “%(value)s”).")
                % {"key": key, "value": value}
            )
            return None

    def string_list(
        self, obj: dict[str, Any], key: str, choices: list[str] | None = None
    ) -> list[str]:
        value = obj.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(_("trường “%(key)s” phải là danh sách chuỗi ký tự.") % {"key": key})
            return []
        if choices is not None:
            bad = [v for v in value if v not in choices]
            if bad:
                self.add(
                    _("trường “%(key)s” có giá trị không hợp lệ: %(bad)s.")
                    % {"key": key, "bad": ", ".join(bad)}
                )
                return []
        return list(value)

    def unknown_keys(self, obj: dict[str, Any], allowed: set[str]) -> None:
        extra = sorted(set(obj) - allowed)
        if extra:
            self.add(_("trường không được hỗ trợ: %(keys)s.") % {"keys": ", ".join(extra)})


def online_level_from(value: Any) -> str | None:
    """`full`/`partial`/`none`, or a legacy level 1–4 of NĐ 43/2011 (DOMAIN §5.2 mapping)."""
    if isinstance(value, str) and value in OnlineLevel.values:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value in LEGACY_LEVEL_TO_ONLINE:
        return str(LEGACY_LEVEL_TO_ONLINE[value])
    return None


_PROCEDURE_KEYS = {
    "code",
    "name",
    "field",
    "level",
    "unit_kinds",
    "legal_basis",
    "life_events",
    "versions",
}
_VERSION_KEYS = {*MAIN_VERSION_FIELDS, "eform_schema", "components", "fees", "steps"}
_COMPONENT_KEYS = {"name", "kind", "quantity", "required", "form_template"}
_FEE_KEYS = {
    "name",
    "amount",
    "per",
    "from_quantity",
    "to_quantity",
    "max_amount",
    "legal_ref",
    "exemption",
    "province",
    "valid_from",
    "valid_to",
}
_STEP_KEYS = {"name", "role", "allotted_amount", "allotted_unit"}


def _line_of(obj: Any, default: int) -> int:
    return getattr(obj, "line", default) or default


def _read_version_main(chk: _Checker, obj: dict[str, Any]) -> VersionData | None:
    number = chk.integer(obj, "number", default=None, minimum=1)
    status = chk.choice(obj, "status", VersionStatus.values, VersionStatus.PUBLISHED)
    valid_from = chk.date(obj, "valid_from", required=True)
    valid_to = chk.date(obj, "valid_to", required=False)
    amount = chk.decimal(obj, "time_limit_amount", required=True)
    unit = chk.choice(obj, "time_limit_unit", LimitUnit.values, "")
    extra = chk.decimal(obj, "verification_extra_amount")
    raw_level = obj.get("online_level", OnlineLevel.NONE)
    level = online_level_from(OnlineLevel.NONE if raw_level in (None, "") else raw_level)
    if level is None:
        chk.add(
            _(
                "mức độ trực tuyến “%(value)s” không hợp lệ (full, partial, none hoặc mức độ cũ "
                "1–4)."
            )
            % {"value": raw_level}
        )
    time_limit_text = chk.text(obj, "time_limit_text", max_len=400)
    legal_basis = chk.text(obj, "legal_basis")
    sources = chk.text(obj, "sources")
    fee_text = chk.text(obj, "fee_text", max_len=400)
    failed = False
    if amount is not None and unit:
        problem = rules.limit_problem(amount, unit)
        if problem:
            chk.add(problem)
            failed = True
    if valid_from is not None:
        problem = rules.period_problem(valid_from, valid_to)
        if problem:
            chk.add(problem)
            failed = True
    if number is None or valid_from is None or amount is None or not unit or level is None:
        return None
    if failed:
        return None
    return VersionData(
        number=number,
        status=status,
        valid_from=valid_from,
        valid_to=valid_to,
        time_limit_amount=amount,
        time_limit_unit=unit,
        verification_extra_amount=extra,
        online_level=level,
        line=chk.line,
        time_limit_text=time_limit_text,
        legal_basis=legal_basis,
        sources=sources,
        fee_text=fee_text,
    )


def _read_list(
    problems: list[tuple[int, str]],
    obj: dict[str, Any],
    key: str,
    parent: _Checker,
) -> list[Any]:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        parent.add(_("trường “%(key)s” phải là danh sách.") % {"key": key})
        return []
    return value


def _read_children(
    problems: list[tuple[int, str]], obj: dict[str, Any], chk: _Checker, label: str
) -> tuple[list[ComponentData], list[FeeRuleData], list[StepData], bool]:
    ok = True
    components: list[ComponentData] = []
    for i, item in enumerate(_read_list(problems, obj, "components", chk), start=1):
        c = _Checker(problems, _line_of(item, chk.line), f"{label}, thành phần hồ sơ {i}")
        if not isinstance(item, dict):
            c.add(_("phải là một đối tượng JSON."))
            ok = False
            continue
        before = len(problems)
        c.unknown_keys(item, _COMPONENT_KEYS)
        name = c.text(item, "name", required=True, max_len=400)
        kind = c.choice(item, "kind", ComponentKind.values, ComponentKind.ORIGINAL)
        quantity = c.integer(item, "quantity", default=1, minimum=1) or 1
        required = item.get("required", True)
        if not isinstance(required, bool):
            c.add(_("trường “required” phải là true hoặc false."))
            required = True
        form_template = c.text(item, "form_template", max_len=300)
        if len(problems) > before:
            ok = False
            continue
        components.append(ComponentData(name, kind, quantity, required, form_template))
    fees: list[FeeRuleData] = []
    for i, item in enumerate(_read_list(problems, obj, "fees", chk), start=1):
        c = _Checker(problems, _line_of(item, chk.line), f"{label}, khoản phí {i}")
        if not isinstance(item, dict):
            c.add(_("phải là một đối tượng JSON."))
            ok = False
            continue
        before = len(problems)
        c.unknown_keys(item, _FEE_KEYS)
        name = c.text(item, "name", required=True, max_len=300)
        amount = c.decimal(item, "amount", required=True, places=0, max_digits=12)
        per = c.choice(item, "per", FeePer.values, FeePer.CASE)
        from_q = c.integer(item, "from_quantity", default=1, minimum=1) or 1
        to_q = (
            c.integer(item, "to_quantity", default=None, minimum=1)
            if item.get("to_quantity") is not None
            else None
        )
        max_amount = c.decimal(item, "max_amount", places=0, max_digits=12)
        if to_q is not None and to_q < from_q:
            c.add(_("“to_quantity” phải lớn hơn hoặc bằng “from_quantity”."))
        legal_ref = c.text(item, "legal_ref", max_len=300)
        exemption = c.text(item, "exemption", max_len=400)
        province = c.text(item, "province", max_len=32) or None
        if province is not None and not _is_province(province):
            c.add(
                _(
                    "không có tỉnh, thành phố mã “%(code)s” trong danh sách đơn vị hành chính "
                    "(nhập đơn vị trước: motcua units import)."
                )
                % {"code": province}
            )
        fee_from = c.date(item, "valid_from", required=False)
        fee_to = c.date(item, "valid_to", required=False)
        problem = rules.fee_line_problem(
            provincial=province is not None, valid_from=fee_from, valid_to=fee_to
        )
        if problem:
            c.add(problem)
        if len(problems) > before or amount is None:
            ok = False
            continue
        fees.append(
            FeeRuleData(
                name,
                amount,
                per,
                from_q,
                to_q,
                max_amount,
                legal_ref,
                exemption,
                province=province,
                valid_from=fee_from,
                valid_to=fee_to,
            )
        )
    steps: list[StepData] = []
    for i, item in enumerate(_read_list(problems, obj, "steps", chk), start=1):
        c = _Checker(problems, _line_of(item, chk.line), f"{label}, bước {i}")
        if not isinstance(item, dict):
            c.add(_("phải là một đối tượng JSON."))
            ok = False
            continue
        before = len(problems)
        c.unknown_keys(item, _STEP_KEYS)
        name = c.text(item, "name", required=True, max_len=300)
        role = c.choice(item, "role", Role.values, "")
        step_amount = c.decimal(item, "allotted_amount", required=True)
        step_unit = c.choice(item, "allotted_unit", LimitUnit.values, "")
        if len(problems) > before or step_amount is None:
            ok = False
            continue
        steps.append(StepData(name, role, step_amount, step_unit))
    return components, fees, steps, ok


def _is_province(code: str) -> bool:
    return Unit.objects.filter(code=code, kind=UnitKind.PROVINCE).exists()


def _read_json_procedure(
    problems: list[tuple[int, str]], obj: Any, index: int
) -> ProcedureData | None:
    line = _line_of(obj, 1)
    chk = _Checker(problems, line, _("Thủ tục thứ %(n)s") % {"n": index})
    if not isinstance(obj, dict):
        chk.add(_("phải là một đối tượng JSON."))
        return None
    code = chk.text(obj, "code", required=True, max_len=32)
    if code:
        chk.where = _("Thủ tục %(code)s") % {"code": code}
    chk.unknown_keys(obj, _PROCEDURE_KEYS)
    name = chk.text(obj, "name", required=True, max_len=400)
    field_obj = obj.get("field")
    field_code = field_name = ""
    if not isinstance(field_obj, dict):
        chk.add(_("trường “field” phải là đối tượng có “code” và “name”."))
    else:
        field_code = chk.text(field_obj, "code", required=True, max_len=32)
        field_name = chk.text(field_obj, "name", required=True, max_len=200)
    level = chk.choice(obj, "level", ProcedureLevel.values, ProcedureLevel.COMMUNE)
    unit_kinds = chk.string_list(obj, "unit_kinds", UnitKind.values)
    life_events = chk.string_list(obj, "life_events")
    legal_basis = chk.text(obj, "legal_basis")
    versions: list[VersionData] = []
    seen: set[int] = set()
    for item in _read_list(problems, obj, "versions", chk):
        vline = _line_of(item, line)
        vchk = _Checker(problems, vline, f"{chk.where}, " + _("phiên bản"))
        if not isinstance(item, dict):
            vchk.add(_("phải là một đối tượng JSON."))
            continue
        if isinstance(item.get("number"), int):
            vchk.where = f"{chk.where}, " + _("phiên bản %(n)s") % {"n": item["number"]}
        vbefore = len(problems)
        vchk.unknown_keys(item, _VERSION_KEYS)
        version = _read_version_main(vchk, item)
        schema = item.get("eform_schema", {})
        if schema is None:
            schema = {}
        if not isinstance(schema, dict):
            vchk.add(_("trường “eform_schema” phải là đối tượng JSON Schema."))
        components, fees, steps, children_ok = _read_children(problems, item, vchk, vchk.where)
        if version is None or not children_ok or len(problems) > vbefore:
            continue
        if version.number in seen:
            vchk.add(_("số phiên bản bị trùng trong cùng thủ tục."))
            continue
        seen.add(version.number)
        version.eform_schema = dict(schema)
        version.components, version.fees, version.steps = components, fees, steps
        problem = rules.steps_problem(
            version.time_limit_amount,
            version.time_limit_unit,
            [(s.allotted_amount, s.allotted_unit) for s in steps],
        )
        if problem:
            vchk.add(problem)
            continue
        versions.append(version)
    if not code:
        return None
    # Entries with problems are still returned so that the checks across the file (duplicates,
    # overlapping periods) run on their valid versions; the caller raises the report anyway.
    return ProcedureData(
        code=code,
        name=name,
        field_code=field_code,
        field_name=field_name,
        level=level,
        unit_kinds=unit_kinds,
        legal_basis=legal_basis,
        life_events=life_events,
        versions=versions,
        line=line,
    )


def parse_json(text: str) -> list[ProcedureData]:
    """Parse a JSON catalogue; raise `ValidationReport` listing every bad entry."""
    try:
        raw = load_json_with_lines(text)
    except json.JSONDecodeError as exc:
        raise ValidationReport(
            [
                (
                    exc.lineno,
                    _("Tệp JSON sai cú pháp (cột %(col)s): %(msg)s")
                    % {"col": exc.colno, "msg": exc.msg},
                )
            ]
        ) from exc
    if not isinstance(raw, list):
        raise ValidationReport([(1, _("Tệp JSON phải là một danh sách các thủ tục."))])
    problems: list[tuple[int, str]] = []
    entries: list[ProcedureData] = []
    for index, obj in enumerate(raw, start=1):
        entry = _read_json_procedure(problems, obj, index)
        if entry is not None:
            entries.append(entry)
    _check_across(problems, entries)
    if problems:
        raise ValidationReport(sorted(problems, key=lambda p: p[0]))
    return entries


def parse_csv(text: str) -> list[ProcedureData]:
    """Parse the flat CSV (header on line 1); raise `ValidationReport` listing every bad row."""
    problems: list[tuple[int, str]] = []
    entries: list[ProcedureData] = []
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("code", "name", "field_code", "field_name") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("thiếu cột: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("cột không được hỗ trợ: %(cols)s") % {"cols": ", ".join(unknown)})
        raise ValidationReport([(1, _("Dòng tiêu đề: ") + "; ".join(parts) + ".")])
    start = reader.line_num + 1
    for row in reader:
        line = start
        start = reader.line_num + 1
        if not any((v or "").strip() for v in row.values()):
            continue
        code = (row.get("code") or "").strip()
        chk = _Checker(problems, line, _("Thủ tục %(code)s") % {"code": code or "?"})
        before = len(problems)
        obj: dict[str, Any] = {k: (v if v is not None else "") for k, v in row.items()}
        name = chk.text(obj, "name", required=True, max_len=400)
        chk.text(obj, "code", required=True, max_len=32)
        field_code = chk.text(obj, "field_code", required=True, max_len=32)
        field_name = chk.text(obj, "field_name", required=True, max_len=200)
        level = (
            chk.choice(obj, "level", ProcedureLevel.values, ProcedureLevel.COMMUNE)
            if obj.get("level")
            else ProcedureLevel.COMMUNE
        )
        lists = {
            k: [x for x in str(obj.get(k, "")).split(_LIST_SEP) if x]
            for k in ("unit_kinds", "life_events")
        }
        bad_kinds = [k for k in lists["unit_kinds"] if k not in UnitKind.values]
        if bad_kinds:
            chk.add(_("loại đơn vị không hợp lệ: %(bad)s.") % {"bad": ", ".join(bad_kinds)})
        legal_basis = chk.text(obj, "procedure_legal_basis")
        versions: list[VersionData] = []
        if str(obj.get("number", "")).strip():
            version_obj = {k: obj.get(k) for k in MAIN_VERSION_FIELDS}
            version_obj = {k: (None if v == "" else v) for k, v in version_obj.items()}
            version = _read_version_main(chk, version_obj)
            if version is not None:
                versions.append(version)
        if len(problems) > before:
            continue
        entries.append(
            ProcedureData(
                code=code,
                name=name,
                field_code=field_code,
                field_name=field_name,
                level=level,
                unit_kinds=lists["unit_kinds"],
                legal_basis=legal_basis,
                life_events=lists["life_events"],
                versions=versions,
                line=line,
            )
        )
    _check_across(problems, entries)
    if problems:
        raise ValidationReport(sorted(problems, key=lambda p: p[0]))
    return entries


def _check_across(problems: list[tuple[int, str]], entries: list[ProcedureData]) -> None:
    """Rules that need the whole file or the database: duplicates, field names, overlaps,
    step sums against stored steps, and versions already used by dossiers."""
    codes: dict[str, int] = {}
    file_field_names: dict[str, str] = {}
    for entry in entries:
        where = _("Thủ tục %(code)s") % {"code": entry.code}
        if entry.code in codes:
            problems.append(
                (
                    entry.line,
                    f"{where}: "
                    + _("mã thủ tục bị trùng với dòng %(line)s.") % {"line": codes[entry.code]},
                )
            )
            continue
        codes[entry.code] = entry.line
        known = file_field_names.get(entry.field_code)
        if known is not None and known != entry.field_name:
            problems.append(
                (
                    entry.line,
                    f"{where}: "
                    + _("lĩnh vực %(code)s có tên khác với các dòng trước (“%(name)s”).")
                    % {"code": entry.field_code, "name": known},
                )
            )
        file_field_names.setdefault(entry.field_code, entry.field_name)
        _check_versions_against_db(problems, entry, where)


def _check_versions_against_db(
    problems: list[tuple[int, str]], entry: ProcedureData, where: str
) -> None:
    stored = stored_versions(entry.code)
    periods: dict[int, tuple[dt.date, dt.date | None]] = {
        n: (v.valid_from, v.valid_to)
        for n, v in stored.items()
        if v.status == VersionStatus.PUBLISHED
    }
    lines: dict[int, int] = {}
    for version in entry.versions:
        lines[version.number] = version.line
        vwhere = f"{where}, " + _("phiên bản %(n)s") % {"n": version.number}
        existing = stored.get(version.number)
        if existing is not None and not version.same_as(existing) and existing.dossiers.exists():
            problems.append(
                (
                    version.line,
                    f"{vwhere}: "
                    + _(
                        "phiên bản này đã có hồ sơ tiếp nhận nên không được sửa; hãy tạo "
                        "phiên bản mới."
                    ),
                )
            )
        if version.steps is None and existing is not None:
            problem = rules.steps_problem(
                version.time_limit_amount,
                version.time_limit_unit,
                [(s.allotted_amount, s.allotted_unit) for s in existing.steps.all()],
            )
            if problem:
                problems.append((version.line, f"{vwhere}: {problem}"))
        periods.pop(version.number, None)
        if version.status == VersionStatus.PUBLISHED:
            periods[version.number] = (version.valid_from, version.valid_to)
    for a, b in rules.overlap_problems((n, f, t) for n, (f, t) in periods.items()):
        later = b if b in lines else a
        other = a if later == b else b
        fa, ta = periods[later]
        fb, tb = periods[other]
        problems.append(
            (
                lines.get(later, entry.line),
                f"{where}, "
                + _(
                    "phiên bản %(a)s (%(fa)s – %(ta)s) trùng thời gian hiệu lực với phiên bản "
                    "%(b)s (%(fb)s – %(tb)s) đã công bố."
                )
                % {
                    "a": later,
                    "fa": rules.format_date(fa),
                    "ta": rules.format_date(ta),
                    "b": other,
                    "fb": rules.format_date(fb),
                    "tb": rules.format_date(tb),
                },
            )
        )


def parse_catalogue(path: Path) -> list[ProcedureData]:
    """Read `path` (.json or .csv, UTF-8 with or without BOM) and parse it."""
    suffix = path.suffix.lower()
    if suffix not in {".json", ".csv"}:
        raise DomainError(_("Chỉ hỗ trợ tệp .json hoặc .csv."))
    text = path.read_text(encoding="utf-8-sig")
    return parse_json(text) if suffix == ".json" else parse_csv(text)
