"""The Content-Security-Policy (`MOTCUA_CSP`: scripts and styles only from this origin, no
inline code; docs/domain/security.md) holds in a real browser: no "Refused to …" violation and
no JavaScript error on the key pages, htmx requests included. Saves a screenshot of each."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.helpers import RECEIVER, Console, login, shot


def _bieu06_url() -> str:
    from motcua.organisation.models import Unit

    unit = Unit.objects.get(code="11098")  # xã Tái Sơn, demo history 2023 H1
    return f"/thong-ke/?unit={unit.pk}&date_from=01/01/2023&date_to=30/06/2023"


def _received_dossier_pk() -> int:
    from motcua.dossiers.models import Dossier

    dossier = (
        Dossier.objects.filter(unit__code="11098", code__isnull=False)
        .exclude(code="")
        .order_by("-received_at")
        .first()
    )
    assert dossier is not None, "the demo data set has no received dossier in xã Tái Sơn"
    return dossier.pk


@pytest.mark.django_db(transaction=True)
def test_csp_no_violation_or_js_error_on_key_pages(demo: None, page: Any, console: Console):
    bieu06, dossier_pk = _bieu06_url(), _received_dossier_pk()

    # Citizen side, anonymous.
    for path, name in (("/cong-dan/", "portal-home"), ("/tra-cuu/", "lookup")):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
        shot(page, name)
    page.fill("[name=ma]", "000.00.00.H00-230101-0001")
    page.fill("[name=secret]", "SAI-MA")
    with page.expect_navigation():
        page.locator("form[action='/tra-cuu/'] button").click()
    assert page.locator("[role=alert]").count() >= 1  # wrong secret → stated error, no JS error

    # Back office.
    login(page, *RECEIVER)
    response = page.goto("/")
    assert response is not None and response.status == 200
    shot(page, "home")
    page.goto("/tiep-nhan/moi/")
    with page.expect_response(lambda r: "/tiep-nhan/thu-tuc/" in r.url) as searched:
        page.fill("#procedure-search", "khai sinh")
    assert searched.value.status == 200
    page.locator("#procedure-results label.choice").first.wait_for()

    for path, name in (
        ("/hang-doi/due_soon/", "queue-due-soon"),
        (f"/ho-so/{dossier_pk}/", "dossier"),
        (bieu06, "bieu06"),
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        shot(page, name)
        if path.startswith("/ho-so/"):
            # htmx POST with the CSRF header from <body hx-headers>: reveal the full ID number.
            with page.expect_response(lambda r: "/dinh-danh/" in r.url) as revealed:
                page.get_by_role("button", name="Xem đầy đủ").click()
            assert revealed.value.status == 200
    assert page.locator("table.bieu06").count() == 1

    assert console.csp_violations() == []
    assert console.problems() == []

    # Control: a violation would be caught. An inline style attribute injected into a served
    # page is refused (style-src 'self'). Chromium words it "Applying inline style violates the
    # following Content Security Policy directive …" (older: "Refused to apply inline style").
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(100)
    assert any("inline style" in text for text in console.csp_violations()), console
