"""The starter catalogue of commune procedures (DOMAIN §9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalogue import rules, selectors, services
from motcua.catalogue.models import Component, FeeRule, Procedure, ProcedureVersion, ProcessStep

D = dt.date


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (Procedure, ProcedureVersion, Component, FeeRule, ProcessStep)
    )


@pytest.mark.django_db
def test_starter_catalogue_loads_idempotently() -> None:
    first = services.catalogue_load_starter()
    assert first.procedures_created >= 20
    before = counts()
    stamps = list(ProcedureVersion.objects.order_by("pk").values_list("updated_at", flat=True))

    second = services.catalogue_load_starter()
    assert not second.changed
    assert counts() == before
    assert (
        list(ProcedureVersion.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps
    )


@pytest.mark.django_db
def test_starter_catalogue_content() -> None:
    services.catalogue_load_starter()
    assert Procedure.objects.count() >= 20
    assert set(Procedure.objects.values_list("field__code", flat=True)) == {
        "HT",
        "CT",
        "BTXH",
        "DD",
    }
    assert Procedure.objects.filter(code__in=["1.004873", "2.000815"]).count() == 2
    for version in ProcedureVersion.objects.prefetch_related("steps"):
        assert version.steps.exists(), version
        assert (
            rules.steps_problem(
                version.time_limit_amount,
                version.time_limit_unit,
                [(s.allotted_amount, s.allotted_unit) for s in version.steps.all()],
            )
            is None
        ), version
        assert "DOMAIN §9" in version.sources
    for code in ("LOCAL-HT-01", "LOCAL-HT-02", "1.004873"):
        schema = ProcedureVersion.objects.get(procedure__code=code).eform_schema
        assert schema["type"] == "object" and schema["required"]
    assert all(p.life_events for p in Procedure.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "on", "amount", "unit"),
    [
        pytest.param(
            "LOCAL-DD-01", dt.date(2025, 6, 30), 45, "calendar_days", id="hoa-giai-before"
        ),
        pytest.param("LOCAL-DD-01", dt.date(2025, 7, 1), 30, "calendar_days", id="hoa-giai-after"),
        pytest.param("LOCAL-BTXH-01", dt.date(2025, 6, 30), 12, "working_days", id="btxh-before"),
        pytest.param("LOCAL-BTXH-01", dt.date(2025, 7, 1), 22, "working_days", id="btxh-after"),
        pytest.param(
            "1.004873", dt.date(2025, 7, 1), 3, "working_days", id="xnttthn-DOMAIN-s9-row8"
        ),
        pytest.param("2.000815", dt.date(2019, 1, 1), 0, "same_day", id="ban-sao-DOMAIN-s9-row11"),
    ],
)
def test_starter_versions_in_force(code: str, on: dt.date, amount: int, unit: str) -> None:
    services.catalogue_load_starter()
    version = selectors.version_in_force(Procedure.objects.get(code=code), on)
    assert version is not None
    assert (version.time_limit_amount, version.time_limit_unit) == (Decimal(amount), unit)


@pytest.mark.django_db
def test_starter_fee_chung_thuc_ban_sao() -> None:
    services.catalogue_load_starter()
    version = ProcedureVersion.objects.get(procedure__code="2.000815")
    assert services.fee_compute(version, pages=250) == Decimal(200000)
    assert services.fee_compute(version, pages=3) == Decimal(5000)


@pytest.mark.django_db
def test_starter_search_by_life_event_words() -> None:
    services.catalogue_load_starter()
    found = [p.code for p in selectors.procedure_search("ĐĂNG KÝ KẾT HÔN")]
    assert found == ["LOCAL-HT-02"]
    assert [p.code for p in selectors.procedure_search("hon nhan", on=dt.date(2026, 1, 1))] == [
        "1.004873"
    ]
