"""`motcua.documents.pdf`: page size from CSS `@page`, static files read from disk (never over
HTTP), Vietnamese glyphs embedded (NĐ 30/2020 Phụ lục I: Quốc hiệu and Tiêu ngữ)."""

from __future__ import annotations

import pytest

from motcua.documents.pdf import _fetcher_class, html_to_pdf, static_path
from motcua.documents.tests.conftest import A5, fonts, page_sizes, pdf_text, same_size

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize(
    ("url", "found"),
    [
        ("/static/css/print-a5.css", "print-a5.css"),
        ("https://motcua.invalid/static/documents/cchc-report.css", "cchc-report.css"),
        ("http://testserver/static/css/print-a4-landscape.css?v=2", "print-a4-landscape.css"),
        ("/static/../config/settings.py", None),
        ("/static/css/nope.css", None),
        ("/media/ho-so/1.pdf", None),
        ("file:///etc/hostname", None),
    ],
    ids=["site-relative", "absolute", "query", "dot-dot", "missing", "media", "file"],
)
def test_static_path_resolves_only_static_files(url: str, found: str | None) -> None:
    path = static_path(url)
    if found is None:
        assert path is None
    else:
        assert path is not None and path.name == found and path.is_file()


@pytest.mark.parametrize(
    "url", ["file:///etc/hostname", "http://example.com/x.css", "/media/ho-so/1.pdf"]
)
def test_fetcher_refuses_everything_but_static_files(url: str) -> None:
    with pytest.raises(ValueError, match="Không tải tài nguyên"):
        _fetcher_class()().fetch(url if "://" in url else f"https://motcua.invalid{url}")


def test_page_size_comes_from_the_static_css_and_glyphs_are_embedded_tt01_2018_art9() -> None:
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/css/print-a5.css">'
        '<link rel="stylesheet" href="http://example.com/never-fetched.css"></head>'
        "<body style=\"font-family: 'Times New Roman', 'Liberation Serif', "
        "'DejaVu Serif', serif\">"
        f"<p><b>{QUOC_HIEU}</b></p><p>{TIEU_NGU}</p><p><i>Tái Sơn, ngày 05 tháng 01</i></p>"
        "</body></html>"
    )
    content = html_to_pdf(html)
    assert [same_size(size, A5) for size in page_sizes(content)] == [True]
    text = pdf_text(content)
    assert QUOC_HIEU in text and TIEU_NGU in text and "Tái Sơn, ngày 05 tháng 01" in text
    embedded = fonts(content)
    assert embedded and all(embedded.values()), embedded
