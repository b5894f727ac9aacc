"""What citizens read from the starter catalogue: Vietnamese legal citations, no drafting marks.

The portal procedure page and the public API show the procedure's name and legal basis and each
version's time limit text, legal basis, fee text, components, fee lines, steps and e-form.
`sources` is internal (not shown): uncertainties (❓, ◐) and source keys belong there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from motcua.catalogue import services

CATALOGUE: list[dict[str, Any]] = json.loads(services.STARTER_CATALOGUE.read_text(encoding="utf-8"))

PROCEDURE_PUBLIC = {"code", "name", "field", "level", "unit_kinds", "legal_basis", "life_events"}
VERSION_PUBLIC = {
    "number",
    "status",
    "valid_from",
    "valid_to",
    "time_limit_amount",
    "time_limit_unit",
    "verification_extra_amount",
    "time_limit_text",
    "online_level",
    "legal_basis",
    "fee_text",
    "eform_schema",
    "components",
    "fees",
    "steps",
}
VERSION_INTERNAL = {"sources"}

#: Drafting marks and English legal abbreviations ("art. 11(1)", "arts. 7, 21").
FORBIDDEN = re.compile(r"❓|◐|\barts?\.")


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def public_strings(procedure: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text a citizen can see for this procedure, with its JSON path."""
    for key in PROCEDURE_PUBLIC:
        yield from _strings(procedure.get(key), key)
    for version in procedure["versions"]:
        for key in VERSION_PUBLIC:
            yield from _strings(version.get(key), f"v{version['number']}.{key}")


def test_every_field_of_the_file_is_classified() -> None:
    """A new field must be declared public or internal, so that the scan below covers it."""
    for procedure in CATALOGUE:
        assert set(procedure) - {"versions"} <= PROCEDURE_PUBLIC, procedure["code"]
        for version in procedure["versions"]:
            assert set(version) <= VERSION_PUBLIC | VERSION_INTERNAL, procedure["code"]


@pytest.mark.parametrize("procedure", CATALOGUE, ids=[p["code"] for p in CATALOGUE])
def test_public_text_has_no_drafting_marks_nor_english_citations(
    procedure: dict[str, Any],
) -> None:
    bad = [(path, text) for path, text in public_strings(procedure) if FORBIDDEN.search(text)]
    assert bad == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("02 ngày làm việc (❓ cần đối chiếu)", True, id="question-mark"),
        pytest.param("◐ chưa chắc", True, id="half-circle"),
        pytest.param("Luật Hộ tịch art. 11(1)", True, id="art"),
        pytest.param("Nghị định 23/2015/NĐ-CP arts. 7, 21", True, id="arts"),
        pytest.param("khoản 1 Điều 11 Luật Hộ tịch 2014", False, id="dieu-khoan"),
        pytest.param("Điều 7, 21 Nghị định 23/2015/NĐ-CP", False, id="dieu-list"),
    ],
)
def test_forbidden_pattern(text: str, found: bool) -> None:
    assert bool(FORBIDDEN.search(text)) is found


def test_uncertainties_stay_recorded_internally() -> None:
    """The notes taken out of the public text are kept in `sources` (DOMAIN §9)."""
    sources = {(p["code"], v["number"]): v["sources"] for p in CATALOGUE for v in p["versions"]}
    for key in [
        ("LOCAL-BTXH-01", 2),
        ("LOCAL-CT-04", 1),
        ("LOCAL-DD-01", 2),
        ("LOCAL-HT-10", 1),
        ("LOCAL-HT-11", 1),
    ]:
        assert "❓" in sources[key], key
    assert "5.000 đ: Hải Phòng" in sources[("1.004873", 1)]


#: Fees set by each province's HĐND: the amount in the file is an example, and says so.
PROVINCIAL_FEES = [
    "1.004873",
    "LOCAL-HT-04",
    "LOCAL-HT-05",
    "LOCAL-HT-06",
    "LOCAL-HT-07",
    "LOCAL-HT-08",
]


@pytest.mark.parametrize("code", PROVINCIAL_FEES)
def test_provincial_fee_amount_is_labelled_as_an_example(code: str) -> None:
    procedure = next(p for p in CATALOGUE if p["code"] == code)
    for version in procedure["versions"]:
        assert version["fees"], code
        for fee in version["fees"]:
            assert "mức minh họa" in fee["name"], (code, fee["name"])
        assert "mức minh họa" in version["fee_text"], code
        # No other province's amount stated next to the total charged.
        for province in ("Hải Phòng", "Hà Nội", "TP.HCM", "Đà Nẵng"):
            assert province not in version["fee_text"], (code, province)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["LOCAL-BTXH-01", "LOCAL-DD-01", "LOCAL-HT-11", "1.004873", "2.000815"]
)
def test_procedure_page_shows_vietnamese_citations(code: str) -> None:
    services.catalogue_load_starter()
    response = Client().get(f"/cong-dan/thu-tuc/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not FORBIDDEN.search(html)
    assert "Căn cứ pháp lý" in html


@pytest.mark.django_db
def test_procedure_page_citation_forms() -> None:
    services.catalogue_load_starter()
    client = Client()
    ban_sao = client.get("/cong-dan/thu-tuc/2.000815/").content.decode()
    assert "Điều 7, 21 Nghị định 23/2015/NĐ-CP" in ban_sao
    xntthn = client.get("/cong-dan/thu-tuc/1.004873/").content.decode()
    assert "khoản 1 Điều 11 Luật Hộ tịch 2014" in xntthn
    assert "mức minh họa" in xntthn
