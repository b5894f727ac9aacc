"""Database router: statistics reads from a replica (`REPORTS_DATABASE_URL`).

When the settings define a `reports` database alias (from `REPORTS_DATABASE_URL`, a streaming
replica of the main PostgreSQL), reads of the reports app's models (the rollups: daily and
monthly flows, footprints, meta) go to it. Writes, relations and migrations stay on
`default`. Without the alias the router answers None everywhere: nothing changes.

A replica lags behind by its replication delay (usually well under a second): reports read
there may miss the last seconds of activity, which the statistics pages already accept (their
figures are for closed periods or "as of" a moment).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

ALIAS = "reports"
APPS = frozenset({"reports"})


class ReportsReplicaRouter:
    def _enabled(self) -> bool:
        return ALIAS in settings.DATABASES

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if self._enabled() and model._meta.app_label in APPS:
            return ALIAS
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if db == ALIAS:
            return False  # a replica is migrated through its primary
        return None
