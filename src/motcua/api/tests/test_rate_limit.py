"""Per-token rate limit: a fixed one-minute window in the Django cache, 429 problem details in
Vietnamese with Retry-After."""

from __future__ import annotations

import pytest

from motcua.api.auth import rate_limit_check
from motcua.api.models import ApiToken
from motcua.api.problems import ApiProblem

pytestmark = pytest.mark.django_db


def test_token_over_its_limit_gets_429_problem_with_retry_after(api, commune, make_token):
    secret = make_token(commune.leader)
    ApiToken.objects.update(rate_limit_per_minute=3)
    for _ in range(3):
        assert api.get("/dossiers", secret, queue="to_receive").status_code == 200
    response = api.get("/dossiers", secret, queue="to_receive")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:motcua:problem:too-many-requests"
    assert body["title"] == "Quá nhiều yêu cầu"
    assert body["status"] == 429
    assert "3 yêu cầu trong một phút" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_each_token_has_its_own_budget(api, commune, make_token):
    first = make_token(commune.leader)
    second = make_token(commune.leader)
    ApiToken.objects.update(rate_limit_per_minute=1)
    assert api.get("/dossiers", first, queue="to_receive").status_code == 200
    assert api.get("/dossiers", first, queue="to_receive").status_code == 429
    assert api.get("/dossiers", second, queue="to_receive").status_code == 200


def test_default_limit_comes_from_the_setting(api, commune, make_token, settings):
    settings.MOTCUA = {**settings.MOTCUA, "API_RATE_LIMIT_PER_MINUTE": 2}
    secret = make_token(commune.leader)
    assert ApiToken.objects.get().rate_limit_per_minute is None
    assert api.get("/dossiers", secret, queue="to_receive").status_code == 200
    assert api.get("/dossiers", secret, queue="to_receive").status_code == 200
    assert api.get("/dossiers", secret, queue="to_receive").status_code == 429


def test_the_window_resets_after_a_minute(commune, make_token):
    make_token(commune.leader)
    token = ApiToken.objects.get()
    token.rate_limit_per_minute = 2
    start = 1_700_000_080.0  # 40 s into a minute
    rate_limit_check(token, now=start)
    rate_limit_check(token, now=start + 1)
    with pytest.raises(ApiProblem) as refused:
        rate_limit_check(token, now=start + 2)
    assert refused.value.status == 429
    assert refused.value.headers["Retry-After"] == "18"  # to the start of the next minute
    rate_limit_check(token, now=start + 21)  # next window: allowed again


def test_invalid_token_is_not_counted_and_still_401(api):
    for _ in range(3):
        assert api.get("/dossiers", "mc_khong-hop-le", queue="to_receive").status_code == 401


def test_command_sets_the_token_limit(commune):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        user=commune.leader.username,
        scopes="dossiers:read",
        rate_limit=30,
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get()
    assert token.rate_limit_per_minute == 30 and token.effective_rate_limit == 30
    assert out.getvalue().startswith("mc_")
    with pytest.raises(CommandError, match="số nguyên dương"):
        call_command(
            "api_token", "create", user=commune.leader.username, scopes="dossiers:read",
            rate_limit=0, stderr=io.StringIO(),
        )  # fmt: skip
    assert ApiToken.objects.count() == 1  # nothing created
