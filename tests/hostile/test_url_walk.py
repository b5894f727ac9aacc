"""Every URL of the project (the resolver walked as in tests/test_security_matrix.py, so URLs
added later are covered) requested by each kind of user with hostile query strings, then every
form found on the pages posted back with hostile values. Nothing may answer 500, and no page may
contain the hostile markup unescaped."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from tests.matrix_roles import (
    ANONYMOUS,
    CITIZEN,
    LEADER_A,
    OWNER,
    RECEIVER_A,
    STAFF_B,
    SUPERUSER,
    SUPERVISOR_A,
)
from tests.test_security_matrix import HEAVY, Route, World, build_world, url_for, walk

from .values import (
    HOSTILE,
    OUTSIDER_VALUES,
    harvested_parameter_names,
    page_forms,
    unescaped_markup,
)

FULL = tuple(HOSTILE)
#: role → the hostile values it sends (insiders reach the parsing code, so they get them all).
ROLE_VALUES: dict[str, tuple[str, ...]] = {
    RECEIVER_A: FULL,
    OWNER: FULL,
    LEADER_A: OUTSIDER_VALUES,
    SUPERVISOR_A: OUTSIDER_VALUES,
    STAFF_B: OUTSIDER_VALUES,
    CITIZEN: OUTSIDER_VALUES,
    ANONYMOUS: OUTSIDER_VALUES,
    SUPERUSER: OUTSIDER_VALUES,
}
POST_VALUES = ("xss", "xss-attr", "sql", "nul", "long", "date-feb31", "fullwidth-digits", "crlf")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    cache.clear()
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # thousands of expected 4xx warnings (500s are collected)
    yield
    quiet.setLevel(level)
    cache.clear()


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _routes(role: str) -> list[Route]:
    routes = []
    for route in walk():
        if route.name.startswith("admin:"):
            # Django's own admin: its change lists (search box and filters) for the superuser.
            if role == SUPERUSER and route.name.endswith("_changelist"):
                routes.append(route)
            continue
        routes.append(route)
    return routes


def _is_html(response: Any) -> bool:
    return "text/html" in response.get("Content-Type", "") and not response.streaming


def _check(response: Any, label: str, crashes: list[str], unescaped: list[str]) -> None:
    if response.status_code >= 500:
        crashes.append(f"{label} → {response.status_code}")
    elif _is_html(response):
        for found in unescaped_markup(response.content.decode("utf-8", "replace")):
            unescaped.append(f"{label} shows {found!r}")


VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỷỹỳỵ]", re.I)
ERROR_MARKERS = ('class="error', "errorlist", 'role="alert"', 'aria-invalid="true"')


def _refusal_is_explained(response: Any) -> bool:
    """A 400 answer says why, in Vietnamese: an error next to a field (HTML), a problem
    document (JSON) or a Vietnamese sentence (plain text)."""
    if response.streaming:
        return True
    body = response.content.decode("utf-8", "replace")
    kind = response.get("Content-Type", "")
    if "json" in kind:
        return bool(VIETNAMESE.search(body)) or '"detail"' in body or '"errors"' in body
    if "text/html" in kind:
        return any(marker in body for marker in ERROR_MARKERS) and bool(VIETNAMESE.search(body))
    return bool(VIETNAMESE.search(body))


def _string_path_variants(route: Route, world: World) -> list[tuple[str, str]]:
    """URLs with a hostile value in a free-text path parameter (<str:…> converters)."""
    variants = []
    given = {**world.values["__common__"], **world.values.get(route.name, {})}
    for param in route.params:
        for key in ("xss", "sql", "nul", "long", "fullwidth-digits"):
            kwargs = {p: route.regex_choices.get(p, given[p]) for p in route.params}
            kwargs[param] = HOSTILE[key]
            try:
                variants.append((key, reverse(route.name, kwargs=kwargs)))
            except NoReverseMatch:  # int/slug converters refuse it: nothing to test
                break
    return variants


ROLES = list(ROLE_VALUES)


#: Values that matter even to code that reads no parameter: the NUL guard reads them all, a
#: log-in redirect carries the whole query string (its length), and a page may echo the raw
#: query (markup, header injection).
UNREAD_VALUES = ("xss", "xss-attr", "nul", "long", "crlf")

#: The key of the query string that carries every value of UNREAD_VALUES but NUL at once.
MIXED = "unread-mixed"

#: QueryDict methods through which code reads parameters (names or values).
_READS = (
    "get",
    "getlist",
    "__getitem__",
    "__contains__",
    "__iter__",
    "items",
    "lists",
    "values",
    "keys",
    "dict",
    "copy",
    "urlencode",
)
#: Callers that are not reads: the NUL guard (it reads every value of every request) and the
#: QueryDict's own plumbing (building it from the query string).
_NOT_READERS = (
    "/motcua/core/input_guard.py",
    "/django/http/request.py",
    "/django/utils/datastructures.py",
)


@pytest.fixture
def parameter_reads(monkeypatch) -> list[str]:
    """The QueryDict reads made while answering (callers in `_NOT_READERS` excepted): the
    names of the methods called, cleared by the test before a request. Parsing values (dates,
    numbers, SQL, Unicode look-alikes…) only reach code that reads."""
    reads: list[str] = []

    def spy(name: str, original: Any) -> Any:
        def read(self: QueryDict, *args: Any, **kwargs: Any) -> Any:
            if not sys._getframe(1).f_code.co_filename.endswith(_NOT_READERS):
                reads.append(name)
            return original(self, *args, **kwargs)

        return read

    # While patched, `dict(querydict)` and `{**querydict}` take the slow path of a dict
    # subclass (last values instead of lists); nothing in the project uses those forms.
    for name in _READS:
        monkeypatch.setattr(QueryDict, name, spy(name, getattr(QueryDict, name)))
    return reads


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_hostile_query_strings_and_path_values_never_crash_or_inject(role, parameter_reads):
    """Each URL gets the values of `UNREAD_VALUES` (two requests: NUL alone, the others
    together); when the code answering the first read a query parameter, it gets every value of
    the role (`ROLE_VALUES`) as well, one request each."""
    world = build_world()
    names = harvested_parameter_names()
    assert {"q", "unit", "sap_xep"} <= set(names)  # the harvest works
    queries = {key: urlencode(dict.fromkeys(names, value)) for key, value in HOSTILE.items()}
    # The values of UNREAD_VALUES but NUL (which the guard answers alone) in one query string:
    # every name carries the markup and CR/LF values, one name the 5,000 characters (what
    # echoes the raw query, or carries it into a log-in redirect, sees all of them at once; the
    # long value under all 119 names made a 600 kB URL whose quoting cost more than the pages).
    # Code that reads a parameter gets each value under every name in requests of their own.
    unread = [key for key in UNREAD_VALUES if key not in ("nul", "long")]
    queries[MIXED] = urlencode(
        [(name, HOSTILE[key]) for name in names for key in unread] + [(names[0], HOSTILE["long"])]
    )
    crashes: list[str] = []
    unescaped: list[str] = []
    reading: list[str] = []
    client = _client(world, role)
    for route in _routes(role):
        base = url_for(route, world).split("?")[0]
        keys = list(ROLE_VALUES[role] if route.name not in HEAVY else ("xss", "nul"))
        keys = [MIXED, "nul", *(key for key in keys if key != "nul")]
        read_any = False
        for n, key in enumerate(keys):
            if n > 1 and not read_any:  # nothing read: the first two covered UNREAD_VALUES
                break
            parameter_reads.clear()
            response = client.get(f"{base}?{queries[key]}")
            if n == 0:
                read_any = bool(parameter_reads)
                if read_any:
                    reading.append(route.name)
            _check(response, f"GET {route.name}?…={key} as {role}", crashes, unescaped)
            if route.name.endswith("logout"):
                client = _client(world, role)
        for key, url in _string_path_variants(route, world):
            response = client.get(url)
            _check(response, f"GET {route.name} path={key} as {role}", crashes, unescaped)
        if route.name.endswith("logout") or route.name.startswith("admin:"):
            continue
        form_read = False
        for key in ("xss", "long", "date-feb31") if role in (RECEIVER_A, OWNER) else ("xss",):
            # Raw POSTs of every harvested name, as a form and (for the API) as JSON: covers
            # endpoints that no page renders a form for. A parsing value only where the form
            # was read (the API reads its JSON body, not a QueryDict).
            if key not in UNREAD_VALUES and not form_read and not base.startswith("/api/"):
                continue
            data = {name: HOSTILE[key] for name in names}
            parameter_reads.clear()
            answer = client.post(base, data)
            form_read = form_read or bool(parameter_reads)
            _check(answer, f"POST {route.name} form={key} as {role}", crashes, unescaped)
            if base.startswith("/api/"):
                answer = client.post(base, json.dumps(data), content_type="application/json")
                _check(answer, f"POST {route.name} json={key} as {role}", crashes, unescaped)
    if role in (RECEIVER_A, OWNER):  # the spy sees the pages that read their query string
        assert {"backoffice:queue", "portal:catalogue"} & set(reading), reading
    # …and only those: a middleware or context processor reading every request's parameters
    # would send the parsing values everywhere again (slow, still correct) — say so.
    assert "healthz" not in reading, "something reads the query string of every request"
    assert not crashes, "server errors:\n" + "\n".join(crashes[:40])
    assert not unescaped, "unescaped markup:\n" + "\n".join(unescaped[:40])


def _form_target(action: str, page_url: str) -> str | None:
    target = action or page_url
    path = urlsplit(target).path or urlsplit(page_url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name.endswith("logout") or match.view_name.startswith("admin:"):
        return None
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("role", [RECEIVER_A, LEADER_A, OWNER, CITIZEN, ANONYMOUS, STAFF_B])
def test_every_form_on_every_page_survives_hostile_posts(role):
    """The forms are read from the pages themselves (fields, hidden values, file inputs), so a
    form added by any app is covered. Two variants per value: every field hostile, and only
    the visible fields hostile (the hidden ones — versions, idempotency keys — kept valid, so
    that the request reaches the form's validation and, when it is accepted, its storage)."""
    world = build_world()
    crashes: list[str] = []
    unescaped: list[str] = []
    client = _client(world, role)
    unexplained: list[str] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    pages = [url_for(r, world) for r in _routes(role) if r.name not in HEAVY]
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or not _is_html(response):
            continue
        html = response.content.decode("utf-8", "replace")
        for action, method, fields, files in page_forms(html):
            if method != "post":
                continue
            target = _form_target(action, page)
            if target is None:
                continue
            key = (target, tuple(sorted(fields)))
            if key in seen:
                continue
            seen.add(key)
            hidden = {k: v for k, v in fields.items() if k == "csrfmiddlewaretoken"}
            for value_key in POST_VALUES:
                value = HOSTILE[value_key]
                for variant in ("all", "visible"):
                    data: dict[str, Any] = {name: value for name in fields}
                    if variant == "visible":
                        data.update({k: v for k, v in fields.items() if v and k not in hidden})
                        data.update({k: value for k, v in fields.items() if not v})
                    for name in files:
                        data[name] = SimpleUploadedFile(
                            "../../etc/passwd.pdf", b"<script>alert(1)</script>", "application/pdf"
                        )
                    answer = client.post(target, data)
                    label = f"POST {target} [{variant}:{value_key}] as {role}"
                    _check(answer, label, crashes, unescaped)
                    if answer.status_code == 400 and not _refusal_is_explained(answer):
                        unexplained.append(label)
                    if answer.status_code in (301, 302, 303):
                        follow = client.get(answer["Location"])
                        _check(
                            follow, f"{label} → GET {answer['Location'][:80]}", crashes, unescaped
                        )
    assert seen or role == ANONYMOUS, "no form was found: the harvest is broken"
    assert not unexplained, "400 without a Vietnamese message:\n" + "\n".join(unexplained[:40])
    assert not crashes, "server errors:\n" + "\n".join(crashes[:40])
    assert not unescaped, "unescaped markup:\n" + "\n".join(unescaped[:40])
