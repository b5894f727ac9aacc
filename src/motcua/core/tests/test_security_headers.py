"""Content-Security-Policy and Permissions-Policy on every response, and templates that need
no inline script or style to satisfy it (docs/domain/security.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

SRC = Path(settings.BASE_DIR)
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "node_modules" not in p.parts)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/dang-nhap/", "/healthz", "/khong-co-trang-nay/", "/quan-tri/"])
def test_every_response_carries_the_policies(path):
    response = Client().get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    ):
        assert directive in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_templates_exist_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_template_has_no_inline_script_style_or_handler(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script> (CSP script-src 'self')"
    assert not INLINE_HANDLER.search(text), "inline event handler (CSP script-src 'self')"
    assert not INLINE_STYLE.search(text), "inline style (CSP style-src 'self')"


def test_htmx_does_not_inject_its_indicator_style():
    base = (SRC / "templates" / "base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles":false' in base


@pytest.mark.django_db
def test_login_page_renders_no_inline_code():
    html = Client().get("/dang-nhap/").content.decode()
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)
