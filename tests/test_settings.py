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
            "MOTCUA_CACHE_URL": "redis://cache.internal:6379/1",
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


def test_check_deploy_warns_without_a_shared_cache() -> None:
    """motcua.W001: several web processes with process-local caches would each keep their own
    log-in lockout, throttles and double-submit guard."""
    env = {
        "MOTCUA_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-for-the-test-" + "x" * 30,
        "DJANGO_ALLOWED_HOSTS": "motcua.example.vn",
    }
    result = _run({**env, "MOTCUA_CACHE_URL": ""}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "motcua.W001" in result.stdout + result.stderr
    chosen = _run({**env, "MOTCUA_CACHE_URL": "locmem://"}, "check", "--deploy")
    assert "motcua.W001" not in chosen.stdout + chosen.stderr


def test_cache_url_schemes() -> None:
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from motcua.config.settings import cache_settings

    redis = cache_settings("redis://cache.internal:6379/2")["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/2"
    assert cache_settings("rediss://c:6380/0")["default"]["LOCATION"] == "rediss://c:6380/0"
    for local in ("", "locmem://", "LOCMEM://"):
        assert cache_settings(local)["default"]["BACKEND"].endswith("LocMemCache")
    with pytest.raises(ImproperlyConfigured, match="memcached"):
        cache_settings("memcached://c:11211")


def test_the_redis_cache_is_shared_between_processes() -> None:
    """What the lockout and the double-submit guard rely on: a key claimed by one process
    (`cache.add`) is seen as taken by another (here: a `motcua shell` subprocess, then this
    process), on the real Redis."""
    import socket
    import uuid

    import pytest
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        socket.create_connection(("127.0.0.1", 6379), 2).close()
    except OSError:
        pytest.skip("Redis at 127.0.0.1:6379 does not answer")
    key = f"test-shared-{uuid.uuid4().hex}"
    claim = f"from django.core.cache import cache; print(cache.add({key!r}, 1, 60))"
    first = _run({"MOTCUA_CACHE_URL": url}, "shell", "-c", claim)
    assert first.stdout.strip().splitlines()[-1:] == ["True"], first.stdout + first.stderr
    here = RedisCache(url, {"KEY_PREFIX": "motcua"})
    try:
        assert here.add(key, 2, 60) is False  # already claimed by the other process
        assert here.get(key) == 1
    finally:
        here.delete(key)
