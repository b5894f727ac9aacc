"""`/stats` returns exactly the JSON of `motcua stats` (Biểu số 06/VPCP/KSTT,
docs/domain/statistics.md); the committed OpenAPI file equals the generated one; the token
command prints a usable token once."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.api.models import ApiToken
from motcua.api.schema import SCHEMA_PATH, openapi_text
from motcua.dossiers import services

from .conftest import ApiClient, Commune, received_dossier


def _stats_command(**opts) -> dict:
    out = io.StringIO()
    call_command("stats", format="json", stdout=out, **opts)
    return json.loads(out.getvalue())


@pytest.fixture
def activity(commune: Commune, version) -> None:
    d = received_dossier(commune, version)
    services.dossier_assign(dossier=d, user=commune.leader, assignee=commune.specialist)
    received_dossier(commune, version)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {"source": "oracle"},
        {"source": "oracle", "by": "field"},
        {"source": "oracle", "by": "field", "policy": "folded"},
    ],
)
def test_stats_equal_the_command_json(
    api: ApiClient, commune: Commune, activity: None, make_token, extra: dict
):
    params = {"unit": commune.unit.code, "from": "2025-03-01", "to": "2025-03-31", **extra}
    response = api.get("/stats", token=make_token(commune.leader, ["stats:read"]), **params)
    assert response.status_code == 200, response.json()
    expected = _stats_command(
        unit=commune.unit.code, date_from="2025-03-01", date_to="2025-03-31", **extra
    )
    assert response.json() == expected
    assert response.json()["total"]["received_total"] == 2  # real figures, not an empty shell


@pytest.mark.django_db
def test_stats_from_rollups_equal_the_command(
    api: ApiClient, commune: Commune, activity: None, make_token
):
    from motcua.reports.services import rollup_rebuild

    rollup_rebuild()
    params = {"unit": commune.unit.code, "from": "2025-03-01", "to": "2025-03-31"}
    response = api.get("/stats", token=make_token(commune.leader, ["stats:read"]), **params)
    assert response.status_code == 200, response.json()
    assert response.json() == _stats_command(
        unit=commune.unit.code, date_from="2025-03-01", date_to="2025-03-31"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"from": "2025-03-31", "to": "2025-03-01"}, 400),  # end before start
        ({"from": "31/03/2025", "to": "2025-03-31"}, 400),  # not yyyy-mm-dd
        ({"unit": "KHONG-CO"}, 404),
        ({"unit": "OTHER"}, 403),  # another commune's figures
    ],
)
def test_stats_errors(
    api: ApiClient, commune: Commune, other_commune: Commune, make_token, params, status
):
    query = {"unit": commune.unit.code, "from": "2025-03-01", "to": "2025-03-31", **params}
    if query["unit"] == "OTHER":
        query["unit"] = other_commune.unit.code
    response = api.get("/stats", token=make_token(commune.leader, ["stats:read"]), **query)
    assert response.status_code == status
    assert response.json()["status"] == status


def test_committed_openapi_schema_is_up_to_date():
    """`make test` fails when the code and `openapi.json` disagree: run `motcua api-schema`."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == openapi_text()


def test_schema_is_built_once_per_language_and_each_caller_gets_a_copy(client):
    from django.utils import translation

    from motcua.api.views import api

    first = api.get_openapi_schema()
    first["paths"].clear()  # a caller's change stays in its copy
    second = api.get_openapi_schema()
    assert second["paths"] and second == api.get_openapi_schema()
    served = client.get("/api/v1/openapi.json").json()
    assert served["paths"].keys() == second["paths"].keys()
    with translation.override("en"):
        assert api.get_openapi_schema()["info"] == second["info"]
    assert ("en" in {key[2] for key in api._schemas}) and len(api._schemas) >= 2


def test_schema_check_command_exits_1_on_a_stale_file(tmp_path: Path):
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("api_schema", check=True, out=str(stale), stderr=io.StringIO())
    assert exc.value.code == 1
    call_command("api_schema", out=str(stale), stdout=io.StringIO())
    call_command("api_schema", check=True, out=str(stale), stdout=io.StringIO())
    document = json.loads(stale.read_text(encoding="utf-8"))
    assert "/api/v1/dossiers/{code}/actions/{action}" in document["paths"]
    problem = document["paths"]["/api/v1/dossiers"]["get"]["responses"]["401"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_no_cdn_docs_page(client):
    assert client.get("/api/v1/docs").status_code == 404


@pytest.mark.django_db
def test_api_token_command_creates_and_revokes(api: ApiClient, commune: Commune):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token", "create", "--user", commune.receiver.username,
        "--scopes", "dossiers:read", "--days", "30", stdout=out, stderr=err,
    )  # fmt: skip
    secret = out.getvalue().strip()
    assert secret.startswith("mc_")
    assert "MỘT LẦN" in err.getvalue()
    assert api.get("/dossiers", token=secret).status_code == 200
    token = ApiToken.objects.get()
    call_command("api_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert api.get("/dossiers", token=secret).status_code == 401
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "đã thu hồi" in listing.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["--scopes", "dossiers:delete"],  # unknown scope
        ["--scopes", "dossiers:read", "--days", "0"],
        ["--scopes", "dossiers:read", "--unit", "KHONG-CO"],
    ],
)
def test_api_token_command_refuses_bad_input(commune: Commune, args: list[str]):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "create", "--user", commune.receiver.username, *args)
    assert not ApiToken.objects.exists()
