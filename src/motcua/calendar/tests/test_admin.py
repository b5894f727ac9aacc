"""Admin pages for calendar data (data repair, yearly entry of official decisions)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import UnitFactory, UserFactory

from motcua.calendar.models import WorkingSchedule


@pytest.fixture
def admin_client_(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_override_changelist_filters_by_year_and_kind(admin_client_) -> None:
    url = reverse("admin:calendar_calendaroverride_changelist")
    response = admin_client_.get(url, {"year": "2026", "kind": "swap_work"})
    assert response.status_code == 200
    rows = list(response.context["cl"].queryset)
    assert [r.date.isoformat() for r in rows] == ["2026-08-22", "2026-01-10"]
    assert "Làm bù cho ngày 02/01/2026" in response.content.decode()


@pytest.mark.django_db
def test_schedule_form_rejects_overlapping_sessions(admin_client_) -> None:
    unit = UnitFactory()
    url = reverse("admin:calendar_workingschedule_add")
    data = {
        "unit": unit.pk,
        "weekdays": "[0, 1, 2, 3, 4]",
        "sessions": '[["07:30", "12:00"], ["11:30", "17:00"]]',
    }
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "không chồng lên nhau" in response.content.decode()
    assert not WorkingSchedule.objects.exists()
    data["sessions"] = '[["07:30", "11:30"], ["13:30", "17:00"]]'
    response = admin_client_.post(url, data)
    assert response.status_code == 302
    assert WorkingSchedule.objects.get(unit=unit).weekdays == [0, 1, 2, 3, 4]
