"""`motcua calendar …` output contract (docs/domain/calendar.md), through call_command."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import UnitFactory

from motcua.calendar.models import CalendarOverride
from motcua.calendar.official import read_official_file


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param("2024-05-04", "true\n", id="§6.3 2024 make-up Saturday [S12b]"),
        pytest.param("2024-04-29", "false\n", id="§6.3 2024 swapped Monday [S12b]"),
        pytest.param("2026-01-02", "false\n", id="§6.3 2026 Tết DL swap [S12f]"),
        pytest.param("2024-03-05", "true\n", id="ordinary Tuesday"),
        pytest.param("2024-03-09", "false\n", id="ordinary Saturday"),
    ],
)
def test_is_working_day(day: str, expected: str) -> None:
    assert run("is-working-day", day) == expected


@pytest.mark.django_db
def test_add_working_days() -> None:
    assert run("add-working-days", "2024-04-26", "3") == "2024-05-04\n"


@pytest.mark.django_db
def test_due_prints_json_with_offset() -> None:
    output = run("due", "--received", "2024-02-07T15:30", "--amount", "3", "--unit", "working_days")
    payload = json.loads(output)
    assert set(payload) == {"due_at", "explanation"}
    assert payload["due_at"] == "2024-02-19T17:00:00+07:00"
    assert payload["explanation"][0] == "Tiếp nhận: 15:30 ngày 07/02/2024 (Thứ Tư)."
    assert payload["explanation"][-1] == "Hạn giải quyết: 17:00 ngày 19/02/2024 (Thứ Hai)."
    assert "Tiếp nhận:" in output  # Vietnamese is printed as is, not \u-escaped


@pytest.mark.django_db
def test_due_same_day_after_cut_off() -> None:
    payload = json.loads(
        run("due", "--received", "2024-03-04T15:30", "--amount", "0", "--unit", "same_day")
    )
    assert payload["due_at"] == "2024-03-05T17:00:00+07:00"


@pytest.mark.django_db
def test_due_accepts_an_offset() -> None:
    payload = json.loads(
        run(
            "due",
            "--received",
            "2024-03-04T08:30+00:00",
            "--amount",
            "1",
            "--unit",
            "working_hours",
        )
    )
    assert payload["due_at"] == "2024-03-04T16:30:00+07:00"  # 15:30 local + 1 h


@pytest.mark.django_db
def test_explain() -> None:
    output = run("explain", "2026-01-02")
    assert output.startswith("2026-01-02 (Thứ Sáu): nghỉ — Nghỉ hoán đổi")
    expected = "2024-03-05 (Thứ Ba): làm việc — Ngày làm việc (Thứ Ba)\n"
    assert run("explain", "2024-03-05") == expected
    assert run("explain", "2024-03-10") == "2024-03-10 (Chủ nhật): nghỉ — Chủ nhật\n"


@pytest.mark.django_db
def test_unit_code_uses_the_unit_calendar() -> None:
    unit = UnitFactory(code="XA01")
    CalendarOverride.objects.create(date="2024-03-05", kind="holiday", label="Lễ hội xã", unit=unit)
    assert run("is-working-day", "2024-03-05", "--unit-code", "XA01") == "false\n"
    assert run("is-working-day", "2024-03-05") == "true\n"


@pytest.mark.django_db
def test_load_official_is_idempotent(tmp_path: Path) -> None:
    total = len(read_official_file())
    expected = f"Đã nạp {total} ngày: 0 thêm mới, 0 cập nhật, {total} không đổi.\n"
    assert run("load-official") == expected
    data = tmp_path / "2027.json"
    rows = [{"date": "2027-01-01", "kind": "holiday", "label": "Tết Dương lịch", "legal_ref": "X"}]
    data.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    first, second = run("load-official", str(data)), run("load-official", str(data))
    assert first == "Đã nạp 1 ngày: 1 thêm mới, 0 cập nhật, 0 không đổi.\n"
    assert second == "Đã nạp 1 ngày: 0 thêm mới, 0 cập nhật, 1 không đổi.\n"
    assert CalendarOverride.objects.filter(date="2027-01-01", unit__isnull=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("is-working-day", "04/05/2024"), "Ngày không hợp lệ", id="bad date"),
        pytest.param(("add-working-days", "2024-04-26", "ba"), "số nguyên", id="bad n"),
        pytest.param(
            ("due", "--received", "hôm qua", "--amount", "3", "--unit", "working_days"),
            "Thời điểm không hợp lệ",
            id="bad instant",
        ),
        pytest.param(
            ("due", "--received", "2024-02-07T15:30", "--amount", "3", "--unit", "weeks"),
            "Đơn vị thời hạn không hợp lệ",
            id="bad unit",
        ),
        pytest.param(
            ("due", "--received", "2024-02-07T15:30", "--amount", "-1", "--unit", "working_days"),
            "không được âm",
            id="negative amount",
        ),
        pytest.param(
            ("explain", "2024-05-04", "--unit-code", "KHONGCO"),
            "Không tìm thấy đơn vị",
            id="unknown unit code",
        ),
        pytest.param(("load-official", "/nonexistent.json"), "Không đọc được tệp", id="no file"),
    ],
)
def test_bad_input_raises_command_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.django_db
def test_load_official_reports_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    rows = [
        {"date": "2027-02-30", "kind": "holiday", "label": "x"},
        {"date": "2027-01-01", "kind": "party", "label": "x"},
        {"date": "2027-01-02", "kind": "holiday", "label": ""},
        {"date": "2027-01-04", "kind": "holiday", "label": "ok"},
    ]
    data = tmp_path / "bad.json"
    data.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    before = CalendarOverride.objects.count()
    with pytest.raises(CommandError) as excinfo:
        run("load-official", str(data))
    message = str(excinfo.value)
    assert "Dòng 1: Ngày không hợp lệ" in message
    assert "Dòng 2: Loại ngày không hợp lệ" in message
    assert "Dòng 3: Thiếu nội dung" in message
    assert CalendarOverride.objects.count() == before
