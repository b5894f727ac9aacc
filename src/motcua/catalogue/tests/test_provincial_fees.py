"""Per-province fee lines: lệ phí hộ tịch is set by each province's HĐND (Điều 11 Luật Hộ tịch
2014; Thông tư 85/2019/TT-BTC; DOMAIN §9), so a version's national lines are replaced, for the
units of a province, by that province's lines in force on the dossier's date."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from tests.factories import ProcedureVersionFactory, UnitFactory

from motcua.catalogue import selectors, services
from motcua.catalogue.models import FeeRule, ProcedureVersion
from motcua.core.errors import ValidationReport
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.selectors import unit_province

D = dt.date
SOURCE = "Điều 11 Luật Hộ tịch 2014; Thông tư 85/2019/TT-BTC (mức thu do HĐND tỉnh quy định)"


@pytest.fixture
def units(db: None) -> dict[str, Unit]:
    """Two provinces; A has a commune directly under it (two-tier, from 01/07/2025) and one
    under a district (the pre-2025 tree); B has one commune."""
    a = UnitFactory(code="PA", name="Tỉnh A", kind=UnitKind.PROVINCE)
    b = UnitFactory(code="PB", name="Tỉnh B", kind=UnitKind.PROVINCE)
    district = UnitFactory(code="DA", name="Huyện A1", kind=UnitKind.DISTRICT, parent=a)
    return {
        "A": a,
        "B": b,
        "commune_A": UnitFactory(code="XA", name="Xã A", parent=a),
        "commune_A_old": UnitFactory(code="XA1", name="Xã A cũ", parent=district),
        "commune_B": UnitFactory(code="XB", name="Xã B", parent=b),
    }


#: (case, provincial lines (province, amount, valid_from, valid_to), unit, date, fee, source)
TABLE = [
    ("national only", [], "commune_A", D(2025, 8, 1), 3000, SOURCE),
    (
        "the province's lines replace the national ones for its commune",
        [("A", 5000, D(2025, 7, 1), None)],
        "commune_A",
        D(2025, 8, 1),
        5000,
        SOURCE,
    ),
    (
        "another province's commune gets the national lines",
        [("A", 5000, D(2025, 7, 1), None)],
        "commune_B",
        D(2025, 8, 1),
        3000,
        SOURCE,
    ),
    (
        "a resolution not yet in force on the date → national",
        [("A", 5000, D(2025, 9, 1), None)],
        "commune_A",
        D(2025, 8, 31),
        3000,
        SOURCE,
    ),
    (
        "an expired resolution → national",
        [("A", 5000, D(2020, 1, 1), D(2024, 12, 31))],
        "commune_A",
        D(2025, 1, 1),
        3000,
        SOURCE,
    ),
    (
        "two successive resolutions → the one in force on the date (the earlier one)",
        [("A", 4000, D(2020, 1, 1), D(2024, 12, 31)), ("A", 6000, D(2025, 1, 1), None)],
        "commune_A",
        D(2024, 12, 31),
        4000,
        SOURCE,
    ),
    (
        "two successive resolutions → the one in force on the date (the later one)",
        [("A", 4000, D(2020, 1, 1), D(2024, 12, 31)), ("A", 6000, D(2025, 1, 1), None)],
        "commune_A",
        D(2025, 1, 1),
        6000,
        SOURCE,
    ),
    (
        "a commune under a district under the province (pre-2025 tree) finds its province",
        [("A", 5000, None, None)],
        "commune_A_old",
        D(2024, 3, 1),
        5000,
        SOURCE,
    ),
    (
        "the province's own dossier (a province-level unit) uses its lines",
        [("A", 5000, None, None)],
        "A",
        D(2025, 8, 1),
        5000,
        SOURCE,
    ),
    (
        "each province its own lines",
        [("A", 5000, None, None), ("B", 15000, None, None)],
        "commune_B",
        D(2025, 8, 1),
        15000,
        SOURCE,
    ),
]


@pytest.mark.parametrize(
    ("case", "lines", "unit", "on", "expected", "source"), TABLE, ids=[row[0] for row in TABLE]
)
def test_fee_lines_by_province_and_date(
    units: dict[str, Unit],
    case: str,
    lines: list[tuple[str, int, dt.date | None, dt.date | None]],
    unit: str,
    on: dt.date,
    expected: int,
    source: str,
) -> None:
    version = ProcedureVersionFactory()
    version.fee_rules.create(order=1, name="Lệ phí (mức chung)", amount=3000, legal_ref=source)
    for i, (province, amount, valid_from, valid_to) in enumerate(lines, start=2):
        version.fee_rules.create(
            order=i,
            name=f"Lệ phí ({province})",
            amount=amount,
            province=units[province],
            valid_from=valid_from,
            valid_to=valid_to,
            legal_ref=f"Nghị quyết của HĐND {units[province].name}",
        )
    assert services.fee_compute(version, unit=units[unit], on=on) == Decimal(expected), case
    chosen = selectors.fee_rules_for(version, units[unit], on)
    assert sum(Decimal(r.amount) for r in chosen) == Decimal(expected), case
    # Without a unit (the public procedure page): the national lines.
    assert services.fee_compute(version) == Decimal(3000), case


def test_unit_province(units: dict[str, Unit]) -> None:
    assert unit_province(units["commune_A"]) == units["A"]
    assert unit_province(units["commune_A_old"]) == units["A"]
    assert unit_province(units["A"]) == units["A"]
    assert unit_province(UnitFactory(code="ROOT", name="Xã không có tỉnh")) is None


def test_new_draft_copies_the_provincial_lines(units: dict[str, Unit]) -> None:
    version = ProcedureVersionFactory()
    version.fee_rules.create(
        order=1, name="Lệ phí A", amount=5000, province=units["A"], valid_from=D(2025, 7, 1)
    )
    draft = services.version_create_draft(procedure=version.procedure, valid_from=D(2026, 1, 1))
    line = draft.fee_rules.get()
    assert (line.province, line.valid_from, line.valid_to) == (units["A"], D(2025, 7, 1), None)


# ---------------------------------------------------------------------------------------------
# Catalogue file: round trip, refusals


def _entry(fees: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        {
            "code": "1.004873",
            "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
            "field": {"code": "HT", "name": "Hộ tịch"},
            "versions": [
                {
                    "number": 1,
                    "valid_from": "2018-06-21",
                    "time_limit_amount": 3,
                    "time_limit_unit": "working_days",
                    "fees": fees,
                }
            ],
        }
    ]


NATIONAL = {"name": "Lệ phí (mức chung)", "amount": 3000, "legal_ref": SOURCE}
PROVINCIAL = {
    "name": "Lệ phí (Tỉnh A)",
    "amount": 5000,
    "legal_ref": "Nghị quyết của HĐND Tỉnh A",
    "province": "PA",
    "valid_from": "2025-07-01",
    "valid_to": None,
}


def test_json_round_trip_keeps_the_provincial_lines(units: dict[str, Unit], tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(_entry([NATIONAL, PROVINCIAL]), ensure_ascii=False), "utf-8")
    services.catalogue_import(path=source)
    version = ProcedureVersion.objects.get()
    line = version.fee_rules.get(province__isnull=False)
    assert (line.province, line.valid_from, line.valid_to) == (units["A"], D(2025, 7, 1), None)

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    services.catalogue_export(path=first)
    fees = json.loads(first.read_text("utf-8"))[0]["versions"][0]["fees"]
    assert [(f["province"], f["valid_from"], f["valid_to"]) for f in fees] == [
        (None, None, None),
        ("PA", "2025-07-01", None),
    ]
    assert not services.catalogue_import(path=first).changed  # nothing differs
    FeeRule.objects.all().delete()
    ProcedureVersion.objects.all().delete()
    services.catalogue_import(path=first)
    services.catalogue_export(path=second)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("fee", "message"),
    [
        pytest.param(
            PROVINCIAL | {"province": "99"},
            "không có tỉnh, thành phố mã “99”",
            id="unknown-province-code",
        ),
        pytest.param(
            PROVINCIAL | {"province": "XA"},
            "không có tỉnh, thành phố mã “XA”",
            id="a-commune-is-not-a-province",
        ),
        pytest.param(
            NATIONAL | {"valid_from": "2025-07-01"},
            "Chỉ khoản thu theo tỉnh, thành phố mới có thời gian áp dụng riêng",
            id="dates-on-a-national-line",
        ),
        pytest.param(
            PROVINCIAL | {"valid_to": "2025-01-01"},
            "Ngày hết áp dụng phải sau",
            id="ends-before-it-starts",
        ),
    ],
)
def test_bad_provincial_line_is_refused_and_nothing_is_imported(
    units: dict[str, Unit], tmp_path: Path, fee: dict[str, object], message: str
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(_entry([NATIONAL, fee]), ensure_ascii=False, indent=1), "utf-8")
    with pytest.raises(ValidationReport) as caught:
        services.catalogue_import(path=source)
    assert message in caught.value.message
    assert "khoản phí 2" in caught.value.message
    assert not ProcedureVersion.objects.exists()


# ---------------------------------------------------------------------------------------------
# Admin and the public procedure page


def test_admin_inline_offers_province_units_only(
    admin_client: Client, units: dict[str, Unit]
) -> None:
    version = ProcedureVersionFactory(status="draft")
    response = admin_client.get(f"/quan-tri/catalogue/procedureversion/{version.pk}/change/")
    assert response.status_code == 200
    field = response.context["inline_admin_formsets"][1].formset.empty_form.fields["province"]
    assert set(field.queryset) == {units["A"], units["B"]}


def test_procedure_page_says_the_amount_is_set_by_each_province(
    units: dict[str, Unit], client: Client
) -> None:
    services.catalogue_load_starter()
    version = ProcedureVersion.objects.get(procedure__code="1.004873")
    marker = "Một số tỉnh, thành phố có mức thu riêng"
    assert marker not in client.get("/cong-dan/thu-tuc/1.004873/").content.decode()
    FeeRule.objects.create(
        version=version, order=9, name="Lệ phí (Tỉnh A)", amount=5000, province=units["A"]
    )
    html = client.get("/cong-dan/thu-tuc/1.004873/").content.decode()
    assert marker in html
    assert "Lệ phí (Tỉnh A)" not in html  # the page shows the national lines
