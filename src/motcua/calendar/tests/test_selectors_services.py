"""Unit calendars (selectors) and calendar writes (services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from tests.factories import UnitFactory

from motcua.calendar import selectors
from motcua.calendar.models import CalendarOverride, WorkingSchedule
from motcua.calendar.official import read_official_file
from motcua.calendar.selectors import calendar_for_unit
from motcua.calendar.services import (
    override_delete,
    override_upsert,
    overrides_load_official,
    schedule_set,
)
from motcua.calendar.workdays import VN_TZ, Session
from motcua.core.errors import DomainError

D = dt.date
FESTIVAL = D(2024, 3, 5)  # an ordinary Tuesday


@pytest.fixture
def tree():
    province = UnitFactory(code="T01")
    commune = UnitFactory(code="X01", parent=province)
    hamlet = UnitFactory(code="A01", parent=commune)
    return province, commune, hamlet


@pytest.mark.django_db
def test_unit_override_beats_national(tree) -> None:
    _province, commune, _hamlet = tree
    # National 29/04/2024 is a swapped day off (§6.3 [S12b]); the commune works it.
    override_upsert(date=D(2024, 4, 29), kind="swap_work", label="Trực tiếp nhận", unit=commune)
    assert not calendar_for_unit(None).is_working_day(D(2024, 4, 29))
    assert calendar_for_unit(commune).is_working_day(D(2024, 4, 29))
    assert calendar_for_unit(commune).day_info(D(2024, 4, 29)).reason == "Trực tiếp nhận"


@pytest.mark.django_db
def test_ancestor_overrides_are_inherited_and_deeper_wins(tree) -> None:
    province, commune, hamlet = tree
    override_upsert(date=FESTIVAL, kind="holiday", label="Lễ hội tỉnh", unit=province)
    assert not calendar_for_unit(hamlet).is_working_day(FESTIVAL)
    assert not calendar_for_unit(commune).is_working_day(FESTIVAL)
    override_upsert(date=FESTIVAL, kind="swap_work", label="Xã làm việc", unit=commune)
    assert calendar_for_unit(commune).is_working_day(FESTIVAL)
    assert calendar_for_unit(hamlet).is_working_day(FESTIVAL)
    assert not calendar_for_unit(province).is_working_day(FESTIVAL)
    assert calendar_for_unit(None).is_working_day(FESTIVAL)


@pytest.mark.django_db
def test_cache_sees_every_write(tree) -> None:
    _province, commune, _hamlet = tree
    assert calendar_for_unit(commune).is_working_day(FESTIVAL)
    override_upsert(date=FESTIVAL, kind="holiday", label="Lễ hội", unit=commune)
    assert not calendar_for_unit(commune).is_working_day(FESTIVAL)
    override_upsert(date=FESTIVAL, kind="swap_work", label="Làm", unit=commune)
    assert calendar_for_unit(commune).is_working_day(FESTIVAL)
    override_upsert(date=FESTIVAL, kind="holiday", label="Lễ hội", unit=commune)
    override_delete(date=FESTIVAL, unit=commune)
    assert calendar_for_unit(commune).is_working_day(FESTIVAL)
    assert calendar_for_unit(commune) is calendar_for_unit(commune)  # cached when unchanged


@pytest.mark.django_db
def test_schedule_is_inherited(tree) -> None:
    province, commune, hamlet = tree
    schedule_set(unit=province, weekdays=[0, 1, 2, 3, 4, 5], sessions=[["08:00", "12:00"]])
    calendar = calendar_for_unit(hamlet)
    assert calendar.sessions == (Session(dt.time(8), dt.time(12)),)
    assert calendar.is_working_day(D(2024, 3, 9))  # Saturday is worked in this province
    assert not calendar.is_working_day(D(2024, 4, 29))  # the national swap still applies
    received = dt.datetime(2024, 3, 4, 11, 0, tzinfo=VN_TZ)
    assert calendar.due(received, 0, "same_day").due_at == dt.datetime(2024, 3, 4, 12, tzinfo=VN_TZ)
    schedule_set(unit=commune, weekdays=[0, 1, 2, 3, 4], sessions=[["07:00", "11:00"]])
    assert calendar_for_unit(hamlet).sessions == (Session(dt.time(7), dt.time(11)),)
    assert WorkingSchedule.objects.get(unit=commune).sessions == [["07:00", "11:00"]]


@pytest.mark.django_db
def test_default_schedule_without_unit() -> None:
    calendar = calendar_for_unit(None)
    assert calendar.weekdays == frozenset(range(5))
    assert calendar.sessions[0].start == dt.time(7, 30)
    assert calendar.sessions[-1].end == dt.time(17, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weekdays", "sessions", "message"),
    [
        pytest.param([], [["07:30", "11:30"]], "ít nhất một ngày", id="no weekday"),
        pytest.param([7], [["07:30", "11:30"]], "từ 0", id="weekday out of range"),
        pytest.param([0], [], "ít nhất một buổi", id="no session"),
        pytest.param([0], [["11:30", "07:30"]], "kết thúc sau", id="session backwards"),
        pytest.param(
            [0], [["13:30", "17:00"], ["07:30", "11:30"]], "theo thứ tự", id="sessions out of order"
        ),
        pytest.param(
            [0], [["07:30", "12:00"], ["11:30", "17:00"]], "không chồng", id="sessions overlap"
        ),
        pytest.param([0], [["7h30", "11:30"]], "HH:MM", id="bad time"),
    ],
)
def test_schedule_validation(tree, weekdays, sessions, message) -> None:
    with pytest.raises(DomainError, match=message):
        schedule_set(unit=tree[1], weekdays=weekdays, sessions=sessions)
    assert not WorkingSchedule.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"kind": "party", "label": "x"}, "Loại ngày không hợp lệ", id="bad kind"),
        pytest.param({"kind": "holiday", "label": "  "}, "nội dung", id="empty label"),
        pytest.param({"kind": "holiday", "label": "x" * 201}, "200", id="label too long"),
    ],
)
def test_override_validation(kwargs, message) -> None:
    before = CalendarOverride.objects.count()
    with pytest.raises(DomainError, match=message):
        override_upsert(date=FESTIVAL, **kwargs)
    assert CalendarOverride.objects.count() == before


@pytest.mark.django_db
def test_override_upsert_replaces_and_delete_needs_a_row() -> None:
    override_upsert(date=FESTIVAL, kind="holiday", label="A", legal_ref="QĐ 1")
    override_upsert(date=FESTIVAL, kind="compensatory", label="B", legal_ref="QĐ 2")
    row = CalendarOverride.objects.get(date=FESTIVAL, unit__isnull=True)
    assert (row.kind, row.label, row.legal_ref) == ("compensatory", "B", "QĐ 2")
    override_delete(date=FESTIVAL)
    with pytest.raises(DomainError, match="Không có ngày"):
        override_delete(date=FESTIVAL)


@pytest.mark.django_db
def test_data_migration_loaded_the_official_rows_and_reload_is_idempotent() -> None:
    rows = read_official_file()
    national = CalendarOverride.objects.filter(unit__isnull=True)
    assert sorted(national.values_list("date", flat=True)) == sorted(r.date for r in rows)
    result = overrides_load_official()
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(rows))
    assert national.count() == len(rows)
    # A changed label is updated in place, not duplicated.
    CalendarOverride.objects.filter(date=rows[0].date, unit__isnull=True).update(label="sửa tay")
    result = overrides_load_official()
    assert (result.created, result.updated) == (0, 1)
    assert national.get(date=rows[0].date).label == rows[0].label


@pytest.mark.django_db
@override_settings(
    MOTCUA={"CUTOFF_TIME": "16:00", "CUTOFF_APPLIES_TO": ["same_day", "working_days"]}
)
def test_cut_off_settings_are_read() -> None:
    calendar = calendar_for_unit(None)
    assert calendar.cutoff == dt.time(16)
    assert calendar.cutoff_applies_to == frozenset({"same_day", "working_days"})
    received = dt.datetime(2024, 3, 4, 15, 30, tzinfo=VN_TZ)
    assert calendar.due(received, 0, "same_day").due_at.date() == D(2024, 3, 4)


@pytest.mark.django_db
@override_settings(MOTCUA={"CUTOFF_TIME": None})
def test_cut_off_can_be_switched_off() -> None:
    assert calendar_for_unit(None).cutoff is None


@pytest.mark.django_db
@override_settings(MOTCUA={"CUTOFF_APPLIES_TO": ["weeks"]})
def test_bad_cut_off_setting_is_loud() -> None:
    with pytest.raises(ValueError, match="CUTOFF_APPLIES_TO"):
        calendar_for_unit(None)


@pytest.mark.django_db
def test_thousand_due_dates_need_no_query(django_assert_num_queries, tree) -> None:
    calendar = calendar_for_unit(tree[2])
    start = dt.datetime(2024, 1, 2, 7, 0, tzinfo=VN_TZ)
    units = ["working_days", "working_hours", "calendar_days", "same_day"]
    with django_assert_num_queries(0):
        results = [
            calendar.due(start + dt.timedelta(hours=7 * i), Decimal(1 + i % 10), units[i % 4])
            for i in range(1000)
        ]
    assert len(results) == 1000
    assert all(calendar.is_working_day(r.due_at.date()) for r in results)


@pytest.mark.django_db
def test_default_years_cover_next_years() -> None:
    years = selectors.default_years(D(2026, 11, 27))
    assert years.start == 2018
    assert 2029 in years
