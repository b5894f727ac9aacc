"""Dossier codes (NĐ61 art. 26, TT01/2018 art. 19, DOMAIN.md §1.5), the tracking ledger
(TT01/2018 art. 10, DOMAIN.md §1.11) and the 12-digit identity number (DOMAIN.md §10.2)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import close_old_connections, connection
from hypothesis import given
from hypothesis import strategies as st
from tests.factories import ProcedureVersionFactory, UnitFactory

from motcua.core.errors import ConcurrentChange, DomainError
from motcua.dossiers import codes, services
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import (
    MONDAY,
    counter_dossier,
    local,
    make_commune,
    received_dossier,
)
from motcua.organisation.models import Unit

CODE_RE = re.compile(r"^(?P<prefix>.+)-(?P<date>\d{6})-(?P<seq>\d{4})$")


@pytest.mark.django_db
def test_art26_codes_gap_free_per_unit_and_day(version):
    a, b = make_commune(), make_commune()
    got_a = [received_dossier(a, version, local(2025, 3, 10, 8, i)).code for i in range(12)]
    got_b = [received_dossier(b, version, local(2025, 3, 10, 9, i)).code for i in range(3)]
    assert got_a == [f"{a.unit.code}-250310-{n:04d}" for n in range(1, 13)]
    assert got_b == [f"{b.unit.code}-250310-{n:04d}" for n in range(1, 4)]
    next_day = received_dossier(a, version, local(2025, 3, 11, 8))
    assert next_day.code == f"{a.unit.code}-250311-0001"


@pytest.mark.django_db
def test_art26_code_uses_the_agency_identifier_and_the_local_date(version):
    c = make_commune()
    Unit.objects.filter(pk=c.unit.pk).update(agency_identifier="H40.01.02")
    c.unit.refresh_from_db()
    # 06:30 local on 11/03 is still 10/03 in UTC: the local date counts.
    d = received_dossier(c, version, local(2025, 3, 11, 6, 30))
    assert d.code == "H40.01.02-250311-0001"


@pytest.mark.django_db
def test_art26_refused_receipt_gives_its_number_back(version):
    c = make_commune()
    first = version.components.order_by("order").first()
    incomplete = counter_dossier(c, version, provided_component_ids=[first.pk])
    with pytest.raises(DomainError):
        services.dossier_receive(dossier=incomplete, user=c.receiver, at=MONDAY)
    assert received_dossier(c, version).code.endswith("-0001")


@pytest.mark.django_db
def test_tt01_art10_ledger_continuous_through_the_year_and_restarting(version):
    c = make_commune()
    numbers = [
        received_dossier(c, version, at)
        for at in (local(2025, 3, 10), local(2025, 7, 7), local(2025, 12, 31, 16))
    ]
    assert [(d.ledger_year, d.ledger_number) for d in numbers] == [
        (2025, 1),
        (2025, 2),
        (2025, 3),
    ]
    new_year = received_dossier(c, version, local(2026, 1, 2))
    assert (new_year.ledger_year, new_year.ledger_number) == (2026, 1)


def test_counters_refuse_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        codes.next_ledger_number(Unit(pk=1, code="X"), 2025)


def test_lookup_secret_is_random_and_unambiguous():
    secrets = {codes.new_lookup_secret() for _ in range(200)}
    assert len(secrets) > 190
    assert all(len(s) == 6 and not set(s) & set("01OIL") for s in secrets)


@pytest.mark.parametrize(
    ("number", "birth_year", "sex"),
    [
        ("001090012345", 1990, "male"),
        ("079150012345", 1950, "female"),
        ("031303012345", 2003, "female"),
        ("048 2 05 012345", 2005, "male"),
    ],
    ids=["HN-1990-nam", "HCM-1950-nu", "HP-2003-nu", "DN-spaces"],
)
def test_domain_10_2_valid_id_numbers(number, birth_year, sex):
    assert services.validate_id_number(number, birth_year=birth_year, sex=sex) == number.replace(
        " ", ""
    )


@pytest.mark.parametrize(
    ("number", "birth_year", "sex", "message"),
    [
        ("12345678901", None, None, "12 chữ số"),
        ("00109001234A", None, None, "12 chữ số"),
        ("123456789", None, None, "CMND"),
        ("003090012345", None, None, "Mã tỉnh"),
        ("001290012345", 1990, None, "thế kỷ"),
        ("001091012345", 1990, None, "năm sinh"),
        ("001090012345", None, "female", "giới tính"),
    ],
    ids=[
        "11-digits",
        "letter",
        "old-CMND-9-digits-LuatCanCuoc2023",
        "unknown-province-003",
        "century-digit-21st-vs-1990",
        "yy-91-vs-1990",
        "sex-digit-0-is-male",
    ],
)
def test_domain_10_2_invalid_id_numbers(number, birth_year, sex, message):
    with pytest.raises(DomainError, match=message):
        services.validate_id_number(number, birth_year=birth_year, sex=sex)


@given(
    province=st.sampled_from(sorted(services.PROVINCE_CODES)),
    year=st.integers(1900, 2099),
    female=st.booleans(),
    tail=st.integers(0, 999_999),
)
def test_domain_10_2_property_built_numbers_validate(province, year, female, tail):
    g = (year // 100 - 19) * 2 + int(female)
    number = f"{province}{g}{year % 100:02d}{tail:06d}"
    sex = "female" if female else "male"
    assert services.validate_id_number(number, birth_year=year, sex=sex) == number


# -- PostgreSQL: row locks --------------------------------------------------------------------


def _threads(targets: list) -> list:
    results: list = [None] * len(targets)
    barrier = threading.Barrier(len(targets))

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = targets[i]()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_art26_concurrent_receipts_same_second_get_consecutive_codes():
    _require_postgres()
    c = make_commune()
    version = ProcedureVersionFactory()
    dossiers = [counter_dossier(c, version) for _ in range(6)]

    def receive(d: Dossier):
        return lambda: services.dossier_receive(dossier=d.pk, user=c.receiver, at=MONDAY).code

    results = _threads([receive(d) for d in dossiers])
    assert all(isinstance(r, str) for r in results), results
    assert sorted(results) == [f"{c.unit.code}-250310-{n:04d}" for n in range(1, 7)]
    numbers = sorted(Dossier.objects.values_list("ledger_number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_officers_one_wins_other_gets_concurrent_change():
    _require_postgres()
    c = make_commune()
    version = ProcedureVersionFactory()
    d = counter_dossier(c, version)
    seen = d.version

    def receive():
        return services.dossier_receive(
            dossier=d.pk, user=c.receiver, expected_version=seen, at=MONDAY
        )

    results = _threads([receive, receive])
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, ConcurrentChange)]
    assert len(winners) == 1 and len(losers) == 1, results
    d.refresh_from_db()
    assert d.state == State.RECEIVED and d.events.count() == 2


@pytest.mark.django_db
def test_unit_factory_codes_are_distinct():
    assert UnitFactory().code != UnitFactory().code
