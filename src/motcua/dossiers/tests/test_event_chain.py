"""Tamper-evident dossier event log (hash chain + database triggers).

NĐ 13/2023/NĐ-CP art. 38 (keep system logs of processing) and TT 01/2018/TT-VPCP art. 10
(complete tracking of every dossier): events are append-only, each hashed over its fields and
the previous event's hash; `motcua verify-events` reports every break.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories import ProcedureVersionFactory

from motcua.dossiers import services
from motcua.dossiers.hashchain import canonical_event, event_fields, event_hash, verify_events
from motcua.dossiers.importing import import_dossiers
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, make_commune

pytestmark = pytest.mark.django_db

TABLE = "dossiers_dossierevent"


@contextmanager
def triggers_off() -> Iterator[None]:
    """What an attacker with the table owner's rights would do first. Inside the test's
    transaction, so the rollback at the end of the test restores the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks for ALTER
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        else:
            for op in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only_{op}")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def received_dossier() -> Dossier:
    commune = make_commune()
    version = ProcedureVersionFactory()
    dossier = counter_dossier(commune, version)
    services.dossier_receive(dossier=dossier, user=commune.receiver, at=MONDAY)
    return Dossier.objects.get(pk=dossier.pk)


def verify(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_events", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_services_chain_each_event_to_the_previous_one():
    dossier = received_dossier()
    events = list(dossier.events.order_by("seq"))
    assert len(events) == 2
    assert events[0].prev_hash == ""
    assert events[1].prev_hash == events[0].hash
    for event in events:
        assert event.hash == event_hash(event_fields(event), event.prev_hash)
    assert verify_events() == []
    assert verify() == (0, verify()[1]) and "không có chỗ đứt chuỗi" in verify()[1]


def test_importer_chains_bulk_inserted_events(tmp_path):
    commune = make_commune()
    version = ProcedureVersionFactory()
    rows = [
        {
            "unit": commune.unit.code,
            "procedure": version.procedure.code,
            "channel": "counter",
            "applicant": {"name": f"Người nộp {i}", "id_number": "001090012345"},
            "received_at": "2025-03-10T09:00:00",
            "finished_at": "2025-03-11T09:00:00",
            "returned_at": "2025-03-11T10:00:00",
        }
        for i in range(3)
    ]
    import_dossiers([json.dumps(r, ensure_ascii=False) for r in rows], source="thử")
    events = list(DossierEvent.objects.order_by("dossier_id", "seq"))
    assert len(events) >= 3 and all(e.hash for e in events)
    assert verify_events() == []


def test_update_by_raw_sql_is_refused_by_the_database():
    dossier = received_dossier()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET note = %s WHERE dossier_id = %s", ["sửa", dossier.pk])
    assert dossier.events.filter(note="sửa").count() == 0


def test_delete_by_raw_sql_is_refused_by_the_database():
    dossier = received_dossier()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE dossier_id = %s", [dossier.pk])
    assert dossier.events.count() == 2


def test_queryset_update_is_refused_too():
    dossier = received_dossier()
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierEvent.objects.filter(dossier=dossier).update(note="sửa")


def test_verify_reports_an_edited_event_with_code_seq_expected_and_found():
    dossier = received_dossier()
    first = dossier.events.get(seq=1)
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["đã sửa", first.pk])
    breaks = verify_events()
    assert [(b.dossier_code, b.seq) for b in breaks] == [(dossier.code, 1)]
    assert breaks[0].found == first.hash and breaks[0].expected != first.hash
    code, out = verify("--dossier", dossier.code)
    assert code == 1
    assert f"{dossier.code}\tseq=1" in out and first.hash in out


def test_verify_reports_a_deleted_event_in_the_middle_and_at_the_end():
    dossier = received_dossier()
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE dossier_id = %s AND seq = 1", [dossier.pk])
    problems = {(b.seq, b.problem) for b in verify_events()}
    assert any(seq == 2 for seq, _p in problems), problems  # the link of seq 2 is broken
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE dossier_id = %s", [dossier.pk])
    tail = [b for b in verify_events() if "cuối" in b.problem]
    assert tail and tail[0].dossier_code == dossier.code


def test_verify_reports_a_forged_event_inserted_with_a_plausible_hash():
    dossier = received_dossier()
    last = dossier.events.get(seq=2)
    forged = DossierEvent(
        dossier=dossier,
        seq=3,
        at=last.at,
        action="approve",
        from_state=last.to_state,
        to_state="approved",
        prev_hash="0" * 64,  # the forger does not know how to link it
    )
    forged.hash = "f" * 64
    forged.save()
    breaks = verify_events(dossier_code=dossier.code)
    assert {b.seq for b in breaks} == {3}  # bad link, bad hash, one event too many
    assert {b.problem for b in breaks} >= {"liên kết với sự kiện trước bị đứt"}


def test_data_migration_hashes_rows_written_before_the_chain():
    dossier = received_dossier()
    expected = list(dossier.events.order_by("seq").values_list("prev_hash", "hash"))
    with triggers_off():
        DossierEvent.objects.filter(dossier=dossier).update(prev_hash="", hash="")
        from importlib import import_module

        migration = import_module("motcua.dossiers.migrations.0003_hash_existing_events")
        migration.forward(apps, None)
    assert list(dossier.events.order_by("seq").values_list("prev_hash", "hash")) == expected


@settings(max_examples=60, deadline=None)
@given(
    note=st.text(max_size=30),
    payload=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=4),
)
def test_hash_changes_with_any_field_and_with_prev_hash(note, payload):
    fields = {
        "dossier_id": 1,
        "seq": 1,
        "at": MONDAY,
        "actor_id": None,
        "unit_id": 2,
        "action": "receive",
        "from_state": "draft",
        "to_state": "received",
        "note": note,
        "form": "01",
        "payload": payload,
        "visible_to_applicant": True,
    }
    base = event_hash(fields, "")
    assert event_hash(fields, "a") != base
    assert event_hash({**fields, "note": note + "."}, "") != base
    assert event_hash({**fields, "payload": {**payload, "thêm": 1}}, "") != base
    # canonical: key order of the payload does not matter
    reordered = dict(reversed(list(payload.items())))
    assert canonical_event({**fields, "payload": reordered}, "") == canonical_event(fields, "")
