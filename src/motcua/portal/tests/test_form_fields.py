"""`portal/_fields.html`, the include that renders the portal's Django forms: a hidden field is
only a hidden input (no label, no help text) whose errors, if any, show as a page-level message;
every visible field has its label tied to its input. Checked on each page using the include:
PAKN form and look-up, record look-up, sign-in, sign-up (both steps), withdrawal and the
signature check."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback
from motcua.portal.tests.conftest import login, submitted
from motcua.portal.views import SIGNUP_SESSION_KEY

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The labels (by `for`, with their text), the inputs and the error paragraphs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.label_texts: list[str] = []
        self.controls: dict[str, dict[str, str]] = {}  # name -> attributes
        self.alerts: list[str] = []
        self._label: str | None = None
        self._text: list[str] = []
        self._alert = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._label, self._text = a.get("for", ""), []
        elif tag in ("input", "select", "textarea") and a.get("name"):
            self.controls[a["name"]] = {"tag": tag, **a}
        elif tag == "p" and "error" in a.get("class", "").split() and a.get("role") == "alert":
            self._alert, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "label" and self._label is not None:
            self.labels[self._label] = text
            self.label_texts.append(text)
            self._label = None
        elif tag == "p" and self._alert:
            self.alerts.append(text)
            self._alert = False

    def handle_data(self, data: str) -> None:
        if self._label is not None or self._alert:
            self._text.append(data)


def parse(html: str) -> _Form:
    page = _Form()
    page.feed(html)
    return page


def assert_labelled(page: _Form, names: list[str]) -> None:
    """Each field has an input with an id and a non-empty label pointing at it."""
    for name in names:
        control = page.controls[name]
        assert control.get("type") != "hidden", name
        if control.get("type") == "checkbox":  # the label wraps the checkbox
            continue
        assert page.labels.get(control["id"]), f"no label for {name}"


# ---------------------------------------------------------------------------------------------
# The PAKN form: its hidden key
# ---------------------------------------------------------------------------------------------


def test_feedback_form_hidden_key_is_an_input_without_label(commune):
    html = Client().get(reverse("feedback:submit")).content.decode()
    page = parse(html)
    key = page.controls["idempotency_key"]
    assert key["type"] == "hidden" and re.fullmatch(r"[0-9a-f]{32}", key["value"])
    assert "Idempotency key" not in html and "Idempotency" not in html
    assert "Mã chống gửi trùng" not in html  # its label is not shown either
    assert "id_idempotency_key" not in page.labels
    # the hidden input is not wrapped in a field paragraph (an empty row above the button)
    assert not re.search(r'<p class="f[^"]*">\s*<input type="hidden"', html)
    assert_labelled(page, ["unit", "kind", "procedure_code", "subject", "content", "sender_name"])
    assert page.labels["id_subject"] == "Tiêu đề"


def test_feedback_form_key_has_a_vietnamese_label():
    with translation.override("vi"):
        assert str(FeedbackForm().fields["idempotency_key"].label) == "Mã chống gửi trùng"


def test_feedback_hidden_key_error_is_shown_as_a_page_message(commune):
    data = {
        "unit": commune.unit.pk,
        "kind": "kien_nghi",
        "subject": "Đề nghị niêm yết phí",
        "content": "Đề nghị niêm yết mức lệ phí chứng thực tại quầy.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912345678",
        "idempotency_key": "k" * 65,  # longer than the field allows
    }
    with translation.override("vi"):
        expected = FeedbackForm(data).errors["idempotency_key"][0]
    response = Client().post(reverse("feedback:submit"), data)
    assert response.status_code == 200 and not Feedback.objects.exists()
    page = parse(response.content.decode())
    assert expected in page.alerts
    assert page.controls["idempotency_key"]["type"] == "hidden"
    assert page.controls["subject"]["value"] == "Đề nghị niêm yết phí"  # nothing typed is lost


def test_feedback_form_still_submits(commune):
    client = Client()
    html = client.get(reverse("feedback:submit")).content.decode()
    key = parse(html).controls["idempotency_key"]["value"]
    data = {
        "unit": commune.unit.pk,
        "kind": "kien_nghi",
        "subject": "Đề nghị niêm yết phí",
        "content": "Đề nghị niêm yết mức lệ phí chứng thực tại quầy.",
        "sender_name": "Lê Văn Cường",
        "sender_phone": "0912345678",
        "idempotency_key": key,
    }
    assert client.post(reverse("feedback:submit"), data).status_code == 200
    assert client.post(reverse("feedback:submit"), data).status_code == 200  # double tap
    assert Feedback.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The other forms rendered by the include
# ---------------------------------------------------------------------------------------------


def test_feedback_lookup_form(db):
    page = parse(Client().get(reverse("feedback:lookup")).content.decode())
    assert_labelled(page, ["ma", "secret"])
    assert page.labels["id_ma"] == "Mã phản ánh"


def test_record_lookup_form_and_its_error(db):
    client = Client()
    page = parse(client.get("/tra-cuu/?ma=HS-1").content.decode())
    assert_labelled(page, ["ma", "secret"])
    assert page.controls["ma"]["value"] == "HS-1"
    response = client.post("/tra-cuu/", {"ma": "HS-1", "secret": "SAI"})
    page = parse(response.content.decode())
    assert any("không đúng" in a for a in page.alerts)
    assert page.controls["ma"]["value"] == "HS-1"


def test_login_form(citizen):
    client = Client()
    page = parse(client.get(reverse("portal:login")).content.decode())
    assert_labelled(page, ["username", "password"])
    assert page.controls["password"]["type"] == "password"
    assert page.labels["id_username"] == "Số điện thoại hoặc thư điện tử"
    # the view's own hidden "next" is still there, with no label
    assert page.controls["next"]["type"] == "hidden" and "next" not in page.labels


def test_signup_forms(db):
    client = Client()
    page = parse(client.get(reverse("portal:signup")).content.decode())
    assert_labelled(page, ["contact"])
    session = client.session
    session[SIGNUP_SESSION_KEY] = {"token": "x", "destination": "0912345678", "channel": "sms"}
    session.save()
    page = parse(client.get(reverse("portal:signup_confirm")).content.decode())
    assert_labelled(page, ["code", "full_name", "password1", "password2"])
    assert page.labels["id_password2"] == "Nhập lại mật khẩu"


def test_withdraw_form_on_my_dossier(commune, birth, citizen):
    dossier = submitted(commune, birth, citizen)
    html = login(citizen).get(reverse("portal:my_dossier", args=[dossier.pk])).content.decode()
    page = parse(html)
    assert_labelled(page, ["reason", "confirm"])
    assert page.controls["confirm"]["type"] == "checkbox"
    assert "Tôi xác nhận rút hồ sơ này" in " ".join(page.label_texts)
    assert page.controls["version"]["type"] == "hidden"


def test_signature_check_form(db):
    client = Client()
    page = parse(client.get(reverse("signing:verify")).content.decode())
    assert_labelled(page, ["pdf"])
    assert page.controls["pdf"]["type"] == "file"
    assert page.labels["id_pdf"].startswith("Tệp PDF cần xác thực")
