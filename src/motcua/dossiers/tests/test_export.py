"""`motcua export-dossiers`: the file is exactly what `motcua import-dossiers` reads. Round trip:
dossiers in many states, made by the services, exported, moved out of the way, imported back;
Biểu 06 (TT 01/2020/TT-VPCP, Biểu số 06/VPCP/KSTT) for the period and every dossier's code,
state, instants and applicant come back identical."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import UserKind
from motcua.core.models import AccessLog, AccessLogAction
from motcua.dossiers import services
from motcua.dossiers.constants import State
from motcua.dossiers.exporting import export_dossiers
from motcua.dossiers.importing import import_dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import counter_dossier, local, make_commune
from motcua.reports.constants import Source
from motcua.reports.exports import result_to_json
from motcua.reports.stats import bieu06

pytestmark = pytest.mark.django_db

#: Open states the import format cannot tell apart: they come back as "in_process".
IMPORTED_STATE = {
    State.RECEIVED: State.IN_PROCESS,
    State.CONSULTING: State.IN_PROCESS,
    State.FINANCIAL_OBLIGATION: State.IN_PROCESS,
}
COMPARED = (
    "code", "state", "channel", "applicant_name", "applicant_id_number", "applicant_phone",
    "submitted_at", "received_at", "due_at", "extended_due_at", "finished_at", "returned_at",
    "closed_at", "supplement_count", "procedure_version_id", "field_id", "rule_set",
)  # fmt: skip


def _received(commune, version, at, name, id_number=""):
    d = services.dossier_create_at_counter(
        user=commune.receiver,
        unit=commune.unit,
        procedure=version.procedure,
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_phone="0912345678",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=at,
    )
    return services.dossier_receive(dossier=d, user=commune.receiver, at=at)


def _assigned(commune, version, at, name, **kw):
    d = _received(commune, version, at, name, **kw)
    return services.dossier_assign(
        dossier=d, user=commune.leader, assignee=commune.specialist, at=at
    )


def _approved(commune, version, at, done, name):
    d = _assigned(commune, version, at, name)
    d = services.dossier_step_complete(dossier=d, user=commune.specialist, at=done)
    return services.dossier_approve(dossier=d, user=commune.leader, at=done)


def build_world():
    commune = make_commune()
    version = ProcedureVersionFactory()
    c, v = commune, version
    made = []
    # Carried over from February, still in process in March.
    made.append(_assigned(c, v, local(2025, 2, 24), "Lê Văn Cũ", id_number="001090012345"))
    # Returned on time, and returned late (due 13/03, returned 20/03).
    d = _approved(c, v, local(2025, 3, 3), local(2025, 3, 4), "Nguyễn Thị Đúng Hạn")
    made.append(
        services.dossier_return_result(
            dossier=d, user=c.receiver, recipient_name="Nguyễn Thị Đúng Hạn", at=local(2025, 3, 5)
        )
    )
    d = _approved(c, v, local(2025, 3, 10), local(2025, 3, 19), "Trần Văn Trễ Hạn")
    made.append(
        services.dossier_return_result(
            dossier=d, user=c.receiver, recipient_name="Trần Văn Trễ Hạn", at=local(2025, 3, 20)
        )
    )
    # Result ready, not yet returned.
    made.append(_approved(c, v, local(2025, 3, 11), local(2025, 3, 12), "Phạm Chờ Trả"))
    # Waiting for a supplement; and a completed supplement, then back in process.
    d = _assigned(c, v, local(2025, 3, 12), "Hoàng Bổ Sung")
    made.append(
        services.dossier_request_supplement(
            dossier=d, user=c.specialist, reasons=["Thiếu giấy tờ"], at=local(2025, 3, 13)
        )
    )
    d = _assigned(c, v, local(2025, 3, 12, 10), "Vũ Đã Bổ Sung")
    d = services.dossier_request_supplement(
        dossier=d, user=c.specialist, reasons=["Thiếu giấy tờ"], at=local(2025, 3, 13, 10)
    )
    made.append(
        services.dossier_supplement_complete(dossier=d, user=c.receiver, at=local(2025, 3, 17, 8))
    )
    # Rejected, withdrawn, stopped.
    d = _assigned(c, v, local(2025, 3, 14), "Đỗ Từ Chối")
    made.append(
        services.dossier_reject(
            dossier=d, user=c.leader, reasons="Không đủ điều kiện", at=local(2025, 3, 18)
        )
    )
    d = _received(c, v, local(2025, 3, 18), "Bùi Rút Hồ Sơ")
    made.append(
        services.dossier_withdraw(
            dossier=d, user=c.receiver, reason="Không có nhu cầu", at=local(2025, 3, 19)
        )
    )
    d = _assigned(c, v, local(2025, 3, 19), "Đặng Dừng")
    made.append(
        services.dossier_stop(dossier=d, user=c.leader, reasons="Dừng", at=local(2025, 3, 21))
    )
    # Received only (comes back as in_process), and in process.
    made.append(_received(c, v, local(2025, 3, 24), "Ngô Mới Nhận"))
    made.append(_assigned(c, v, local(2025, 3, 25), "Lý Đang Xử Lý"))
    # Never received: not exported (the format needs received_at).
    counter_dossier(c, v, local(2025, 3, 26))
    return commune, version, made


def _stats(unit):
    return result_to_json(
        bieu06(
            unit=unit,
            date_from=dt.date(2025, 3, 1),
            date_to=dt.date(2025, 3, 31),
            source=Source.ORACLE,
            now=local(2025, 4, 15),
        )
    )


def _snapshot(dossier):
    values = {name: getattr(dossier, name) for name in COMPARED}
    values["state"] = IMPORTED_STATE.get(State(dossier.state), dossier.state)
    return values


def test_round_trip_keeps_bieu06_and_every_dossier():
    commune, _version, made = build_world()
    states = {d.state for d in made}
    assert len(states) >= 8  # many states really exercised
    before_stats = _stats(commune.unit)
    total = before_stats["total"]
    assert sum(v for v in total.values() if isinstance(v, int)) > 0, total
    before = {d.code: _snapshot(Dossier.objects.get(pk=d.pk)) for d in made}

    out = io.StringIO()
    summary = export_dossiers(out, unit=commune.unit)
    assert summary.written == len(made) and summary.skipped == 1
    text = out.getvalue()
    assert "001090012345" in text  # the CCCD travels (the import checks it)

    # A fresh state for the unit: the originals move to an archive unit under new codes.
    archive = UnitFactory(name="Lưu trữ")
    for d in Dossier.objects.filter(unit=commune.unit):
        Dossier.objects.filter(pk=d.pk).update(
            unit=archive, current_unit=archive, code=f"CU-{d.code or d.pk}"
        )
    assert _stats(commune.unit) != before_stats  # the unit is empty now

    result = import_dossiers(io.StringIO(text), source="xuat.jsonl")
    assert result.created == len(made) and result.unchanged == 0
    assert _stats(commune.unit) == before_stats
    after = {
        d.code: _snapshot(d)
        for d in Dossier.objects.filter(unit=commune.unit).exclude(code__startswith="CU-")
    }
    assert after == before
    # History travels as events (plus the import's own event).
    for d in made:
        imported = Dossier.objects.get(code=d.code)
        history = list(imported.events.order_by("seq").values_list("action", flat=True))
        assert history[:-1] == list(d.events.order_by("seq").values_list("action", flat=True))
        assert history[-1] == "import"

    # Importing the same file again changes nothing (idempotent by code).
    again = import_dossiers(io.StringIO(text), source="xuat.jsonl")
    assert again.created == 0 and again.unchanged == len(made)


def test_exported_lines_use_only_keys_the_import_knows():
    from motcua.dossiers.importing import KNOWN_KEYS

    commune, _version, made = build_world()
    out = io.StringIO()
    export_dossiers(out, unit=commune.unit)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == len(made)
    for line in lines:
        assert set(line) <= KNOWN_KEYS
        assert line["unit"] == commune.unit.code
        assert "T" in line["received_at"] and line["received_at"].endswith("+07:00")
    outcomes = {line.get("outcome") for line in lines}
    assert {"returned", "rejected", "withdrawn", "stopped"} <= outcomes


def test_command_filters_the_period_and_logs_the_export(tmp_path):
    commune, _version, _made = build_world()
    out = tmp_path / "ho-so.jsonl"
    stdout = io.StringIO()
    call_command(
        "export_dossiers",
        unit=commune.unit.code,
        date_from="01/03/2025",
        date_to="12/03/2025",
        output=str(out),
        stdout=stdout,
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    received = sorted(line["received_at"][:10] for line in lines)
    assert received and received[0] >= "2025-03-01" and received[-1] <= "2025-03-12"
    assert "2025-02-24" not in received
    assert f"Đã ghi {len(lines)} hồ sơ" in stdout.getvalue()
    log = AccessLog.objects.filter(action=AccessLogAction.EXPORT).get()
    assert log.unit_id == commune.unit.pk


def test_command_refuses_bad_input(tmp_path):
    commune = make_commune()
    with pytest.raises(CommandError, match="Không tìm thấy đơn vị"):
        call_command("export_dossiers", unit="KHONG-CO", output=str(tmp_path / "x.jsonl"))
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command(
            "export_dossiers",
            unit=commune.unit.code,
            date_from="2025/03/01x",
            output=str(tmp_path / "x.jsonl"),
        )
    with pytest.raises(CommandError, match="thư mục"):
        call_command("export_dossiers", unit=commune.unit.code, output="/khong/co/x.jsonl")


def test_online_dossier_round_trips_its_channel():
    commune = make_commune()
    version = ProcedureVersionFactory()
    citizen = UserFactory(kind=UserKind.CITIZEN)
    d = services.dossier_submit_online(
        user=citizen,
        unit=commune.unit,
        procedure=version.procedure,
        idempotency_key="k",
        applicant_name="Công Dân Trực Tuyến",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=local(2025, 3, 10, 7),
    )
    services.dossier_receive(dossier=d, user=commune.receiver, at=local(2025, 3, 10, 9))
    out = io.StringIO()
    export_dossiers(out, unit=commune.unit)
    [line] = [json.loads(x) for x in out.getvalue().splitlines()]
    assert line["channel"] == "online"
    assert line["submitted_at"].startswith("2025-03-10T07:00")


def test_imported_dossier_exports_its_supplements_again():
    commune = make_commune()
    version = ProcedureVersionFactory()
    line = {
        "code": "LICH-SU-0001",
        "unit": commune.unit.code,
        "procedure": version.procedure.code,
        "channel": "counter",
        "applicant": {"name": "Lê Văn An", "id_number": "001090012345", "phone": "0912345678"},
        "received_at": "2024-03-11T09:00:00+07:00",
        "finished_at": "2024-03-20T16:00:00+07:00",
        "returned_at": "2024-03-21T08:00:00+07:00",
        "supplements": [
            {
                "requested_at": "2024-03-12T08:00:00+07:00",
                "completed_at": "2024-03-14T15:00:00+07:00",
            }
        ],
        "events": [{"at": "2024-03-11T09:00:00+07:00", "action": "receive", "note": "Mẫu 01"}],
    }
    import_dossiers([json.dumps(line, ensure_ascii=False)], source="cu.jsonl")
    out = io.StringIO()
    export_dossiers(out, unit=commune.unit)
    [exported] = [json.loads(x) for x in out.getvalue().splitlines()]
    assert exported["supplements"] == line["supplements"]
    assert exported["applicant"] == line["applicant"]
    for key in ("received_at", "finished_at", "returned_at"):
        assert exported[key] == line[key]
    assert exported["outcome"] == "returned"
    assert [e["action"] for e in exported["events"]] == ["receive", "import"]
