"""`motcua import-dossiers` (docs/dev/import-dossiers.md): validate every line first, all or
nothing, idempotent, state derived from the fields, due computed when absent (DOMAIN.md §2)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from tests.factories import ProcedureVersionFactory

from motcua.core.errors import ValidationReport
from motcua.dossiers import services
from motcua.dossiers.constants import State
from motcua.dossiers.importing import import_dossiers
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import local, make_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    commune = make_commune()
    version = ProcedureVersionFactory()
    return commune, version


def line(commune: Any, version: Any, **extra: Any) -> dict[str, Any]:
    base = {
        "unit": commune.unit.code,
        "procedure": version.procedure.code,
        "channel": "counter",
        "applicant": {"name": "Lê Văn An", "id_number": "001090012345"},
        "received_at": "2025-03-10T09:00:00",
    }
    base.update(extra)
    return base


def write(tmp_path: Path, objs: list[Any], name: str = "ho-so.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs)
        + "\n",
        encoding="utf-8",
    )
    return path


def run(path: Path) -> str:
    out = io.StringIO()
    call_command("import_dossiers", str(path), stdout=out)
    return out.getvalue()


def test_good_file_states_derived_and_summary(tmp_path, setting):
    c, v = setting
    objs = [
        line(c, v, code="X-1", returned_at="2025-03-12T10:00", finished_at="2025-03-11T16:00"),
        line(c, v, code="X-2", finished_at="2025-03-11T16:00"),
        line(c, v, code="X-3"),
        line(c, v, code="X-4", supplements=[{"requested_at": "2025-03-11T08:00"}]),
        line(c, v, code="X-5", outcome="rejected", finished_at="2025-03-12T08:00"),
        line(c, v, code="X-6", outcome="withdrawn", closed_at="2025-03-11T08:00"),
        line(c, v, code="X-7", outcome="stopped", finished_at="2025-03-11T08:00"),
        line(c, v, outcome="refused_at_intake"),
        line(c, v, channel="online", submitted_at="2025-03-08T21:00+07:00"),
    ]
    out = run(write(tmp_path, objs))
    assert "Đã đọc 9 dòng: tạo mới 9 hồ sơ, không đổi 0" in out
    states = dict(Dossier.objects.filter(code__startswith="X-").values_list("code", "state"))
    assert states == {
        "X-1": State.RETURNED,
        "X-2": State.RESULT_READY,
        "X-3": State.IN_PROCESS,
        "X-4": State.SUPPLEMENT_AFTER_REVIEW,
        "X-5": State.REJECTED_AFTER_REVIEW,
        "X-6": State.WITHDRAWN,
        "X-7": State.STOPPED,
    }
    refused = Dossier.objects.get(state=State.INTAKE_REFUSED)
    assert refused.code is None and refused.received_at is None and refused.due_at is None
    online = Dossier.objects.get(channel="online")
    assert online.code == f"{c.unit.code}-250310-0001"  # generated, gap-free
    assert online.submitted_at == local(2025, 3, 8, 21)
    assert Dossier.objects.get(code="X-1").closed_at == local(2025, 3, 12, 10)
    assert DossierEvent.objects.filter(action="import").count() == 9


def test_due_computed_from_the_catalogue_when_absent(tmp_path, setting):
    c, v = setting
    run(write(tmp_path, [line(c, v, code="A"), line(c, v, code="B", due_at="2025-03-20T17:00")]))
    computed = Dossier.objects.get(code="A")
    # 3 working days (ProcedureVersionFactory) from Monday 10/03/2025 09:00 on the unit calendar.
    assert computed.due_at == local(2025, 3, 13, 17)
    event = computed.events.get(action="import")
    assert event.payload["due_computed"] is True and event.payload["due_explanation"]
    assert Dossier.objects.get(code="B").due_at == local(2025, 3, 20, 17)


def test_art19_4_imported_clock_restarts_at_the_last_completed_supplement(tmp_path, setting):
    c, v = setting
    supp = [{"requested_at": "2025-03-11T08:00", "completed_at": "2025-03-17T09:00"}]
    run(write(tmp_path, [line(c, v, code="S", supplements=supp)]))
    d = Dossier.objects.get(code="S")
    assert d.state == State.IN_PROCESS and d.supplement_count == 1
    assert d.clock_started_at == local(2025, 3, 17, 9)
    assert d.due_at == local(2025, 3, 20, 17)


def test_bad_file_reports_every_bad_line_and_writes_nothing(tmp_path, setting):
    c, v = setting
    objs = [
        line(c, v, code="OK"),
        "{not json",
        line(c, v, unit="KHONG-CO"),
        line(c, v, channel="fax"),
        line(c, v, applicant={"name": "A", "id_number": "123"}),
        line(c, v, received_at="10/03/2025"),
        line(c, v, outcome="returned"),
        line(c, v, code="OK"),
        line(c, v, finished_at="2025-03-01T08:00"),
    ]
    path = write(tmp_path, objs)
    with pytest.raises(CommandError) as excinfo:
        run(path)
    message = str(excinfo.value)
    for number in range(2, 10):
        assert f"Dòng {number}:" in message, number
    assert "Dòng 1:" not in message
    assert "JSON không hợp lệ" in message and "KHONG-CO" in message and "fax" in message
    assert "12 chữ số" in message and "returned_at" in message and "trùng với dòng 1" in message
    assert Dossier.objects.count() == 0 and DossierEvent.objects.count() == 0


def test_problems_are_listed_with_line_numbers():
    with pytest.raises(ValidationReport) as excinfo:
        import_dossiers(["", '{"unit": 1}', "[]"])
    lines = [number for number, _msg in excinfo.value.problems]
    assert lines == [2, 3]


def test_twice_is_unchanged(tmp_path, setting):
    c, v = setting
    objs = [line(c, v, code="T-1"), line(c, v), line(c, v, channel="postal")]
    path = write(tmp_path, objs)
    run(path)
    snapshot = sorted(Dossier.objects.values_list("code", "state", "due_at"))
    events = DossierEvent.objects.count()
    out = run(path)
    assert "tạo mới 0 hồ sơ, không đổi 3" in out
    assert sorted(Dossier.objects.values_list("code", "state", "due_at")) == snapshot
    assert DossierEvent.objects.count() == events


def test_imported_codes_keep_later_receipts_unique(tmp_path, setting):
    c, v = setting
    code = f"{c.unit.code}-250310-0007"
    run(write(tmp_path, [line(c, v, code=code)]))
    d = services.dossier_create_at_counter(
        user=c.receiver,
        unit=c.unit,
        procedure=v.procedure,
        applicant_name="B",
        provided_component_ids=list(v.components.values_list("pk", flat=True)),
        at=local(2025, 3, 10, 10),
    )
    d = services.dossier_receive(dossier=d, user=c.receiver, at=local(2025, 3, 10, 10))
    assert d.code == f"{c.unit.code}-250310-0008"


def test_historical_events_are_kept_before_the_import_event(tmp_path, setting):
    c, v = setting
    history = [
        {"at": "2025-03-10T09:00", "action": "receive", "note": "Mẫu 01"},
        {"at": "2025-03-11T09:00", "action": "assign"},
    ]
    run(write(tmp_path, [line(c, v, code="H", events=history)]))
    d = Dossier.objects.get(code="H")
    assert list(d.events.order_by("seq").values_list("seq", "action")) == [
        (1, "receive"),
        (2, "assign"),
        (3, "import"),
    ]


def test_bulk_import_spans_batches_and_a_second_run_changes_nothing(tmp_path, setting):
    """2,500 lines, half with a code: three insert batches (`BATCH_SIZE`), every line created;
    the same file again is recognised line by line. (Its speed is measured by
    `python -m benchmarks import`, against a plain `bulk_create` of the same rows.)"""
    from motcua.dossiers.importing import BATCH_SIZE

    n = 2 * BATCH_SIZE + BATCH_SIZE // 2
    c, v = setting
    objs = [
        line(
            c,
            v,
            code=f"BULK-{i:05d}" if i % 2 else None,
            received_at=f"2025-03-{10 + i % 5:02d}T{8 + i % 8:02d}:{i % 60:02d}:00",
            applicant={"name": f"Người nộp {i}"},
        )
        for i in range(n)
    ]
    for obj in objs:
        if obj["code"] is None:
            del obj["code"]
    path = write(tmp_path, objs)
    assert f"tạo mới {n} hồ sơ" in run(path)
    assert Dossier.objects.count() == n
    assert Dossier.objects.filter(code__startswith="BULK-").count() == n // 2
    events = DossierEvent.objects.count()
    assert f"không đổi {n}" in run(path)
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (n, events)
