"""PDF rendering with WeasyPrint (docs/dev/documents.md).

HTML in, PDF bytes out. Page size and margins come from the CSS `@page` rules of the document
(A4 with the margins of NĐ 30/2020 Phụ lục I for the CCHC report; A5 for the forms Mẫu 01–05
and A4 landscape for the ledger Mẫu 06, TT 01/2018/TT-VPCP art. 9(2)).

Resources are never fetched over the network: URLs under `STATIC_URL` are read from the static
files of the apps (`django.contrib.staticfiles` finders, so no `collectstatic` is needed), `data:`
URLs are decoded, anything else is refused. WeasyPrint is imported inside the functions: the
import takes about a second and only PDF requests pay for it.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

#: Base URL of documents rendered without a request; only its path part is ever used.
DEFAULT_BASE_URL = "https://motcua.invalid/"
#: Font fallbacks for printable forms whose own CSS names only "Times New Roman".
FONTS_CSS = "documents/pdf-fonts.css"


def static_path(url: str) -> Path | None:
    """The file behind a URL under `STATIC_URL` (absolute or site-relative), or None."""
    static_url = settings.STATIC_URL or "/static/"
    if url.startswith(static_url):
        relative = url[len(static_url) :]
    else:
        path = urlsplit(url).path
        prefix = urlsplit(static_url).path
        if not prefix or not path.startswith(prefix):
            return None
        relative = path[len(prefix) :]
    relative = unquote(relative.split("?")[0].split("#")[0])
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found else None


#: WeasyPrint logs every rendering step and fontTools every subset table at INFO; the project's
#: root logger is at INFO. Quietened unless a level was configured for them explicitly.
_CHATTY_LOGGERS = ("weasyprint", "weasyprint.progress", "fontTools")


def _quiet_loggers() -> None:
    for name in _CHATTY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


@cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Static files from disk, `data:` URLs decoded; no network, no other files."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise ValueError(f"Không tải tài nguyên ngoài hệ thống khi xuất PDF: {url}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if mime.startswith("text/") or mime.endswith("+xml"):
                mime += "; charset=utf-8"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": mime}
            )

    return StaticFilesFetcher


def html_to_pdf(
    html: str, *, base_url: str | None = None, stylesheets: Sequence[str] = ()
) -> bytes:
    """Render an HTML document to PDF bytes.

    `base_url` resolves relative URLs (only their static path matters); `stylesheets` are
    extra static CSS files (paths as for `{% static %}`) applied after the document's own.
    """
    _quiet_loggers()
    from weasyprint import CSS, HTML

    fetcher = _fetcher_class()()
    extra = []
    for name in stylesheets:
        path = finders.find(name)
        if not path or isinstance(path, list):
            raise FileNotFoundError(name)
        extra.append(CSS(filename=str(path), url_fetcher=fetcher))
    document = HTML(string=html, base_url=base_url or DEFAULT_BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=extra)
    assert isinstance(pdf, bytes)
    return pdf


def _base_url(request: HttpRequest | None) -> str:
    return request.build_absolute_uri("/") if request is not None else DEFAULT_BASE_URL


def render_template_pdf(
    template: str,
    context: dict[str, Any],
    request: HttpRequest | None = None,
    *,
    stylesheets: Sequence[str] = (),
) -> bytes:
    """Render a Django template to HTML, then to PDF."""
    html = render_to_string(template, context, request=request)
    return html_to_pdf(html, base_url=_base_url(request), stylesheets=stylesheets)


def pdf_response(content: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """A PDF download (`inline`: shown in the browser's viewer, ready to print)."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def html_response_to_pdf(
    request: HttpRequest, response: HttpResponse, *, filename: str
) -> HttpResponse:
    """Turn the HTML page an existing view answered into a PDF of that page.

    Reusing the view keeps one template and one set of access checks per form; anything but a
    200 HTML answer (a redirect to the login page, a 404) is passed through unchanged.
    """
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return response
    html = response.content.decode(response.charset or "utf-8")
    content = html_to_pdf(html, base_url=_base_url(request), stylesheets=[FONTS_CSS])
    return pdf_response(content, filename=filename, inline=True)
