"""The counter intake (create + receive in one transaction) stays cheap and keeps the event
chain exact: the chain's tail written by the same open transaction is reused, never one from a
rolled-back block (benchmarks/README.md, HTTP section)."""

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


def _counter_intake(commune: Any, version: Any, ids: list[int]) -> Dossier:
    with transaction.atomic():
        d = services.dossier_create_at_counter(
            user=commune.receiver,
            unit=commune.unit,
            procedure=version.procedure,
            applicant_name="Trần Thị Bình",
            provided_component_ids=ids,
            at=MONDAY,
        )
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
