"""Smoke tests of the project wiring: settings, the console command, the login page."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client


def test_vietnamese_is_the_default_language_and_time_zone_is_vietnam() -> None:
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_login_page_is_served_in_vietnamese(client: Client) -> None:
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_home_requires_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_console_command_runs_django_management_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_healthz_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
