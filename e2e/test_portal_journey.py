"""A citizen's whole journey in real browsers (issue: citizen portal), against the demo commune.

Search without accents → procedure page → sign-up with a one-time code → e-form with uploads →
submit (NĐ61 art. 16(3)) → the one-stop officer asks for a supplement in the back office (art.
17(2)(a)) → the citizen supplements online → the officer receives (art. 17(1)), the leader
assigns, the specialist processes, the leader approves, the officer returns the result (art. 20)
→ the citizen rates the service → anyone with the receipt looks the dossier up by code + secret.
Citizen and each officer have their own browser context (own cookies). Screenshots go to
e2e/artifacts/journey-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.helpers import Console, login, shot, watch

PROCEDURE = "Đăng ký khai sinh"
CHILD = "Nguyễn Minh Khôi"
CITIZEN_NAME = "Lê Thị Thu Trang"
CITIZEN_EMAIL = "thutrang.e2e@example.vn"
CITIZEN_PASSWORD = "Que-Huong-2026!"
CITIZEN_ID = "030190004521"  # Hải Dương (030), woman born 1990 (NĐ 137/2015 art. 13)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

STAFF = {
    "receiver": ("taison.tiepnhan", "Hoa-Sen-2023!"),
    "specialist": ("taison.chuyenvien", "Cay-Tre-2023!"),
    "leader": ("taison.lanhdao", "Song-Hong-2023!"),
}
SPECIALIST_NAME = "Vũ Văn Nam"  # taison.chuyenvien
#: Who does what after the supplement: receipt (art. 17(1)), assignment, the internal steps of
#: the procedure (the assignment hands the desk's first step over; then the specialist's), the
#: leader's approval, the return of the result.
SCRIPT = (
    ("receiver", "receive"),
    ("leader", "assign"),
    ("specialist", "step_complete"),
    ("leader", "approve"),
    ("receiver", "return_result"),
)


def new_page(context_factory: Any, console: Console) -> Any:
    ctx = context_factory()
    page = ctx.new_page()
    watch(page, console)
    return page


def file_payload(name: str) -> dict[str, Any]:
    if name.endswith(".pdf"):
        return {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


def fill_action_form(form: Any, applicant: str) -> None:
    """Give every visible field of a back-office action form a plausible value."""
    for box in form.locator("input[type=checkbox]").all():
        if box.is_visible():
            box.check()
    for select in form.locator("select").all():
        if select.get_attribute("name") == "assignee":  # the demo specialist
            option = select.locator("option", has_text=SPECIALIST_NAME).first
            select.select_option(option.get_attribute("value"))
        elif select.is_visible() and not select.input_value():
            select.select_option(index=1)
    for area in form.locator("textarea").all():
        if area.is_visible() and not area.input_value():
            area.fill("Đã kiểm tra, đủ điều kiện.")
    for field in form.locator("input[type=text], input:not([type])").all():
        if field.is_visible() and not field.input_value():
            name = field.get_attribute("name") or ""
            if "id_number" in name:
                field.fill(CITIZEN_ID)
            else:
                field.fill(applicant if "name" in name else "Đồng ý")


def do_action(page: Any, dossier_pk: int, action: str, applicant: str) -> None:
    page.goto(f"/ho-so/{dossier_pk}/")
    box = page.locator(f"#action-{action}")
    assert box.count() == 1, f"no action {action!r}: {page.content()[:3000]}"
    if not box.get_attribute("open"):
        box.locator("summary").click()
    form = box.locator("form")
    fill_action_form(form, applicant)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    errors = page.locator(".error").all_inner_texts()
    assert not errors, f"{action}: {errors}"


def available(page: Any, dossier_pk: int) -> list[str]:
    page.goto(f"/ho-so/{dossier_pk}/")
    ids = page.locator("details.action").evaluate_all("els => els.map(e => e.id)")
    return [i.removeprefix("action-") for i in ids]


def state_of(page: Any, dossier_pk: int) -> str:
    page.goto(f"/ho-so/{dossier_pk}/")
    return str(page.locator(".badge.state").inner_text().strip())


@pytest.mark.django_db(transaction=True)
def test_citizen_journey_from_search_to_rating_and_lookup(
    demo: None, browser: Any, live_server: Any, console: Console
):
    from django.core import mail

    from motcua.dossiers.models import Dossier

    def context_factory() -> Any:
        ctx = browser.new_context(
            base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
        )
        ctx.set_default_timeout(15_000)
        return ctx

    citizen = new_page(context_factory, console)

    # 1. Search without accents, open the procedure.
    citizen.goto("/cong-dan/")
    citizen.fill("#q", "lam giay khai sinh")
    with citizen.expect_navigation():
        citizen.locator("form.search button").click()
    citizen.get_by_role("link", name=PROCEDURE, exact=True).first.click()
    citizen.wait_for_load_state()
    assert PROCEDURE in citizen.locator("h1").inner_text()
    shot(citizen, "journey-01-procedure")

    # 2. Sign up with an e-mail one-time code.
    citizen.goto("/cong-dan/dang-ky/")
    citizen.fill("[name=contact]", CITIZEN_EMAIL)
    with citizen.expect_navigation():
        citizen.locator("main form button").click()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code, mail.outbox[-1].body
    citizen.fill("[name=code]", code.group(1))
    citizen.fill("[name=full_name]", CITIZEN_NAME)
    citizen.fill("[name=password1]", CITIZEN_PASSWORD)
    citizen.fill("[name=password2]", CITIZEN_PASSWORD)
    with citizen.expect_navigation():
        citizen.locator("main form button").click()
    shot(citizen, "journey-02-signed-up")

    # 3. The e-form with uploads; submit.
    procedure_code = "LOCAL-HT-01"
    citizen.goto(f"/cong-dan/thu-tuc/{procedure_code}/nop/")
    tai_son = citizen.locator("#unit option", has_text="Tái Sơn").first.get_attribute("value")
    citizen.locator("#unit").select_option(tai_son)
    citizen.fill("[name=applicant_name]", CITIZEN_NAME)
    citizen.fill("[name=applicant_phone]", "0912345679")
    citizen.fill("[name=f_ho_ten_tre]", CHILD)
    citizen.fill("[name=f_ngay_sinh]", "02/11/2026")
    citizen.locator("[name=f_gioi_tinh]").select_option("Nam")
    citizen.fill("[name=f_noi_sinh]", "Trạm y tế xã Tái Sơn")
    citizen.fill("[name=f_nguoi_yeu_cau]", CITIZEN_NAME)
    citizen.fill("[name=f_so_dinh_danh_nguoi_yeu_cau]", CITIZEN_ID)
    file_inputs = citizen.locator("form input[type=file][name^=file_]")
    for i in range(file_inputs.count()):
        file_inputs.nth(i).set_input_files(
            file_payload("to-khai.pdf" if i == 0 else f"giay-{i}.png")
        )
    citizen.locator("[name=declaration]").check()
    shot(citizen, "journey-03-eform")
    with citizen.expect_navigation():
        citizen.locator("button[name=action][value=submit]").click()
    assert re.search(r"/cong-dan/ho-so/\d+/", citizen.url), citizen.locator("main").inner_text()
    dossier = Dossier.objects.order_by("-pk").first()
    assert dossier is not None and dossier.applicant_name == CITIZEN_NAME
    shot(citizen, "journey-04-submitted")

    # 4. The one-stop officer finds the birth certificate unreadable and asks for it again
    #    (online intake, art. 17(2)(a)).
    officers = {}
    for role, (username, password) in STAFF.items():
        officers[role] = new_page(context_factory, console)
        login(officers[role], username, password)
    receiver = officers["receiver"]
    receiver.goto("/hang-doi/to_receive/")
    assert CITIZEN_NAME in receiver.locator("main").inner_text()  # in the queue to receive
    do_action(receiver, dossier.pk, "intake_request_supplement", CITIZEN_NAME)
    shot(receiver, "journey-05-supplement-requested")

    # 5. The citizen sees the request and sends the missing paper.
    citizen.goto(f"/cong-dan/ho-so/{dossier.pk}/")
    assert "bổ sung" in citizen.locator("main").inner_text().lower()
    supplement = citizen.locator(f"form[action='/cong-dan/ho-so/{dossier.pk}/bo-sung/']")
    supplement.locator("input[type=file]").first.set_input_files(
        file_payload("giay-chung-sinh.png")
    )
    with citizen.expect_navigation():
        supplement.locator("button").click()
    shot(citizen, "journey-06-supplemented")

    # 6. Receive, assign, process, approve, return the result.
    trace: list[str] = []
    for role, action in SCRIPT:
        actions = available(officers[role], dossier.pk)
        dossier.refresh_from_db()
        trace.append(f"{dossier.state} {role}: {actions} → {action}")
        assert action in actions, "\n".join(trace)
        do_action(officers[role], dossier.pk, action, CITIZEN_NAME)
    dossier.refresh_from_db()
    assert dossier.state == "returned", "\n".join(trace)
    shot(receiver, "journey-07-result-returned")

    # 7. The citizen sees the result and rates the service.
    citizen.goto(f"/cong-dan/ho-so/{dossier.pk}/")
    rate_and_check(citizen, dossier)
    shot(citizen, "journey-08-rated")

    # 8. Anyone holding the receipt: code + secret, never the code alone.
    dossier.refresh_from_db()
    stranger = new_page(context_factory, console)
    stranger.goto("/tra-cuu/")
    stranger.fill("[name=ma]", dossier.code)
    stranger.fill("[name=secret]", "SAIMA123")
    with stranger.expect_navigation():
        stranger.locator("main form button").first.click()
    assert CITIZEN_NAME not in stranger.locator("main").inner_text()
    stranger.fill("[name=ma]", dossier.code)
    stranger.fill("[name=secret]", dossier.lookup_secret)
    with stranger.expect_navigation():
        stranger.locator("main form button").first.click()
    body = stranger.locator("main").inner_text()
    assert dossier.code in body and PROCEDURE in body
    assert CITIZEN_NAME not in body  # the name is masked for the look-up
    shot(stranger, "journey-09-lookup")
    assert console.problems() == []


def rate_and_check(citizen: Any, dossier: Any) -> None:
    """Rate "not satisfied" with a reason: the rating is stored once."""
    from motcua.feedback.models import Rating

    form = citizen.locator("section.rating form")
    form.wait_for()
    form.locator("input[type=radio]").last.check()
    boxes = form.locator("input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
    comment = form.locator("textarea")
    if comment.count():
        comment.first.fill("Phải chờ lâu ở bước bổ sung.")
    with citizen.expect_navigation():
        form.locator("button").click()
    assert Rating.objects.filter(dossier=dossier, satisfied=False).count() == 1
    assert "Chưa hài lòng" in citizen.locator("section.rating").inner_text()
