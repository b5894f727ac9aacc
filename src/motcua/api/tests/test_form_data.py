"""`GET` / `PATCH /dossiers/{code}/form-data`: the dossier's e-form data (tờ khai, `Dossier.data`)
through `dossiers.services.dossier_form_data_update` — fields and values, partial updates with
`expected_version`, per-field problems, refusals, other communes, the access log."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import MembershipFactory

from motcua.api.problems import PROBLEM_CONTENT_TYPE
from motcua.catalogue.models import ProcedureVersion
from motcua.core.models import AccessLog, AccessLogAction, AccessOutcome
from motcua.documents import samples
from motcua.documents.models import RESULT_KIND, GeneratedDocument
from motcua.documents.services import result_template_create
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import Role

from .conftest import ApiClient, Commune, received_dossier

Token = Callable[..., str]

ID_NUMBER = "001190012345"
#: The e-form of 1.004873 (Giấy xác nhận tình trạng hôn nhân), as in the starter catalogue,
#: with one optional boolean and one bounded integer to cover the other types.
SCHEMA: dict[str, Any] = {
    "title": "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
    "type": "object",
    "properties": {
        "ho_ten": {"title": "Họ, chữ đệm, tên người được xác nhận", "type": "string"},
        "muc_dich_su_dung": {"title": "Mục đích sử dụng Giấy xác nhận", "type": "string"},
        "ngay_sinh": {"format": "date", "title": "Ngày, tháng, năm sinh", "type": "string"},
        "noi_cu_tru": {"title": "Nơi cư trú", "type": "string"},
        "so_dinh_danh": {
            "pattern": "^[0-9]{12}$",
            "title": "Số định danh cá nhân",
            "type": "string",
        },
        "tinh_trang_hon_nhan": {
            "enum": ["Chưa kết hôn", "Đã ly hôn", "Vợ/chồng đã chết", "Đang có vợ/chồng"],
            "title": "Tình trạng hôn nhân",
            "type": "string",
        },
        "so_ban": {"title": "Số bản", "type": "integer", "minimum": 1, "maximum": 10},
        "nhan_qua_buu_dien": {"title": "Nhận qua bưu điện", "type": "boolean"},
    },
    "required": [
        "ho_ten",
        "ngay_sinh",
        "so_dinh_danh",
        "noi_cu_tru",
        "tinh_trang_hon_nhan",
        "muc_dich_su_dung",
    ],
    "x-order": [
        "ho_ten",
        "ngay_sinh",
        "so_dinh_danh",
        "noi_cu_tru",
        "tinh_trang_hon_nhan",
        "muc_dich_su_dung",
    ],
}
ORDER = [*SCHEMA["x-order"], "so_ban", "nhan_qua_buu_dien"]


@pytest.fixture
def eform_version(version: ProcedureVersion) -> ProcedureVersion:
    version.eform_schema = SCHEMA
    version.save(update_fields=["eform_schema"])
    return version


@pytest.fixture
def dossier(commune: Commune, eform_version: ProcedureVersion) -> Dossier:
    return received_dossier(commune, eform_version)


def _path(d: Dossier) -> str:
    return f"/dossiers/{d.code}/form-data"


def _patch(api: ApiClient, d: Dossier, token: str, values: Any, version: int | None = None):
    body = {"expected_version": d.version if version is None else version, "values": values}
    return api.client.patch(
        f"/api/v1{_path(d)}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_read_lists_the_fields_in_order_with_the_values_and_logs_the_read(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    Dossier.objects.filter(pk=dossier.pk).update(
        data={"ho_ten": "Trần Thị Bình", "so_dinh_danh": ID_NUMBER, "so_ban": 2}
    )
    response = api.get(_path(dossier), token=make_token(commune.receiver))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["code"] == dossier.code and body["version"] == dossier.version
    assert body["title"] == SCHEMA["title"]
    assert [f["name"] for f in body["fields"]] == ORDER
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["ho_ten"]["label"] == "Họ, chữ đệm, tên người được xác nhận"
    assert fields["ho_ten"]["required"] and not fields["so_ban"]["required"]
    assert fields["ngay_sinh"]["format"] == "date" and fields["ho_ten"]["format"] is None
    assert fields["tinh_trang_hon_nhan"]["enum"][0] == "Chưa kết hôn"
    assert fields["ho_ten"]["enum"] is None
    assert (fields["so_ban"]["type"], fields["so_ban"]["minimum"]) == ("integer", 1)
    assert fields["nhan_qua_buu_dien"]["type"] == "boolean"
    assert fields["so_dinh_danh"]["sensitive"] and not fields["ho_ten"]["sensitive"]
    # The identity number is masked, as on the dossier page (DOMAIN §10.1).
    assert body["values"] == {
        "ho_ten": "Trần Thị Bình",
        "so_dinh_danh": "••••••••2345",
        "so_ban": 2,
    }
    assert ID_NUMBER not in response.content.decode()
    assert body["editable"] is True and body["not_editable_reason"] is None
    assert body["result"] is None  # the version has no result template
    # NĐ 13/2023 art. 38: logged like GET /dossiers/{code}.
    log = AccessLog.objects.get()
    assert (log.action, log.dossier_code, log.outcome) == (
        AccessLogAction.VIEW_DOSSIER,
        dossier.code,
        AccessOutcome.GRANTED,
    )
    assert log.purpose.startswith(f"API GET /api/v1/dossiers/{dossier.code}/form-data")
    assert "khóa API mc_" in log.purpose


@pytest.mark.django_db
def test_read_says_what_the_result_template_still_lacks(
    api: ApiClient,
    commune: Commune,
    dossier: Dossier,
    eform_version: ProcedureVersion,
    make_token: Token,
    settings: Any,
    tmp_path: Path,
):
    settings.MEDIA_ROOT = str(tmp_path)
    sample = next(s for s in samples.SAMPLES if s.procedure_code == "1.004873")
    result_template_create(
        procedure_version=eform_version,
        name=sample.name,
        content=samples.sample_path(sample).read_bytes(),
        user=None,
    )
    token = make_token(commune.leader)
    before = api.get(_path(dossier), token=token).json()["result"]
    assert before["template"] == sample.name
    assert any("(ho_ten)" in label for label in before["missing"])
    response = _patch(api, dossier, token, {"ho_ten": "Trần Thị Bình"})
    after = response.json()["result"]
    assert not any("(ho_ten)" in label for label in after["missing"])
    assert len(after["missing"]) == len(before["missing"]) - 1


@pytest.mark.django_db
def test_read_without_an_eform_is_empty(
    api: ApiClient, commune: Commune, version: ProcedureVersion, make_token: Token
):
    d = received_dossier(commune, version)
    body = api.get(_path(d), token=make_token(commune.specialist)).json()
    assert (body["fields"], body["values"]) == ([], {})


# --- Updating ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_update_stores_the_data_and_appends_one_event(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.receiver)
    values = {
        "ho_ten": "Trần Thị Bình",
        "ngay_sinh": "15/01/1990",
        "so_dinh_danh": ID_NUMBER,
        "tinh_trang_hon_nhan": "Chưa kết hôn",
        "so_ban": 2,
        "nhan_qua_buu_dien": True,
    }
    response = _patch(api, dossier, token, values)
    assert response.status_code == 200, response.json()
    stored = {**values, "ngay_sinh": "1990-01-15"}  # dates stored ISO, as the portal's
    dossier.refresh_from_db()
    assert dossier.data == stored
    event = dossier.events.order_by("-seq").first()
    assert event is not None and event.action == "form_data_updated"
    assert event.payload == {"fields": sorted(values)}  # the names, never the values
    assert event.actor == commune.receiver and not event.visible_to_applicant
    body = response.json()
    assert body["version"] == dossier.version
    assert body["values"] == {**stored, "so_dinh_danh": "••••••••2345"}
    # The answer shows the data: logged as a read.
    assert AccessLog.objects.filter(action=AccessLogAction.VIEW_DOSSIER).count() == 1


@pytest.mark.django_db
def test_an_update_changes_only_the_fields_sent(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.specialist)
    first = _patch(api, dossier, token, {"ho_ten": "Trần Thị Bình", "so_dinh_danh": ID_NUMBER})
    read = first.json()
    dossier.refresh_from_db()
    # The service stores an unticked checkbox as false, as the back office's form does.
    on_record = {"ho_ten": "Trần Thị Bình", "so_dinh_danh": ID_NUMBER, "nhan_qua_buu_dien": False}
    assert dossier.data == on_record
    # The values read sent back as they are (the masked number included): nothing changes.
    same = _patch(api, dossier, token, read["values"], version=read["version"])
    assert same.status_code == 200, same.json()
    assert same.json()["version"] == read["version"]
    dossier.refresh_from_db()
    assert dossier.data == on_record
    # One field sent: the others stay; null clears a field.
    response = _patch(api, dossier, token, {"noi_cu_tru": "Thôn Đông", "ho_ten": None})
    assert response.status_code == 200, response.json()
    dossier.refresh_from_db()
    assert dossier.data == {
        "noi_cu_tru": "Thôn Đông",
        "so_dinh_danh": ID_NUMBER,
        "nhan_qua_buu_dien": False,
    }
    assert dossier.events.order_by("-seq").first().payload == {"fields": ["ho_ten", "noi_cu_tru"]}


@pytest.mark.django_db
def test_invalid_values_answer_each_fields_message_and_change_nothing(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.receiver)
    version, events = dossier.version, dossier.events.count()
    response = _patch(
        api,
        dossier,
        token,
        {
            "ho_ten": "Trần Thị Bình",
            "so_dinh_danh": "12345",
            "ngay_sinh": "31/02/1990",
            "tinh_trang_hon_nhan": "Không rõ",
            "so_ban": 99,
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["detail"] == "Tờ khai chưa lưu: 4 thông tin chưa hợp lệ."
    errors = {e["name"]: e for e in body["errors"]}
    assert list(errors) == [
        "values.ngay_sinh",
        "values.so_dinh_danh",
        "values.tinh_trang_hon_nhan",
        "values.so_ban",
    ]  # the form's order
    assert all(e["in"] == "body" and e["detail"] for e in body["errors"])
    assert "ngày/tháng/năm" in errors["values.ngay_sinh"]["detail"]
    assert "Số định danh cá nhân" in errors["values.so_dinh_danh"]["detail"]
    assert "10" in errors["values.so_ban"]["detail"]
    dossier.refresh_from_db()
    assert (dossier.version, dossier.data, dossier.events.count()) == (version, {}, events)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "name", "detail"),
    [
        ({"khong_co": "x"}, "values.khong_co", "Tờ khai không có trường: khong_co."),
        ({"ho_ten": True}, "values.ho_ten", "Phải là chuỗi ký tự."),
        ({"so_ban": False}, "values.so_ban", "Phải là số nguyên."),
    ],
)
def test_unknown_fields_and_booleans_for_other_fields_are_422(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token, values, name, detail
):
    response = _patch(api, dossier, make_token(commune.leader), values)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"in": "body", "name": name, "detail": detail}]
    dossier.refresh_from_db()
    assert dossier.data == {}


@pytest.mark.django_db
def test_a_malformed_body_is_400(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.leader)
    response = _patch(api, dossier, token, ["ho_ten"])
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "values"
    response = _patch(api, dossier, token, {"ho_ten": "a\x00b"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_stale_expected_version_is_409(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    response = _patch(
        api, dossier, make_token(commune.leader), {"ho_ten": "X"}, version=dossier.version - 1
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:motcua:problem:conflict"
    dossier.refresh_from_db()
    assert dossier.data == {}


# --- Refusals ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.UNIT_ADMIN])
def test_roles_without_the_right_read_but_are_refused_the_update(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token, role: str
):
    from tests.factories import UserFactory

    user = UserFactory()
    MembershipFactory(user=user, unit=commune.unit, role=role)
    token = make_token(user)
    read = api.get(_path(dossier), token=token).json()
    assert read["editable"] is False
    assert "Chỉ cán bộ của đơn vị" in read["not_editable_reason"]
    response = _patch(api, dossier, token, {"ho_ten": "X"})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:motcua:problem:forbidden"
    dossier.refresh_from_db()
    assert dossier.data == {}


@pytest.mark.django_db
def test_a_read_only_token_reads_and_is_refused_the_update(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.leader, ["dossiers:read"])
    read = api.get(_path(dossier), token=token).json()
    assert read["editable"] is False and "dossiers:write" in read["not_editable_reason"]
    response = _patch(api, dossier, token, {"ho_ten": "X"})
    assert response.status_code == 403
    assert "phạm vi" in response.json()["detail"]


@pytest.mark.django_db
def test_a_finished_dossier_or_an_issued_result_is_422(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token
):
    token = make_token(commune.leader)
    GeneratedDocument.objects.create(
        dossier=dossier,
        kind=RESULT_KIND,
        format="docx",
        file="ket-qua.docx",
        sha256="0" * 64,
        size=1,
        created_at=timezone.now(),
    )
    read = api.get(_path(dossier), token=token).json()
    assert read["editable"] is False and "Văn bản kết quả" in read["not_editable_reason"]
    response = _patch(api, dossier, token, {"ho_ten": "X"})
    assert response.status_code == 422
    assert "Văn bản kết quả đã được lập" in response.json()["detail"]
    assert "errors" not in response.json()

    d = services.dossier_assign(
        dossier=received_dossier(commune, dossier.procedure_version),
        user=commune.leader,
        assignee=commune.specialist,
    )
    d = services.dossier_step_complete(dossier=d, user=commune.specialist)
    d = services.dossier_approve(dossier=d, user=commune.leader)
    returned = services.dossier_return_result(
        dossier=d, user=commune.receiver, recipient_name="Trần Thị Bình"
    )
    response = _patch(api, returned, token, {"ho_ten": "X"})
    assert response.status_code == 422
    assert "đã kết thúc" in response.json()["detail"]


# --- Other communes ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_token_of_commune_a_neither_reads_nor_writes_commune_bs_form_data(
    api: ApiClient,
    commune: Commune,
    other_commune: Commune,
    eform_version: ProcedureVersion,
    make_token: Token,
):
    theirs = received_dossier(other_commune, eform_version)
    theirs = services.dossier_form_data_update(
        dossier=theirs, user=other_commune.receiver, values={"ho_ten": "Phạm Văn Bảo"}
    )
    data, version = theirs.data, theirs.version
    token = make_token(commune.leader)
    unknown = api.get("/dossiers/XKHONGCO-250310-9999/form-data", token=token)
    response = api.get(_path(theirs), token=token)
    assert response.status_code == unknown.status_code == 404
    assert "Phạm Văn Bảo" not in response.content.decode()
    response = _patch(api, theirs, token, {"ho_ten": "Đổi"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.data, theirs.version) == (data, version)
    assert theirs.data["ho_ten"] == "Phạm Văn Bảo"


@pytest.mark.django_db
def test_a_token_limited_to_one_unit_does_not_reach_the_users_other_unit(
    api: ApiClient,
    commune: Commune,
    other_commune: Commune,
    eform_version: ProcedureVersion,
    make_token: Token,
):
    """A receiver of two communes gives a partner system a token for commune A only."""
    MembershipFactory(user=commune.receiver, unit=other_commune.unit, role=Role.RECEIVER)
    mine = received_dossier(commune, eform_version)
    theirs = received_dossier(other_commune, eform_version)
    token = make_token(commune.receiver, units=[commune.unit])
    assert api.get(_path(mine), token=token).status_code == 200
    assert api.get(_path(theirs), token=token).status_code == 404
    assert _patch(api, theirs, token, {"ho_ten": "X"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.data == {}
    # The refusals are in the access log, as for the other dossier reads.
    denied = AccessLog.objects.filter(outcome=AccessOutcome.DENIED, dossier_code=theirs.code)
    assert denied.count() == 2


@pytest.mark.django_db
def test_a_staff_session_must_send_the_csrf_token_to_update(commune: Commune, dossier: Dossier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commune.receiver)
    assert client.get(f"/api/v1{_path(dossier)}").status_code == 200
    response = client.patch(
        f"/api/v1{_path(dossier)}",
        json.dumps({"expected_version": dossier.version, "values": {"ho_ten": "X"}}),
        content_type="application/json",
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.data == {}


# --- Whatever the values, a problem or the data, never a crash --------------------------------

value = st.one_of(
    st.text(max_size=30),
    st.integers(-(2**60), 2**60),
    st.booleans(),
    st.none(),
    st.sampled_from(["15/01/1990", "1990-01-15", ID_NUMBER, "••••••••2345", "Đã ly hôn"]),
)
names = st.one_of(st.sampled_from(ORDER), st.text(max_size=12))


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(names, value, max_size=5))
def test_any_values_answer_the_data_or_a_problem(
    api: ApiClient, commune: Commune, dossier: Dossier, make_token: Token, values: dict
):
    dossier.refresh_from_db()
    response = _patch(api, dossier, make_token(commune.receiver), values)
    assert response.status_code in {200, 400, 422}, response.content
    body = response.json()
    if response.status_code == 200:
        assert body["version"] >= dossier.version
    else:
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert body["status"] == response.status_code and body["detail"]
        if response.status_code == 422:
            assert body["errors"] and all(e["name"].startswith("values.") for e in body["errors"])
