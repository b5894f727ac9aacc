"""Small pure helpers that turn dossier data into what a staff page shows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils.translation import gettext as _

from motcua.calendar.workdays import WorkCalendar

# Re-exported for the templates and views; the one implementation lives in core.privacy.
from motcua.core.privacy import mask_id_number as mask_id_number


@dataclass(frozen=True)
class TimeLeft:
    text: str
    overdue: bool
    soon: bool


def _working_seconds(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> float:
    """Working time inside the sessions between two instants of the same local day."""
    start, end = cal.local(start), cal.local(end)
    if not cal.is_working_day(start.date()):
        return 0.0
    total = 0.0
    for session in cal.sessions:
        s = cal.at(start.date(), session.start)
        e = cal.at(start.date(), session.end)
        lo, hi = max(s, start), min(e, end)
        if hi > lo:
            total += (hi - lo).total_seconds()
    return total


def time_left(cal: WorkCalendar, now: dt.datetime, due: dt.datetime | None) -> TimeLeft | None:
    """How long is left until `due` in working days, or working hours on the last day
    (DOMAIN.md §2.1), or how late it is."""
    if due is None:
        return None
    today, due_day = cal.local(now).date(), cal.local(due).date()
    if due <= now:
        days = cal.working_days_between(due_day, today)
        if days >= 1:
            return TimeLeft(_("Quá hạn %(n)s ngày làm việc") % {"n": days}, True, False)
        return TimeLeft(_("Quá hạn (trong ngày)"), True, False)
    days = cal.working_days_between(today, due_day)
    if days >= 1:
        return TimeLeft(_("Còn %(n)s ngày làm việc") % {"n": days}, False, days <= 1)
    seconds = int(_working_seconds(cal, now, due))
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    return TimeLeft(
        _("Còn %(h)s giờ %(m)s phút làm việc") % {"h": hours, "m": minutes}, False, True
    )


_DECREES = {"NĐ61": "NĐ 61/2018/NĐ-CP", "TT01/2018": "TT 01/2018/TT-VPCP"}


def legal_vi(text: str) -> str:
    """ "NĐ61 art. 19(4)" → "NĐ 61/2018/NĐ-CP Điều 19(4)": the transition table's sources in
    the words an officer reads."""
    for short, full in _DECREES.items():
        text = re.sub(rf"{re.escape(short)}(?![\d/])", full, text)
    return re.sub(r"\barts?\.\s*", "Điều ", text)


def lookup_url(code: str) -> str:
    """The public look-up address printed as a QR code: the code only, never the secret."""
    base = str(settings.MOTCUA.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}/tra-cuu/?{urlencode({'ma': code})}"


def qr_svg(data: str, *, scale: int = 2) -> str:
    """An inline SVG QR code (segno; error correction M)."""
    return str(segno.make_qr(data, error="m").svg_inline(scale=scale, title=data))


def vn_date_words(value: dt.datetime | dt.date | None) -> str:
    """ "ngày 05 tháng 01 năm 2026" (Decree 30/2020 Phụ lục I: day < 10 and months 1–2 padded)."""
    if value is None:
        return _("ngày … tháng … năm …")
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{value.day:02d}",
        "m": month,
        "y": value.year,
    }


def vn_time_words(value: dt.datetime | None) -> str:
    """ "08 giờ 30 phút, ngày 25 tháng 11 năm 2026" (Mẫu 01, Mẫu 05)."""
    if value is None:
        return _("… giờ … phút, ngày … tháng … năm …")
    from django.utils import timezone

    local = timezone.localtime(value)
    return _("%(h)s giờ %(m)s phút, %(day)s") % {
        "h": f"{local.hour:02d}",
        "m": f"{local.minute:02d}",
        "day": vn_date_words(local.date()),
    }


def last_payload(events: list[Any], key: str) -> Any:
    """The latest value of `key` in the event payloads (e.g. the due-date explanation)."""
    for event in reversed(events):
        if key in (event.payload or {}):
            return event.payload[key]
    return None


# --- the e-form's data (tờ khai) on the dossier page ----------------------------------------

#: E-form fields shown masked and never put back in a page's input (personal identity numbers,
#: DOMAIN §10.1 as the applicant's own number): by name, or by the 12-digit CCCD pattern.
_SENSITIVE_NAME = re.compile(r"dinh_danh|cccd|cmnd|can_cuoc|ho_chieu")
_ID_PATTERN = "^[0-9]{12}$"


def eform_sensitive(name: str, spec: dict[str, Any]) -> bool:
    return bool(_SENSITIVE_NAME.search(name)) or spec.get("pattern") == _ID_PATTERN


@dataclass
class EformPanel:
    """The dossier's e-form data as the page shows it, the edit form when the user may edit,
    and what the result template still lacks (None: the version has no result template)."""

    title: str
    rows: list[tuple[str, str]]
    fields: list[Any] | None
    missing: list[str] | None
    template_name: str

    @property
    def has_errors(self) -> bool:
        return any(f.error for f in self.fields or ())

    @property
    def has_values(self) -> bool:
        return any(f.value for f in self.fields or ())


def eform_panel(
    dossier: Any,
    user: Any,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> EformPanel | None:
    """None when the procedure version has no e-form."""
    from motcua.core.errors import DomainError
    from motcua.documents.services import form_value, result_missing
    from motcua.dossiers.selectors import check_form_data_editable
    from motcua.portal import eform

    schema = dossier.procedure_version.eform_schema or {}
    names = eform.field_order(schema)
    if not names:
        return None
    specs = schema["properties"]
    data = dossier.data or {}
    rows = []
    for name in names:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, bool):
            shown = _("Có") if value else _("Không")
        elif eform_sensitive(name, specs[name]):
            shown = mask_id_number(str(value))
        else:
            shown = str(form_value(value))
        rows.append((str(specs[name].get("title") or name), shown))
    fields = None
    try:
        check_form_data_editable(dossier, user)
    except DomainError:
        pass  # read-only: the rows only
    else:
        values: dict[str, Any] = (
            dict(typed) if typed is not None else {n: _edit_value(data, n, specs[n]) for n in names}
        )
        fields = eform.fields(schema, values, errors)
        for f in fields:
            if eform_sensitive(f.name, specs[f.name]) and data.get(f.name) and not f.value:
                f.description = _("Đã có: %(masked)s — để trống để giữ nguyên.") % {
                    "masked": mask_id_number(str(data[f.name]))
                }
    readiness = result_missing(dossier)
    return EformPanel(
        title=str(schema.get("title") or _("Tờ khai")),
        rows=rows,
        fields=fields,
        missing=readiness[1] if readiness else None,
        template_name=readiness[0].name if readiness else "",
    )


def eform_intake(
    version: Any,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> EformPanel | None:
    """The e-form of `version` as the counter intake offers it (optional, collapsed until
    used): empty at first — like the dossier page's form, the schema's defaults are not typed
    in for the officer, so an untouched e-form sends nothing — then as typed, identity numbers
    included (the officer's own input of this request, as the applicant's CCCD field), with
    the messages. None when no version is chosen or it has no e-form."""
    from motcua.portal import eform

    schema = (version.eform_schema if version is not None else None) or {}
    names = eform.field_order(schema)
    if not names:
        return None
    values: dict[str, Any] = dict(typed) if typed is not None else dict.fromkeys(names, "")
    return EformPanel(
        title=str(schema.get("title") or _("Tờ khai")),
        rows=[],
        fields=eform.fields(schema, values, errors),
        missing=None,
        template_name="",
    )


def _edit_value(data: dict[str, Any], name: str, spec: dict[str, Any]) -> Any:
    """What the edit form shows for a field on record: booleans as they are (a checkbox),
    dates as dd/mm/yyyy, an identity number not at all (kept unless retyped)."""
    from motcua.documents.services import form_value

    value = data.get(name, "")
    if isinstance(value, bool):
        return value
    return "" if eform_sensitive(name, spec) else str(form_value(value))


def eform_values_from_post(dossier: Any, post: Any) -> dict[str, str]:
    """The officer's e-form values from a POST; an identity number left empty keeps the one
    on record (the page never sends it back in clear)."""
    from motcua.portal import eform

    schema = dossier.procedure_version.eform_schema or {}
    specs = schema.get("properties") or {}
    data = dossier.data or {}
    values = eform.raw_values(schema, post)
    for name, value in values.items():
        if not value and eform_sensitive(name, specs.get(name) or {}) and data.get(name):
            values[name] = str(data[name])
    return values
