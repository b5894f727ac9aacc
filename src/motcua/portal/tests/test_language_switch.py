"""The citizen portal's footer has the back office's language switch: a citizen who chose English
(cookie) can come back to Vietnamese from any portal page, without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r'<footer class="footer">(.*?)</footer>', re.S)


def footer(html: str) -> str:
    match = FOOTER.search(html)
    assert match, "the page has the portal footer"
    return match.group(1)


def hidden(block: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', block)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize(
    "path",
    ["/cong-dan/", "/cong-dan/thu-tuc/?q=khai+sinh", "/tra-cuu/", "/phan-anh/gui/",
     "/xac-thuc-van-ban/", "/cong-dan/dang-nhap/"],
)  # fmt: skip
def test_every_portal_page_has_the_switch_back_to_the_current_page(path):
    html = Client().get(path).content.decode()
    block = footer(html)
    assert '<form action="/i18n/setlang/" method="post">' in block
    assert hidden(block, "next") == path.replace("&", "&amp;")
    assert hidden(block, "csrfmiddlewaretoken")
    assert re.search(r'<select name="language" aria-label="Ngôn ngữ">', block)
    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in block
    assert re.search(r'<option value="en" lang="en">(Tiếng Anh|English)</option>', block)
    assert "<script" not in block


def test_a_citizen_in_english_switches_back_to_vietnamese():
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/phan-anh/gui/").content.decode()
    assert '<html lang="en">' in html
    block = footer(html)
    assert '<option value="en" lang="en" selected>English</option>' in block
    assert '<option value="vi" lang="vi">Tiếng Việt</option>' in block  # readable in any language
    response = client.post(
        "/i18n/setlang/",
        {
            "csrfmiddlewaretoken": hidden(block, "csrfmiddlewaretoken"),
            "next": hidden(block, "next"),
            "language": "vi",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/phan-anh/gui/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    html = client.get("/phan-anh/gui/").content.decode()
    assert '<html lang="vi">' in html and "Gửi phản ánh, kiến nghị" in html
    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in footer(html)


def test_the_switch_keeps_the_query_string_of_the_page():
    client = Client()
    html = client.get("/cong-dan/thu-tuc/?q=khai+sinh").content.decode()
    response = client.post(
        "/i18n/setlang/", {"next": hidden(footer(html), "next").replace("&amp;", "&"),
                           "language": "en"},
    )  # fmt: skip
    assert response["Location"] == "/cong-dan/thu-tuc/?q=khai+sinh"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html
    assert '<option value="en" lang="en" selected>English</option>' in footer(html)
