"""Open311 GeoReport v2 at /open311/v2/ (JSON only; `.xml` is not offered — see
docs/domain/feedback.md). Services are the catalogue's fields (lĩnh vực); a request is a PAKN.

Never exposes the sender: no name, phone, e-mail or address, in any answer. Errors are the
spec's JSON array `[{"code": <int>, "description": "…"}]` with the matching HTTP status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalogue.models import Field, Procedure
from motcua.core.errors import DomainError
from motcua.feedback.constants import (
    CITIZEN_FEEDBACK_LABELS,
    OPEN311_CLOSED_STATES,
    SUBMIT_MAX_TRIES,
    SUBMIT_WINDOW_SECONDS,
    FeedbackChannel,
    FeedbackKind,
    FeedbackState,
    setting,
)
from motcua.feedback.models import Feedback
from motcua.feedback.services import FeedbackInvalid, feedback_submit
from motcua.organisation.models import Unit
from motcua.portal import throttle

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: GeoReport v2: without dates, the last 90 days; at most 1000 requests per answer.
DEFAULT_DAYS = 90
MAX_RESULTS = 1000
#: Service code for feedback not tied to one field (lĩnh vực).
GENERAL_CODE = "PAKN"


def _json(data: Any, status: int = 200) -> HttpResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error_response(status: int, description: str) -> HttpResponse:
    return _json([{"code": status, "description": description}], status=status)


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(VN_TZ).isoformat(timespec="seconds") if value else None


def _parse_when(raw: str) -> dt.datetime | None:
    value = parse_datetime(raw.strip().replace(" ", "+"))
    if value is None:
        try:
            day = dt.date.fromisoformat(raw.strip())
        except ValueError:
            return None
        value = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=VN_TZ)
    return value


@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """`GET services.json`: one service per field of the catalogue, plus a general one."""
    rows = [
        {
            "service_code": GENERAL_CODE,
            "service_name": _("Phản ánh, kiến nghị chung"),
            "description": _(
                "Phản ánh, kiến nghị về quy định hành chính hoặc hành vi của cán bộ, công chức "
                "(Nghị định 20/2008/NĐ-CP)."
            ),
            "metadata": False,
            "type": "realtime",
            "keywords": "phản ánh, kiến nghị",
            "group": _("Chung"),
        }
    ]
    for field in Field.objects.order_by("code"):
        rows.append(
            {
                "service_code": field.code,
                "service_name": field.name,
                "description": _("Phản ánh, kiến nghị về thủ tục hành chính lĩnh vực %(f)s.")
                % {"f": field.name},
                "metadata": False,
                "type": "realtime",
                "keywords": field.name,
                "group": _("Thủ tục hành chính"),
            }
        )
    return _json(rows)


def _service_of(f: Feedback) -> tuple[str, str]:
    if f.field_id is not None and f.field is not None:
        return f.field.code, f.field.name
    return GENERAL_CODE, _("Phản ánh, kiến nghị chung")


def _request_row(f: Feedback) -> dict[str, Any]:
    code, name = _service_of(f)
    published = f.state == FeedbackState.PUBLISHED
    return {
        "service_request_id": f.code,
        "status": "closed" if f.state in OPEN311_CLOSED_STATES else "open",
        "status_notes": (f.answer if published else str(CITIZEN_FEEDBACK_LABELS[f.state])),
        "service_name": name,
        "service_code": code,
        "description": (f.public_summary or f.subject) if published else f.subject,
        "agency_responsible": f.unit.name,
        "service_notice": _("Hạn trả lời: %(d)s")
        % {"d": f.answer_due_at.astimezone(VN_TZ).strftime("%d/%m/%Y")},
        "requested_datetime": _iso(f.received_at),
        "updated_datetime": _iso(f.updated_at),
        "expected_datetime": _iso(f.answer_due_at),
        "address": f.location or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _public() -> Any:
    states = [FeedbackState.PUBLISHED]
    if setting("OPEN311_LIST_OPEN"):
        states += [FeedbackState.ACCEPTED, FeedbackState.HANDLING, FeedbackState.ANSWER_PROPOSED]
    return Feedback.objects.filter(state__in=states).select_related("unit", "field")


def _list(request: HttpRequest) -> HttpResponse:
    qs = _public()
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:  # the spec: other parameters are ignored
        return _json([_request_row(f) for f in qs.filter(code__in=ids[:MAX_RESULTS])])
    jurisdiction = request.GET.get("jurisdiction_id", "").strip()
    if jurisdiction:
        qs = qs.filter(unit__code=jurisdiction[:32])
    codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
    if codes:
        condition = Q(field__code__in=codes)
        if GENERAL_CODE in codes:
            condition |= Q(field__isnull=True)
        qs = qs.filter(condition)
    status = request.GET.get("status", "").strip()
    if status:
        wanted = {s.strip() for s in status.split(",")}
        if not wanted <= {"open", "closed"}:
            return error_response(400, _("status phải là open hoặc closed."))
        if wanted == {"open"}:
            qs = qs.exclude(state__in=OPEN311_CLOSED_STATES)
        elif wanted == {"closed"}:
            qs = qs.filter(state__in=OPEN311_CLOSED_STATES)
    start_raw, end_raw = request.GET.get("start_date", ""), request.GET.get("end_date", "")
    start = _parse_when(start_raw) if start_raw else None
    end = _parse_when(end_raw) if end_raw else None
    if (start_raw and start is None) or (end_raw and end is None):
        return error_response(400, _("start_date/end_date phải theo ISO 8601 (w3c)."))
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        qs = qs.filter(received_at__gte=start)
    if end is not None:
        qs = qs.filter(received_at__lte=end)
    rows = qs.order_by("-received_at", "-pk")[:MAX_RESULTS]
    return _json([_request_row(f) for f in rows])


def _check_key(request: HttpRequest) -> HttpResponse | None:
    keys = [str(k) for k in setting("OPEN311_API_KEYS") or []]
    if keys and request.POST.get("api_key", "") not in keys:
        return error_response(403, _("api_key không hợp lệ."))
    return None


def _create(request: HttpRequest) -> HttpResponse:
    """`POST requests.json` (form-encoded, GeoReport v2). `jurisdiction_id` is the unit code."""
    refused = _check_key(request)
    if refused is not None:
        return refused
    data = request.POST
    service_code = data.get("service_code", "").strip()
    if not service_code:
        return error_response(400, _("Thiếu service_code."))
    field = None
    if service_code != GENERAL_CODE:
        field = Field.objects.filter(code=service_code).first()
        if field is None:
            return error_response(
                404, _("Không có service_code “%(c)s”.") % {"c": service_code[:32]}
            )
    unit_code = data.get("jurisdiction_id", "").strip()
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit is None:
        return error_response(
            400, _("jurisdiction_id phải là mã đơn vị (xã, phường) nhận phản ánh.")
        )
    description = data.get("description", "")
    procedure = None
    attribute_code = data.get("attribute[procedure]", "").strip()
    if attribute_code:
        procedure = Procedure.objects.filter(code=attribute_code).first()
    if not throttle.hit(
        f"feedback:submit:ip:{throttle.client_ip(request)}",
        limit=SUBMIT_MAX_TRIES,
        window=SUBMIT_WINDOW_SECONDS,
    ):
        return error_response(429, _("Gửi quá nhiều lần, vui lòng thử lại sau."))
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p.strip())
    location = data.get("address_string", "")
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    if not location and lat and long:
        location = f"{lat[:20]}, {long[:20]}"
    try:
        f = feedback_submit(
            unit=unit,
            kind=FeedbackKind.REFLECTION,
            subject=description.strip().splitlines()[0][:120] if description.strip() else "",
            content=description,
            sender_name=name,
            sender_phone=data.get("phone", ""),
            sender_email=data.get("email", ""),
            procedure=procedure,
            field=field,
            location=location,
            channel=FeedbackChannel.OPEN311,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
    except FeedbackInvalid as exc:
        return _json([{"code": 400, "description": msg} for _name, msg in exc.errors], status=400)
    except DomainError as exc:
        return error_response(409 if exc.code == "idempotency_conflict" else 400, exc.message)
    return _json(
        [
            {
                "service_request_id": f.code,
                "service_notice": _(
                    "Đã tiếp nhận. Tra cứu bằng mã phản ánh và mã tra cứu %(s)s; hạn trả lời %(d)s."
                )
                % {
                    "s": f.lookup_secret,
                    "d": f.answer_due_at.astimezone(VN_TZ).strftime("%d/%m/%Y"),
                },
                "account_id": None,
            }
        ],
        status=201,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request: HttpRequest) -> HttpResponse:
    """`GET requests.json` (public requests) and `POST requests.json` (a new PAKN)."""
    if request.method == "POST":
        return _create(request)
    return _list(request)


@require_GET
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    """`GET requests/<service_request_id>.json`: a one-element array, or 404."""
    f = _public().filter(code=request_id[:32]).first()
    if f is None:
        return error_response(
            404, _("Không có yêu cầu công khai mã “%(c)s”.") % {"c": request_id[:32]}
        )
    return _json([_request_row(f)])
