"""The official civil-service calendar as data (DOMAIN.md §6.3): read a JSON file of dated
overrides and upsert them as national rows. Used by the data migration and by
`motcua calendar load-official [FILE]`, so next year's decision is a data file, not code."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from motcua.calendar.constants import OverrideKind
from motcua.core.errors import ValidationReport

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "vn_civil_service_2023_2026.json"


@dataclass(frozen=True)
class OfficialRow:
    date: dt.date
    kind: str
    label: str
    legal_ref: str
    source: str


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_official_file(path: Path | str = DEFAULT_FILE) -> list[OfficialRow]:
    """Parse and validate a file `{"rows": [{date, kind, label, legal_ref, source}, ...]}`
    (a bare list of rows is accepted too). Raises ValidationReport listing every bad row."""
    try:
        payload: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationReport(
            [(0, _("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc})]
        ) from exc
    items = payload.get("rows") if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise ValidationReport([(0, _('Tệp phải chứa danh sách "rows".'))])
    rows: list[OfficialRow] = []
    problems: list[tuple[int, str]] = []
    seen: set[dt.date] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append((number, _("Mỗi dòng phải là một đối tượng JSON.")))
            continue
        try:
            day = dt.date.fromisoformat(str(item.get("date", "")))
        except ValueError:
            problems.append((number, _("Ngày không hợp lệ: %(v)s.") % {"v": item.get("date")}))
            continue
        kind = str(item.get("kind", ""))
        if kind not in OverrideKind.values:
            problems.append((number, _("Loại ngày không hợp lệ: %(v)s.") % {"v": kind}))
            continue
        label = str(item.get("label", "")).strip()
        if not label:
            problems.append((number, _("Thiếu nội dung (label).")))
            continue
        if day in seen:
            problems.append((number, _("Ngày %(d)s bị lặp.") % {"d": day.strftime("%d/%m/%Y")}))
            continue
        seen.add(day)
        rows.append(
            OfficialRow(
                date=day,
                kind=kind,
                label=label[:200],
                legal_ref=str(item.get("legal_ref", "")).strip()[:300],
                source=str(item.get("source", "")).strip(),
            )
        )
    if problems:
        raise ValidationReport(problems)
    return rows


def apply_official_rows(model: Any, rows: list[OfficialRow]) -> LoadResult:
    """Upsert `rows` as national overrides (unit empty) of `model` (the real CalendarOverride
    or its historical version in a migration). Idempotent."""
    created = updated = unchanged = 0
    existing = {
        o.date: o for o in model.objects.filter(unit__isnull=True, date__in=[r.date for r in rows])
    }
    for row in rows:
        current = existing.get(row.date)
        if current is None:
            model.objects.create(
                date=row.date, kind=row.kind, label=row.label, legal_ref=row.legal_ref, unit=None
            )
            created += 1
        elif (current.kind, current.label, current.legal_ref) != (
            row.kind,
            row.label,
            row.legal_ref,
        ):
            current.kind, current.label, current.legal_ref = row.kind, row.label, row.legal_ref
            current.save(update_fields=["kind", "label", "legal_ref", "updated_at"])
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)
