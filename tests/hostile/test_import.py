"""`motcua import-dossiers` fed with hostile files: malformed JSON and CSV lines, a BOM,
non-UTF-8 bytes, NUL characters, absurdly nested or huge lines, impossible dates and markup in
names. Every problem is reported per line in Vietnamese (`Dòng N: …`) and nothing is written;
a crash (traceback) is a failure. Re-importing a file is idempotent
(docs/dev/import-dossiers.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import make_commune
from tests.factories import ProcedureVersionFactory

from .values import XSS


@pytest.fixture
def setting(db):
    return make_commune(), ProcedureVersionFactory()


def line(setting, **extra):
    commune, version = setting
    base = {
        "unit": commune.unit.code,
        "procedure": version.procedure.code,
        "channel": "counter",
        "applicant": {"name": "Lê Văn An", "id_number": "001090012345"},
        "received_at": "2025-03-10T09:00:00",
    }
    base.update(extra)
    return json.dumps(base, ensure_ascii=False)


def run(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "ho-so.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("import_dossiers", str(path), stdout=out)
    return out.getvalue()


def refused(tmp_path: Path, content: str | bytes) -> str:
    with pytest.raises(CommandError) as info:
        run(tmp_path, content)
    assert not Dossier.objects.exists()
    return str(info.value)


def test_malformed_lines_are_all_reported(tmp_path, setting):
    content = "\n".join(
        [
            line(setting, code="OK-1"),
            "{not json",
            "ma_ho_so,don_vi,thu_tuc",  # a CSV header
            "H1,26734,1.001193",  # a CSV row
            "[1, 2, 3]",
            "null",
            '"just a string"',
            "{}",
        ]
    )
    message = refused(tmp_path, content + "\n")
    for number in range(2, 9):
        assert f"Dòng {number}:" in message
    assert "JSON không hợp lệ" in message
    assert "Mỗi dòng phải là một đối tượng JSON" in message


def test_bom_is_ignored(tmp_path, setting):
    out = run(tmp_path, "\ufeff" + line(setting, code="BOM-1") + "\n")
    assert "tạo mới 1 hồ sơ" in out
    assert Dossier.objects.filter(code="BOM-1").exists()


def test_non_utf8_file_is_refused_in_vietnamese(tmp_path, setting):
    data = (line(setting, code="L-1") + "\n").encode("utf-8") + b"L\xea V\xe3n\n"  # Latin-1
    message = refused(tmp_path, data)
    assert "không phải văn bản UTF-8" in message


@pytest.mark.parametrize(
    "bad",
    [
        lambda s: line(s, applicant={"name": "Lê\u0000Văn"}),
        lambda s: line(s, code="N\u0000UL"),
    ],
    ids=["nul-in-name", "nul-in-code"],
)
def test_nul_characters_are_refused(tmp_path, setting, bad):
    assert "ký tự NUL" in refused(tmp_path, bad(setting) + "\n")


def test_deeply_nested_line_is_refused(tmp_path, setting):
    assert "lồng nhau quá sâu" in refused(tmp_path, "[" * 100_000 + "]" * 100_000 + "\n")


def test_huge_line_is_refused_not_crashed(tmp_path, setting):
    message = refused(tmp_path, line(setting, code="X" * 1_000_000) + "\n")
    assert "Dòng 1:" in message and "tối đa 64 ký tự" in message


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("received_at", "2025-02-31T09:00", "không phải thời điểm ISO 8601 hợp lệ"),
        ("received_at", "2025-13-01T09:00", "không phải thời điểm ISO 8601 hợp lệ"),
        ("received_at", "0001-01-01T00:00", "nằm ngoài khoảng cho phép"),
        ("received_at", "9999-12-31T23:59:59+14:00", "nằm ngoài khoảng cho phép"),
        ("received_at", "2025-03-10", "có ngày và giờ"),
        ("received_at", 20250310, "có ngày và giờ"),
        ("due_at", '{"$gt":""}', "có ngày và giờ"),
        ("due_at", '{"$gt":"2025-01-01"}', "không phải thời điểm ISO 8601 hợp lệ"),
    ],
    ids=[
        "feb-31",
        "month-13",
        "year-1",
        "year-9999",
        "date-only",
        "number",
        "json-operator",
        "json-operator-long",
    ],
)
def test_impossible_instants_are_reported(tmp_path, setting, key, value, message):
    assert message in refused(tmp_path, line(setting, **{key: value}) + "\n")


def test_other_time_zones_are_converted(tmp_path, setting):
    run(tmp_path, line(setting, code="TZ-1", received_at="2025-03-10T02:00:00+00:00") + "\n")
    received = Dossier.objects.get(code="TZ-1").received_at
    assert received.isoformat().startswith("2025-03-10T02:00:00")


def test_script_in_names_is_kept_as_text(tmp_path, setting):
    run(tmp_path, line(setting, code="XSS-1", applicant={"name": XSS}) + "\n")
    assert Dossier.objects.get(code="XSS-1").applicant_name == XSS


@pytest.mark.parametrize(
    "id_number",
    ["００１０９００１２３４５", "0о1090012345", "001090\u200b012345"],
    ids=["full-width", "cyrillic", "zero-width"],
)
def test_identity_numbers_with_look_alikes(tmp_path, setting, id_number):
    content = line(setting, code="ID-1", applicant={"name": "A", "id_number": id_number}) + "\n"
    if "о" in id_number:
        assert "chỉ được gồm các chữ số 0–9" in refused(tmp_path, content)
    else:
        run(tmp_path, content)
        assert Dossier.objects.get(code="ID-1").applicant_id_number == "001090012345"


def test_reimport_of_a_re_encoded_file_creates_nothing(tmp_path, setting):
    """The same dossiers saved again by a spreadsheet (BOM, CRLF, keys in another order)
    are recognised: lines with a code by the code, lines without by their canonical hash."""
    lines = [line(setting, code="R-1"), line(setting), line(setting, channel="postal")]
    run(tmp_path, "\n".join(lines) + "\n")
    dossiers, events = Dossier.objects.count(), DossierEvent.objects.count()
    shuffled = [
        json.dumps(dict(reversed(json.loads(x).items())), ensure_ascii=False) for x in lines
    ]
    out = run(tmp_path, "\ufeff" + "\r\n".join(shuffled) + "\r\n")
    assert "tạo mới 0 hồ sơ, không đổi 3" in out
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (dossiers, events)
