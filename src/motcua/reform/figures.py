"""The Biểu 06 figures the CCHC report quotes (DOMAIN.md §3.2–3.4), as a plain value object.

The figures come from `motcua.reports` (`bieu06`) for a generated report, or are typed by hand
(`Figures.from_mapping`) to check a report written outside the system (`checks.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from motcua.organisation.models import Unit

#: The keys of a Biểu 06 row, as `motcua.reports.bieu06` names them.
FIGURE_KEYS: tuple[str, ...] = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_rejected",
    "pending_total",
    "pending_within",
    "pending_overdue",
    "closed_other_total",
    "withdrawn",
    "stopped",
)


@dataclass(frozen=True)
class Figures:
    received_total: int = 0
    received_online: int = 0
    received_direct_postal: int = 0
    carried_over: int = 0
    resolved_total: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    resolved_rejected: int = 0
    pending_total: int = 0
    pending_within: int = 0
    pending_overdue: int = 0
    closed_other_total: int = 0
    withdrawn: int = 0
    stopped: int = 0

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Figures:
        """Build from a dict (missing keys are 0); values are read as integers."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: int(v or 0) for k, v in data.items() if k in known})

    @classmethod
    def from_row(cls, row: Any) -> Figures:
        """Build from a `bieu06` row, whether a mapping or an object with attributes."""
        if isinstance(row, Mapping):
            return cls.from_mapping(row)
        return cls.from_mapping({k: getattr(row, k, 0) for k in FIGURE_KEYS})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def received_in_period(self) -> int:
        return self.received_online + self.received_direct_postal

    @property
    def resolved_early_or_on_time(self) -> int:
        return self.resolved_early + self.resolved_on_time


@dataclass(frozen=True)
class FieldRow:
    """One row of the annex table: a field (lĩnh vực) and its figures."""

    label: str
    figures: Figures


@dataclass(frozen=True)
class Bieu06:
    total: Figures
    rows: list[FieldRow]
    policy: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total.as_dict(),
            "rows": [{"label": r.label, **r.figures.as_dict()} for r in self.rows],
            "policy": self.policy,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bieu06:
        """Rebuild a snapshot stored by `as_dict` (issued reports)."""
        rows = [
            FieldRow(label=str(r.get("label", "")), figures=Figures.from_mapping(r))
            for r in data.get("rows", [])
        ]
        return cls(
            total=Figures.from_mapping(data.get("total", {})),
            rows=rows,
            policy=str(data.get("policy", "")),
        )


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def _row_label(group: Any) -> str:
    label = _attr(group, "label", "field_name", "name", default=None)
    if label is None:
        field = _attr(group, "field", default=None)
        label = getattr(field, "name", field)
    return str(label or "")


def bieu06_figures(
    *, unit: Unit, date_from: dt.date, date_to: dt.date, policy: str | None = None
) -> Bieu06:
    """The Biểu 06 of `unit` for the period, by field, computed by `motcua.reports`.

    Computed from the dossier rows (source "oracle"), not from the daily rollups: a periodic
    report is produced rarely and must be exact even where the rollups were never built.
    """
    from motcua.reports.constants import Source
    from motcua.reports.stats import bieu06

    result = bieu06(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        by_field=True,
        policy=policy,
        source=Source.ORACLE,
    )
    total = Figures.from_row(_attr(result, "total", default={}))
    groups = _attr(result, "by_field", "rows", "groups", default=[]) or []
    rows = [
        FieldRow(label=_row_label(g), figures=Figures.from_row(_attr(g, "figures", default=g)))
        for g in groups
    ]
    used_policy = _attr(result, "policy", default=policy) or ""
    return Bieu06(total=total, rows=rows, policy=str(used_policy))
