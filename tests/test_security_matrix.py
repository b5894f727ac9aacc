"""Authorisation matrix: every URL of the project × every kind of user.

The resolver is walked recursively, path parameters are filled from one small world (a dossier
of commune A, units, a plan and a report draft of A, a procedure), and every URL is requested
by every role with GET and with an empty POST. The test FAILS on any 2xx answer that the
expected-access table below does not grant, on any 2xx answer to an outsider that shows the
personal data of the dossier of commune A, and on any response without the
Content-Security-Policy header. A new URL without a row in the table fails the test too: the
table is the written access policy (DOMAIN.md §10.1 "RBAC limiting access to assigned
dossiers"; Nghị định 13/2023/NĐ-CP art. 26–27, technical protection measures).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from motcua.accounts.models import UserKind
from motcua.dossiers import services
from motcua.organisation.constants import Role, UnitKind
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory
from tests.matrix_roles import (
    A_READ,
    A_STAFF,
    ANONYMOUS,
    CITIZEN,
    CITIZENS,
    EVERYONE,
    LEADER_A,
    LOGGED_IN,
    NOBODY,
    OWNER,
    RECEIVER_A,
    ROLES,
    SPECIALIST_A,
    STAFF,
    STAFF_B,
    SUPERUSER,
    SUPERVISOR_A,
    UNIT_ADMIN_A,
    Rule,
)
from tests.matrix_rules import EXTRA_RULES, EXTRA_VALUES

#: Pages that any logged-in account can open but that list only the units the account may read
#: (an empty list or an empty form for a citizen). The leak check below proves they show
#: nothing of commune A to outsiders. Restricting them to staff is a request in the report.
SHELL = "shows only what the account may read (empty for citizens)"

EXPECTED: dict[str, Rule] = {
    # Project-wide
    "set_language": Rule(EVERYONE),
    "healthz": Rule(EVERYONE),
    # Statistics (Biểu 06): the query string names unit A (see QUERY below).
    "reports:bieu06": Rule(A_READ, note="with ?unit=A"),
    "reports:dossiers": Rule(A_READ, note="drill-down lists dossiers of A"),
    "reports:xlsx": Rule(A_READ),
    "reports:dashboard": Rule(A_READ, note="with ?unit=A"),
    # Citizen portal: public pages
    "portal:home": Rule(EVERYONE),
    "portal:catalogue": Rule(EVERYONE),
    "portal:procedure": Rule(EVERYONE),
    "portal:lookup": Rule(EVERYONE),
    "lookup": Rule(EVERYONE),
    "portal:signup": Rule(EVERYONE),
    "portal:signup_confirm": Rule(EVERYONE),
    "portal:login": Rule(EVERYONE),
    "portal:logout": Rule(EVERYONE),
    # Citizen portal: own account
    "portal:submit": Rule(CITIZENS),
    "portal:draft_delete": Rule(NOBODY, note="no draft with that key"),
    "portal:my_dossiers": Rule(CITIZENS),
    "portal:my_dossier": Rule(frozenset({OWNER})),
    "portal:my_dossier_supplement": Rule(frozenset({OWNER})),
    "portal:my_dossier_withdraw": Rule(frozenset({OWNER})),
    "portal:upload": Rule(NOBODY, note="no upload with that id"),
    # CCHC reform work (staff roles of the unit, not supervisors)
    "reform:index": Rule(LOGGED_IN, note=SHELL),
    "reform:plans": Rule(A_STAFF),
    "reform:plan": Rule(A_STAFF),
    "reform:reviews": Rule(A_STAFF),
    "reform:activities": Rule(A_STAFF),
    "reform:drafts": Rule(A_STAFF),
    "reform:check": Rule(A_STAFF),
    "reform:draft": Rule(A_STAFF),
    "reform:draft_docx": Rule(A_STAFF),
    "reform:draft_pdf": Rule(A_STAFF),
    # Evaluation indices
    "evaluation:index": Rule(LOGGED_IN, note=SHELL),
    "evaluation:unit": Rule(A_READ),
    # Back office (staff accounts only)
    "backoffice:home": Rule(STAFF, note="each sees the counts of their own units"),
    "backoffice:login": Rule(EVERYONE),
    "backoffice:logout": Rule(EVERYONE),
    "backoffice:intake": Rule(frozenset({RECEIVER_A, STAFF_B}), note="receivers only"),
    "backoffice:procedure_search": Rule(STAFF, note="public catalogue data"),
    "backoffice:procedure_components": Rule(STAFF, note="public catalogue data"),
    "backoffice:queue": Rule(STAFF, note="each sees the dossiers of their own units"),
    "backoffice:dossier": Rule(A_READ),
    "backoffice:dossier_reveal_id": Rule(A_READ),
    "backoffice:dossier_action": Rule(NOBODY, note="an empty form is never accepted"),
    "backoffice:dossier_form_data": Rule(
        NOBODY, note="an empty tờ khai changes nothing: a redirect (staff of A), never a 2xx"
    ),
    "backoffice:print_form": Rule(A_READ),
    "backoffice:ledger": Rule(A_READ),
    "backoffice:print_form_pdf": Rule(A_READ, note="logged through print_form"),
    "backoffice:ledger_pdf": Rule(A_READ, note="logged through ledger"),
    # REST API (/api/v1/): public catalogue and look-up; staff session or token for the rest
    "api-v1:api-root": Rule(EVERYONE, note="API documentation"),
    "api-v1:openapi-json": Rule(EVERYONE),
    "api-v1:procedures": Rule(EVERYONE),
    "api-v1:procedure": Rule(EVERYONE),
    "api-v1:lookup": Rule(NOBODY, note="needs the code and the secret of the receipt"),
    "api-v1:lookup_post": Rule(NOBODY, note="needs the code and the secret of the receipt"),
    "api-v1:dossiers": Rule(STAFF, note="each sees the dossiers of their own units"),
    "api-v1:dossier": Rule(A_READ),
    "api-v1:dossier_action": Rule(NOBODY, note="an empty body is never accepted"),
    "api-v1:dossier_form_data": Rule(A_READ, post=NOBODY, note="PATCH to update"),
    "api-v1:dossier_form_data_update": Rule(A_READ, post=NOBODY, note="same URL as the GET"),
    "api-v1:stats": Rule(STAFF, note="each sees the figures of their own units"),
    "api-v1:events": Rule(STAFF, note="each sees the events of their own units"),
}
#: The Django admin (/quan-tri/) is for superusers only, except its log-in page.
ADMIN_PUBLIC = {"admin:login": Rule(EVERYONE), "admin:logout": Rule(EVERYONE)}
ADMIN_RULE = Rule(frozenset({SUPERUSER}))
#: The admin checks the account (active, `is_staff`), never unit roles: one account of each
#: kind probes it. No empty POST by the superuser (it would confirm the delete views).
ADMIN_PROBES = {
    "get": frozenset({ANONYMOUS, RECEIVER_A, CITIZEN, SUPERUSER}),
    "post": frozenset({ANONYMOUS, RECEIVER_A, CITIZEN}),
}

#: Slow pages (charts, PDF, DOCX, XLSX, the schema): every role that must NOT get them is
#: checked, but of the roles that may, one is enough (the rest only costs seconds).
HEAVY = frozenset(
    {
        "reports:dashboard",
        "reports:xlsx",
        "reform:draft_pdf",
        "reform:draft_docx",
        "backoffice:print_form_pdf",
        "backoffice:ledger_pdf",
        "api-v1:openapi-json",
    }
)

#: Pairs that must really work (200), so the matrix cannot pass by everything failing.
MUST_SUCCEED = [
    ("backoffice:dossier", "get", A_READ),
    ("backoffice:print_form", "get", A_READ),
    ("backoffice:ledger", "get", A_READ),
    ("backoffice:dossier_reveal_id", "post", A_READ),
    ("api-v1:dossier_form_data", "get", A_READ),
    ("backoffice:home", "get", STAFF),
    ("reform:plans", "get", A_STAFF),
    ("evaluation:unit", "get", A_READ),
    ("reports:bieu06", "get", A_READ),
    ("portal:home", "get", EVERYONE),
    ("admin:index", "get", frozenset({SUPERUSER})),
]


EXPECTED.update(EXTRA_RULES)


def rule_for(name: str) -> Rule:
    if name in EXPECTED:
        return EXPECTED[name]
    if name in ADMIN_PUBLIC:
        return ADMIN_PUBLIC[name]
    if name.startswith("admin:") or name == "admin:<catch-all>":
        return ADMIN_RULE
    raise AssertionError(f"URL {name!r} has no row in the expected-access table")


# ---------------------------------------------------------------------------------------------
# Walking the resolver
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name
    params: tuple[str, ...]
    regex_choices: dict[str, str]  # regex group → first literal alternative (admin app_label)


def _groups(pattern: Any) -> tuple[tuple[str, ...], dict[str, str]]:
    converters = getattr(pattern, "converters", None)
    if converters is not None and hasattr(pattern, "_route"):
        return tuple(converters), {}
    regex = pattern.regex
    choices = {}
    for group in regex.groupindex:
        found = re.search(rf"\(\?P<{group}>([\w|]+)\)", regex.pattern)
        if found:
            choices[group] = found.group(1).split("|")[0]
    return tuple(regex.groupindex), choices


def walk(
    resolver: URLResolver | None = None, ns: str = "", params: tuple[str, ...] = ()
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        names, choices = _groups(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{ns}:{entry.namespace}" if entry.namespace and ns else entry.namespace or ns
            yield from walk(entry, inner, params + names)
        elif isinstance(entry, URLPattern):
            name = entry.name or "<catch-all>"
            yield Route(f"{ns}:{name}" if ns else name, params + names, choices)


# ---------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------

VALID_ID = "001090012345"  # the applicant's personal identification number (masked in pages)
APPLICANT = "Phạm Thị Bí Mật"


@dataclass
class World:
    users: dict[str, Any]
    values: dict[str, dict[str, Any]]  # URL name → path parameters
    query: dict[str, str]  # URL name → query string
    secrets: tuple[str, ...]  # strings an outsider must never see


def build_world() -> World:
    province = UnitFactory(name="Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE)
    unit_a = UnitFactory(name="Xã An Toàn", parent=province)
    unit_b = UnitFactory(name="Xã Bên Kia", parent=province)
    version = ProcedureVersionFactory(procedure__name="Đăng ký khai sinh ma trận")

    def staff(name: str, unit: Any, *roles: str, **extra: Any) -> Any:
        user = UserFactory(username=name, **extra)
        for role in roles:
            MembershipFactory(user=user, unit=unit, role=role)
        return user

    users: dict[str, Any] = {
        RECEIVER_A: staff("m_receiver", unit_a, Role.RECEIVER),
        SPECIALIST_A: staff("m_specialist", unit_a, Role.SPECIALIST),
        LEADER_A: staff("m_leader", unit_a, Role.LEADER),
        UNIT_ADMIN_A: staff("m_unitadmin", unit_a, Role.UNIT_ADMIN),
        SUPERVISOR_A: staff("m_supervisor", unit_a, Role.SUPERVISOR),
        STAFF_B: staff("m_staff_b", unit_b, *Role.values),
        SUPERUSER: UserFactory(username="m_super", is_superuser=True, is_staff=True),
        CITIZEN: UserFactory(username="m_citizen", kind=UserKind.CITIZEN),
        OWNER: UserFactory(username="m_owner", kind=UserKind.CITIZEN),
        ANONYMOUS: None,
    }
    received = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
    draft = services.dossier_create_at_counter(
        user=users[RECEIVER_A],
        unit=unit_a,
        procedure=version.procedure,
        applicant_name=APPLICANT,
        applicant_id_number=VALID_ID,
        provided_component_ids=[c.pk for c in version.components.all()],
        at=received,
    )
    dossier = services.dossier_receive(dossier=draft, user=users[RECEIVER_A], at=received)
    type(dossier).objects.filter(pk=dossier.pk).update(applicant=users[OWNER])

    from motcua.reform import services as reform
    from motcua.reform.constants import ReformArea

    plan = reform.reform_plan_create(
        actor=users[RECEIVER_A],
        unit=unit_a,
        number="01/KH-UBND",
        issued_on=dt.date(2025, 1, 5),
        title="Kế hoạch CCHC năm 2025",
        area=ReformArea.values[0],
    )
    report = reform.report_draft_create(actor=users[RECEIVER_A], unit=unit_a, period="2025-H1")

    common = {
        "pk": dossier.pk,
        "dossier_id": dossier.pk,
        "unit_code": unit_a.code,
        "unit_id": unit_a.pk,
        "year": 2025,
        "name": "to_receive",
        "slug": "giay-tiep-nhan",
        "action": "assign",
        "code": version.procedure.code,
        "key": "khong-co-ban-nhap",
        "object_id": "1",
        "id": "1",
        "content_type_id": 1,
        "app_label": "core",
        "url": "khong-co/",
    }
    values = {
        "reform:plan": {"pk": plan.pk},
        "reform:draft": {"pk": report.pk},
        "reform:draft_docx": {"pk": report.pk},
        "reform:draft_pdf": {"pk": report.pk},
        "portal:upload": {"pk": 987654},
        "api-v1:dossier": {"code": dossier.code},
        "api-v1:dossier_action": {"code": dossier.code},
        "api-v1:dossier_form_data": {"code": dossier.code},
        "api-v1:dossier_form_data_update": {"code": dossier.code},
        "__common__": common,
        **EXTRA_VALUES,
    }
    period = f"unit={unit_a.pk}&date_from=01/01/2025&date_to=30/06/2025"
    query = {
        "reports:bieu06": period,
        "reports:xlsx": period,
        "reports:dossiers": f"{period}&figure=received_total",
        "reports:dashboard": f"unit={unit_a.pk}",
        "evaluation:unit": "tu_ngay=01/01/2025&den_ngay=30/06/2025",
    }
    assert dossier.code
    return World(users, values, query, (APPLICANT, VALID_ID, dossier.code))


def url_for(route: Route, world: World) -> str:
    if route.name == "admin:<catch-all>":
        return "/quan-tri/khong-co/"
    given = {**world.values["__common__"], **world.values.get(route.name, {})}
    kwargs = {p: route.regex_choices.get(p, given[p]) for p in route.params}
    url = reverse(route.name, kwargs=kwargs)
    query = world.query.get(route.name)
    return f"{url}?{query}" if query else url


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"  # ~3,000 requests
    cache.clear()  # log-in lockout and portal throttles start empty
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # thousands of expected 403/404/405 warnings
    yield
    quiet.setLevel(level)
    cache.clear()


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)  # a crash is listed, not the end of the walk
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_authorisation_matrix_every_url_every_role():
    """NĐ 13/2023 art. 26–27 and DOMAIN.md §10.1: only the expected roles get a 2xx."""
    world = build_world()
    routes = list(walk())
    assert any(r.name.startswith("portal:") for r in routes)
    unexpected: list[str] = []
    leaks: list[str] = []
    no_csp: list[str] = []
    crashes: list[str] = []
    status: dict[tuple[str, str, str], int] = {}
    for method in ("get", "post"):
        for role in ROLES:
            client = _client(world, role)
            for route in routes:
                is_admin = route.name.startswith("admin:")
                if is_admin and role not in ADMIN_PROBES[method]:
                    continue
                allowed = rule_for(route.name).allowed(method)
                if route.name in HEAVY and role in allowed and role != min(allowed):
                    continue
                url = url_for(route, world)
                response = getattr(client, method)(url, {})
                status[(route.name, method, role)] = response.status_code
                if response.status_code == 500:
                    crashes.append(f"{method.upper()} {url} as {role}")
                if "Content-Security-Policy" not in response.headers:
                    no_csp.append(f"{method.upper()} {url}")
                rule = rule_for(route.name)
                ok = 200 <= response.status_code < 300
                if ok and role not in rule.allowed(method):
                    unexpected.append(f"{method.upper()} {url} as {role} → {response.status_code}")
                insider = role in A_READ | {OWNER} or (is_admin and role == SUPERUSER)
                if ok and not insider and not response.streaming:
                    body = response.content.decode("utf-8", "replace")
                    for secret in world.secrets:
                        if secret in body:
                            leaks.append(f"{method.upper()} {url} as {role} shows {secret!r}")
                if route.name.endswith("logout") and world.users[role] is not None:
                    client = _client(world, role)  # logged out: log in again
    assert not unexpected, "unexpected 2xx:\n" + "\n".join(unexpected)
    assert not crashes, "server errors (500):\n" + "\n".join(crashes)
    assert not leaks, "personal data shown to outsiders:\n" + "\n".join(leaks)
    assert not no_csp, "responses without Content-Security-Policy:\n" + "\n".join(no_csp[:20])
    failures = [
        f"{method.upper()} {name} as {role} → {status[(name, method, role)]}"
        for name, method, roles in MUST_SUCCEED
        for role in sorted(roles)
        if status.get((name, method, role)) != 200
    ]
    assert not failures, "pages that must work:\n" + "\n".join(failures)


def test_every_expected_row_names_a_real_url():
    """The table cannot keep rows for URLs that no longer exist (it would hide a rename)."""
    names = {route.name for route in walk()}
    assert set(EXPECTED) <= names, set(EXPECTED) - names
