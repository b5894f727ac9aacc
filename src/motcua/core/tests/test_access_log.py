"""Personal-data access log (nhật ký xử lý dữ liệu cá nhân) — NĐ 13/2023/NĐ-CP art. 38;
masking of identity numbers — DOMAIN.md §10.1."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.core.models import AccessLog, AccessLogAction, AppendOnlyError
from motcua.core.privacy import mask_id_number
from motcua.core.services import access_log_record
from motcua.dossiers import services
from motcua.organisation.constants import Role

ID_NUMBER = "001090012345"
RECEIVED = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 09:00 in Viet Nam


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    unit = UnitFactory(name="Xã Nhật Ký")
    receiver = UserFactory(username="nk_receiver")
    MembershipFactory(user=receiver, unit=unit, role=Role.RECEIVER)
    version = ProcedureVersionFactory()
    draft = services.dossier_create_at_counter(
        user=receiver,
        unit=unit,
        procedure=version.procedure,
        applicant_name="Đỗ Văn Riêng",
        applicant_id_number=ID_NUMBER,
        provided_component_ids=[c.pk for c in version.components.all()],
        at=RECEIVED,
    )
    dossier = services.dossier_receive(dossier=draft, user=receiver, at=RECEIVED)
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(receiver)
    return {"unit": unit, "receiver": receiver, "dossier": dossier, "client": client}


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("001090012345", "••••••••2345"),  # 12-digit CCCD / personal identification number
        ("123456789", "•••••6789"),  # old 9-digit CMND (DOMAIN.md §10.2)
        ("1234", "1234"),
        ("", ""),
    ],
    ids=["cccd-12", "cmnd-9", "short", "empty"],
)
def test_nd13_mask_id_number_keeps_last_four_digits(value, masked):
    assert mask_id_number(value) == masked


def test_backoffice_presenter_uses_the_core_implementation():
    from motcua.backoffice import presenters

    assert presenters.mask_id_number is mask_id_number


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("/ho-so/{pk}/", AccessLogAction.VIEW_DOSSIER),
        ("/ho-so/{pk}/in/giay-tiep-nhan/", AccessLogAction.PRINT_FORM),
    ],
    ids=["nd13-art38-view-dossier", "nd13-art38-print-mau01"],
)
def test_nd13_art38_each_read_of_a_dossier_is_logged(world, page, action):
    dossier = world["dossier"]
    response = world["client"].get(page.format(pk=dossier.pk))
    assert response.status_code == 200
    row = AccessLog.objects.get(action=action)
    assert row.user == world["receiver"] and row.unit == world["unit"]
    assert row.dossier_id == dossier.pk and row.dossier_code == dossier.code
    assert row.subject == "••••••••2345" and ID_NUMBER not in row.subject
    assert row.ip == "10.1.2.3"
    if action == AccessLogAction.PRINT_FORM:
        assert "Mẫu 01" in row.purpose


def test_nd13_art38_revealing_the_full_id_number_is_logged(world):
    dossier = world["dossier"]
    response = world["client"].post(f"/ho-so/{dossier.pk}/dinh-danh/")
    assert ID_NUMBER in response.content.decode()
    row = AccessLog.objects.get(action=AccessLogAction.REVEAL_ID)
    assert row.get_action_display() == "xem đầy đủ số định danh"
    assert row.dossier_id == dossier.pk


def test_nd13_art38_ledger_page_is_logged(world):
    response = world["client"].get(f"/so-theo-doi/{world['unit'].pk}/2025/")
    assert response.status_code == 200
    row = AccessLog.objects.get(action=AccessLogAction.VIEW_LEDGER)
    assert row.unit == world["unit"] and "2025" in row.subject


def test_refused_reads_are_not_logged_as_reads(world):
    outsider = UserFactory(username="nk_outsider")
    MembershipFactory(user=outsider, unit=UnitFactory(), role=Role.RECEIVER)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/ho-so/{world['dossier'].pk}/").status_code == 404
    # Recorded as a refusal (test_access_denied.py), never as a read of the data.
    assert not AccessLog.objects.filter(user=outsider, outcome="granted").exists()
    assert AccessLog.objects.get(user=outsider).outcome == "denied"


def test_access_log_is_append_only_in_python(world):
    row = access_log_record(user=world["receiver"], action=AccessLogAction.VIEW_DOSSIER)
    row.purpose = "sửa"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


@pytest.mark.parametrize(
    "sql", ["UPDATE core_accesslog SET purpose = 'x'", "DELETE FROM core_accesslog"]
)
def test_access_log_is_append_only_in_the_database(world, sql):
    access_log_record(user=world["receiver"], action=AccessLogAction.VIEW_DOSSIER)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AccessLog.objects.count() == 1


def test_export_for_an_inspection_masks_ids_and_filters_by_date_and_unit(world, tmp_path: Path):
    other = UnitFactory(code="KHAC01")
    access_log_record(
        user=world["receiver"],
        action=AccessLogAction.VIEW_DOSSIER,
        dossier=world["dossier"],
        id_number=ID_NUMBER,
        purpose=f"tra cứu {ID_NUMBER}",  # free text with a full number is masked on export
        at=RECEIVED,
    )
    access_log_record(user=world["receiver"], action="view_dossier", unit=other, at=RECEIVED)
    access_log_record(
        user=world["receiver"],
        action="view_dossier",
        unit=world["unit"],
        at=RECEIVED + dt.timedelta(days=40),
    )
    out = tmp_path / "nhat-ky.csv"
    call_command(
        "access_log",
        "export",
        "--from",
        "10/03/2025",
        "--to",
        "2025-03-31",
        "--unit",
        world["unit"].code,
        "--out",
        str(out),
    )
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0][0] == "Thời điểm" and len(rows) == 2
    assert rows[1][0] == "10/03/2025 09:00:00"  # shown in Asia/Ho_Chi_Minh
    assert rows[1][4] == world["dossier"].code and rows[1][5] == "••••••••2345"
    assert ID_NUMBER not in text and "••••••••2345" in rows[1][7]
    assert AccessLog.objects.filter(action=AccessLogAction.EXPORT).count() == 1


def test_export_rejects_a_reversed_period(tmp_path: Path):
    with pytest.raises(CommandError):
        call_command(
            "access_log",
            "export",
            "--from",
            "31/03/2025",
            "--to",
            "01/03/2025",
            "--out",
            str(tmp_path / "x.csv"),
        )


def test_admin_list_is_read_only_for_superusers(world):
    access_log_record(
        user=world["receiver"], action=AccessLogAction.VIEW_DOSSIER, unit=world["unit"]
    )
    admin = UserFactory(username="nk_admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    page = client.get(f"/quan-tri/core/accesslog/?unit__id__exact={world['unit'].pk}")
    assert page.status_code == 200 and "nk_receiver" in page.content.decode()
    row = AccessLog.objects.get()
    assert client.get(f"/quan-tri/core/accesslog/{row.pk}/delete/").status_code == 403
    assert client.get("/quan-tri/core/accesslog/add/").status_code == 403


def test_nd13_art38_queue_list_with_names_is_logged(world):
    # Received in 03/2025, no result yet: the dossier is in the "overdue" queue of its unit.
    response = world["client"].get(f"/hang-doi/overdue/?don_vi={world['unit'].pk}")
    assert response.status_code == 200 and "Đỗ Văn Riêng" in response.content.decode()
    row = AccessLog.objects.get(action=AccessLogAction.VIEW_LIST)
    assert row.unit == world["unit"] and row.subject == "hàng đợi overdue: 1 hồ sơ"


def test_an_empty_queue_is_not_logged(world):
    assert world["client"].get("/hang-doi/waiting_supplement/").status_code == 200
    assert not AccessLog.objects.filter(action=AccessLogAction.VIEW_LIST).exists()
