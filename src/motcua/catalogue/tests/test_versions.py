"""Versioned catalogue: drafts, publishing, validity periods, step allotments.

DOMAIN §0.1 (rule sets by date), §2.1 (units: 1 working day = 8 working hours).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import ProcedureVersionFactory

from motcua.calendar.constants import LimitUnit
from motcua.catalogue import rules, selectors, services
from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.importing import StepData
from motcua.catalogue.models import Procedure, ProcedureVersion
from motcua.core.errors import DomainError

D = dt.date


@pytest.fixture
def procedure(db: None) -> Procedure:
    field = services.field_upsert(code="HT", name="Hộ tịch")
    return services.procedure_upsert(
        code="1.004873", name="Cấp Giấy xác nhận tình trạng hôn nhân", field=field
    )


def steps(*items: tuple[int | str, str]) -> list[StepData]:
    return [
        StepData(name=f"Bước {i}", role="specialist", allotted_amount=Decimal(a), allotted_unit=u)
        for i, (a, u) in enumerate(items, start=1)
    ]


def published(procedure: Procedure, start: dt.date, end: dt.date | None) -> ProcedureVersion:
    draft = services.version_create_draft(
        procedure=procedure,
        valid_from=start,
        time_limit_amount=Decimal(3),
        time_limit_unit=LimitUnit.WORKING_DAYS,
    )
    services.version_update(version=draft, valid_to=end)
    return services.version_publish(version=draft)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((D(2018, 6, 21), None), (D(2025, 7, 1), None), id="open-ended-first"),
        pytest.param((D(2018, 6, 21), D(2025, 7, 1)), (D(2025, 7, 1), None), id="shared-day"),
        pytest.param((D(2025, 7, 1), None), (D(2018, 6, 21), D(2030, 1, 1)), id="later-covers"),
    ],
)
def test_publish_refuses_overlapping_periods(
    procedure: Procedure,
    first: tuple[dt.date, dt.date | None],
    second: tuple[dt.date, dt.date | None],
) -> None:
    published(procedure, *first)
    with pytest.raises(DomainError, match="trùng"):
        published(procedure, *second)
    assert procedure.versions.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_publish_adjacent_periods_and_version_in_force_by_date(procedure: Procedure) -> None:
    """ND61-2018 until 30/06/2025, ND118-2025 from 01/07/2025 (DOMAIN §0.1)."""
    v1 = published(procedure, D(2018, 6, 21), D(2025, 6, 30))
    v2 = published(procedure, D(2025, 7, 1), None)
    assert selectors.version_in_force(procedure, D(2018, 6, 20)) is None
    assert selectors.version_in_force(procedure, D(2018, 6, 21)) == v1
    assert selectors.version_in_force(procedure, D(2025, 6, 30)) == v1
    assert selectors.version_in_force(procedure, D(2025, 7, 1)) == v2
    assert selectors.version_in_force(procedure, D(2030, 1, 1)) == v2
    assert list(selectors.procedures_in_force(D(2025, 6, 30))) == [procedure]
    assert list(selectors.procedures_in_force(D(2018, 1, 1))) == []
    assert [v.number for v in selectors.versions_in_force(D(2026, 1, 1))] == [2]


def test_drafts_are_not_in_force(procedure: Procedure) -> None:
    services.version_create_draft(
        procedure=procedure,
        valid_from=D(2018, 6, 21),
        time_limit_amount=Decimal(3),
        time_limit_unit=LimitUnit.WORKING_DAYS,
    )
    assert selectors.version_in_force(procedure, D(2020, 1, 1)) is None


def test_publish_close_previous_ends_open_version(procedure: Procedure) -> None:
    v1 = published(procedure, D(2018, 6, 21), None)
    draft = services.version_create_draft(procedure=procedure, valid_from=D(2025, 7, 1))
    services.version_publish(version=draft, close_previous=True)
    v1.refresh_from_db()
    assert v1.valid_to == D(2025, 6, 30)


@pytest.mark.django_db
def test_create_draft_copies_previous_version() -> None:
    v1 = ProcedureVersionFactory(valid_to=D(2025, 6, 30))
    v1.fee_rules.create(order=1, name="Lệ phí", amount=Decimal(3000))
    draft = services.version_create_draft(procedure=v1.procedure, valid_from=D(2025, 7, 1))
    assert draft.number == 2
    assert draft.status == VersionStatus.DRAFT
    assert draft.time_limit_amount == v1.time_limit_amount
    assert [c.name for c in draft.components.all()] == [c.name for c in v1.components.all()]
    assert [s.name for s in draft.steps.all()] == [s.name for s in v1.steps.all()]
    assert draft.fee_rules.get().amount == Decimal(3000)
    assert v1.steps.count() == 3  # the original is untouched


def test_published_version_is_frozen(procedure: Procedure) -> None:
    v1 = published(procedure, D(2018, 6, 21), None)
    with pytest.raises(DomainError, match="đã công bố"):
        services.version_update(version=v1, time_limit_text="x")


@pytest.mark.parametrize(
    ("limit", "unit", "items", "ok"),
    [
        pytest.param(
            3,
            "working_days",
            [(8, "working_hours"), (2, "working_days")],
            True,
            id="3wd-eq-24h-DOMAIN-s2.1",
        ),
        pytest.param(
            3, "working_days", [(16, "working_hours"), (9, "working_hours")], False, id="3wd-lt-25h"
        ),
        pytest.param(
            0, "same_day", [(4, "working_hours"), (4, "working_hours")], True, id="same-day-is-8h"
        ),
        pytest.param(
            0,
            "same_day",
            [(5, "working_hours"), (4, "working_hours")],
            False,
            id="same-day-over-8h",
        ),
        pytest.param(
            16,
            "working_hours",
            [(1, "working_days"), (1, "same_day")],
            True,
            id="hours-vs-days-and-same-day",
        ),
        pytest.param(
            45,
            "calendar_days",
            [(40, "calendar_days"), (5, "working_days")],
            True,
            id="45-days-hoa-giai-DOMAIN-s9-row18",
        ),
        pytest.param(
            45,
            "calendar_days",
            [(44, "calendar_days"), (16, "working_hours")],
            False,
            id="45-days-exceeded",
        ),
        pytest.param(
            5, "working_days", [(1, "calendar_days")], False, id="calendar-step-vs-working-limit"
        ),
    ],
)
def test_step_sum_rule(limit: int, unit: str, items: list[tuple[int, str]], ok: bool) -> None:
    problem = rules.steps_problem(Decimal(limit), unit, [(Decimal(a), u) for a, u in items])
    assert (problem is None) is ok


def test_update_refuses_steps_over_limit(procedure: Procedure) -> None:
    draft = services.version_create_draft(
        procedure=procedure,
        valid_from=D(2018, 6, 21),
        time_limit_amount=Decimal(3),
        time_limit_unit=LimitUnit.WORKING_DAYS,
    )
    with pytest.raises(DomainError, match="vượt thời hạn"):
        services.version_update(
            version=draft, steps=steps((2, "working_days"), (9, "working_hours"))
        )
    assert draft.steps.count() == 0  # rolled back
    services.version_update(version=draft, steps=steps((2, "working_days"), (8, "working_hours")))
    assert draft.steps.count() == 2


@pytest.mark.parametrize(
    ("amount", "unit", "ok"),
    [
        pytest.param(0, "working_days", False, id="zero-working-days"),
        pytest.param(0, "calendar_days", False, id="zero-calendar-days"),
        pytest.param(0, "same_day", True, id="same-day-zero-ok"),
        pytest.param(3, "working_days", True, id="three-working-days"),
    ],
)
def test_limit_must_be_positive_except_same_day(amount: int, unit: str, ok: bool) -> None:
    assert (rules.limit_problem(Decimal(amount), unit) is None) is ok


def test_create_first_draft_refuses_zero_limit(procedure: Procedure) -> None:
    with pytest.raises(DomainError, match="lớn hơn 0"):
        services.version_create_draft(
            procedure=procedure,
            valid_from=D(2018, 6, 21),
            time_limit_amount=Decimal(0),
            time_limit_unit=LimitUnit.WORKING_DAYS,
        )
    assert procedure.versions.count() == 0
