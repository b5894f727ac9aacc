"""Read functions of the reports app (the computation lives in `stats.py`)."""

from __future__ import annotations

from motcua.reports.stats import (
    Bieu06Figures,
    Bieu06Result,
    RollupsMissing,
    StatsInvariantError,
    bieu06,
    bieu06_dossiers,
    unit_scope_ids,
)

__all__ = [
    "Bieu06Figures",
    "Bieu06Result",
    "RollupsMissing",
    "StatsInvariantError",
    "bieu06",
    "bieu06_dossiers",
    "unit_scope_ids",
]
