"""Writes owned by core: the personal-data access log (Nghị định 13/2023/NĐ-CP art. 38)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.models import DENIED_OUT_OF_SCOPE, AccessLog, AccessLogAction, AccessOutcome
from motcua.core.privacy import mask_id_number


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a reverse proxy set `MOTCUA_CLIENT_IP_HEADER` (for example
    `HTTP_X_REAL_IP`) to the header the proxy overwrites; it is never trusted by default."""
    header = getattr(settings, "MOTCUA_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    raw = (request.META.get(header) or request.META.get("REMOTE_ADDR") or "").strip()
    raw = raw.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def access_log_record(
    *,
    user: Any,
    action: AccessLogAction | str,
    unit: Any = None,
    dossier: Any = None,
    subject: str = "",
    id_number: str = "",
    purpose: str = "",
    request: HttpRequest | None = None,
    ip: str | None = None,
    at: dt.datetime | None = None,
    outcome: AccessOutcome | str = AccessOutcome.GRANTED,
    reason: str = "",
) -> AccessLog:
    """Append one row to the personal-data access log (nhật ký xử lý dữ liệu cá nhân).

    One INSERT (atomic by itself; no savepoint, so a page pays one query for it). Call it
    *before* the personal data is shown, so a page cannot show data whose access was
    not recorded. `id_number` is stored masked (last 4 digits, DOMAIN.md §10.1); `dossier`
    fills the dossier id, code and (unless given) the unit.
    """
    action = AccessLogAction(action)
    if dossier is not None and unit is None:
        unit = getattr(dossier, "current_unit", None) or getattr(dossier, "unit", None)
    if not subject and id_number:
        subject = mask_id_number(id_number)
    if request is not None:
        ip = ip or client_ip(request)
        purpose = purpose or request.path
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AccessLog.objects.create(
        at=at or timezone.now(),
        user=user if authenticated else None,
        unit=unit,
        dossier_id=getattr(dossier, "pk", None),
        dossier_code=(getattr(dossier, "code", "") or "") if dossier is not None else "",
        subject=subject[:200],
        action=action.value,
        purpose=purpose[:300],
        ip=ip,
        outcome=AccessOutcome(outcome).value,
        reason=reason[:200],
    )


def access_denied_record(
    *,
    user: Any,
    dossier: Any = None,
    unit: Any = None,
    action: AccessLogAction | str = AccessLogAction.VIEW_DOSSIER,
    request: HttpRequest | None = None,
    reason: str = DENIED_OUT_OF_SCOPE,
) -> AccessLog:
    """Record a REFUSED read of an existing dossier or of a unit's register (the page answers
    404 and shows nothing).

    Who, when, which dossier, the path (with the method) and the reason ("ngoài phạm vi đơn
    vị"), so that an administrator sees accounts probing other units' dossiers. No personal
    data of the dossier is stored (no subject): the user never saw it."""
    purpose = f"{request.method} {request.path}" if request is not None else ""
    return access_log_record(
        user=user,
        action=action,
        dossier=dossier,
        unit=unit,
        purpose=purpose,
        request=request,
        outcome=AccessOutcome.DENIED,
        reason=reason,
    )
