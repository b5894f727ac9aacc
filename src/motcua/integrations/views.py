"""Pages of the integrations app (mounted at /tich-hop/). Thin: ask the selectors and
services, render.

- `webhook/`: the delivery log (unit administrators: their units' subscriptions; superusers:
  all) with "gửi lại" (redeliver).
- `dvcqg/`: the national-sync report (units the user reads).
- `dvcqg-gia-lap/…`: the simulated national endpoint, only when
  `MOTCUA["NATIONAL_PORTAL_FAKE"]` is on, and only for a caller presenting
  `Authorization: Bearer <MOTCUA["NATIONAL_PORTAL_TOKEN"]>` (the HTTP adapter). It never
  returns dossiers of this system: it echoes what the adapter pushed and the submissions
  seeded into it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.decorators import staff_required
from motcua.core.errors import PermissionDenied as DomainPermissionDenied
from motcua.integrations import selectors, webhooks
from motcua.integrations.models import DeliveryState
from motcua.integrations.national import NationalPortalError, NationalSubmission

FAKE_STATUSES_KEY = "motcua:dvcqg-gia-lap:statuses"
FAKE_SUBMISSIONS_KEY = "motcua:dvcqg-gia-lap:submissions"
FAKE_TTL = 7 * 24 * 3600


@staff_required
@require_GET
def webhook_log(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_webhook_log(request.user):
        raise PermissionDenied(_("Trang dành cho quản trị đơn vị."))
    state = request.GET.get("trang_thai", "")
    if state not in DeliveryState.values:
        state = ""
    deliveries = selectors.delivery_log(request.user, state=state)
    return render(
        request,
        "integrations/webhook_log.html",
        {"deliveries": deliveries, "state": state, "states": DeliveryState.choices},
    )


@staff_required
@require_POST
def webhook_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_for(request.user, pk)
    if delivery is None:
        raise Http404()
    try:
        webhooks.delivery_redeliver(delivery=delivery, user=request.user)
    except DomainPermissionDenied as exc:
        raise Http404() from exc
    delivery.refresh_from_db()
    messages.success(
        request,
        _("Đã gửi lại sự kiện %(id)s: %(state)s.")
        % {"id": delivery.cloudevent_id, "state": delivery.get_state_display()},
    )
    return redirect("integrations:webhook_log")


@staff_required
@require_GET
def national_report(request: HttpRequest) -> HttpResponse:
    from motcua.integrations.national import sync_enabled
    from motcua.organisation.selectors import visible_unit_ids

    rows = selectors.unsynced_report(visible_unit_ids(request.user))
    return render(
        request,
        "integrations/national_report.html",
        {"rows": rows, "enabled": sync_enabled()},
    )


# ---------------------------------------------------------------------------------------------
# The simulated national endpoint (development)
# ---------------------------------------------------------------------------------------------


def _fake_guard(request: HttpRequest) -> JsonResponse | None:
    """404 when the fake is off; 401 without the configured bearer credential."""
    conf = settings.MOTCUA
    if not conf.get("NATIONAL_PORTAL_FAKE"):
        raise Http404()
    expected = str(conf.get("NATIONAL_PORTAL_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    token = given[7:] if given.startswith("Bearer ") else ""
    if not expected or not token or not hmac.compare_digest(token, expected):
        response = JsonResponse({"error": _("Cần khóa truy cập hợp lệ.")}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="dvcqg-gia-lap"'
        return response
    return None


def _json_body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return None


@csrf_exempt
@require_POST
def fake_national_status(request: HttpRequest) -> JsonResponse:
    """`POST trang-thai/`: record a status push; answer the national id (stable per code)."""
    refused = _fake_guard(request)
    if refused is not None:
        return refused
    body = _json_body(request)
    if not isinstance(body, dict) or not body.get("code"):
        return JsonResponse({"error": _("Thiếu mã hồ sơ (code).")}, status=400)
    national_id = str(body.get("national_id") or f"GL-{body['code']}")[:64]
    statuses = cache.get(FAKE_STATUSES_KEY) or {}
    statuses[national_id] = {"code": body["code"], "state": body.get("state")}
    cache.set(FAKE_STATUSES_KEY, statuses, FAKE_TTL)
    return JsonResponse({"national_id": national_id})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def fake_national_submissions(request: HttpRequest) -> JsonResponse:
    """`GET ho-so/?since=ISO`: the seeded online submissions; `POST ho-so/` seeds one (the
    JSON of `NationalSubmission`)."""
    refused = _fake_guard(request)
    if refused is not None:
        return refused
    stored: list[dict[str, Any]] = cache.get(FAKE_SUBMISSIONS_KEY) or []
    if request.method == "POST":
        body = _json_body(request)
        try:
            item = NationalSubmission.from_json(body if isinstance(body, dict) else {})
        except NationalPortalError:
            return JsonResponse({"error": _("Hồ sơ gửi lên không hợp lệ.")}, status=400)
        stored = [s for s in stored if s.get("national_id") != item.national_id]
        stored.append(item.to_json())
        cache.set(FAKE_SUBMISSIONS_KEY, stored, FAKE_TTL)
        return JsonResponse({"national_id": item.national_id}, status=201)
    since = request.GET.get("since", "")
    items = [NationalSubmission.from_json(s) for s in stored]
    if since:
        try:
            moment = dt.datetime.fromisoformat(since)
        except ValueError:
            return JsonResponse({"error": _("Tham số since không hợp lệ.")}, status=400)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        items = [i for i in items if i.submitted_at > moment]
    return JsonResponse({"items": [i.to_json() for i in items]})
