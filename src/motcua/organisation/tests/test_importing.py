"""`motcua units import|export`: validation with line numbers, idempotence, round trip."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.core.errors import ValidationReport
from motcua.organisation.importing import (
    entry_start_lines,
    parse_units,
    units_export,
    units_import,
)
from motcua.organisation.models import Unit

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
FILE_2023 = (DATA / "units-2023-hai-duong.json").read_text(encoding="utf-8")
FILE_2025 = (DATA / "units-2025-hai-phong-merge.json").read_text(encoding="utf-8")

# Children before parents, on purpose.
GOOD = """[
  {"code": "11098", "name": "Xã Tái Sơn", "kind": "commune", "parent": "298"},
  {"code": "298", "name": "Huyện Tứ Kỳ", "kind": "district", "parent": "30"},
  {"code": "30", "name": "Tỉnh Hải Dương", "kind": "province",
   "valid_from": "01/01/2000", "valid_to": "2025-06-30", "successors": ["31"]},
  {"code": "31", "name": "Thành phố Hải Phòng", "kind": "province"}
]
"""

BAD = """[
  {"code": "A", "name": "Tỉnh A", "kind": "province"},
  {"code": "B", "name": "Xã B", "kind": "hamlet", "parent": "A"},
  {
    "name": "Không mã",
    "kind": "commune"
  },
  {"code": "A", "name": "Trùng mã", "kind": "province"},
  {"code": "C", "name": "Xã C", "kind": "commune", "parent": "ZZZ"},
  {"code": "D", "name": "Xã D", "kind": "commune", "valid_from": "2025-07-01",
   "valid_to": "2025-06-30"},
  {"code": "E", "name": "Xã E", "kind": "commune", "valid_from": "31/02/2025"},
  {"code": "F", "name": "Xã F", "kind": "commune", "successors": ["NOPE"]},
  {"code": "G", "name": "", "kind": "commune"}
]
"""

CYCLE = """[
  {"code": "X", "name": "X", "kind": "district", "parent": "Y"},
  {"code": "Y", "name": "Y", "kind": "district", "parent": "X"},
  {"code": "Z", "name": "Z", "kind": "commune", "successors": ["W"]},
  {"code": "W", "name": "W", "kind": "commune", "successors": ["Z"]}
]
"""


def test_entry_start_lines_follow_objects() -> None:
    assert entry_start_lines(BAD) == [2, 3, 4, 8, 9, 10, 12, 13, 14]
    assert entry_start_lines('[{"a": "x,{"},\n 3, "s",\n [1, 2]]') == [1, 2, 2, 3]


def test_good_file_in_any_order() -> None:
    summary = units_import(GOOD)
    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    ts = Unit.objects.get(code="11098")
    assert ts.path == "/30/298/11098/"
    hd = Unit.objects.get(code="30")
    assert hd.valid_from == dt.date(2000, 1, 1)
    assert list(hd.successors.values_list("code", flat=True)) == ["31"]


def test_bad_file_reports_every_line_and_writes_nothing() -> None:
    with pytest.raises(ValidationReport) as info:
        units_import(BAD)
    lines = [line for line, _msg in info.value.problems]
    assert lines == [3, 4, 8, 9, 10, 12, 13, 14]
    text = dict(info.value.problems)
    assert "hamlet" in text[3]
    assert "thiếu mã đơn vị" in text[4]
    assert "bị trùng (đã có ở dòng 2)" in text[8]
    assert "ZZZ" in text[9]
    assert "trước ngày có hiệu lực" in text[10]
    assert "31/02/2025" in text[12]
    assert "NOPE" in text[13]
    assert "thiếu tên" in text[14]
    assert not Unit.objects.exists()


def test_cycles_are_reported_on_their_lines() -> None:
    with pytest.raises(ValidationReport) as info:
        units_import(CYCLE)
    lines = sorted(line for line, _msg in info.value.problems)
    assert lines == [2, 3, 4, 5]
    assert not Unit.objects.exists()


def test_cycle_against_database_is_refused() -> None:
    units_import(GOOD)
    with pytest.raises(ValidationReport) as info:
        units_import(
            '[\n {"code": "30", "name": "Tỉnh Hải Dương", "kind": "province", "parent": "11098"}\n]'
        )
    assert [line for line, _msg in info.value.problems] == [2]
    assert "30 → 11098 → 298 → 30" in info.value.problems[0][1]
    assert Unit.objects.get(code="30").parent is None


def test_not_json_reports_the_line() -> None:
    with pytest.raises(ValidationReport) as info:
        parse_units('[\n {"code": "A",\n "name": }\n]')
    assert info.value.problems[0][0] == 3


def test_reimport_is_idempotent() -> None:
    units_import(FILE_2023)
    units_import(FILE_2025)
    before = units_export()
    again = units_import(FILE_2023)
    assert (again.created, again.updated) == (0, 0)
    again = units_import(FILE_2025)
    assert (again.created, again.updated) == (0, 0)
    assert units_export() == before


def test_shipped_files_give_the_2025_merge() -> None:
    units_import(FILE_2023)
    units_import(FILE_2025)
    ts = Unit.objects.get(code="11098")
    assert ts.valid_to == dt.date(2025, 6, 30)
    assert list(ts.successors.values_list("code", flat=True)) == ["31-TS25"]
    assert Unit.objects.get(code="31-TS25").path == "/31/31-TS25/"


def test_round_trip_export_import_export(tmp_path: Path) -> None:
    units_import(FILE_2023)
    units_import(FILE_2025)
    first = tmp_path / "a.json"
    call_command("units", "export", str(first), stdout=StringIO())
    Unit.successors.through.objects.all().delete()
    for unit in Unit.objects.order_by("-path"):
        unit.delete()
    out = StringIO()
    call_command("units", "import", str(first), stdout=out)
    assert "thêm mới 10" in out.getvalue()
    second = tmp_path / "b.json"
    call_command("units", "export", str(second), stdout=StringIO())
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert len(json.loads(second.read_text(encoding="utf-8"))) == 10


def test_command_reports_errors_in_vietnamese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("units", "import", str(bad), stdout=StringIO())
    assert "Dòng 3:" in str(info.value) and "Dòng 14:" in str(info.value)
    assert "không có thay đổi nào được ghi" in str(info.value)


def test_dry_run_validates_without_writing(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command("units", "import", str(good), "--dry-run", stdout=out)
    assert "Tệp hợp lệ: 4 đơn vị" in out.getvalue()
    assert not Unit.objects.exists()
