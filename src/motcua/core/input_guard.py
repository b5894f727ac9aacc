"""`RejectNulMiddleware`: requests whose path, query string, form fields or JSON body carry a
NUL character (U+0000) are refused with 400 and a Vietnamese message, before any view runs.

PostgreSQL text cannot hold NUL: a value reaching a query or an INSERT raises and the page
answers 500 (SQLite stores it silently). No legitimate input of Một Cửa contains one, so the
guard sits in one place rather than in every view and form of every app (Django's form
`CharField` refuses NUL already; hand-read `request.GET`/`POST` values and the API do not).
It runs in `process_view`, after `CsrfViewMiddleware`, and reads the form only of views that
CSRF protection parses anyway: csrf-exempt views (the API, webhook receivers) keep their raw
body; for them a JSON body is checked instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"


def _has_nul(request: HttpRequest, view: Any) -> bool:
    if NUL in request.path_info:
        return True
    # Form fields only for the views that CSRF protection parses anyway: a csrf-exempt view
    # (the API, webhook receivers) may need the raw body, which parsing the form would consume.
    parse_form = request.method == "POST" and not getattr(view, "csrf_exempt", False)
    for query in (request.GET, request.POST if parse_form else None):
        if query is None:
            continue
        for key, values in query.lists():
            if NUL in key or any(NUL in v for v in values):
                return True
    if request.method in ("POST", "PUT", "PATCH") and request.content_type == "application/json":
        body = request.body
        if b"\\u0000" in body or b"\x00" in body:
            return True
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # The REST API refuses NUL itself, per parameter, as RFC 9457 problem details with the
        # field named (`api.schemas.Text`); it must not get a different answer from here.
        if request.path_info.startswith(API_PREFIX) or not _has_nul(request, view):
            return None
        message = _("Dữ liệu gửi lên chứa ký tự NUL (\\u0000) không hợp lệ; vui lòng nhập lại.")
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
