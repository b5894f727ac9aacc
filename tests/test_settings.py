"""The production profile: `check --deploy` is clean, and a missing secret fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _run(
        {
            "MOTCUA_ENV": "production",
            "DJANGO_SECRET_KEY": "a-long-random-production-key-for-the-test-" + "x" * 30,
            "DJANGO_ALLOWED_HOSTS": "motcua.example.vn",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run({"MOTCUA_ENV": "production", "DJANGO_ALLOWED_HOSTS": "x"}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
