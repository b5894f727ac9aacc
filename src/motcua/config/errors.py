"""The error pages — 400, 403, 404, 500 and the CSRF failure — in the user's language, in the
layout of the side the user is on (the back office for officers, the citizens' portal for
everyone else). The REST API answers RFC 9457 problem details and Open311 its own error array
instead of a page, also for an address that matches no endpoint.

Django's defaults were English pages without the reason: an officer refused the counter saw
"403 Forbidden" instead of the Vietnamese message the view raised.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.api.problems import problem_response
from motcua.feedback.open311 import error_response as open311_error

logger = logging.getLogger(__name__)

#: Django's own 404 text (`get_object_or_404`): English and naming a model, never shown.
_DJANGO_NOT_FOUND = re.compile(r"^No .+ matches the given query\.$")


def _machine_answer(request: HttpRequest, status: int, message: str) -> HttpResponse | None:
    """The API's and Open311's error formats for their paths; None for a page."""
    if request.path.startswith("/api/"):
        return problem_response(request, status, message)
    if request.path.startswith("/open311/"):
        return open311_error(status, message)
    return None


def _is_officer(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)  # absent when a middleware before auth refused
    return bool(user is not None and user.is_authenticated and not user.is_citizen)


def _page(request: HttpRequest, status: int, title: str, message: str, hint: str) -> HttpResponse:
    answer = _machine_answer(request, status, message or title)
    if answer is not None:
        return answer
    officer = _is_officer(request)
    context: dict[str, Any] = {
        "layout": "base.html" if officer else "portal/base.html",
        "officer": officer,
        "status": status,
        "title": title,
        "message": message,
        "hint": hint,
        "home": reverse("backoffice:home" if officer else "portal:home"),
    }
    return render(request, "errors/page.html", context, status=status)


def _plain(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A page that needs no database and no context processor (500, 400): what failed may be
    the database, or the request may have been refused before the user was known."""
    answer = _machine_answer(request, status, message)
    if answer is not None:
        return answer
    html = render_to_string(
        "errors/plain.html", {"status": status, "title": title, "message": message}
    )
    return HttpResponse(html, status=status)


def _reason(exception: Exception | None) -> str:
    """The message a view raised for the user (ours are translated sentences), else ''."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    message = exception.args[0].strip()
    return "" if _DJANGO_NOT_FOUND.match(message) else message


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _plain(
        request,
        400,
        _("Yêu cầu không hợp lệ"),
        _("Máy chủ không xử lý được yêu cầu này. Vui lòng kiểm tra địa chỉ và thử lại."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        _("Không có quyền truy cập"),
        _reason(exception) or _("Tài khoản của bạn không có quyền mở trang này."),
        _("Nếu bạn cho rằng mình cần quyền này, hãy liên hệ quản trị hệ thống của đơn vị."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        _("Không tìm thấy trang"),
        _reason(exception) or _("Địa chỉ này không có trong hệ thống hoặc đã bị thay đổi."),
        _("Hãy kiểm tra lại địa chỉ, hoặc về trang chủ để tìm lại."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _plain(
        request,
        500,
        _("Lỗi hệ thống"),
        _(
            "Hệ thống gặp sự cố khi xử lý yêu cầu; không có thay đổi nào được ghi. Vui lòng thử "
            "lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị hệ thống kèm thời điểm xảy ra."
        ),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token was missing or stale (a page left open past the session, a
    browser refusing cookies): say what to do, in the user's language."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _page(
        request,
        403,
        _("Không gửi được biểu mẫu"),
        _(
            "Trang đã mở quá lâu hoặc trình duyệt không gửi cookie của hệ thống, nên biểu mẫu "
            "không được nhận; chưa có gì được lưu."
        ),
        _(
            "Hãy quay lại trang trước, tải lại trang (F5) rồi gửi lại; nếu vẫn lỗi, hãy cho "
            "phép cookie cho trang này."
        ),
    )
