"""Fixtures of the portal tests: a commune with staff, a procedure with an e-form, citizens."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.factories import (
    FieldFactory,
    MembershipFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)

from motcua.accounts.models import User, UserKind
from motcua.catalogue.constants import OnlineLevel
from motcua.catalogue.models import FeeRule, ProcedureVersion
from motcua.core.text import fold
from motcua.dossiers import services as dos
from motcua.dossiers.models import Dossier
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.portal.notify import LoggingSmsBackend

#: The birth-registration e-form of the starter catalogue (subset), with a few extra rules.
BIRTH_SCHEMA: dict[str, Any] = {
    "title": "Tờ khai đăng ký khai sinh",
    "type": "object",
    "properties": {
        "ho_ten_tre": {"title": "Họ, chữ đệm, tên của trẻ", "type": "string", "maxLength": 60},
        "ngay_sinh": {"title": "Ngày, tháng, năm sinh", "type": "string", "format": "date"},
        "gioi_tinh": {"title": "Giới tính", "type": "string", "enum": ["Nam", "Nữ"]},
        "so_con": {"title": "Con thứ mấy", "type": "integer", "minimum": 1},
        "so_dinh_danh_nguoi_yeu_cau": {
            "title": "Số định danh cá nhân của người yêu cầu",
            "type": "string",
            "pattern": "^[0-9]{12}$",
        },
        "quoc_tich": {"title": "Quốc tịch", "type": "string", "default": "Việt Nam"},
    },
    "required": ["ho_ten_tre", "ngay_sinh", "gioi_tinh", "so_dinh_danh_nguoi_yeu_cau"],
    "x-order": ["ho_ten_tre", "ngay_sinh", "gioi_tinh", "so_con", "so_dinh_danh_nguoi_yeu_cau"],
}

VALID_FORM = {
    "f_ho_ten_tre": "Nguyễn Minh An",
    "f_ngay_sinh": "05/09/2025",
    "f_gioi_tinh": "Nam",
    "f_so_con": "1",
    "f_so_dinh_danh_nguoi_yeu_cau": "001090012345",
    "f_quoc_tich": "Việt Nam",
}

#: Monday 10/03/2025 09:00 in Viet Nam: an ordinary working day.
MONDAY = dt.datetime(2025, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@dataclass
class Commune:
    unit: Unit
    receiver: User
    specialist: User
    leader: User


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> None:
    """Private files under a temporary MEDIA_ROOT; fresh throttling counters and SMS outbox."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    LoggingSmsBackend.outbox.clear()


def make_commune(name: str = "Xã Tái Sơn") -> Commune:
    unit = UnitFactory(name=name, name_search=fold(name))
    staff = {}
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER):
        user = UserFactory()
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    return Commune(unit, staff[Role.RECEIVER], staff[Role.SPECIALIST], staff[Role.LEADER])


@pytest.fixture
def commune(db: None) -> Commune:
    return make_commune()


@pytest.fixture
def birth(db: None) -> ProcedureVersion:
    """ "Đăng ký khai sinh", full online, with the e-form above and one fee line."""
    field = FieldFactory(code="HT", name="Hộ tịch")
    procedure = ProcedureFactory(
        code="LOCAL-HT-01",
        name="Đăng ký khai sinh",
        name_search=fold("Đăng ký khai sinh"),
        field=field,
        life_events=["co-con-nho"],
        legal_basis="Luật Hộ tịch 60/2014/QH13",
    )
    version = ProcedureVersionFactory(
        procedure=procedure,
        online_level=OnlineLevel.FULL,
        eform_schema=BIRTH_SCHEMA,
        time_limit_text=(
            "Ngay trong ngày tiếp nhận; sau 15 giờ thì trả trong ngày làm việc tiếp theo"
        ),
    )
    first = version.components.order_by("order").first()
    assert first is not None
    first.form_template = "Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP)"
    first.save()
    FeeRule.objects.create(
        version=version, order=1, name="Lệ phí đăng ký khai sinh quá hạn", amount=Decimal(8000)
    )
    return version


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory(kind=UserKind.CITIZEN, full_name="Trần Thị Bình", phone="0912345678")


@pytest.fixture
def other_citizen(db: None) -> User:
    return UserFactory(kind=UserKind.CITIZEN, full_name="Lê Văn Cường")


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submitted(
    commune: Commune, version: ProcedureVersion, citizen: User, at: dt.datetime | None = None
) -> Dossier:
    """An online dossier submitted through the dossier service (all components provided)."""
    return dos.dossier_submit_online(
        user=citizen,
        unit=commune.unit,
        procedure=version.procedure,
        idempotency_key=uuid.uuid4().hex,
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        applicant_name="Trần Thị Bình",
        applicant_id_number="001190012345",
        data={"ho_ten_tre": "Nguyễn Minh An"},
        at=at,
    )


def received(
    commune: Commune, version: ProcedureVersion, citizen: User, at: dt.datetime | None = None
) -> Dossier:
    d = submitted(commune, version, citizen, at)
    return dos.dossier_receive(dossier=d, user=commune.receiver, at=at)


def in_process(
    commune: Commune, version: ProcedureVersion, citizen: User, at: dt.datetime | None = None
) -> Dossier:
    d = received(commune, version, citizen, at)
    return dos.dossier_assign(dossier=d, user=commune.leader, assignee=commune.specialist, at=at)


def file_bytes(upload: Any) -> bytes:
    with upload.file.open("rb") as fh:
        return bytes(fh.read())
