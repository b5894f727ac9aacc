"""Per-procedure e-forms (biểu mẫu điện tử): render and validate a small JSON Schema subset.

The catalogue stores each version's form as JSON Schema (`ProcedureVersion.eform_schema`) with
Vietnamese `title`s and an `x-order` list. Supported subset, no dependency:

- `type`: string, integer, boolean (anything else is read as string);
- `required` (object level), `enum`, `format: date`, `minLength`, `maxLength`, `pattern`,
  `minimum`, `maximum` (integers), `default`, `description` (shown as a hint and used in the
  pattern message).

Dates are typed as dd/mm/yyyy (or yyyy-mm-dd, what `<input type="date">` sends) and stored as
ISO `YYYY-MM-DD`, the JSON Schema `date` format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.validators import MAX_DATE, MIN_DATE

#: Prefix of the HTML input names, so e-form keys never collide with the page's own fields.
PREFIX = "f_"

TRUE_VALUES = {"on", "true", "1", "yes", "co", "có"}


@dataclass
class EField:
    name: str
    title: str
    type: str
    widget: str  # text | number | checkbox | select | date
    required: bool
    enum: list[str] = field(default_factory=list)
    description: str = ""
    max_length: int | None = None
    value: str = ""
    error: str = ""

    @property
    def input_name(self) -> str:
        return PREFIX + self.name


def _properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    props = schema.get("properties") or {}
    return {k: v for k, v in props.items() if isinstance(v, dict)}


def field_order(schema: Mapping[str, Any]) -> list[str]:
    """`x-order` first, then any property it forgot, in schema order."""
    props = _properties(schema)
    order = [k for k in schema.get("x-order") or [] if k in props]
    return order + [k for k in props if k not in order]


def _widget(spec: Mapping[str, Any]) -> str:
    kind = spec.get("type", "string")
    if kind == "boolean":
        return "checkbox"
    if spec.get("enum"):
        return "select"
    if kind == "integer":
        return "number"
    if spec.get("format") == "date":
        return "date"
    return "text"


def fields(
    schema: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[EField]:
    """The fields to render, in order, with the current values and error messages."""
    props = _properties(schema)
    required = set(schema.get("required") or [])
    values = values or {}
    errors = errors or {}
    result = []
    for name in field_order(schema):
        spec = props[name]
        value = _display(values[name] if name in values else spec.get("default", ""))
        result.append(
            EField(
                name=name,
                title=str(spec.get("title") or name),
                type=str(spec.get("type", "string")),
                widget=_widget(spec),
                required=name in required,
                enum=[str(e) for e in spec.get("enum") or []],
                description=str(spec.get("description") or ""),
                max_length=spec.get("maxLength"),
                value=value,
                error=errors.get(name, ""),
            )
        )
    return result


def _display(raw: Any) -> str:
    if isinstance(raw, bool):
        return "on" if raw else ""
    return "" if raw is None else str(raw)


def raw_values(schema: Mapping[str, Any], post: Mapping[str, Any]) -> dict[str, str]:
    """The e-form's values as typed (strings) from a POST, for drafts and re-display."""
    out: dict[str, str] = {}
    for name in field_order(schema):
        value = post.get(PREFIX + name)
        out[name] = "" if value is None else str(value).strip()
    return out


def parse_date(text: str) -> dt.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        # 01/01/0001 or 31/12/9999 are typos, and overflow in date arithmetic downstream.
        return day if MIN_DATE <= day <= MAX_DATE else None
    return None


def validate(
    schema: Mapping[str, Any], values: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check typed values against the schema; return (clean data, {field: Vietnamese message}).

    Clean data holds typed values (int, bool, ISO date strings); empty optional fields are left
    out. Every field gets at most one message, the first rule it breaks.
    """
    props = _properties(schema)
    required = set(schema.get("required") or [])
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in field_order(schema):
        spec = props[name]
        title = str(spec.get("title") or name)
        kind = spec.get("type", "string")
        raw = (values.get(name) or "").strip()
        if kind == "boolean":
            checked = raw.lower() in TRUE_VALUES
            if name in required and not checked:
                errors[name] = _("Vui lòng đánh dấu “%(t)s”.") % {"t": title}
            else:
                clean[name] = checked
            continue
        if not raw:
            if name in required:
                if spec.get("enum"):
                    errors[name] = _("Vui lòng chọn “%(t)s”.") % {"t": title}
                else:
                    errors[name] = _("Vui lòng nhập “%(t)s”.") % {"t": title}
            continue
        message = _check_value(spec, title, kind, raw)
        if message:
            errors[name] = message
            continue
        if kind == "integer":
            clean[name] = int(raw)
        elif spec.get("format") == "date":
            parsed = parse_date(raw)
            assert parsed is not None
            clean[name] = parsed.isoformat()
        else:
            clean[name] = raw
    return clean, errors


def _check_value(spec: Mapping[str, Any], title: str, kind: str, raw: str) -> str:
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", raw):
            return _("“%(t)s” phải là số nguyên (chỉ gồm chữ số).") % {"t": title}
        number = int(raw)
        if abs(number) > 2**53:  # beyond what JSON clients (JavaScript) read exactly
            return _("“%(t)s” quá lớn.") % {"t": title}
        if "minimum" in spec and number < spec["minimum"]:
            return _("“%(t)s” phải từ %(n)s trở lên.") % {"t": title, "n": spec["minimum"]}
        if "maximum" in spec and number > spec["maximum"]:
            return _("“%(t)s” không được lớn hơn %(n)s.") % {"t": title, "n": spec["maximum"]}
    enum = spec.get("enum")
    if enum and raw not in [str(e) for e in enum]:
        return _("Vui lòng chọn một giá trị có trong danh sách cho “%(t)s”.") % {"t": title}
    if spec.get("format") == "date" and parse_date(raw) is None:
        return _("“%(t)s” phải là một ngày hợp lệ, dạng ngày/tháng/năm (ví dụ 05/09/2024).") % {
            "t": title
        }
    if "minLength" in spec and len(raw) < spec["minLength"]:
        return _("“%(t)s” phải có ít nhất %(n)s ký tự.") % {"t": title, "n": spec["minLength"]}
    if "maxLength" in spec and len(raw) > spec["maxLength"]:
        return _("“%(t)s” chỉ được dài tối đa %(n)s ký tự.") % {"t": title, "n": spec["maxLength"]}
    pattern = spec.get("pattern")
    if pattern and re.search(pattern, raw) is None:
        hint = spec.get("description")
        if hint:
            return _("“%(t)s” không đúng định dạng: %(h)s") % {"t": title, "h": hint}
        return _("“%(t)s” không đúng định dạng.") % {"t": title}
    return ""
