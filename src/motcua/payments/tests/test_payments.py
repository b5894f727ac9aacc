"""Online payment of fees (NĐ61 art. 22, DOMAIN §1.9): amount from the catalogue's fee rules,
the sandbox provider, signed callbacks, idempotency, receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import mail
from tests.factories import UnitFactory

from motcua.catalogue.models import FeeRule
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers import services as dos
from motcua.dossiers.constants import State
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.payments import selectors, services
from motcua.payments.constants import PaymentState
from motcua.payments.models import Payment
from motcua.payments.providers import InvalidCallback, sandbox_signed
from motcua.portal.notify import LoggingSmsBackend
from motcua.portal.tests.conftest import in_process, login, received, submitted

# ---------------------------------------------------------------------------------------------
# Amount due, from the fee rules of the dossier's procedure version
# ---------------------------------------------------------------------------------------------

#: (legal source, fee lines (name, amount, per, from, to, cap), copies, amount due or None)
FEE_TABLE = [
    (
        "TT 85/2019/TT-BTC art. 5 (lệ phí hộ tịch, mức thu của HĐND tỉnh): 8.000 đ/trường hợp",
        [("Lệ phí đăng ký khai sinh quá hạn", 8000, "case", 1, None, None)],
        1,
        8000,
    ),
    (
        "TT 226/2016/TT-BTC art. 4: chứng thực chữ ký 10.000 đ/trường hợp, whatever the copies",
        [("Chứng thực chữ ký", 10000, "case", 1, None, None)],
        3,
        10000,
    ),
    (
        "TT 281/2016/TT-BTC (trích lục hộ tịch): 8.000 đ/bản, 2 bản",
        [("Cấp bản sao trích lục", 8000, "copy", 1, None, None)],
        2,
        16000,
    ),
    (
        "Lines of several kinds add up: 20.000 đ/hồ sơ + 5.000 đ/bản from the 2nd copy, 3 copies",
        [("Lệ phí", 20000, "case", 1, None, None), ("Bản thêm", 5000, "copy", 2, None, None)],
        3,
        30000,
    ),
    ("NĐ61 art. 22: no fee line → nothing to pay online", [], 1, None),
    (
        "TT 226/2016 art. 4: 2.000 đ/trang → needs the page count → the officer notifies it",
        [("Chứng thực bản sao", 2000, "page", 1, 2, 200000)],
        1,
        None,
    ),
    (
        "Free procedure (0 đ line) → nothing to pay",
        [("Miễn lệ phí", 0, "case", 1, None, None)],
        1,
        None,
    ),
]


@pytest.mark.parametrize(("source", "lines", "copies", "expected"), FEE_TABLE)
def test_amount_due_comes_from_the_fee_rules(
    commune, birth, citizen, source, lines, copies, expected
):
    birth.fee_rules.all().delete()
    for i, (name, amount, per, first, last, cap) in enumerate(lines, start=1):
        FeeRule.objects.create(
            version=birth,
            order=i,
            name=name,
            amount=Decimal(amount),
            per=per,
            from_quantity=first,
            to_quantity=last,
            max_amount=None if cap is None else Decimal(cap),
        )
    d = submitted(commune, birth, citizen)
    type(d).objects.filter(pk=d.pk).update(copies=copies)
    d.refresh_from_db()
    due = selectors.amount_due(d)
    assert (due.amount if due else None) == expected, source
    if due:
        assert due.basis == "rules"


#: (legal source, the province's line (amount, valid_from, valid_to), amount due)
PROVINCIAL_FEE_TABLE = [
    (
        "Điều 11 Luật Hộ tịch 2014; Thông tư 85/2019/TT-BTC: the province's HĐND resolution in "
        "force replaces the catalogue's national amount",
        (5000, dt.date(2020, 1, 1), None),
        5000,
    ),
    (
        "A resolution that takes effect after the dossier was filed does not apply",
        (5000, dt.date(2099, 1, 1), None),
        8000,
    ),
    (
        "A resolution that ended before the dossier was filed does not apply",
        (5000, dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        8000,
    ),
]


@pytest.mark.parametrize(("source", "line", "expected"), PROVINCIAL_FEE_TABLE)
def test_amount_due_uses_the_lines_of_the_dossiers_province(
    commune, birth, citizen, source, line, expected
):
    province = UnitFactory(code="P31", name="Thành phố Hải Phòng", kind=UnitKind.PROVINCE)
    Unit.objects.filter(pk=commune.unit.pk).update(
        parent=province, path=f"{province.path}{commune.unit.code}/"
    )
    other = UnitFactory(code="P01", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)
    amount, valid_from, valid_to = line
    FeeRule.objects.create(
        version=birth,
        order=2,
        name="Lệ phí đăng ký khai sinh quá hạn (Hải Phòng)",
        amount=Decimal(amount),
        province=province,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    FeeRule.objects.create(
        version=birth, order=3, name="Lệ phí (Hà Nội)", amount=Decimal(1000), province=other
    )
    commune.unit.refresh_from_db()
    d = received(commune, birth, citizen)
    due = selectors.amount_due(d)
    assert due is not None and (due.amount, due.basis) == (expected, "rules"), source


def test_financial_obligation_amount_is_the_notified_one(commune, birth, citizen):
    d = in_process(commune, birth, citizen)
    d = dos.dossier_financial_obligation(
        dossier=d, user=commune.specialist, amount=Decimal(50000), description="Lệ phí trước bạ"
    )
    due = selectors.amount_due(d)
    assert due is not None and (due.amount, due.basis) == (50000, "obligation")
    assert due.description == "Lệ phí trước bạ"


# ---------------------------------------------------------------------------------------------
# The sandbox flow through HTTP
# ---------------------------------------------------------------------------------------------


def _pay(client, dossier, outcome="paid"):
    """Start → sandbox page → click → return URL. Returns the return URL's query."""
    start = client.post(f"/thanh-toan/ho-so/{dossier.pk}/")
    assert start.status_code == 302 and start["Location"].startswith("/thanh-toan/sandbox/SB")
    page = client.get(start["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "8.000" in html and "Thanh toán thành công" in html and "Hủy" in html
    query = dict(parse_qsl(urlsplit(start["Location"]).query))
    clicked = client.post(urlsplit(start["Location"]).path, {**query, "outcome": outcome})
    assert clicked.status_code == 302
    back = urlsplit(clicked["Location"])
    assert back.path == "/thanh-toan/ket-qua/"
    return dict(parse_qsl(back.query))


def test_pay_through_the_sandbox_records_the_receipt_and_notifies(
    commune, birth, citizen, django_capture_on_commit_callbacks
):
    d = submitted(commune, birth, citizen)
    type(d).objects.filter(pk=d.pk).update(applicant_email="binh@example.vn")
    client = login(citizen)
    page = client.get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert "Thanh toán" in page and "8.000" in page
    callback = _pay(client, d)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get("/thanh-toan/ket-qua/", callback)
    assert back.status_code == 302 and back["Location"] == f"/cong-dan/ho-so/{d.pk}/"
    payment = Payment.objects.get()
    assert payment.state == PaymentState.PAID and payment.amount == 8000
    assert payment.receipt_number and payment.receipt_number.startswith("BL")
    assert payment.raw_callback["status"] == "paid" and payment.paid_at is not None
    # The receipt: on the dossier page (no more "Thanh toán" button), as HTML and as PDF.
    page = client.get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert payment.receipt_number in page and f"/thanh-toan/ho-so/{d.pk}/" not in page
    assert selectors.amount_due(d) is None
    receipt = client.get(f"/thanh-toan/bien-lai/{payment.pk}/")
    assert receipt.status_code == 200 and payment.receipt_number in receipt.content.decode()
    pdf = client.get(f"/thanh-toan/bien-lai/{payment.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Sent once by SMS (the account's phone) and once by e-mail, after the commit.
    assert [p for p, _t in LoggingSmsBackend.outbox] == ["0912345678"]
    assert payment.receipt_number in LoggingSmsBackend.outbox[0][1]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["binh@example.vn"]
    assert "8.000 đồng" in mail.outbox[0].body


def test_forged_callback_is_refused_and_changes_nothing(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    callback = _pay(client, d)
    forged = {**callback, "amount": "1"}  # amount changed after signing
    assert client.get("/thanh-toan/ket-qua/", forged).status_code == 400
    unsigned = {k: v for k, v in callback.items() if k != "sig"}
    assert client.get("/thanh-toan/ket-qua/", unsigned).status_code == 400
    wrong_key = {**callback, "sig": "0" * 64}
    assert client.get("/thanh-toan/ket-qua/", wrong_key).status_code == 400
    assert client.post("/thanh-toan/thong-bao/", forged).status_code == 400
    payment = Payment.objects.get()
    assert payment.state == PaymentState.PENDING and payment.receipt_number is None
    assert not LoggingSmsBackend.outbox


def test_signed_paid_callback_with_another_amount_is_refused(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    payment = services.payment_start(user=citizen, dossier=d)
    lying = sandbox_signed({"ref": payment.provider_ref, "status": "paid", "amount": "1"})
    with pytest.raises(InvalidCallback):
        services.payment_confirm(provider_ref=payment.provider_ref, payload=lying)
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_double_callback_is_idempotent(commune, birth, citizen, django_capture_on_commit_callbacks):
    d = submitted(commune, birth, citizen)
    client = login(citizen)
    callback = _pay(client, d)
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/thanh-toan/ket-qua/", callback)
    first = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.get("/thanh-toan/ket-qua/", callback)
        notice = client.post("/thanh-toan/thong-bao/", callback)
    assert again.status_code == 302 and notice.json() == {"ok": True, "state": "paid"}
    assert callbacks == []  # nothing scheduled: no second receipt
    second = Payment.objects.get()
    assert (second.receipt_number, second.paid_at, second.updated_at) == (
        first.receipt_number,
        first.paid_at,
        first.updated_at,
    )
    assert len(LoggingSmsBackend.outbox) == 1
    # A "cancelled" callback arriving late does not undo the payment either.
    late = sandbox_signed({"ref": first.provider_ref, "status": "cancelled", "amount": "8000"})
    assert services.payment_confirm(provider_ref=first.provider_ref, payload=late).state == "paid"


def test_pending_payment_is_reused_and_cancel_allows_a_new_one(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    first = services.payment_start(user=citizen, dossier=d)
    again = services.payment_start(user=citizen, dossier=d)
    assert again.pk == first.pk and Payment.objects.count() == 1
    client = login(citizen)
    cancelled = sandbox_signed({"ref": first.provider_ref, "status": "cancelled", "amount": "8000"})
    response = client.get("/thanh-toan/ket-qua/", cancelled, follow=True)
    assert "Chưa thanh toán" in response.content.decode()
    first.refresh_from_db()
    assert first.state == PaymentState.CANCELLED and first.receipt_number is None
    new = services.payment_start(user=citizen, dossier=d)
    assert new.pk != first.pk and new.state == PaymentState.PENDING


def test_only_the_applicant_may_pay_or_see_the_receipt(commune, birth, citizen, other_citizen):
    d = submitted(commune, birth, citizen)
    with pytest.raises(PermissionDenied):
        services.payment_start(user=other_citizen, dossier=d)
    with pytest.raises(PermissionDenied):
        services.payment_start(user=commune.receiver, dossier=d)
    assert login(other_citizen).post(f"/thanh-toan/ho-so/{d.pk}/").status_code == 404
    payment = services.payment_start(user=citizen, dossier=d)
    paid = sandbox_signed({"ref": payment.provider_ref, "status": "paid", "amount": "8000"})
    services.payment_confirm(provider_ref=payment.provider_ref, payload=paid)
    assert login(other_citizen).get(f"/thanh-toan/bien-lai/{payment.pk}/").status_code == 404
    assert login(commune.receiver).get(f"/thanh-toan/bien-lai/{payment.pk}/").status_code == 403


def test_nothing_due_is_refused(commune, birth, citizen):
    birth.fee_rules.all().delete()
    d = submitted(commune, birth, citizen)
    with pytest.raises(DomainError):
        services.payment_start(user=citizen, dossier=d)
    response = login(citizen).post(f"/thanh-toan/ho-so/{d.pk}/", follow=True)
    assert "không có khoản phí nào" in response.content.decode()


def test_paid_obligation_resumes_processing_nd61_art22(commune, birth, citizen):
    """NĐ61 art. 22: the verified payment notice stands for the receipt the officer would check;
    processing resumes with one `financial_paid` event without actor (channel online)."""
    d = in_process(commune, birth, citizen)
    d = dos.dossier_financial_obligation(
        dossier=d, user=commune.specialist, amount=Decimal(50000), description="Lệ phí"
    )
    payment = services.payment_start(user=citizen, dossier=d)
    assert payment.amount == 50000
    paid = sandbox_signed({"ref": payment.provider_ref, "status": "paid", "amount": "50000"})
    payment = services.payment_confirm(provider_ref=payment.provider_ref, payload=paid)
    d.refresh_from_db()
    assert d.state == State.IN_PROCESS and selectors.amount_due(d) is None
    event = d.events.order_by("-seq").first()
    assert event.action == "financial_paid" and event.actor is None
    assert event.payload["receipt_number"] == payment.receipt_number
    assert event.payload["channel"] == "online"
    # The same notice again: nothing more happens.
    services.payment_confirm(provider_ref=payment.provider_ref, payload=paid)
    assert d.events.filter(action="financial_paid").count() == 1
    page = login(citizen).get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert payment.receipt_number in page


def test_sandbox_page_refuses_altered_requests_and_foreign_return_urls(commune, birth, citizen):
    d = submitted(commune, birth, citizen)
    payment = services.payment_start(user=citizen, dossier=d)
    path, query = payment.redirect_url.split("?")
    fields = dict(parse_qsl(query))
    client = login(citizen)
    assert client.get(path, {**fields, "amount": "1"}).status_code == 400
    evil = sandbox_signed({**fields, "return": "https://evil.example/steal"})
    assert client.post(path, {**evil, "outcome": "paid"}).status_code == 400


def test_sandbox_is_off_with_another_provider(settings, commune, birth, citizen):
    settings.MOTCUA = {**settings.MOTCUA, "PAYMENT_PROVIDER": "tests.SomeGateway"}
    assert login(citizen).get("/thanh-toan/sandbox/SB123/").status_code == 404


def test_online_payment_off_hides_the_button_and_refuses(settings, commune, birth, citizen):
    settings.MOTCUA = {**settings.MOTCUA, "PAYMENT_PROVIDER": ""}  # the production default
    d = submitted(commune, birth, citizen)
    page = login(citizen).get(f"/cong-dan/ho-so/{d.pk}/").content.decode()
    assert f"/thanh-toan/ho-so/{d.pk}/" not in page
    with pytest.raises(DomainError):
        services.payment_start(user=citizen, dossier=d)
    assert login(citizen).get("/thanh-toan/sandbox/SB123/").status_code == 404
