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


@pytest.mark.django_db(transaction=True)
def test_counter_types_the_to_khai_while_receiving(demo: None, page: Any, console: Console):
    """The chosen procedure's e-form comes with its checklist (htmx, out of band), collapsed;
    Alt+K opens it on its first field; a bad value comes back beside its field with all that
    was typed; put right, the dossier keeps the data and its history says so."""
    login(page, *RECEIVER)
    page.goto("/tiep-nhan/moi/")
    assert page.locator("#intake-eform details").count() == 0  # no procedure chosen yet

    def choose(words: str, name: str) -> None:
        page.fill("#procedure-search", words)
        choice = page.locator("#procedure-results label.choice", has_text=name)
        choice.first.wait_for()
        with page.expect_response(lambda r: "/tiep-nhan/thanh-phan/" in r.url):
            choice.first.locator("input[type=radio]").check()

    choose("chung thuc ban sao", "Chứng thực bản sao")  # no e-form: no section
    page.locator("#components input[name=components]").first.wait_for()
    assert page.locator("#intake-eform details").count() == 0
    choose("xac nhan tinh trang", PROCEDURE)
    eform = page.locator("#intake-eform details")
    eform.wait_for()
    assert eform.evaluate("d => d.open") is False  # collapsed: the usual flow is unchanged
    boxes = page.locator("#components input[type=checkbox][name=components]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.fill("[name=applicant_name]", "Nguyễn Thị Thu Hà")

    page.focus("[name=applicant_name]")
    page.keyboard.press("Alt+K")
    assert eform.evaluate("d => d.open") is True
    assert page.evaluate("document.activeElement.name") == "f_ho_ten"
    page.keyboard.type("Nguyễn Thị Thu Hà")
    page.keyboard.press("Tab")
    page.keyboard.type("31/02/1994")  # no such day
    with page.expect_navigation():
        page.keyboard.press("Alt+1")
    bad = page.locator("#intake-eform .f.bad")
    assert bad.count() == 1 and "Ngày, tháng, năm sinh" in bad.inner_text()
    assert page.evaluate("document.activeElement.name") == "f_ngay_sinh"  # the field to correct
    assert page.input_value("[name=applicant_name]") == "Nguyễn Thị Thu Hà"
    assert page.input_value("[name=f_ho_ten]") == "Nguyễn Thị Thu Hà"
    assert page.locator("#components input[name=components]:checked").count() == boxes.count()
    shot(page, "intake-eform-error")

    page.fill("[name=f_ngay_sinh]", "12/05/1994")
    with page.expect_navigation():
        page.keyboard.press("Alt+1")
    assert re.search(r"/ho-so/\d+/", page.url), page.locator(".error").all_inner_texts()
    assert "12/05/1994" in page.locator("#to-khai").inner_text()
    assert "Tờ khai nhập khi tiếp nhận: 2 thông tin." in page.locator(".timeline").inner_text()
    refused = "status of 400 (Bad Request) [http"  # the refused intake's page itself: expected
    assert [p for p in console.problems() if refused not in p] == []
