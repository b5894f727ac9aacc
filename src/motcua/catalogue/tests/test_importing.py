"""Catalogue import/export: every bad entry reported with its line, nothing written, round trips."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import DossierFactory

from motcua.catalogue import importing, services
from motcua.catalogue.constants import OnlineLevel
from motcua.catalogue.models import (
    Component,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)
from motcua.core.errors import ValidationReport

MODELS = (Field, Procedure, ProcedureVersion, Component, FeeRule, ProcessStep)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in MODELS)


GOOD = {
    "code": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "field": {"code": "HT", "name": "Hộ tịch"},
    "versions": [
        {
            "number": 1,
            "valid_from": "2018-06-21",
            "time_limit_amount": 3,
            "time_limit_unit": "working_days",
            "online_level": 4,
            "components": [{"name": "Tờ khai"}],
            "fees": [{"name": "Lệ phí", "amount": 3000}],
            "steps": [
                {
                    "name": "Thẩm định",
                    "role": "specialist",
                    "allotted_amount": 2,
                    "allotted_unit": "working_days",
                },
                {
                    "name": "Ký",
                    "role": "leader",
                    "allotted_amount": 8,
                    "allotted_unit": "working_hours",
                },
            ],
        }
    ],
}

# Line numbers matter: each bad object starts on the line noted at its right.
BAD_JSON = """[
  {
    "code": "LOCAL-HT-01",
    "name": "Đăng ký khai sinh",
    "field": {"code": "HT", "name": "Hộ tịch"},
    "versions": []
  },
  {
    "name": "Thiếu mã thủ tục",
    "field": {"code": "HT", "name": "Hộ tịch"}
  },
  {
    "code": "LOCAL-HT-02",
    "name": "Đăng ký kết hôn",
    "field": {"code": "HT", "name": "Hộ tịch"},
    "versions": [
      {
        "number": 1,
        "valid_from": "2018-06-21",
        "time_limit_amount": 3,
        "time_limit_unit": "working_days",
        "steps": [
          {"name": "Thẩm định", "role": "specialist", "allotted_amount": 3,
           "allotted_unit": "working_days"},
          {"name": "Ký", "role": "chairman", "allotted_amount": 1,
           "allotted_unit": "working_hours"}
        ]
      },
      {
        "number": 2,
        "valid_from": "21/06/2018",
        "time_limit_amount": 0,
        "time_limit_unit": "working_days"
      }
    ]
  },
  {
    "code": "LOCAL-DD-01",
    "name": "Hòa giải tranh chấp đất đai",
    "field": {"code": "DD", "name": "Đất đai"},
    "versions": [
      {"number": 1, "valid_from": "2018-06-21", "valid_to": null,
       "time_limit_amount": 45, "time_limit_unit": "calendar_days", "online_level": 7},
      {"number": 2, "valid_from": "2025-07-01",
       "time_limit_amount": 30, "time_limit_unit": "calendar_days"}
    ]
  },
  {
    "code": "LOCAL-HT-01",
    "name": "Trùng mã",
    "field": {"code": "HT", "name": "Hộ tịch"}
  }
]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_bad_json_reports_every_entry_with_line_and_writes_nothing(tmp_path: Path) -> None:
    services.catalogue_import(path=write(tmp_path, "good.json", json.dumps([GOOD])))
    before = counts()
    with pytest.raises(ValidationReport) as info:
        services.catalogue_import(path=write(tmp_path, "bad.json", BAD_JSON))
    problems = info.value.problems
    lines = [line for line, _ in problems]
    assert lines == sorted(lines)
    by_line = {line: msg for line, msg in problems}
    assert "code" in by_line[8]  # missing code: object on line 8
    assert "chairman" in by_line[25]  # bad role: step object on line 25
    at_29 = [m for ln, m in problems if ln == 29]  # version 2 object starts on line 29
    assert any("YYYY-MM-DD" in m for m in at_29)  # bad date
    assert any("lớn hơn 0" in m for m in at_29)  # zero limit
    assert "mức độ trực tuyến" in by_line[42]  # bad online level: version object on line 42
    assert "trùng với dòng 2" in by_line[48]  # duplicate code: object on line 48
    assert sorted(set(lines)) == [8, 25, 29, 42, 48]
    assert len(problems) == 6
    assert counts() == before
    assert "Dòng 25" in str(info.value)


@pytest.mark.django_db
def test_step_sum_and_overlap_reported_on_their_lines(tmp_path: Path) -> None:
    text = """[
  {
    "code": "P1", "name": "Thủ tục một", "field": {"code": "HT", "name": "Hộ tịch"},
    "versions": [
      {"number": 1, "valid_from": "2018-06-21", "time_limit_amount": 1,
       "time_limit_unit": "working_days",
       "steps": [{"name": "A", "role": "specialist", "allotted_amount": 9,
                  "allotted_unit": "working_hours"}]},
      {"number": 2, "valid_from": "2018-06-21", "time_limit_amount": 1,
       "time_limit_unit": "working_days"},
      {"number": 3, "valid_from": "2020-01-01", "time_limit_amount": 1,
       "time_limit_unit": "working_days"}
    ]
  }
]
"""
    with pytest.raises(ValidationReport) as info:
        services.catalogue_import(path=write(tmp_path, "bad.json", text))
    by_line = {line: msg for line, msg in info.value.problems}
    assert "vượt thời hạn" in by_line[5]
    assert "trùng thời gian hiệu lực" in by_line[11]
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_json_syntax_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(ValidationReport) as info:
        services.catalogue_import(path=write(tmp_path, "x.json", '[\n  {"code": "A",\n  }\n]'))
    assert info.value.problems[0][0] == 3


@pytest.mark.django_db
def test_bad_csv_reports_rows_and_writes_nothing(tmp_path: Path) -> None:
    header = ",".join(importing.CSV_COLUMNS)
    good = "P1,Thủ tục một,HT,Hộ tịch,commune,,,,1,published,2018-06-21,,3,working_days,,,4,,,"
    bad_date = "P2,Thủ tục hai,HT,Hộ tịch,commune,,,,1,published,2018-13-01,,3,working_days,,,,,,"
    bad_unit = "P3,Thủ tục ba,HT,Hộ tịch,commune,,,,1,published,2018-06-21,,3,weeks,,,,,,"
    no_name = 'P4,,HT,Hộ tịch,commune,,,"dòng\nhai",,,,,,,,,,,,'
    dup = "P1,Trùng,HT,Hộ tịch,commune,,,,,,,,,,,,,,,"
    text = "\n".join([header, good, bad_date, bad_unit, no_name, dup]) + "\n"
    with pytest.raises(ValidationReport) as info:
        services.catalogue_import(path=write(tmp_path, "bad.csv", text))
    assert [line for line, _ in info.value.problems] == [3, 4, 5, 7]
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_import_is_idempotent_and_maps_legacy_online_level(tmp_path: Path) -> None:
    path = write(tmp_path, "good.json", json.dumps([GOOD], ensure_ascii=False))
    first = services.catalogue_import(path=path)
    assert first.versions_created == 1
    version = ProcedureVersion.objects.get()
    assert version.online_level == OnlineLevel.FULL  # legacy level 4 → toàn trình (DOMAIN §5.2)
    stamp = version.updated_at
    before = counts()
    again = services.catalogue_import(path=path)
    assert not again.changed
    assert counts() == before
    version.refresh_from_db()
    assert version.updated_at == stamp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(3, OnlineLevel.PARTIAL, id="legacy-3-mot-phan-DOMAIN-s5.2"),
        pytest.param("4", OnlineLevel.FULL, id="legacy-4-toan-trinh-DOMAIN-s5.2"),
        pytest.param(2, OnlineLevel.NONE, id="legacy-2-information"),
        pytest.param("partial", OnlineLevel.PARTIAL, id="new-name"),
        pytest.param(5, None, id="unknown"),
    ],
)
def test_online_level_mapping(raw: object, expected: str | None) -> None:
    assert importing.online_level_from(raw) == expected


@pytest.mark.django_db
def test_changing_a_version_used_by_dossiers_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "good.json", json.dumps([GOOD], ensure_ascii=False))
    services.catalogue_import(path=path)
    DossierFactory(procedure_version=ProcedureVersion.objects.get())
    changed = json.loads(json.dumps(GOOD))
    changed["versions"][0]["time_limit_amount"] = 5
    with pytest.raises(ValidationReport, match="đã có hồ sơ"):
        services.catalogue_import(
            path=write(tmp_path, "changed.json", json.dumps([changed], ensure_ascii=False))
        )
    assert ProcedureVersion.objects.get().time_limit_amount == Decimal(3)


@pytest.mark.django_db
def test_json_round_trip_is_identical(tmp_path: Path) -> None:
    services.catalogue_load_starter()
    first = tmp_path / "a.json"
    services.catalogue_export(path=first)
    for model in reversed(MODELS):
        model.objects.all().delete()
    services.catalogue_import(path=first)
    second = tmp_path / "b.json"
    services.catalogue_export(path=second)
    assert second.read_bytes() == first.read_bytes()
    assert first.read_text(encoding="utf-8") == services.STARTER_CATALOGUE.read_text("utf-8")


@pytest.mark.django_db
def test_csv_round_trip_is_identical(tmp_path: Path) -> None:
    services.catalogue_load_starter()
    on = dt.date(2026, 1, 1)
    first = tmp_path / "a.csv"
    services.catalogue_export(path=first, on=on)
    for model in reversed(MODELS):
        model.objects.all().delete()
    services.catalogue_import(path=first)
    second = tmp_path / "b.csv"
    services.catalogue_export(path=second, on=on)
    assert second.read_bytes() == first.read_bytes()
    assert Procedure.objects.count() == 22


@pytest.mark.django_db
def test_command_import_export_and_error(tmp_path: Path) -> None:
    call_command("catalogue", "load-starter")
    call_command("catalogue", "import", str(services.STARTER_CATALOGUE))
    out = tmp_path / "out.json"
    call_command("catalogue", "export", str(out))
    assert json.loads(out.read_text("utf-8"))[0]["code"] == "1.004873"
    with pytest.raises(CommandError, match="Dòng 8"):
        call_command("catalogue", "import", str(write(tmp_path, "bad.json", BAD_JSON)))
    with pytest.raises(CommandError, match=r"\.json hoặc \.csv"):
        call_command("catalogue", "import", str(write(tmp_path, "bad.xlsx", "x")))
