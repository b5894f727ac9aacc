"""Reads of the API: the catalogue page by cursor, dossiers and events seen through a
`Principal` (the user's visibility, cut to the token's units). Everything else is read by the
domain apps' own selectors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from motcua.api.auth import Principal
from motcua.api.constants import CATALOGUE_SCAN_LIMIT
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_search
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import (
    dossier_access_denied,
    dossier_get_for_user,
    dossiers_for_user,
)


class BadCursor(ValueError):
    """A cursor that this API did not produce (or for another list)."""


def encode_cursor(kind: str, *key: Any) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, kind: str, size: int) -> list[Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadCursor(token) from exc
    if not isinstance(value, list) or len(value) != size + 1 or value[0] != kind:
        raise BadCursor(token)
    return value[1:]


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def _procedure_key(p: Procedure) -> tuple[str, str, str]:
    # The order of `procedure_search`: field code, folded name, code.
    return (p.field.code, p.name_search, p.code)


def procedures_page(
    query: str, *, field: str | None, after: str | None, limit: int
) -> tuple[list[Procedure], str | None]:
    """Procedures in force today matching `query` (accent-insensitive,
    `catalogue.selectors.procedure_search`), `limit` rows after the cursor `after`."""
    rows = list(
        procedure_search(query, on=timezone.localdate(), field=field, limit=CATALOGUE_SCAN_LIMIT)
    )
    if after:
        key = tuple(decode_cursor(after, "procedures", 3))
        if not all(isinstance(k, str) for k in key):
            raise BadCursor(after)
        rows = [p for p in rows if _procedure_key(p) > key]
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor("procedures", *_procedure_key(page[-1]))
    return page, next_cursor


# ---------------------------------------------------------------------------------------------
# Dossiers and events
# ---------------------------------------------------------------------------------------------


def _unit_q(unit_ids: set[int] | frozenset[int]) -> Q:
    return Q(current_unit_id__in=unit_ids) | Q(unit_id__in=unit_ids)


def dossiers_for_principal(who: Principal) -> QuerySet[Dossier]:
    """`dossiers_for_user`, and for a token limited to units: dossiers received or held there."""
    qs = dossiers_for_user(who.user)
    if who.restricted_unit_ids is not None:
        qs = qs.filter(_unit_q(who.restricted_unit_ids))
    return qs


def in_token_units(who: Principal, dossier: Dossier) -> bool:
    ids = who.restricted_unit_ids
    return ids is None or dossier.current_unit_id in ids or dossier.unit_id in ids


def dossier_by_code(who: Principal, code: str, *, request: HttpRequest | None = None) -> Dossier:
    """The dossier `code` if the principal may read it; `Dossier.DoesNotExist` otherwise (also
    for another commune's dossier: the API answers 404 and reveals nothing). With `request`, a
    refusal of an existing dossier is recorded in the access log as denied."""
    pk = Dossier.objects.filter(code=code.strip().upper()).values_list("pk", flat=True).first()
    if pk is None:
        raise Dossier.DoesNotExist(code)
    dossier = dossier_get_for_user(who.user, pk, request=request)
    if not in_token_units(who, dossier):
        if request is not None:
            dossier_access_denied(
                who.user,
                pk,
                request=request,
                action="view_dossier",
                reason="ngoài phạm vi khóa API",
            )
        raise Dossier.DoesNotExist(code)
    return dossier


def dossier_events(dossier: Dossier) -> list[DossierEvent]:
    return list(dossier.events.select_related("actor", "unit").order_by("seq"))


def events_page(
    who: Principal, *, since: str | None, limit: int
) -> tuple[list[DossierEvent], str, bool]:
    """Events of the dossiers the principal reads, in insertion order (`id`), after the cursor
    `since`. Returns (events, cursor to send next time, whether more are waiting)."""
    after_id = decode_cursor(since, "events", 1)[0] if since else 0
    if not isinstance(after_id, int) or isinstance(after_id, bool) or after_id < 0:
        raise BadCursor(since)
    visible = dossiers_for_principal(who).values("pk")
    rows = list(
        DossierEvent.objects.filter(pk__gt=after_id, dossier_id__in=visible)
        .select_related("dossier", "actor", "unit")
        .order_by("pk")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].pk if rows else after_id
    return rows, encode_cursor("events", last), has_more
