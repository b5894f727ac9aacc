"""Property tests (hypothesis): invariants of DOMAIN.md §3.3 and rollup == oracle.

Random dossier sets on an hourly grid around a half-year (so that finishing exactly at the
due instant, due at midnight, late evenings etc. happen often), three units (a commune, its
hamlet-level child and a predecessor merged into it), two fields, four kinds of time limit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import FieldFactory, UnitFactory

from motcua.calendar.constants import LimitUnit
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.constants import FIGURE_KEYS, Policy
from motcua.reports.models import DailyFlow, DossierFootprint, RollupMeta
from motcua.reports.services import rollup_check, rollup_rebuild, rollup_refresh_dossier_days
from motcua.reports.stats import bieu06, local_midnight

from .helpers import dossier, version

BASE_DAY = dt.date(2023, 1, 1)
BASE = local_midnight(BASE_DAY)
LIMITS = [
    LimitUnit.WORKING_DAYS,
    LimitUnit.CALENDAR_DAYS,
    LimitUnit.WORKING_HOURS,
    LimitUnit.SAME_DAY,
]


def world() -> dict[str, Any]:
    root = UnitFactory(code="PX1", name="Xã Gốc")
    child = UnitFactory(code="PX1C", name="Bộ phận con", parent=root)
    merged = UnitFactory(code="PX0", name="Xã cũ (đã sáp nhập)")
    merged.successors.add(root)
    fields = [FieldFactory(code="HT", name="Hộ tịch"), FieldFactory(code="CT", name="Chứng thực")]
    pvs = {}
    for f in fields:
        for limit in LIMITS:
            found = f.procedures.filter(versions__time_limit_unit=limit).first()
            pvs[(f.code, limit)] = found.versions.get() if found else version(f, limit)
    return {"units": [root, child, merged], "fields": fields, "pvs": pvs}


hours = st.integers(min_value=0, max_value=24 * 70)
dossier_spec = st.fixed_dictionaries(
    {
        "unit": st.integers(0, 2),
        "field": st.sampled_from(["HT", "CT"]),
        "limit": st.sampled_from(LIMITS),
        "state": st.sampled_from(list(State)),
        "channel": st.sampled_from(list(Channel)),
        "received": hours,
        "due": st.one_of(st.none(), st.integers(-24, 24 * 15)),
        "end": st.one_of(st.none(), st.integers(-24, 24 * 30)),
        "extend": st.one_of(st.none(), st.integers(0, 24 * 10)),
        "returned_only": st.booleans(),
    }
)


def build(spec: dict[str, Any], w: dict[str, Any]) -> dict[str, Any]:
    received = BASE + dt.timedelta(hours=spec["received"])
    due = None if spec["due"] is None else received + dt.timedelta(hours=spec["due"])
    end = None if spec["end"] is None else received + dt.timedelta(hours=spec["end"])
    extended = (
        None if due is None or spec["extend"] is None else due + dt.timedelta(hours=spec["extend"])
    )
    state = spec["state"]
    closed = end if state in (State.WITHDRAWN, State.STOPPED) else None
    finished = end if closed is None and not spec["returned_only"] else None
    returned = end if closed is None and spec["returned_only"] else None
    return {
        "unit": w["units"][spec["unit"]],
        "pv": w["pvs"][(spec["field"], spec["limit"])],
        "received": None if state == State.DRAFT else received,
        "due": due,
        "state": state,
        "channel": spec["channel"],
        "finished": finished,
        "returned": returned,
        "closed": closed,
        "extended": extended,
    }


def create_all(specs: list[dict[str, Any]], w: dict[str, Any]) -> list[Dossier]:
    rows = []
    for spec in specs:
        b = build(spec, w)
        rows.append(dossier(b.pop("unit"), b.pop("pv"), save=False, **b))
    return Dossier.objects.bulk_create(rows)


def clean() -> None:
    DailyFlow.objects.all().delete()
    DossierFootprint.objects.all().delete()
    RollupMeta.objects.all().delete()
    Dossier.objects.all().delete()


def periods(cuts: list[int]) -> list[tuple[dt.date, dt.date]]:
    days = sorted(set(cuts))
    return [
        (BASE_DAY + dt.timedelta(days=a), BASE_DAY + dt.timedelta(days=b - 1))
        for a, b in itertools.pairwise(days)
    ]


PROPERTY_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@PROPERTY_SETTINGS
@given(
    specs=st.lists(dossier_spec, min_size=0, max_size=25),
    cuts=st.lists(st.integers(-3, 75), min_size=3, max_size=4, unique=True),
    now_hours=st.integers(-24 * 5, 24 * 80),
    policy=st.sampled_from(list(Policy.values)),
)
def test_invariants_and_carry_over_chain_dom_3_3(
    specs: list[dict[str, Any]], cuts: list[int], now_hours: int, policy: str
) -> None:
    """DOMAIN.md §3.3: received = resolved + pending + closed_other in every row, and
    pending_total(P) == carried_over(next P), in both policies (§3.4)."""
    w = world()
    clean()
    try:
        create_all(specs, w)
        now = BASE + dt.timedelta(hours=now_hours)
        previous = None
        for date_from, date_to in periods(cuts):
            result = bieu06(
                unit=w["units"][0],
                date_from=date_from,
                date_to=date_to,
                policy=policy,
                now=now,
                source="oracle",
            )
            t = result.total
            assert t.received_total == t.resolved_total + t.pending_total + t.closed_other_total
            assert t.received_total == (
                t.received_online + t.received_direct_postal + t.carried_over
            )
            if policy == Policy.FOLDED:
                assert t.closed_other_total == 0
            if previous is not None:
                assert previous.pending_total == t.carried_over
            previous = t
    finally:
        clean()


def assert_same(w: dict[str, Any], cuts: list[int], now: dt.datetime, policy: str) -> None:
    checks = [(w["units"][0], p) for p in periods(cuts)] + [(w["units"][1], periods(cuts)[0])]
    for unit, (date_from, date_to) in checks:
        check = rollup_check(
            unit=unit, date_from=date_from, date_to=date_to, now=now, policy=policy
        )
        assert check.ok, check.differences


@pytest.mark.django_db
@settings(PROPERTY_SETTINGS, max_examples=10)
@given(
    specs=st.lists(dossier_spec, min_size=1, max_size=20),
    changes=st.lists(dossier_spec, min_size=0, max_size=5),
    delete_first=st.booleans(),
    cuts=st.lists(st.integers(-3, 75), min_size=2, max_size=3, unique=True),
    now_hours=st.integers(-24 * 5, 24 * 80),
    policy=st.sampled_from(list(Policy.values)),
    overrides=st.sampled_from(
        [{}, {"CLASSIFY_DAY_LIMITS_BY_DATE": False}, {"LATENESS_AGAINST": "extended"}]
    ),
)
def test_rollup_equals_oracle_and_partial_refresh(
    specs: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    delete_first: bool,
    cuts: list[int],
    now_hours: int,
    policy: str,
    overrides: dict[str, Any],
) -> None:
    """PERFORMANCE.md "state at an instant": every figure from the daily rollups equals the
    oracle, including pending overdue when now < period end, under each classification
    setting (DOMAIN §2.5 (a), (b)); then after changing some dossiers (and deleting one)
    `rollup_refresh_dossier_days` restores the equality."""
    w = world()
    clean()
    with override_settings(MOTCUA={**django_settings.MOTCUA, **overrides}):
        run_rollup_case(w, specs, changes, delete_first, cuts, now_hours, policy)


def run_rollup_case(
    w: dict[str, Any],
    specs: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    delete_first: bool,
    cuts: list[int],
    now_hours: int,
    policy: str,
) -> None:
    try:
        created = create_all(specs, w)
        rollup_rebuild()
        now = BASE + dt.timedelta(hours=now_hours)
        assert_same(w, cuts, now, policy)
        touched = []
        for row, spec in zip(created, changes, strict=False):
            b = build(spec, w)
            b.pop("unit")
            pv = b.pop("pv")
            Dossier.objects.filter(pk=row.pk).update(
                procedure_version=pv,
                field=pv.procedure.field,
                state=b["state"],
                channel=b["channel"],
                received_at=b["received"],
                due_at=b["due"],
                extended_due_at=b["extended"],
                finished_at=b["finished"],
                returned_at=b["returned"],
                closed_at=b["closed"],
            )
            touched.append(row.pk)
        if delete_first:
            Dossier.objects.filter(pk=created[-1].pk).delete()
            touched.append(created[-1].pk)
        rollup_refresh_dossier_days(dossier_ids=touched)
        assert_same(w, cuts, now, policy)
        # Refresh is idempotent and a partial rebuild changes nothing more.
        before = list(DailyFlow.objects.order_by("unit", "field", "day").values())
        rollup_refresh_dossier_days(dossier_ids=touched)
        rollup_rebuild(unit=w["units"][0], day_from=BASE_DAY, day_to=BASE_DAY.replace(month=3))
        after = list(DailyFlow.objects.order_by("unit", "field", "day").values())
        assert [{k: v for k, v in r.items() if k != "id"} for r in before] == [
            {k: v for k, v in r.items() if k != "id"} for r in after
        ]
    finally:
        clean()


@pytest.mark.django_db
def test_figure_keys_are_the_contract() -> None:
    """The 15 keys of the stable JSON contract, in order."""
    w = world()
    result = bieu06(
        unit=w["units"][0],
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 6, 30),
        source="oracle",
    )
    assert list(result.total.as_dict()) == list(FIGURE_KEYS)
    assert isinstance(w["units"][0], Unit)
