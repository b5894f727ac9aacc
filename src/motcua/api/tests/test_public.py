"""Public endpoints: catalogue search and detail, dossier look-up (TT 22/2019 art. 4: the
citizen can follow the processing status; NĐ 61/2018 art. 17: the receipt carries the code)."""

from __future__ import annotations

import pytest
from tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

from motcua.api.problems import PROBLEM_CONTENT_TYPE
from motcua.core.text import fold
from motcua.portal.constants import LOOKUP_MAX_TRIES

from .conftest import ApiClient, Commune, received_dossier


def _procedure(code: str, name: str, field_code: str = "HT") -> None:
    field = FieldFactory(code=field_code, name=f"Lĩnh vực {field_code}")
    ProcedureVersionFactory(
        procedure=ProcedureFactory(code=code, name=name, name_search=fold(name), field=field)
    )


@pytest.fixture
def catalogue(db: None) -> None:
    _procedure("1.001", "Đăng ký kết hôn")
    _procedure("1.002", "Đăng ký khai sinh")
    _procedure("1.003", "Đăng ký khai tử")
    _procedure("2.001", "Chứng thực bản sao từ bản chính", field_code="CT")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", "đăng ký kết hôn"])
def test_procedure_search_is_accent_insensitive(api: ApiClient, catalogue: None, query: str):
    response = api.get("/procedures", q=query)
    assert response.status_code == 200
    assert [p["code"] for p in response.json()["items"]] == ["1.001"]


@pytest.mark.django_db
def test_procedure_search_by_field(api: ApiClient, catalogue: None):
    codes = [p["code"] for p in api.get("/procedures", field="CT").json()["items"]]
    assert codes == ["2.001"]


@pytest.mark.django_db
def test_procedure_search_cursor_pages_through_everything_once(api: ApiClient, catalogue: None):
    seen, cursor = [], None
    for _ in range(10):
        params = {"q": "dang ky", "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = api.get("/procedures", **params).json()
        seen += [p["code"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    full = [p["code"] for p in api.get("/procedures", q="dang ky").json()["items"]]
    assert seen == full
    assert sorted(seen) == ["1.001", "1.002", "1.003"]


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"cursor": "rác"}, {"limit": 0}, {"limit": "x"}])
def test_procedure_search_bad_parameters_are_400(api: ApiClient, params: dict):
    response = api.get("/procedures", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    error = response.json()["errors"][0]
    assert error["in"] == "query"
    assert error["name"] in params
    assert error["detail"]  # Vietnamese message


@pytest.mark.django_db
def test_procedure_detail_shows_the_version_in_force(api: ApiClient, catalogue: None):
    body = api.get("/procedures/1.001").json()
    assert body["name"] == "Đăng ký kết hôn"
    assert (body["time_limit"]["amount"], body["time_limit"]["unit"]) == (3.0, "working_days")
    assert [c["name"] for c in body["components"]] == ["Tờ khai theo mẫu", "Giấy tờ tùy thân"]
    assert [s["order"] for s in body["steps"]] == [1, 2, 3]
    assert body["online_level"] == "partial"


@pytest.mark.django_db
def test_unknown_procedure_is_a_404_problem(api: ApiClient):
    response = api.get("/procedures/9.999")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/procedures/9.999"
    assert body["type"].startswith("urn:motcua:problem:")


@pytest.mark.django_db
def test_lookup_needs_code_and_secret(api: ApiClient, commune: Commune, version):
    d = received_dossier(commune, version)
    ok = api.get("/lookup", code=d.code.lower(), secret=d.lookup_secret)
    assert ok.status_code == 200
    body = ok.json()
    assert body["code"] == d.code
    assert body["applicant"] == "T*** T** B***"  # masked (DOMAIN §10.1)
    assert body["history"]
    wrong = api.get("/lookup", code=d.code, secret="SAIMA1")
    assert wrong.status_code == 404
    only_code = api.get("/lookup", code=d.code)
    assert only_code.status_code == 400
    assert [e["name"] for e in only_code.json()["errors"]] == ["secret"]


@pytest.mark.django_db
def test_lookup_by_post_keeps_the_secret_out_of_the_url(api: ApiClient, commune: Commune, version):
    d = received_dossier(commune, version)
    response = api.post("/lookup", {"code": d.code, "secret": d.lookup_secret})
    assert response.status_code == 200
    assert response.json()["state"] == d.state


@pytest.mark.django_db
def test_lookup_is_rate_limited_like_the_portal_page(api: ApiClient, commune: Commune, version):
    d = received_dossier(commune, version)
    for _ in range(LOOKUP_MAX_TRIES):
        assert api.get("/lookup", code=d.code, secret="SAIMA1").status_code == 404
    blocked = api.get("/lookup", code=d.code, secret=d.lookup_secret)
    assert blocked.status_code == 429
    assert blocked["Retry-After"]
    assert blocked.json()["status"] == 429


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["ÁB12CD", "AB'--", "x" * 33])
def test_lookup_rejects_malformed_secrets_before_any_lookup(api: ApiClient, secret: str):
    response = api.get("/lookup", code="X-250310-0001", secret=secret)
    assert response.status_code == 400
    assert [e["name"] for e in response.json()["errors"]] == ["secret"]


@pytest.mark.django_db
def test_unexpected_error_is_a_500_problem_without_details(api: ApiClient, monkeypatch):
    from motcua.portal import selectors

    def boom(code: str):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "procedure_page", boom)
    response = api.get("/procedures/1.001")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "secret internals" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "params", "name"),
    [("/procedures", {"q": "kết\x00hôn"}, "q"), ("/procedures/1.0\x001", {}, "code")],
)
def test_nul_characters_are_refused_before_the_database(api: ApiClient, path, params, name):
    """PostgreSQL text cannot hold NUL: a 400, not a 500."""
    response = api.get(path, **params)
    assert response.status_code == 400
    assert [e["name"] for e in response.json()["errors"]] == [name]
