"""Fixtures and PDF readers of the documents tests."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.organisation.constants import Role, UnitKind

#: Page sizes in PostScript points (1 pt = 1/72 in): A4 210×297 mm, A5 148×210 mm.
A4 = (595.3, 841.9)
A4_LANDSCAPE = (841.9, 595.3)
A5 = (419.5, 595.3)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    """The factories hash a password per user; the production hasher is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    district = UnitFactory(code="DTK", name="Huyện Tứ Kỳ", kind=UnitKind.DISTRICT)
    commune = UnitFactory(code="XTS", name="Xã Tái Sơn", parent=district)
    other = UnitFactory(code="XBC", name="Xã Bên Cạnh", parent=district)
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh")

    def member(unit: Any, *roles: str, name: str) -> Any:
        user = UserFactory(username=name, full_name=name.title())
        for role in roles:
            MembershipFactory(user=user, unit=unit, role=role)
        return user

    return {
        "commune": commune,
        "other": other,
        "version": version,
        "receiver": member(commune, Role.RECEIVER, name="tiepnhan"),
        "leader": member(commune, Role.LEADER, name="lanhdao"),
        "stranger": member(other, Role.RECEIVER, Role.LEADER, name="xakhac"),
    }


def pdf_reader(content: bytes) -> PdfReader:
    assert content[:5] == b"%PDF-"
    return PdfReader(io.BytesIO(content))


def page_sizes(content: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in pdf_reader(content).pages
    ]


def same_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


def pdf_text(content: bytes) -> str:
    """The text of every page, whitespace collapsed (line breaks and justification)."""
    text = "\n".join(page.extract_text() for page in pdf_reader(content).pages)
    return re.sub(r"\s+", " ", text)


def fonts(content: bytes) -> dict[str, bool]:
    """Base font name → whether the font program is embedded in the PDF."""
    found: dict[str, bool] = {}
    for page in pdf_reader(content).pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=dt.UTC)


#: A Tuesday 09:00 in Hà Nội under each rule set (NĐ 61/2018 before 01/07/2025, NĐ 118/2025
#: from then; DOMAIN.md §0.1).
RULE_SET_DAYS = {
    "ND61-2018": dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC),
    "ND118-2025": dt.datetime(2025, 9, 9, 2, 0, tzinfo=dt.UTC),
}
APPLICANT = "Nguyễn Thị Ngọc Ánh"


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """Generated documents go to a temporary MEDIA_ROOT, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def issued(world: dict[str, Any]) -> Any:
    """`issued(rule_set)` → {FormKind: (dossier, event that issued the form)} for every form a
    dossier can have under that rule set (the ledger is per unit and year)."""
    from motcua.dossiers import services
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.transitions import FormKind, form_number

    def new(at: dt.datetime) -> Any:
        return services.dossier_create_at_counter(
            user=world["receiver"],
            unit=world["commune"],
            procedure=world["version"].procedure,
            applicant_name=APPLICANT,
            applicant_id_number="001190012345",
            applicant_phone="0912345678",
            applicant_address="Thôn Đông, xã Tái Sơn",
            provided_component_ids=[c.pk for c in world["version"].components.all()],
            at=at,
        )

    def last(dossier: Any) -> DossierEvent:
        return dossier.events.order_by("-seq").first()

    def build(rule_set: str) -> dict[Any, tuple[Any, DossierEvent]]:
        at = RULE_SET_DAYS[rule_set]
        receiver, leader = world["receiver"], world["leader"]
        result: dict[Any, tuple[Any, DossierEvent]] = {}
        a = services.dossier_receive(dossier=new(at), user=receiver, at=at)
        assert a.rule_set == rule_set
        result[FormKind.RECEIPT] = result[FormKind.CONTROL_SHEET] = (a, last(a))
        a = services.dossier_apologise(
            dossier=a,
            user=leader,
            reason="Chờ kết quả xác minh của Công an xã",
            new_due_at=a.due_at + dt.timedelta(days=2),
            at=at + dt.timedelta(hours=2),
        )
        result[FormKind.APOLOGY] = (a, last(a))
        b = services.dossier_intake_request_supplement(
            dossier=new(at), user=receiver, reasons=["Thiếu bản sao giấy chứng sinh"], at=at
        )
        result[FormKind.SUPPLEMENT] = (b, last(b))
        c = services.dossier_intake_refuse(
            dossier=new(at), user=receiver, reasons=["Không thuộc thẩm quyền của xã"], at=at
        )
        result[FormKind.REFUSAL] = (c, last(c))
        if form_number(rule_set, FormKind.STOP_NOTICE):
            d = services.dossier_receive(dossier=new(at), user=receiver, at=at)
            d = services.dossier_stop(
                dossier=d, user=leader, reasons=["Người yêu cầu đã chết"], at=at
            )
            result[FormKind.STOP_NOTICE] = (d, last(d))
        return result

    return build
