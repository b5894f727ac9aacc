"""The procedure's e-form (tờ khai, `ProcedureVersion.eform_schema`) typed at the counter while
the dossier is received (NĐ61 art. 16–17): optional, checked like the dossier page's tờ khai
(`dossiers.services.form_data_clean`), stored in `Dossier.data`, recorded in the history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import ProcedureVersionFactory

from motcua.backoffice.tests.helpers import VALID_ID, client_for, intake_data
from motcua.dossiers import services
from motcua.dossiers.constants import State
from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db

INTAKE = "/tiep-nhan/moi/"

SCHEMA: dict[str, Any] = {
    "title": "Tờ khai thử nghiệm",
    "type": "object",
    "required": ["ho_ten", "ngay_sinh"],
    "x-order": ["ho_ten", "ngay_sinh", "so_dinh_danh", "gioi_tinh", "so_con", "quoc_tich"],
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ, chữ đệm, tên", "maxLength": 30},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "so_dinh_danh": {
            "type": "string",
            "title": "Số định danh cá nhân",
            "pattern": "^[0-9]{12}$",
            "description": "12 chữ số",
        },
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["Nam", "Nữ"]},
        "so_con": {"type": "integer", "title": "Số con", "minimum": 0, "maximum": 20},
        "quoc_tich": {"type": "string", "title": "Quốc tịch", "default": "Việt Nam"},
        "dong_y": {"type": "boolean", "title": "Nhận kết quả qua bưu chính"},
    },
}

#: As the officer types them from the paper form …
TYPED = {
    "ho_ten": "Nguyễn Gia An",
    "ngay_sinh": "05/09/1990",
    "so_dinh_danh": VALID_ID,
    "gioi_tinh": "Nữ",
    "so_con": "2",
    "dong_y": "on",
}
#: … and as the dossier keeps them (dates ISO, integers and booleans typed; empty left out).
STORED = {
    "ho_ten": "Nguyễn Gia An",
    "ngay_sinh": "1990-09-05",
    "so_dinh_danh": VALID_ID,
    "gioi_tinh": "Nữ",
    "so_con": 2,
    "dong_y": True,
}
#: What the browser sends for the section left untouched: every text input, empty; no checkbox.
UNTOUCHED = {f"f_{name}": "" for name in SCHEMA["properties"] if name != "dong_y"}


def posted(values: dict[str, str]) -> dict[str, str]:
    return UNTOUCHED | {f"f_{name}": value for name, value in values.items()}


@pytest.fixture
def eworld(world: dict[str, Any]) -> dict[str, Any]:
    """The back-office world with a procedure whose version has an e-form."""
    version = ProcedureVersionFactory(
        procedure__name="Đăng ký khai sinh có tờ khai", eform_schema=SCHEMA
    )
    return {**world, "version": version, "procedure": version.procedure}


def _bad_fields(page: str) -> dict[str, str]:
    """E-form field → the text of its paragraph, for each field shown with an error."""
    blocks = re.findall(r'<p class="f bad">(.*?)</p>', page, re.S)
    return {name: block for block in blocks for name in re.findall(r'name="f_(\w+)"', block)}


@pytest.mark.parametrize(
    ("decision", "note", "state"),
    [
        ("receive", "", State.RECEIVED),
        ("supplement", "Thiếu giấy tờ tùy thân", State.INTAKE_SUPPLEMENT),
        ("refuse", "Không thuộc thẩm quyền của xã", State.INTAKE_REFUSED),
    ],
    ids=["mau01-receive", "mau02-supplement", "mau03-refuse"],
)
def test_typed_eform_is_stored_with_the_dossier_and_its_submit_event(
    eworld: dict[str, Any], decision: str, note: str, state: str
) -> None:
    receiver = client_for(eworld["receiver"])
    response = receiver.post(
        INTAKE, intake_data(eworld, decision=decision, note=note) | posted(TYPED)
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == state
    assert dossier.data == STORED
    submit = dossier.events.get(action="submit")
    assert submit.payload["form_fields"] == sorted(STORED)  # the names, never the values
    assert VALID_ID not in str(submit.payload)
    assert verify_events() == []

    page = receiver.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Tờ khai nhập khi tiếp nhận: 6 thông tin." in page  # the history says so
    assert "Nguyễn Gia An" in page and "05/09/1990" in page
    assert "••••••••4567" in page and VALID_ID not in page  # eform_sensitive: masked


@pytest.mark.parametrize(
    ("typed", "data"),
    [
        ({}, {}),
        ({"so_con": "0"}, {"so_con": 0, "dong_y": False}),
        (
            {"ho_ten": "  Nguyễn Gia An  ", "quoc_tich": "Lào"},
            {"ho_ten": "Nguyễn Gia An", "quoc_tich": "Lào", "dong_y": False},
        ),
    ],
    ids=["untouched-as-before", "required-left-empty", "stripped"],
)
def test_the_eform_is_optional_at_the_counter(
    eworld: dict[str, Any], typed: dict[str, str], data: dict[str, Any]
) -> None:
    """Nothing typed: the dossier is received as before (no data, the same submit payload);
    required fields may stay empty — the dossier page lists what the result lacks."""
    response = client_for(eworld["receiver"]).post(INTAKE, intake_data(eworld) | posted(typed))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == State.RECEIVED and dossier.data == data
    payload = dossier.events.get(action="submit").payload
    if data:
        assert payload["form_fields"] == sorted(data)
    else:
        assert set(payload) == {"channel", "version", "missing"}


@pytest.mark.parametrize(
    ("decision", "bad", "messages"),
    [
        (
            "receive",
            {"ngay_sinh": "31/02/1990"},
            {"ngay_sinh": "“Ngày sinh” phải là một ngày hợp lệ, dạng ngày/tháng/năm"},
        ),
        ("receive", {"so_con": "hai"}, {"so_con": "“Số con” phải là số nguyên"}),
        ("receive", {"so_con": "21"}, {"so_con": "“Số con” không được lớn hơn 20."}),
        (
            "receive",
            {"so_dinh_danh": "12345"},
            {"so_dinh_danh": "“Số định danh cá nhân” không đúng định dạng: 12 chữ số"},
        ),
        (
            "supplement",
            {"gioi_tinh": "Khác", "ho_ten": "Nguyễn Gia An" * 3},
            {
                "gioi_tinh": "Vui lòng chọn một giá trị có trong danh sách cho “Giới tính”.",
                "ho_ten": "“Họ, chữ đệm, tên” chỉ được dài tối đa 30 ký tự.",
            },
        ),
    ],
    ids=["date", "integer", "maximum", "pattern", "enum-and-length-at-supplement"],
)
def test_bad_eform_refuses_the_intake_writes_nothing_and_keeps_what_was_typed(
    eworld: dict[str, Any], decision: str, bad: dict[str, str], messages: dict[str, str]
) -> None:
    receiver = client_for(eworld["receiver"])
    components = [c.pk for c in eworld["version"].components.order_by("order")]
    note = "Thiếu bản sao giấy khai sinh" if decision == "supplement" else ""
    form = intake_data(eworld, decision=decision, note=note, applicant_phone="0987654321")
    response = receiver.post(INTAKE, form | posted(TYPED | bad))
    assert response.status_code == 400
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    page = response.content.decode()
    assert f"Hồ sơ chưa được ghi nhận: tờ khai có {len(messages)} thông tin chưa hợp lệ" in page
    shown = _bad_fields(page)
    assert set(shown) == set(messages)  # one message per bad field, beside it
    for name, message in messages.items():
        assert message in shown[name]
    # everything typed comes back: the applicant, the checklist, the e-form (opened)
    assert 'value="Trần Thị Bình"' in page and 'value="0987654321"' in page
    for pk in components:
        assert f'id="comp-{pk}" checked' in page
    assert "<details open>" in page
    for name, value in (TYPED | bad).items():
        if name not in ("gioi_tinh", "dong_y"):
            assert f'name="f_{name}" value="{value}"' in page, name
    assert 'name="f_dong_y" checked' in page

    # Put right, the same form receives, and the refusal took no dossier number (gap-free).
    response = receiver.post(INTAKE, form | {"decision": "receive", "note": ""} | posted(TYPED))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.data == STORED and dossier.code and dossier.code.endswith("-0001")


def test_a_bad_form_keeps_the_typed_eform_too(eworld: dict[str, Any]) -> None:
    """The intake form's own errors (no applicant name) re-render the e-form as typed."""
    response = client_for(eworld["receiver"]).post(
        INTAKE, intake_data(eworld, applicant_name="") | posted({"so_con": "3"})
    )
    assert response.status_code == 400 and not Dossier.objects.exists()
    page = response.content.decode()
    assert "Vui lòng nhập thông tin này." in page
    assert 'name="f_so_con" value="3"' in page and "<details open>" in page


@pytest.mark.parametrize(
    ("schema", "shown"), [(SCHEMA, True), ({}, False)], ids=["with-eform", "without-eform"]
)
def test_the_eform_section_follows_the_chosen_procedure(
    world: dict[str, Any], schema: dict[str, Any], shown: bool
) -> None:
    version = ProcedureVersionFactory(eform_schema=schema)
    receiver = client_for(world["receiver"])
    first = receiver.get(INTAKE).content.decode()
    assert '<div id="intake-eform"></div>' in first  # no procedure chosen yet: an empty slot

    parts = receiver.get(
        "/tiep-nhan/thanh-phan/", {"procedure": version.procedure.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Tờ khai theo mẫu" in parts  # the checklist …
    assert '<div id="intake-eform" hx-swap-oob="true">' in parts  # … and the section, by htmx
    assert ("4. Tờ khai (không bắt buộc)" in parts) is shown
    assert ('name="f_ho_ten"' in parts) is shown
    assert ("<details>" in parts) is shown  # collapsed at first
    assert 'value="Việt Nam"' not in parts  # a default is never typed in for the officer

    again = receiver.post(
        INTAKE,
        intake_data({**world, "version": version, "procedure": version.procedure}, copies="0"),
    )
    assert again.status_code == 400
    assert ('name="f_ho_ten"' in again.content.decode()) is shown


def test_the_counter_pays_nothing_for_an_untouched_eform(eworld: dict[str, Any]) -> None:
    """`dossier_receive_at_counter`, the bench path: no e-form, an untouched one and a typed
    one cost the same queries (the check is pure; the schema comes with the version)."""

    def receive(form_values: dict[str, str] | None) -> tuple[Dossier, int]:
        with CaptureQueriesContext(connection) as queries:
            dossier = services.dossier_receive_at_counter(
                user=eworld["receiver"],
                unit=eworld["commune"],
                procedure=eworld["procedure"],
                applicant_name="Trần Thị Bình",
                provided_component_ids=[c.pk for c in eworld["version"].components.all()],
                form_values=form_values,
                at=MONDAY,
            )
        return dossier, len(queries)

    receive(None)  # the day's and the year's counters exist from now on
    plain, plain_count = receive(None)
    untouched, untouched_count = receive(dict.fromkeys(SCHEMA["properties"], ""))
    typed, typed_count = receive(TYPED)
    assert plain_count == untouched_count == typed_count
    assert plain.data == untouched.data == {} and typed.data == STORED
    outside, _ = receive({"khong_co_trong_to_khai": "x"})  # no field of the e-form: nothing
    assert outside.data == {} and "form_fields" not in outside.events.get(seq=1).payload
    with pytest.raises(services.FormDataInvalid) as info:
        receive({"ngay_sinh": "hôm qua", "so_con": "-1"})
    assert set(info.value.errors) == {"ngay_sinh", "so_con"}
    assert Dossier.objects.count() == 5 and verify_events() == []


def test_create_at_counter_checks_the_eform_against_the_version_in_force(
    eworld: dict[str, Any],
) -> None:
    """The service checks the typed values itself (not only the page), before writing."""
    fields = {
        "user": eworld["receiver"],
        "unit": eworld["commune"],
        "procedure": eworld["procedure"],
        "applicant_name": "Trần Thị Bình",
        "provided_component_ids": [],
        "at": MONDAY,
    }
    with pytest.raises(services.FormDataInvalid) as info:
        services.dossier_create_at_counter(**fields, form_values={"so_dinh_danh": "0012"})
    assert info.value.errors == {
        "so_dinh_danh": "“Số định danh cá nhân” không đúng định dạng: 12 chữ số"
    }
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    dossier = services.dossier_create_at_counter(
        **fields, data={"ghi_chu_nhap": "x"}, form_values={"so_con": "1", "khac": "bỏ qua"}
    )
    assert dossier.data == {"ghi_chu_nhap": "x", "so_con": 1, "dong_y": False}
    assert dossier.events.get().payload["form_fields"] == ["dong_y", "so_con"]
