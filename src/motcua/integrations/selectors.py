"""Reads of the integrations app: the webhook delivery log, the national-sync report and the
synchronised share of QĐ 766 indicator 1.4."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.models import NationalSync, SyncState, WebhookDelivery
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

IMPORT_ACTION = "import"


def managed_unit_ids(user: Any) -> set[int] | None:
    """Units whose webhooks `user` manages (unit administrator); None: all (superuser)."""
    from motcua.organisation.selectors import units_for_role

    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    return set(units_for_role(user, Role.UNIT_ADMIN).values_list("pk", flat=True))


def may_see_webhook_log(user: Any) -> bool:
    ids = managed_unit_ids(user)
    return ids is None or bool(ids)


def delivery_log(user: Any, *, state: str = "", limit: int = 200) -> QuerySet[WebhookDelivery]:
    """The latest deliveries of the subscriptions `user` manages (newest first)."""
    ids = managed_unit_ids(user)
    qs = WebhookDelivery.objects.select_related("subscription__unit", "event__dossier").order_by(
        "-id"
    )
    if ids is not None:
        qs = qs.filter(subscription__unit_id__in=ids)
    if state:
        qs = qs.filter(state=state)
    return qs[:limit]


def delivery_for(user: Any, pk: int) -> WebhookDelivery | None:
    ids = managed_unit_ids(user)
    qs = WebhookDelivery.objects.select_related("subscription__unit")
    if ids is not None:
        qs = qs.filter(subscription__unit_id__in=ids)
    return qs.filter(pk=pk).first()


# ---------------------------------------------------------------------------------------------
# National portal
# ---------------------------------------------------------------------------------------------


def _imported() -> Exists:
    return Exists(DossierEvent.objects.filter(dossier=OuterRef("pk"), action=IMPORT_ACTION))


def syncable_dossiers(unit_ids: Iterable[int]) -> QuerySet[Dossier]:
    """Dossiers the portal should know: with a code, not drafts, not imported history (the
    previous system synced those)."""
    return (
        Dossier.objects.filter(unit_id__in=list(unit_ids), code__isnull=False)
        .exclude(state=State.DRAFT)
        .exclude(_imported())
    )


@dataclass
class UnitSyncRow:
    unit: Unit
    total: int = 0
    synced: int = 0
    pending: int = 0
    failed: int = 0
    untracked: int = 0
    unsynced: list[Dossier] = field(default_factory=list)


def unsynced_report(unit_ids: Iterable[int], *, list_limit: int = 50) -> list[UnitSyncRow]:
    """Per unit: how many dossiers are synced, pending, failed or never tracked, with the
    oldest unsynced ones listed."""
    ids = sorted(set(unit_ids))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    rows = {pk: UnitSyncRow(unit=units[pk]) for pk in ids if pk in units}
    qs = syncable_dossiers(ids).select_related("national_sync").order_by("submitted_at", "id")
    for dossier in qs.iterator(chunk_size=1000):
        row = rows[dossier.unit_id]
        row.total += 1
        sync = getattr(dossier, "national_sync", None)
        state = sync.state if sync is not None else None
        if state == SyncState.SYNCED:
            row.synced += 1
            continue
        if state == SyncState.PENDING:
            row.pending += 1
        elif state == SyncState.FAILED:
            row.failed += 1
        else:
            row.untracked += 1
        if len(row.unsynced) < list_limit:
            row.unsynced.append(dossier)
    return sorted(rows.values(), key=lambda r: r.unit.path)


def sync_share(
    unit_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> tuple[int, int] | None:
    """QĐ 766 indicator 1.4 locally: (dossiers received in [start, end) that are synced,
    dossiers received in [start, end)). None while no dossier of these units was ever tracked
    and sync is off (no data: the indicator stays N/A)."""
    from motcua.integrations.national import sync_enabled

    tracked = NationalSync.objects.filter(dossier__unit_id__in=list(unit_ids)).exists()
    if not tracked and not sync_enabled():
        return None
    received = syncable_dossiers(unit_ids).filter(received_at__gte=start, received_at__lt=end)
    total = received.count()
    synced = received.filter(national_sync__state=SyncState.SYNCED).count()
    return synced, total
