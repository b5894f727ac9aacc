"""RFC 9457 problem details (`application/problem+json`) for every error of the API.

Each problem has `type` (a URN naming the kind of problem), `title` (Vietnamese, per kind),
`status`, `detail` (Vietnamese, about this occurrence) and `instance` (the request path).
Validation problems add `errors`: one entry per bad parameter, with a Vietnamese message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:motcua:problem:"

#: status -> (type slug, title)
KINDS: dict[int, tuple[str, Any]] = {
    400: ("invalid-request", gettext_lazy("Yêu cầu không hợp lệ")),
    401: ("unauthenticated", gettext_lazy("Chưa xác thực")),
    403: ("forbidden", gettext_lazy("Không có quyền")),
    404: ("not-found", gettext_lazy("Không tìm thấy")),
    405: ("method-not-allowed", gettext_lazy("Phương thức không được hỗ trợ")),
    409: ("conflict", gettext_lazy("Xung đột dữ liệu")),
    422: ("domain-rule", gettext_lazy("Không thực hiện được theo quy định")),
    429: ("too-many-requests", gettext_lazy("Quá nhiều yêu cầu")),
    500: ("server-error", gettext_lazy("Lỗi hệ thống")),
}


class ApiProblem(Exception):
    """Raised by endpoints; rendered by `problem_response`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})


def problem_body(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    slug, title = KINDS.get(status, KINDS[400] if status < 500 else KINDS[500])
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": str(title),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body = problem_body(request, status, detail, errors)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


# ---------------------------------------------------------------------------------------------
# Validation messages in Vietnamese (pydantic error types)
# ---------------------------------------------------------------------------------------------


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Bắt buộc phải có.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Phải là số nguyên.")
    if kind == "greater_than_equal":
        return _("Phải lớn hơn hoặc bằng %(v)s.") % {"v": ctx.get("ge")}
    if kind == "greater_than":
        return _("Phải lớn hơn %(v)s.") % {"v": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("Phải nhỏ hơn hoặc bằng %(v)s.") % {"v": ctx.get("le")}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Ngày không hợp lệ (dùng định dạng yyyy-mm-dd).")
    if kind == "string_too_long":
        return _("Dài quá %(n)s ký tự.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Phải có ít nhất %(n)s ký tự.") % {"n": ctx.get("min_length")}
    if kind in ("enum", "literal_error"):
        return _("Giá trị phải là một trong: %(v)s.") % {"v": ctx.get("expected", "")}
    if kind == "nul_character":
        return _("Không được chứa ký tự NUL.")
    if kind == "string_pattern_mismatch":
        return _("Chỉ gồm chữ cái không dấu, chữ số và dấu . - _")
    if kind == "string_type":
        return _("Phải là chuỗi ký tự.")
    if kind == "list_type":
        return _("Phải là danh sách.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Phải là true hoặc false.")
    if kind in ("json_invalid", "model_attributes_type", "dict_type", "model_type"):
        return _("Nội dung JSON không hợp lệ.")
    return _("Giá trị không hợp lệ.")


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pydantic/ninja errors → `[{"in": "query", "name": "limit", "detail": "…"}]`.

    ninja reports locations as ("query", "limit") or ("body", "payload", "field", …): the
    name is the path after the parameter source (the body wrapper name dropped)."""
    result = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        where = loc[0] if loc else ""
        rest = loc[1:]
        if where == "body" and len(rest) > 1:
            rest = rest[1:]
        result.append({"in": where, "name": ".".join(rest), "detail": _message(error)})
    return result
