"""The counter intake (create + receive in one transaction) stays cheap and keeps the event
chain exact: the chain's tail written by the same open transaction is reused, never one from a
rolled-back block; the one-pass `dossier_receive_at_counter` writes exactly the same records
(benchmarks/README.md, HTTP section)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from tests.factories import ProcedureVersionFactory

from motcua.dossiers import services
from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, make_commune

pytestmark = pytest.mark.django_db

#: Statements of create + receive in one transaction (as the intake page does), savepoints and
#: the enclosing block's own pair included (BEGIN/COMMIT in production, a savepoint here):
#: 34 before the work on the HTTP benchmark, 22 after.
INTAKE_MAX_QUERIES = 22
#: `dossier_receive_at_counter` (the intake page's "receive"): 3 catalogue reads (the version in
#: force read with the calendar's freshness stamp: 12 when they were two queries), the day's
#: and the year's counters, one INSERT each of the dossier, its components, its two events and
#: their outbox rows, and the block's own pair.
ONE_PASS_MAX_QUERIES = 11


def _fields(commune: Any, version: Any, ids: list[int], user: Any = None) -> dict[str, Any]:
    return {
        "user": user or commune.receiver,
        "unit": commune.unit,
        "procedure": version.procedure,
        "applicant_name": "Trần Thị Bình",
        "provided_component_ids": ids,
        "at": MONDAY,
    }


def _counter_intake(commune: Any, version: Any, ids: list[int]) -> Dossier:
    with transaction.atomic():
        d = services.dossier_create_at_counter(**_fields(commune, version, ids))
        return services.dossier_receive(
            dossier=d, user=commune.receiver, expected_version=d.version, at=MONDAY
        )


def test_counter_intake_query_count_and_chain(django_assert_max_num_queries: Any) -> None:
    commune = make_commune()
    version = ProcedureVersionFactory()
    ids = list(version.components.values_list("pk", flat=True))
    _counter_intake(commune, version, ids)  # the day's and year's counters exist from now on
    with django_assert_max_num_queries(INTAKE_MAX_QUERIES):
        d = _counter_intake(commune, version, ids)
    events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
    assert [e.seq for e in events] == [1, 2]
    assert events[0].prev_hash == "" and events[1].prev_hash == events[0].hash
    assert [e.to_state for e in events] == ["submitted", "received"]
    stored = Dossier.objects.get(pk=d.pk)
    assert stored.version == 2 and stored.state == "received"
    assert stored.code is not None and stored.code.endswith("-0002")
    assert stored.ledger_number == 2
    assert d.components.count() == version.components.count()
    assert verify_events() == []


def test_chain_tail_of_a_rolled_back_block_is_not_reused() -> None:
    """An instance handed out inside a block that was then rolled back must not lend its
    (never committed) last hash to a later action, even at the same version number."""
    commune = make_commune()
    version = ProcedureVersionFactory()
    d = counter_dossier(commune, version)
    stale: Dossier | None = None
    with pytest.raises(RuntimeError), transaction.atomic():
        stale = services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
        raise RuntimeError("roll the receipt back")
    assert stale is not None and stale.version == 2
    # The real receipt, an hour later (so its event differs from the rolled-back one).
    services.dossier_receive(dossier=d.pk, user=commune.receiver, at=MONDAY + dt.timedelta(hours=1))
    assert Dossier.objects.get(pk=d.pk).version == stale.version
    services.dossier_assign(
        dossier=stale, user=commune.leader, assignee=commune.specialist, at=MONDAY
    )
    assert verify_events() == []
    assert DossierEvent.objects.filter(dossier=d).count() == 3


def test_missing_required_component_still_refuses_receipt() -> None:
    commune = make_commune()
    version = ProcedureVersionFactory()
    required = version.components.filter(required=True).order_by("order", "pk")
    assert required.exists()
    d = counter_dossier(commune, version, provided_component_ids=[])
    with pytest.raises(services.DomainError) as info:
        services.dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
    for component in required:
        assert component.name in info.value.message
    assert Dossier.objects.get(pk=d.pk).state == "submitted"
    assert verify_events() == []


def test_lookup_matches_codes_case_insensitively_lowest_id_first() -> None:
    """The portal's look-up (indexed on UPPER(code), no ORDER BY … LIMIT) keeps the meaning of
    `code__iexact` + `.first()`: a stored code in any case, the lowest id among case variants."""
    from motcua.portal.selectors import dossier_lookup

    commune = make_commune()
    version = ProcedureVersionFactory()
    first = counter_dossier(commune, version)
    second = counter_dossier(commune, version)
    Dossier.objects.filter(pk=first.pk).update(code="xa-250310-0001", lookup_secret="ABC234")
    Dossier.objects.filter(pk=second.pk).update(code="XA-250310-0001", lookup_secret="ABC234")
    found = dossier_lookup(code="Xa-250310-0001", secret="abc234")
    assert found is not None and found.pk == min(first.pk, second.pk)
    assert found.unit.name == commune.unit.name
    assert dossier_lookup(code="XA-250310-0001", secret="WRONG2") is None
    assert dossier_lookup(code="XA-250310-0009", secret="ABC234") is None


def test_counters_portable_fallback_gives_the_same_numbers(monkeypatch: Any) -> None:
    """Without ``UPDATE … RETURNING`` (another database) the counters take the lock-and-update
    path and number the same way: from 1, continuous."""
    from django.db import connection

    from motcua.dossiers import codes

    commune = make_commune()
    day = MONDAY.date()
    with transaction.atomic():
        fast = [codes.next_ledger_number(commune.unit, 2031) for _ in range(2)]
    monkeypatch.setattr(connection, "vendor", "other")
    with transaction.atomic():
        slow = [codes.next_ledger_number(commune.unit, 2031) for _ in range(2)]
        first_of_day = codes.next_dossier_code(commune.unit, day)
    assert fast + slow == [1, 2, 3, 4]
    assert first_of_day.endswith("-0001")


def _comparable(d: Dossier) -> dict[str, Any]:
    """What the two intake paths must write alike (ids, codes and secrets aside)."""
    stored = Dossier.objects.get(pk=d.pk)
    skip = {"id", "code", "lookup_secret", "ledger_number", "created_at", "updated_at"}
    row = {f.attname: getattr(stored, f.attname) for f in Dossier._meta.concrete_fields}
    events = [
        {
            "seq": e.seq,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "form": e.form,
            "actor": e.actor_id,
            "unit": e.unit_id,
            "at": e.at,
            "note": e.note,
            "visible": e.visible_to_applicant,
            "payload": {k: v for k, v in e.payload.items() if k not in {"code", "ledger"}},
        }
        for e in DossierEvent.objects.filter(dossier=d).order_by("seq")
    ]
    components = list(
        d.components.order_by("id").values_list("component_id", "name", "kind", "provided")
    )
    return {
        "dossier": {k: v for k, v in row.items() if k not in skip},
        "events": events,
        "components": components,
    }


@pytest.mark.parametrize("provide_optional", [True, False])
def test_one_pass_receipt_writes_what_create_then_receive_write(
    provide_optional: bool, django_capture_on_commit_callbacks: Any
) -> None:
    """NĐ61 art. 16–17: recording then receiving a complete dossier, in two calls or in one,
    leaves the same dossier, components, events (hash-chained) and outbox rows."""
    from motcua.ops.models import EventDispatch

    commune = make_commune()
    version = ProcedureVersionFactory()
    components = list(version.components.order_by("order"))
    ids = [c.pk for c in components if c.required or provide_optional]
    two_calls = _counter_intake(commune, version, ids)
    with django_capture_on_commit_callbacks() as callbacks:
        one_pass = services.dossier_receive_at_counter(**_fields(commune, version, ids))
    assert _comparable(one_pass) == _comparable(two_calls)
    assert one_pass.code is not None and one_pass.code.endswith("-0002")
    assert one_pass.ledger_number == two_calls.ledger_number + 1
    assert one_pass.lookup_secret and one_pass.lookup_secret != two_calls.lookup_secret
    event_ids = list(
        DossierEvent.objects.filter(dossier=one_pass).order_by("seq").values_list("pk", flat=True)
    )
    assert set(
        EventDispatch.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True)
    ) == set(event_ids)
    assert len(callbacks) == 1  # one broker message for both events, in their order
    assert verify_events() == []


def test_one_pass_receipt_refuses_a_missing_required_component_and_writes_nothing() -> None:
    commune = make_commune()
    version = ProcedureVersionFactory()
    required = list(version.components.filter(required=True).order_by("order", "pk"))
    assert required
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    with pytest.raises(services.DomainError) as info:
        services.dossier_receive_at_counter(**_fields(commune, version, []))
    assert all(c.name in info.value.message for c in required)
    assert "Mẫu 02" in info.value.message
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before


def test_one_pass_receipt_checks_the_receiver_role() -> None:
    commune = make_commune()
    version = ProcedureVersionFactory()
    with pytest.raises(services.PermissionDenied):
        ids = list(version.components.values_list("pk", flat=True))
        services.dossier_receive_at_counter(**_fields(commune, version, ids, commune.specialist))
    assert not Dossier.objects.exists()


def test_one_pass_receipt_query_count(django_assert_max_num_queries: Any) -> None:
    commune = make_commune()
    version = ProcedureVersionFactory()
    ids = list(version.components.values_list("pk", flat=True))
    kwargs = _fields(commune, version, ids)
    services.dossier_receive_at_counter(**kwargs)  # the day's and year's counters exist now
    with django_assert_max_num_queries(ONE_PASS_MAX_QUERIES):
        d = services.dossier_receive_at_counter(**kwargs)
    assert Dossier.objects.get(pk=d.pk).state == "received"


def test_code_and_ledger_in_one_statement_number_like_the_two_counters() -> None:
    """DOMAIN §1.5 (codes gap-free per unit and day) and TT01/2018 art. 10 (ledger continuous
    per unit and year): the one-round-trip counters give what the two calls give, creating
    either row when it is missing (first receipt of a day, of a year)."""
    from motcua.dossiers import codes

    commune = make_commune()
    day = MONDAY.date()
    with transaction.atomic():
        first = codes.next_code_and_ledger(commune.unit, day)  # both rows created
        second = codes.next_code_and_ledger(commune.unit, day)
        separate = (
            codes.next_dossier_code(commune.unit, day),
            codes.next_ledger_number(commune.unit, day.year),
        )
        next_day = codes.next_code_and_ledger(commune.unit, day + dt.timedelta(days=1))
    assert [n for _, n in (first, second, separate, next_day)] == [1, 2, 3, 4]
    assert [c[-4:] for c, _ in (first, second, separate)] == ["0001", "0002", "0003"]
    assert next_day[0].endswith("-0001")  # a new day: the code sequence starts again


def test_one_pass_receipt_sees_a_calendar_change_at_once() -> None:
    """The calendar's freshness stamp read with the version (one query) still makes the next
    receipt use an edited calendar (DOMAIN §6; NĐ61 art. 17: the appointment in working days):
    a commune day off on the due day moves the due date to the next working day."""
    from motcua.calendar.constants import OverrideKind
    from motcua.calendar.models import CalendarOverride

    commune = make_commune()
    version = ProcedureVersionFactory()  # 3 working days
    ids = list(version.components.values_list("pk", flat=True))
    before = services.dossier_receive_at_counter(**_fields(commune, version, ids))
    due_day = services.local_date(before.due_at)
    assert due_day == dt.date(2025, 3, 13)  # Mon 10/03 + 3 working days: Thu 13/03
    CalendarOverride.objects.create(
        date=due_day, kind=OverrideKind.SWAP_OFF, label="Nghỉ hoán đổi", unit=commune.unit
    )
    after = services.dossier_receive_at_counter(**_fields(commune, version, ids))
    assert services.local_date(after.due_at) == dt.date(2025, 3, 14)


def test_version_in_force_with_columns_reads_both_or_none() -> None:
    from motcua.calendar.selectors import _version, stamp_alias, stamp_columns
    from motcua.catalogue.selectors import version_in_force, version_in_force_with

    version = ProcedureVersionFactory()
    on = MONDAY.date()
    columns = stamp_columns(stamp_alias())
    found, stamp = version_in_force_with(version.procedure, on, columns)
    assert found is not None and found.pk == version_in_force(version.procedure, on).pk  # type: ignore[union-attr]
    assert stamp == _version()
    # No version in force (before its validity): still one row, with the stamp.
    missing, stamp = version_in_force_with(version.procedure, dt.date(1990, 1, 1), columns)
    assert missing is None and stamp == _version()
    assert version_in_force_with(version.procedure, dt.date(1990, 1, 1)) == (None, ())
