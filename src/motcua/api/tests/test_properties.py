"""Properties of the public endpoints: whatever the query, the answer is JSON or a problem
document, never a crash (hypothesis; a light in-process stand-in for schemathesis)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.api.problems import PROBLEM_CONTENT_TYPE

text = st.text(max_size=80)
params = st.fixed_dictionaries(
    {},
    optional={
        "q": text,
        "field": text,
        "cursor": text,
        "limit": st.one_of(st.integers(-5, 500).map(str), text),
        "code": text,
        "secret": text,
    },
)


def _check(response) -> None:
    assert response.status_code < 500
    body = json.loads(response.content)
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert body["status"] == response.status_code
        assert body["detail"]


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(["/procedures", "/lookup", "/dossiers", "/events"]), query=params)
def test_public_endpoints_never_crash(client: Client, path: str, query: dict):
    cache.clear()
    _check(client.get(f"/api/v1{path}", query))


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(code=st.text(min_size=1, max_size=40).filter(lambda c: "/" not in c and "?" not in c))
def test_procedure_detail_never_crashes(client: Client, code: str):
    from urllib.parse import quote

    _check(client.get(f"/api/v1/procedures/{quote(code, safe='')}"))
