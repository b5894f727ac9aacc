"""`insert_rows` stores exactly what Django's own insert stores (both databases), with the
statement built once: JSON, aware datetimes, decimals, NULLs, `auto_now(_add)`, keys given or
returned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import ProcedureVersionFactory

from motcua.core import fastinsert
from motcua.core.fastinsert import insert_rows
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, make_commune
from motcua.ops.models import EventDispatch

pytestmark = pytest.mark.django_db

#: Text as PostgreSQL stores it in `jsonb` and `text` (no NUL character).
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def _stored(model: type[Any], pk: Any) -> dict[str, Any]:
    row = model.objects.get(pk=pk)
    return {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}


def _event(dossier: Dossier, seq: int, payload: Any, note: str = "") -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        at=MONDAY + dt.timedelta(seconds=seq),
        action="note",
        from_state="received",
        to_state="received",
        note=note,
        payload=payload,
    )
    event.seal("")
    return event


@pytest.fixture
def dossier() -> Dossier:
    return counter_dossier(make_commune(), ProcedureVersionFactory())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.dictionaries(texts, json_values, max_size=4), note=texts)
def test_rows_equal_the_orm_rows(dossier: Dossier, payload: Any, note: str) -> None:
    seq = dossier.events.count() + 1
    orm = _event(dossier, seq, payload, note)
    orm.save()
    fast = _event(dossier, seq + 1, payload, note)
    insert_rows([fast])
    assert fast.pk is not None and not fast._state.adding and fast._state.db == "default"
    a, b = _stored(DossierEvent, orm.pk), _stored(DossierEvent, fast.pk)
    for row in (a, b):
        row.pop("id"), row.pop("seq"), row.pop("at"), row.pop("hash")
    assert a == b
    assert b["payload"] == payload and b["note"] == note


def test_several_rows_in_order_with_their_keys(dossier: Dossier) -> None:
    catalogue = list(dossier.procedure_version.components.order_by("order"))
    rows = [
        DossierComponent(dossier=dossier, component=c, name=c.name, kind=c.kind, provided=False)
        for c in catalogue
    ]
    insert_rows(rows)
    stored = list(DossierComponent.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    assert [r.pk for r in rows] == [s.pk for s in stored]
    assert [s.name for s in stored] == [c.name for c in catalogue]
    assert all(s.provided is False for s in stored)


def test_given_keys_and_auto_now_add(db: None) -> None:
    before = timezone.now()
    rows = [EventDispatch(event_id=10**12 + i) for i in range(3)]
    insert_rows(rows)
    stored = list(EventDispatch.objects.filter(event_id__gte=10**12).order_by("event_id"))
    assert [s.event_id for s in stored] == [10**12, 10**12 + 1, 10**12 + 2]
    assert all(s.created_at >= before and s.completed_at is None for s in stored)
    assert all(s.attempts == 0 for s in stored)


def test_a_dossier_row_with_nulls_and_timestamps(dossier: Dossier) -> None:
    copy = Dossier(
        unit=dossier.unit,
        current_unit=dossier.current_unit,
        procedure_version=dossier.procedure_version,
        field_id=dossier.field_id,
        rule_set=dossier.rule_set,
        channel=dossier.channel,
        state=dossier.state,
        applicant_name="Lê Thị Hoa",
        data={"họ_tên": "Lê Thị Hoa", "số": 3},
        submitted_at=MONDAY,
    )
    insert_rows([copy])
    stored = Dossier.objects.get(pk=copy.pk)
    assert stored.code is None and stored.due_at is None and stored.assignee_id is None
    assert stored.data == {"họ_tên": "Lê Thị Hoa", "số": 3}
    assert stored.submitted_at == MONDAY
    assert stored.created_at is not None and stored.updated_at is not None


def test_refusals(dossier: Dossier) -> None:
    event = _event(dossier, 50, {})
    with pytest.raises(TypeError):
        insert_rows([event, EventDispatch(event_id=1)])  # type: ignore[list-item]
    insert_rows([event])
    with pytest.raises(ValueError, match="already saved"):
        insert_rows([event])
    with pytest.raises(ValueError, match="at most"):
        insert_rows([EventDispatch(event_id=i) for i in range(fastinsert.MAX_ROWS + 1)])
    insert_rows([])  # nothing to do


def test_the_statement_is_built_once(dossier: Dossier) -> None:
    fastinsert._statement.cache_clear()
    for seq in (60, 61):
        insert_rows([_event(dossier, seq, {})])
    info = fastinsert._statement.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert connection.vendor in {"sqlite", "postgresql"}


def _comparable(params: list[Any]) -> list[Any]:
    """Each parameter with its type (psycopg's Int8(6) == 6), JSON wrappers by what they wrap
    (they compare by identity)."""
    return [(type(p), p.obj if hasattr(p, "obj") else p) for p in params]


def _django_params(obj: Any) -> list[Any]:
    model = type(obj)
    return [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection)
        for f in fastinsert._insert_fields(model)
    ]


def test_plain_values_skip_django_for_the_same_parameters(
    dossier: Dossier, monkeypatch: Any
) -> None:
    """The pass-through of plain str/int/bool values gives Django's own parameters, for every
    column of the rows the intake writes (a received dossier, its components and events)."""
    monkeypatch.setattr(timezone, "now", lambda: MONDAY)  # auto_now: one instant for both
    rows: list[Any] = [dossier, *dossier.components.all(), *dossier.events.all()]
    rows.append(EventDispatch(event_id=dossier.events.first().pk))  # type: ignore[union-attr]
    passed = 0
    for row in rows:
        fast = fastinsert.row_params(row, type(row), connection)
        assert _comparable(fast) == _comparable(_django_params(row))
        passed += sum(k is not None for k in fastinsert._kinds(type(row)))
    assert passed > 20  # the pass-through is taken (not everything sent to Django)


def test_pass_through_only_for_exact_field_classes_and_types(dossier: Dossier) -> None:
    from django.db import models

    class Upper(models.CharField):  # type: ignore[type-arg]
        def get_prep_value(self, value: Any) -> Any:
            return super().get_prep_value(value).upper()

    assert fastinsert._kind(Upper(max_length=5)) is None
    assert fastinsert._kind(models.CharField(max_length=5)) == (str, None)
    assert fastinsert._kind(models.DateTimeField()) is None
    assert fastinsert._kind(models.JSONField()) is None
    assert fastinsert._kind(Dossier._meta.get_field("unit")) == (int, None)
    # A value of another type goes through Django: True in an integer column is stored as 1.
    dossier.copies = True  # type: ignore[assignment]
    params = fastinsert.row_params(dossier, Dossier, connection)
    copies = [f.name for f in fastinsert._insert_fields(Dossier)].index("copies")
    assert _comparable([params[copies]]) == _comparable(
        _django_params(dossier)[copies : copies + 1]
    )
    assert params[copies] == 1
