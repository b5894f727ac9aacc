"""The counter officer's intake path in a real browser (NĐ 61/2018/NĐ-CP art. 17(1), TT 01/2018
Mẫu 01; DOMAIN §1.4–§1.5): keyboard search, htmx live results, CCCD, receipt and its print."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.helpers import RECEIVER, Console, cccd, login, shot

PROCEDURE = "Cấp Giấy xác nhận tình trạng hôn nhân"
CODE_RE = re.compile(r"\d{6}-\d{4}")  # …-YYMMDD-XXXX, TT 01/2018 art. 19(1)


@pytest.mark.django_db(transaction=True)
def test_receive_at_counter_nd61_art17_and_print_mau01(demo: None, page: Any, console: Console):
    login(page, *RECEIVER)
    page.goto("/tiep-nhan/moi/")
    shot(page, "intake-empty")

    # "/" focuses the procedure search from anywhere outside a text field.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "procedure-search"

    page.keyboard.type("xac nhan tinh trang")  # accent-insensitive search (DOMAIN §9)
    choice = page.locator("#procedure-results label.choice", has_text=PROCEDURE)
    choice.first.wait_for()
    with page.expect_response(lambda r: "/tiep-nhan/thanh-phan/" in r.url):
        choice.first.locator("input[type=radio]").check()
    boxes = page.locator("#components input[type=checkbox][name=components]")
    boxes.first.wait_for()
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        boxes.nth(i).check()

    id_number = cccd(birth_year=1990, female=True, serial=4521)  # Hải Dương (030), woman, 1990
    page.fill("[name=applicant_name]", "Nguyễn Thị Thu Hà")
    page.fill("[name=applicant_id_number]", id_number)
    page.fill("[name=applicant_phone]", "0912345678")
    page.fill("[name=applicant_address]", "Thôn Đông, xã Tái Sơn")
    shot(page, "intake-filled")

    page.focus("[name=applicant_address]")
    with page.expect_navigation():
        page.keyboard.press("Alt+1")  # = "Tiếp nhận (Mẫu 01)"

    assert re.search(r"/ho-so/\d+/", page.url), page.locator(".error").all_inner_texts()
    code = page.locator("h1 .code").inner_text().strip()
    assert CODE_RE.search(code), code
    assert page.locator(".badge.state").inner_text().strip() == "Đã tiếp nhận"
    assert PROCEDURE in page.locator(".dossier-head .procedure").inner_text()
    # The full number is masked on the page (personal data, NĐ 13/2023).
    assert id_number not in page.locator(".dossier-head").inner_text()
    shot(page, "dossier-received")

    receipt = page.locator(".print-links a[href*='/in/giay-tiep-nhan/']")
    with page.context.expect_page() as opened:
        receipt.click()
    printable = opened.value
    printable.wait_for_load_state()
    assert printable.locator("svg").count() >= 1, "no QR <svg> on Mẫu 01"
    assert code in printable.locator("body").inner_text()
    shot(printable, "print-mau01")
    assert console.problems() == []
