"""The QĐ 766 indicator configuration: defaults from `data/qd766.json`, values from the
`IndicatorConfig` table (an administrator may change them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "qd766.json"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    order: int
    name: str
    pmax: Decimal | None
    threshold: Decimal | None
    warning_target: Decimal | None
    warning_margin: Decimal
    source: str
    confidence: str
    waits_for: str


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def read_defaults(path: Path = DEFAULTS_FILE) -> list[dict[str, Any]]:
    """The rows of the data file, as dicts with the model's field names."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for item in raw["indicators"]:
        rows.append(
            {
                "code": item["code"],
                "order": int(item.get("order", 0)),
                "name": item["name"],
                "pmax": _dec(item.get("pmax")),
                "threshold": _dec(item.get("threshold")),
                "warning_target": _dec(item.get("warning_target")),
                "warning_margin": _dec(item.get("warning_margin", 10)),
                "source": item.get("source", ""),
                "confidence": item.get("confidence", "◐"),
                "waits_for": item.get("waits_for", ""),
            }
        )
    return rows


def load_defaults(model: Any, path: Path = DEFAULTS_FILE) -> int:
    """Create the missing `IndicatorConfig` rows from the data file; existing rows (perhaps
    edited by an administrator) are left alone. Returns the number of rows created."""
    created = 0
    for row in read_defaults(path):
        code = row.pop("code")
        _, was_created = model.objects.get_or_create(code=code, defaults=row)
        created += int(was_created)
    return created


def indicator_specs() -> dict[str, IndicatorSpec]:
    """Code → spec: the table's values, the data file's defaults for missing rows."""
    from motcua.evaluation.models import IndicatorConfig

    specs = {row["code"]: IndicatorSpec(**row) for row in read_defaults()}
    for cfg in IndicatorConfig.objects.all():
        specs[cfg.code] = IndicatorSpec(
            code=cfg.code,
            order=cfg.order,
            name=cfg.name,
            pmax=cfg.pmax,
            threshold=cfg.threshold,
            warning_target=cfg.warning_target,
            warning_margin=cfg.warning_margin,
            source=cfg.source,
            confidence=cfg.confidence,
            waits_for=cfg.waits_for,
        )
    return specs
