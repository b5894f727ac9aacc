"""`/api/v1/`: the REST API of Một Cửa (ADR 0002, docs/dev/api.md).

Thin: every endpoint parses its input, asks the domain apps' selectors and services, and
shapes the answer. Errors are RFC 9457 problem details (`problems.py`).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from motcua.api import presenters
from motcua.api import selectors as api_selectors
from motcua.api.applicant import router as applicant_router
from motcua.api.auth import STAFF_AUTH, Principal, principal
from motcua.api.constants import PAGE_DEFAULT, PAGE_MAX, Scope
from motcua.api.problems import (
    PROBLEM_CONTENT_TYPE,
    ApiProblem,
    problem_response,
    validation_errors,
)
from motcua.api.schemas import (
    CODE_PATTERN,
    SECRET_PATTERN,
    ActionIn,
    ApiAction,
    DossierOut,
    EventPageOut,
    FormDataIn,
    FormDataOut,
    LookupIn,
    LookupOut,
    Problem,
    ProcedureOut,
    ProcedurePageOut,
    QueuePageOut,
    Text,
)
from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied, ValidationReport
from motcua.core.models import AccessLogAction
from motcua.core.privacy import mask_id_number
from motcua.core.services import access_log_record
from motcua.core.text import try_again_in
from motcua.documents.services import result_missing
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.portal import eform, throttle
from motcua.portal import selectors as portal_selectors
from motcua.portal.constants import LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS
from motcua.reports.constants import Policy, Source
from motcua.reports.exports import result_to_json
from motcua.reports.stats import bieu06

PREFIX = "/api/v1/"
logger = logging.getLogger("motcua.api")


class MotcuaApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema with `application/problem+json` as the media type of error answers.

        Built once per process, prefix, parameters and language (building it costs ≈ 0.5 s of
        CPU, and `/api/v1/openapi.json` is public); callers get their own copy."""
        key = (
            path_prefix,
            tuple(sorted((path_params or {}).items())),
            translation.get_language(),
        )
        built = self._schemas.get(key)
        if built is None:
            built = self._schemas[key] = self._build_schema(path_prefix, path_params)
        return copy.deepcopy(built, {id(self): self})  # the copy still points at this API

    @cached_property
    def _schemas(self) -> dict[tuple[Any, ...], OpenAPISchema]:
        return {}

    def _build_schema(
        self, path_prefix: str | None, path_params: dict[str, Any] | None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(
            path_prefix=PREFIX if path_prefix is None else path_prefix, path_params=path_params
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content")
                    if int(status) >= 400 and content and "application/json" in content:
                        answer["content"] = {PROBLEM_CONTENT_TYPE: content["application/json"]}
        return schema


api = MotcuaApi(
    title="Một Cửa API",
    version="1",
    description=(
        "API của hệ thống Một Cửa điện tử cấp xã: tra cứu thủ tục, tra cứu hồ sơ, hàng đợi và "
        "thao tác xử lý hồ sơ, thống kê Biểu số 06/VPCP/KSTT, nhật ký sự kiện. Lỗi trả về "
        "theo RFC 9457 (application/problem+json)."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the interactive docs load assets from a CDN: not served
    openapi_url="/openapi.json",
)

ERRORS_PUBLIC = frozenset({400, 404, 429})
# 429: the token's per-minute limit (api.auth.rate_limit_check).
ERRORS_STAFF = frozenset({400, 401, 403, 404, 429})
ERRORS_WRITE = frozenset({400, 401, 403, 404, 409, 422, 429})
ERRORS_STATS = frozenset({400, 401, 403, 404, 422, 429})


# ---------------------------------------------------------------------------------------------
# Errors → problem details
# ---------------------------------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


@api.exception_handler(ValidationError)
def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem_response(
        request,
        400,
        _("Tham số không hợp lệ, xem danh sách lỗi."),
        errors=validation_errors(exc.errors),
    )


@api.exception_handler(AuthenticationError)
def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        401,
        _("Cần khóa API hợp lệ (Authorization: Bearer …) hoặc phiên đăng nhập của cán bộ."),
        headers={"WWW-Authenticate": 'Bearer realm="motcua"'},
    )


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:
        detail = _("Yêu cầu bị từ chối (kiểm tra mã CSRF khi dùng phiên đăng nhập).")
    elif exc.status_code == 429:
        detail = _("Quá nhiều yêu cầu, vui lòng thử lại sau.")
    else:
        detail = _("Yêu cầu không thực hiện được.")
    return problem_response(request, exc.status_code, detail)


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, _("Không tìm thấy."))


@api.exception_handler(ConcurrentChange)
def _on_conflict(request: HttpRequest, exc: ConcurrentChange) -> HttpResponse:
    return problem_response(request, 409, exc.message)


@api.exception_handler(PermissionDenied)
def _on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, exc.message)


@api.exception_handler(ValidationReport)
def _on_report(request: HttpRequest, exc: ValidationReport) -> HttpResponse:
    errors = [{"in": "body", "name": str(line), "detail": msg} for line, msg in exc.problems]
    return problem_response(request, 422, exc.message, errors=errors)


@api.exception_handler(DomainError)
def _on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_response(request, 422, exc.message)


@api.exception_handler(Exception)
def _on_crash(request: HttpRequest, exc: Exception) -> HttpResponse:
    """An unexpected error: logged with its traceback, answered as a problem (no details)."""
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(
        request, 500, _("Lỗi hệ thống. Vui lòng thử lại sau hoặc báo quản trị viên.")
    )


def _log_access(
    request: HttpRequest,
    who: Principal,
    action: AccessLogAction,
    *,
    dossier: Dossier | None = None,
    subject: str = "",
) -> None:
    """NĐ 13/2023 art. 38: every read of dossiers' personal data is recorded, as the back
    office does; the purpose names the endpoint and the token (its public prefix)."""
    via = f" (khóa API {who.token.prefix}…)" if who.token else ""
    access_log_record(
        user=who.user,
        action=action,
        dossier=dossier,
        id_number=dossier.applicant_id_number if dossier is not None else "",
        subject=subject,
        purpose=f"API {request.method} {request.path}{via}",
        request=request,
    )


def _bad_param(name: str, where: str, detail: str) -> ApiProblem:
    return ApiProblem(
        400,
        _("Tham số không hợp lệ, xem danh sách lỗi."),
        errors=[{"in": where, "name": name, "detail": detail}],
    )


def _bad_cursor(name: str) -> ApiProblem:
    return _bad_param(name, "query", _("Con trỏ phân trang không hợp lệ hoặc đã hết hạn."))


# ---------------------------------------------------------------------------------------------
# Public: catalogue and look-up
# ---------------------------------------------------------------------------------------------


@api.get(
    "/procedures",
    response={200: ProcedurePageOut, ERRORS_PUBLIC: Problem},
    tags=["Thủ tục"],
    summary="Tìm thủ tục hành chính đang có hiệu lực",
)
def procedures(
    request: HttpRequest,
    q: Annotated[Text, Query("", max_length=200, description="Từ khóa, có dấu hoặc không")] = "",
    field: Annotated[Text | None, Query(max_length=32, description="Mã lĩnh vực")] = None,
    cursor: Annotated[Text | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
) -> dict[str, Any]:
    try:
        rows, next_cursor = api_selectors.procedures_page(
            q, field=field or None, after=cursor, limit=limit
        )
    except api_selectors.BadCursor as exc:
        raise _bad_cursor("cursor") from exc
    return {"items": [presenters.procedure_item(p) for p in rows], "next_cursor": next_cursor}


@api.get(
    "/procedures/{code}",
    response={200: ProcedureOut, ERRORS_PUBLIC: Problem},
    tags=["Thủ tục"],
    summary="Thủ tục và phiên bản đang có hiệu lực",
)
def procedure(request: HttpRequest, code: Annotated[Text, Path(max_length=64)]) -> dict[str, Any]:
    page = portal_selectors.procedure_page(code)
    if page is None:
        raise ApiProblem(
            404,
            _("Không có thủ tục mã “%(code)s” đang có hiệu lực.") % {"code": code[:64]},
        )
    steps = list(page.version.steps.order_by("order"))
    return presenters.procedure_detail(page, steps)


def _lookup(request: HttpRequest, code: str, secret: str) -> dict[str, Any]:
    """The portal's look-up (`portal.selectors.dossier_lookup`): code AND receipt secret, with
    the same per-IP and per-code counters as the `/tra-cuu/` page (shared budget)."""
    code = portal_selectors.normalise_code(code)
    ip = throttle.client_ip(request)
    allowed_ip = throttle.hit(
        f"lookup:ip:{ip}", limit=LOOKUP_MAX_TRIES, window=LOOKUP_WINDOW_SECONDS
    )
    allowed_code = throttle.hit(
        f"lookup:code:{code}", limit=LOOKUP_MAX_TRIES, window=LOOKUP_WINDOW_SECONDS
    )
    if not (allowed_ip and allowed_code):
        raise ApiProblem(
            429,
            _("Tra cứu quá nhiều lần.") + " " + try_again_in(LOOKUP_WINDOW_SECONDS),
            headers={"Retry-After": str(LOOKUP_WINDOW_SECONDS)},
        )
    dossier = portal_selectors.dossier_lookup(code=code, secret=secret)
    if dossier is None:
        raise ApiProblem(
            404,
            _("Mã hồ sơ hoặc mã tra cứu không đúng. Vui lòng kiểm tra lại giấy tiếp nhận."),
        )
    return presenters.lookup_status(portal_selectors.dossier_status(dossier))


@api.get(
    "/lookup",
    response={200: LookupOut, ERRORS_PUBLIC: Problem},
    tags=["Tra cứu"],
    summary="Tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã tra cứu",
    description=(
        "Cần cả mã hồ sơ và mã tra cứu in trên giấy tiếp nhận. Nên dùng POST để mã tra cứu "
        "không nằm trong URL và nhật ký máy chủ."
    ),
)
def lookup(
    request: HttpRequest,
    code: Annotated[str, Query(max_length=64, pattern=CODE_PATTERN)],
    secret: Annotated[str, Query(max_length=32, pattern=SECRET_PATTERN)],
) -> dict[str, Any]:
    return _lookup(request, code, secret)


@api.post(
    "/lookup",
    response={200: LookupOut, ERRORS_PUBLIC: Problem},
    tags=["Tra cứu"],
    summary="Tra cứu tình trạng hồ sơ (mã tra cứu trong nội dung yêu cầu)",
)
def lookup_post(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    return _lookup(request, payload.code, payload.secret)


# ---------------------------------------------------------------------------------------------
# Staff and partner systems
# ---------------------------------------------------------------------------------------------


@api.get(
    "/dossiers",
    auth=STAFF_AUTH,
    response={200: QueuePageOut, ERRORS_STAFF: Problem},
    tags=["Hồ sơ"],
    summary="Một trang của hàng đợi hồ sơ (phân trang bằng con trỏ)",
)
def dossiers(
    request: HttpRequest,
    queue: Annotated[str, Query(description="Tên hàng đợi")] = "assigned_to_me",
    order: Annotated[str, Query(description="due, -due, received, -received")] = "due",
    cursor: Annotated[Text | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
) -> dict[str, Any]:
    who = principal(request, Scope.DOSSIERS_READ)
    if queue not in dossier_selectors.QUEUES:
        names = ", ".join(dossier_selectors.QUEUES)
        raise _bad_param("queue", "query", _("Hàng đợi phải là một trong: %(v)s.") % {"v": names})
    if order not in dossier_selectors.ORDERS:
        names = ", ".join(dossier_selectors.ORDERS)
        raise _bad_param("order", "query", _("Thứ tự phải là một trong: %(v)s.") % {"v": names})
    try:
        page = dossier_selectors.queue(
            who.user,
            queue,
            units=who.restricted_unit_ids,
            order=order,
            after=cursor,
            limit=limit,
        )
    except dossier_selectors.BadCursor as exc:
        raise _bad_cursor("cursor") from exc
    # A token limited to some units: the selector filters in the query, so no page or cursor
    # rests on another unit's row (a cursor would reveal its key); checked again here.
    rows = [d for d in page.rows if api_selectors.in_token_units(who, d)]
    prefetch_related_objects(rows, "unit")
    if rows:
        subject = f"hàng đợi {page.name}: {len(rows)} hồ sơ"
        _log_access(request, who, AccessLogAction.VIEW_LIST, subject=subject)
    return {
        "queue": page.name,
        "order": page.order,
        "items": [presenters.dossier_item(d) for d in rows],
        "next_cursor": page.next_cursor,
    }


def _dossier_or_404(request: HttpRequest, code: str, scope: str) -> tuple[Principal, Dossier]:
    who = principal(request, scope)
    try:
        return who, api_selectors.dossier_by_code(who, code, request=request)
    except Dossier.DoesNotExist as exc:
        raise ApiProblem(404, _("Không tìm thấy hồ sơ “%(code)s”.") % {"code": code[:64]}) from exc


def _detail(dossier: Dossier, user: Any) -> dict[str, Any]:
    actions = [t.action.value for t in dossier_selectors.available_actions(dossier, user)]
    return presenters.dossier_detail(dossier, api_selectors.dossier_events(dossier), actions)


@api.get(
    "/dossiers/{code}",
    auth=STAFF_AUTH,
    response={200: DossierOut, ERRORS_STAFF: Problem},
    tags=["Hồ sơ"],
    summary="Hồ sơ, các thao tác được phép và nhật ký",
)
def dossier(request: HttpRequest, code: Annotated[Text, Path(max_length=64)]) -> dict[str, Any]:
    who, d = _dossier_or_404(request, code, Scope.DOSSIERS_READ)
    _log_access(request, who, AccessLogAction.VIEW_DOSSIER, dossier=d)
    return _detail(d, who.user)


def _run_action(d: Dossier, action: ApiAction, user: Any, payload: ActionIn) -> Dossier:
    common: dict[str, Any] = {
        "dossier": d,
        "user": user,
        "expected_version": payload.expected_version,
    }
    if action == ApiAction.ASSIGN:
        if not payload.assignee:
            raise _bad_param("assignee", "body", _("Bắt buộc phải có."))
        assignee = get_user_model().objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise _bad_param("assignee", "body", _("Không có tài khoản này."))
        return dossier_services.dossier_assign(**common, assignee=assignee, note=payload.note)
    if action == ApiAction.STEP_COMPLETE:
        return dossier_services.dossier_step_complete(**common, note=payload.note)
    if action == ApiAction.APPROVE:
        return dossier_services.dossier_approve(**common, note=payload.note)
    if action == ApiAction.RETURN_RESULT:
        return dossier_services.dossier_return_result(
            **common,
            recipient_name=payload.recipient_name,
            recipient_id_number=payload.recipient_id_number,
            note=payload.note,
        )
    reasons = payload.reasons or ([payload.note] if payload.note.strip() else [])
    return dossier_services.dossier_request_supplement(**common, reasons=reasons)


@api.post(
    "/dossiers/{code}/actions/{action}",
    auth=STAFF_AUTH,
    response={200: DossierOut, ERRORS_WRITE: Problem},
    tags=["Hồ sơ"],
    summary="Thực hiện một thao tác trên hồ sơ",
    description=(
        "`expected_version` là `version` của hồ sơ khi đọc; nếu hồ sơ đã đổi: 409. Quy tắc "
        "nghiệp vụ không cho phép: 422. Không có vai trò tại đơn vị: 403."
    ),
)
def dossier_action(
    request: HttpRequest,
    code: Annotated[Text, Path(max_length=64)],
    action: ApiAction,
    payload: ActionIn,
) -> dict[str, Any]:
    who, d = _dossier_or_404(request, code, Scope.DOSSIERS_WRITE)
    _run_action(d, action, who.user, payload)
    fresh = dossier_selectors.dossier_get_for_user(who.user, d.pk)
    _log_access(request, who, AccessLogAction.VIEW_DOSSIER, dossier=fresh)
    return _detail(fresh, who.user)


# --- The dossier's e-form data (tờ khai) ------------------------------------------------------


def _form_fields(d: Dossier) -> list[dict[str, Any]]:
    schema = d.procedure_version.eform_schema or {}
    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    return [
        presenters.form_field(name, props[name], required=name in required)
        for name in eform.field_order(schema)
    ]


def _form_refusal(who: Principal, d: Dossier) -> str | None:
    """Why the caller may not update the e-form data now (None: it may): the token's scope,
    then `check_form_data_editable` (role in the unit, state, result already issued)."""
    if Scope.DOSSIERS_WRITE not in who.scopes:
        return _("Khóa API không có phạm vi “%(scope)s”.") % {"scope": Scope.DOSSIERS_WRITE.value}
    try:
        dossier_selectors.check_form_data_editable(d, who.user)
    except DomainError as exc:
        return exc.message
    return None


def _form_data(request: HttpRequest, who: Principal, d: Dossier) -> dict[str, Any]:
    answer = presenters.form_data(
        d, _form_fields(d), refusal=_form_refusal(who, d), readiness=result_missing(d)
    )
    _log_access(request, who, AccessLogAction.VIEW_DOSSIER, dossier=d)
    return answer


def _as_text(value: Any) -> str:
    """A value (stored, or sent by the client) as the officer's typed text that
    `dossier_form_data_update` checks: booleans as "true" / "", dates stay ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def _form_values(
    d: Dossier, fields: list[dict[str, Any]], sent: Mapping[str, Any]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Every field's text for the service: the values sent, the others as on record (a
    partial update). A masked identity number sent back as read keeps the number on record.
    Returns (values, errors): a field the e-form does not have, a boolean for a field that is
    not one."""
    data = d.data or {}
    known = {f["name"] for f in fields}
    errors = [
        {
            "in": "body",
            "name": f"values.{name}",
            "detail": _("Tờ khai không có trường: %(f)s.") % {"f": name},
        }
        for name in sent
        if name not in known
    ]
    values: dict[str, str] = {}
    for f in fields:
        name, stored = f["name"], data.get(f["name"])
        if name not in sent:
            values[name] = _as_text(stored)
            continue
        value = sent[name]
        if isinstance(value, bool) and f["type"] != "boolean":
            detail = (
                _("Phải là số nguyên.") if f["type"] == "integer" else _("Phải là chuỗi ký tự.")
            )
            errors.append({"in": "body", "name": f"values.{name}", "detail": detail})
            continue
        masked_echo = (
            f["sensitive"]
            and isinstance(value, str)
            and stored not in (None, "")
            and value.strip() == mask_id_number(str(stored))
        )
        values[name] = _as_text(stored if masked_echo else value)
    return values, errors


def _invalid_form(errors: list[dict[str, str]]) -> ApiProblem:
    return ApiProblem(
        422,
        _("Tờ khai chưa lưu: %(n)s thông tin chưa hợp lệ.") % {"n": len(errors)},
        errors=errors,
    )


@api.get(
    "/dossiers/{code}/form-data",
    auth=STAFF_AUTH,
    response={200: FormDataOut, ERRORS_STAFF: Problem},
    tags=["Hồ sơ"],
    summary="Tờ khai (dữ liệu biểu mẫu điện tử) của hồ sơ",
    description=(
        "Các trường của tờ khai theo thứ tự, giá trị hiện có (số định danh đã che một phần), "
        "người gọi có cập nhật được không, và những gì mẫu văn bản kết quả còn thiếu."
    ),
)
def dossier_form_data(
    request: HttpRequest, code: Annotated[Text, Path(max_length=64)]
) -> dict[str, Any]:
    who, d = _dossier_or_404(request, code, Scope.DOSSIERS_READ)
    return _form_data(request, who, d)


@api.patch(
    "/dossiers/{code}/form-data",
    auth=STAFF_AUTH,
    response={200: FormDataOut, ERRORS_WRITE: Problem},
    tags=["Hồ sơ"],
    summary="Cập nhật tờ khai của hồ sơ (chỉ các trường gửi lên)",
    description=(
        "`values`: tên trường → giá trị (chuỗi, số nguyên, true/false; null hoặc chuỗi rỗng "
        "để xóa); trường không gửi giữ nguyên. `expected_version` là `version` khi đọc; hồ sơ "
        "đã đổi: 409. Giá trị không hợp lệ: 422, `errors` liệt kê từng trường "
        "(`values.<tên>`), không có gì được lưu. Không có vai trò tiếp nhận, chuyên viên hoặc "
        "lãnh đạo tại đơn vị: 403; hồ sơ đã kết thúc hoặc đã lập văn bản kết quả: 422."
    ),
)
def dossier_form_data_update(
    request: HttpRequest, code: Annotated[Text, Path(max_length=64)], payload: FormDataIn
) -> dict[str, Any]:
    who, d = _dossier_or_404(request, code, Scope.DOSSIERS_WRITE)
    # Refusals (role, state, result issued) before the values: 403 / 422 without `errors`.
    dossier_selectors.check_form_data_editable(d, who.user)
    values, errors = _form_values(d, _form_fields(d), payload.values)
    if errors:
        raise _invalid_form(errors)
    try:
        dossier_services.dossier_form_data_update(
            dossier=d.pk,
            user=who.user,
            values=values,
            expected_version=payload.expected_version,
        )
    except dossier_services.FormDataInvalid as exc:
        raise _invalid_form(
            [
                {"in": "body", "name": f"values.{name}", "detail": str(message)}
                for name, message in exc.errors.items()
            ]
        ) from exc
    fresh = dossier_selectors.dossier_get_for_user(who.user, d.pk)
    return _form_data(request, who, fresh)


@api.get(
    "/stats",
    auth=STAFF_AUTH,
    response={200: dict[str, Any], ERRORS_STATS: Problem},
    tags=["Thống kê"],
    summary="Biểu số 06/VPCP/KSTT (cùng JSON với lệnh `motcua stats`)",
)
def stats(
    request: HttpRequest,
    unit: Annotated[Text, Query(max_length=32, description="Mã đơn vị")],
    date_from: Annotated[dt.date, Query(alias="from", description="yyyy-mm-dd")],
    date_to: Annotated[dt.date, Query(alias="to", description="yyyy-mm-dd (tính cả ngày này)")],
    by: Annotated[
        str | None, Query(pattern="^field$", description="field: chia theo lĩnh vực")
    ] = None,
    policy: Annotated[Policy | None, Query(description="strict hoặc folded")] = None,
    source: Annotated[Source, Query(description="rollup hoặc oracle")] = Source.ROLLUP,
) -> dict[str, Any]:
    who = principal(request, Scope.STATS_READ)
    if date_to < date_from:
        raise _bad_param("to", "query", _("Ngày kết thúc phải không trước ngày bắt đầu."))
    found = Unit.objects.filter(code=unit).first()
    if found is None:
        raise ApiProblem(404, _("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": unit})
    if found.pk not in who.unit_ids():
        raise ApiProblem(403, _("Bạn không có quyền xem số liệu của đơn vị này."))
    result = bieu06(
        unit=found,
        date_from=date_from,
        date_to=date_to,
        by_field=by == "field",
        policy=policy.value if policy else None,
        source=source.value,
    )
    return result_to_json(result)


@api.get(
    "/events",
    auth=STAFF_AUTH,
    response={200: EventPageOut, ERRORS_STAFF: Problem},
    tags=["Hồ sơ"],
    summary="Nhật ký sự kiện hồ sơ của các đơn vị, theo thứ tự ghi (phân trang bằng con trỏ)",
)
def events(
    request: HttpRequest,
    since: Annotated[
        Text | None, Query(max_length=1000, description="`next_cursor` lần trước")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
) -> dict[str, Any]:
    who = principal(request, Scope.DOSSIERS_READ)
    try:
        rows, next_cursor, has_more = api_selectors.events_page(who, since=since, limit=limit)
    except api_selectors.BadCursor as exc:
        raise _bad_cursor("since") from exc
    if rows:
        subject = f"nhật ký sự kiện: {len(rows)} sự kiện"
        _log_access(request, who, AccessLogAction.VIEW_LIST, subject=subject)
    return {
        "items": [presenters.event(e) for e in rows],
        "next_cursor": next_cursor,
        "has_more": has_more,
    }


# ---------------------------------------------------------------------------------------------
# Applicant: /me/… (motcua.api.applicant)
# ---------------------------------------------------------------------------------------------

api.add_router("", applicant_router)

api.add_router("", "motcua.feedback.api.router")  # ratings and PAKN (motcua.feedback.api)
