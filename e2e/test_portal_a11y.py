"""Accessibility (WCAG 2.1 A/AA with axe-core), weight and third-party requests of every public
portal page (docs/dev/e2e.md, "Accessibility and weight").

For each page, loaded fresh (empty cache) in Chromium:

(a) axe-core (`e2e/node_modules/axe-core/axe.min.js`, pinned in `e2e/package-lock.json`) is
    injected with `page.add_script_tag(path=...)` and run with the tags wcag2a, wcag2aa,
    wcag21a, wcag21aa: no violation allowed. The strict CSP forbids that injected inline
    script, so this test's browser context sets `bypass_csp=True` (CSP itself is checked by
    `test_csp.py`).
(b) Weight: every response of the first load (the HTML, the stylesheet, the icon, …) is counted
    as its body compressed with gzip (level 6), i.e. what a reverse proxy with gzip on sends;
    headers are not counted. The sum must be ≤ 50 KB (PERFORMANCE.md: cheap phone, slow 3G).
(c) No request leaves 127.0.0.1/localhost (no CDN, no font, no tracker).

Skipped, saying why, when axe-core is not installed (`npm ci --prefix e2e`, run by `make venv`
when npm exists). Screenshots go to var/test-artefacts/e2e/ (git-ignored).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from e2e.helpers import TIMEOUT_MS

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parent.parent / "var" / "test-artefacts" / "e2e"
MAX_BYTES = 50 * 1024
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CITIZEN = ("congdan", "Cong-Dan-Demo-2023!")  # motcua.demo.services.DEMO_ACCOUNTS (public)

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary),
  }));
}"""


@pytest.fixture
def a11y_page(browser: Any, live_server: Any) -> Iterator[Any]:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}): run `npm ci --prefix e2e`")
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # lets axe's injected <script> run; see the module doc
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    try:
        yield page
    finally:
        ctx.close()


class Traffic:
    """Responses of the page being measured: (url, gzip size, raw size), and foreign hosts."""

    def __init__(self, page: Any) -> None:
        self.rows: list[tuple[str, int, int]] = []
        self.foreign: list[str] = []
        page.on("request", self._request)
        page.on("response", self._response)

    def reset(self) -> None:
        self.rows.clear()
        self.foreign.clear()

    def _request(self, request: Any) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname not in LOCAL_HOSTS:
            self.foreign.append(request.url)

    def _response(self, response: Any) -> None:
        try:
            body = response.body()
        except Exception:  # redirects have no body
            body = b""
        self.rows.append((response.url, len(gzip.compress(body, compresslevel=6)), len(body)))

    @property
    def total(self) -> int:
        return sum(size for _url, size, _raw in self.rows)


#: (path, gzip bytes, raw bytes) of the pages checked by the last run, for the report below.
sizes: list[tuple[str, int, int]] = []


def _check(page: Any, traffic: Traffic, path: str, name: str, problems: list[str]) -> None:
    traffic.reset()
    page.goto("about:blank")
    page.context.route("**/*", lambda route: route.continue_())  # no HTTP cache between pages
    response = page.goto(path, wait_until="load")
    page.context.unroute("**/*")
    if response is None or response.status != 200:
        problems.append(f"{path}: HTTP {response.status if response else '—'}")
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"a11y-{name}.png"), full_page=True)
    if traffic.total > MAX_BYTES:
        detail = ", ".join(f"{u} {s} B" for u, s, _r in traffic.rows)
        problems.append(f"{path}: {traffic.total} B gzip > {MAX_BYTES} B ({detail})")
    if traffic.foreign:
        problems.append(f"{path}: requests to other hosts: {traffic.foreign}")
    sizes.append((path, traffic.total, sum(raw for _u, _s, raw in traffic.rows)))
    page.add_script_tag(path=str(AXE))
    for v in page.evaluate(AXE_RUN, WCAG_TAGS):
        problems.append(f"{path}: axe {v['id']} ({v['impact']}): {v['help']} {v['nodes']}")


def _submit_code() -> str | None:
    from motcua.catalogue.models import Procedure
    from motcua.portal.selectors import procedure_page

    for code in Procedure.objects.order_by("code").values_list("code", flat=True):
        page = procedure_page(code)
        if page is not None and page.can_submit_online:
            return code
    return None


@pytest.mark.django_db(transaction=True)
def test_every_public_portal_page_is_accessible_light_and_local(demo: None, a11y_page: Any):
    from motcua.dossiers.models import Dossier

    page = a11y_page
    traffic = Traffic(page)
    problems: list[str] = []
    anonymous = [
        ("/cong-dan/", "home"),
        ("/cong-dan/thu-tuc/", "catalogue"),
        ("/cong-dan/thu-tuc/?q=khai+sinh", "search"),
        ("/cong-dan/thu-tuc/1.004873/", "procedure"),
        ("/tra-cuu/", "lookup"),
        ("/cong-dan/dang-nhap/", "login"),
        ("/cong-dan/dang-ky/", "signup"),
    ]
    for path, name in anonymous:
        _check(page, traffic, path, name, problems)
    verify = page.goto("/xac-thuc-van-ban/")  # the signature verification page, when it exists
    if verify is not None and verify.status == 200:
        _check(page, traffic, "/xac-thuc-van-ban/", "verify", problems)

    # Signed in as the demo citizen: my dossiers, one dossier, the submission form.
    page.goto("/cong-dan/dang-nhap/")
    page.fill("input[name=username]", CITIZEN[0])
    page.fill("input[name=password]", CITIZEN[1])
    with page.expect_navigation():
        page.locator("main form button").first.click()
    assert "/cong-dan/ho-so/" in page.url, "the demo citizen could not sign in"
    dossier = Dossier.objects.filter(applicant__username=CITIZEN[0]).order_by("pk").first()
    assert dossier is not None, "the demo citizen has no dossier"
    signed_in = [
        ("/cong-dan/ho-so/", "my-dossiers"),
        (f"/cong-dan/ho-so/{dossier.pk}/", "my-dossier"),
    ]
    code = _submit_code()
    assert code is not None, "no procedure of the demo catalogue can be submitted online"
    signed_in.append((f"/cong-dan/thu-tuc/{code}/nop/", "submit"))
    for path, name in signed_in:
        _check(page, traffic, path, name, problems)

    # Paying the fee through the sandbox gateway: its page and the receipt are checked too.
    from motcua.payments.models import Payment

    page.goto(f"/cong-dan/ho-so/{dossier.pk}/")
    pay = page.get_by_role("button", name="Thanh toán", exact=True)
    assert pay.count() == 1, "the demo citizen's dossier shows no fee to pay"
    with page.expect_navigation():
        pay.click()
    sandbox = urlsplit(page.url)
    assert sandbox.path.startswith("/thanh-toan/sandbox/"), page.url
    _check(page, traffic, f"{sandbox.path}?{sandbox.query}", "pay-sandbox", problems)
    with page.expect_navigation():
        page.get_by_role("button", name="Thanh toán thành công").click()
    assert urlsplit(page.url).path == f"/cong-dan/ho-so/{dossier.pk}/", page.url
    payment = Payment.objects.get(dossier=dossier, state="paid")
    assert payment.receipt_number and page.get_by_text(payment.receipt_number).count() >= 1
    signed_in.append((f"/thanh-toan/bien-lai/{payment.pk}/", "receipt"))
    _check(page, traffic, f"/thanh-toan/bien-lai/{payment.pk}/", "receipt", problems)
    # Control: axe does report a violation on this page once one is added (image without alt).
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = '/static/favicon.svg';"
        " document.querySelector('main').append(i); }"
    )
    assert "image-alt" in {v["id"] for v in page.evaluate(AXE_RUN, WCAG_TAGS)}
    print("\n".join(f"{p}: {gz} B gzip, {raw} B raw" for p, gz, raw in sizes))
    assert len(sizes) >= len(anonymous) + len(signed_in)
    assert not problems, "\n".join(problems)
