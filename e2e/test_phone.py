"""Phone viewport (360×640): the citizen pages have no horizontal overflow and the back-office
Biểu 06 table stays usable (the page does not overflow; the table may scroll in its box)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from e2e.helpers import RECEIVER, TIMEOUT_MS, Console, login, shot, watch

PHONE = {"width": 360, "height": 640}

# The page width, and (for the failure message) the first elements sticking out of the viewport
# without a clipping or scrolling box around them.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      let p = el.parentElement, clipped = false;
      while (p && p !== document.body) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
        p = p.parentElement;
      }
      if (!clipped) wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


# Cells cut off at the right edge that no scrollable box lets the user reach.
UNREACHABLE_CELLS_JS = """(selector) => {
  const width = document.documentElement.clientWidth, bad = [];
  for (const cell of document.querySelectorAll(selector)) {
    const box = cell.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let p = cell.parentElement, scrolls = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      const scrollable = (o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth;
      if (scrollable) { scrolls = true; break; }
      p = p.parentElement;
    }
    if (!scrolls) bad.push((cell.dataset.label || '') + ': ' + cell.textContent.trim());
  }
  return bad.slice(0, 5);
}"""


def _overflow(page: Any) -> dict[str, Any]:
    return page.evaluate(OVERFLOW_JS)


@pytest.fixture
def phone(browser: Any, live_server: Any, console: Console) -> Iterator[Any]:
    ctx = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    watch(page, console)
    yield page
    ctx.close()


@pytest.mark.django_db(transaction=True)
def test_portal_and_bieu06_fit_360px(demo: None, phone: Any, console: Console):
    for path, name in (
        ("/cong-dan/thu-tuc/1.004873/", "phone-portal-procedure"),
        ("/tra-cuu/", "phone-lookup"),
        ("/cong-dan/", "phone-portal-home"),
    ):
        response = phone.goto(path)
        assert response is not None and response.status == 200, path
        shot(phone, name)
        result = _overflow(phone)
        assert result["scrollWidth"] <= PHONE["width"], (path, result)

    # Back office, Biểu 06 (TT 01/2020/TT-VPCP): the page does not overflow; the wide table
    # may scroll inside its own box, but its first cell is on screen and readable.
    from motcua.organisation.models import Unit

    unit = Unit.objects.get(code="11098")
    login(phone, *RECEIVER)
    phone.goto(f"/thong-ke/?unit={unit.pk}&date_from=01/01/2023&date_to=30/06/2023")
    table = phone.locator("table.bieu06")
    table.wait_for()
    shot(phone, "phone-bieu06")
    result = _overflow(phone)
    assert result["scrollWidth"] <= PHONE["width"], result
    assert phone.evaluate(UNREACHABLE_CELLS_JS, "table.bieu06 tbody td") == []
    assert console.problems() == []
