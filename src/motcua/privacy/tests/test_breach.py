"""Breach records and the 72-hour notice to A05 (NĐ 13/2023/NĐ-CP art. 23(1))."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.privacy.admin import breach_countdown
from motcua.privacy.models import BreachRecord
from motcua.privacy.selectors import breach_status, breaches_open
from motcua.privacy.services import breach_mark_notified, breach_record

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def _breach(at: dt.datetime = T0) -> BreachRecord:
    return BreachRecord(discovered_at=at, description="Lộ danh sách", data_types="họ tên")


@pytest.mark.parametrize(
    ("elapsed_hours", "hours_left", "overdue"),
    [
        (0, 72, False),
        (48, 24, False),
        (71.5, 0.5, False),
        (72, 0, False),
        (72.25, -0.25, True),
        (100, -28, True),
    ],
    ids=[
        "art23-just-discovered",
        "art23-two-days",
        "art23-last-half-hour",
        "art23-exactly-72h-still-in-time",
        "art23-quarter-hour-late",
        "art23-long-overdue",
    ],
)
def test_breach_72h_classification(elapsed_hours, hours_left, overdue) -> None:
    status = breach_status(_breach(), now=T0 + dt.timedelta(hours=elapsed_hours))
    assert status.deadline == T0 + dt.timedelta(hours=72)
    assert status.hours_left == pytest.approx(hours_left)
    assert status.overdue is overdue


@pytest.mark.django_db
def test_breaches_open_lists_unnotified_most_urgent_first() -> None:
    now = timezone.now()
    late = breach_record(
        discovered_at=now - dt.timedelta(hours=80), description="A", data_types="CCCD"
    )
    fresh = breach_record(
        discovered_at=now - dt.timedelta(hours=2), description="B", data_types="CCCD"
    )
    done = breach_record(
        discovered_at=now - dt.timedelta(hours=10), description="C", data_types="CCCD"
    )
    breach_mark_notified(breach=done, notified_at=now, notification_ref="01/TB-UBND")
    rows = breaches_open(now=now)
    assert [r.breach.pk for r in rows] == [late.pk, fresh.pk]
    assert [r.overdue for r in rows] == [True, False]
    assert rows[1].hours_left == pytest.approx(70)


@pytest.mark.django_db
def test_breach_notice_after_72h_needs_reason_art23() -> None:
    breach = breach_record(discovered_at=T0, description="A", data_types="CCCD")
    late = T0 + dt.timedelta(hours=73)
    with pytest.raises(DomainError, match="lý do"):
        breach_mark_notified(breach=breach, notified_at=late, notification_ref="02/TB")
    breach = breach_mark_notified(
        breach=breach, notified_at=late, notification_ref="02/TB", late_reason="Nghỉ lễ"
    )
    assert breach_status(breach).overdue is True
    with pytest.raises(DomainError):
        breach_mark_notified(breach=breach, notified_at=late, notification_ref="03/TB")


@pytest.mark.django_db
def test_breach_record_refuses_future_discovery() -> None:
    with pytest.raises(DomainError):
        breach_record(
            discovered_at=timezone.now() + dt.timedelta(days=1), description="A", data_types="x"
        )


@pytest.mark.parametrize(
    ("elapsed", "notified_after", "expected"),
    [
        (10, None, "Còn 62 giờ để thông báo A05"),
        (80, None, "Quá hạn 8 giờ — phải thông báo A05 kèm lý do"),
        (80, 24, "(đúng hạn)"),
        (80, 75, "(muộn 3 giờ)"),
    ],
    ids=["open-in-time", "open-overdue", "notified-in-time", "notified-late"],
)
def test_admin_countdown_in_vietnamese(elapsed, notified_after, expected) -> None:
    breach = _breach()
    if notified_after is not None:
        breach.notified_at = T0 + dt.timedelta(hours=notified_after)
    assert expected in breach_countdown(breach, now=T0 + dt.timedelta(hours=elapsed))


@pytest.mark.django_db
def test_admin_breach_list_shows_countdown(admin_client) -> None:
    breach_record(
        discovered_at=timezone.now() - dt.timedelta(hours=80), description="Lộ tệp", data_types="x"
    )
    response = admin_client.get("/quan-tri/privacy/breachrecord/")
    assert response.status_code == 200
    assert "Quá hạn 8 giờ" in response.content.decode()
