"""Token isolation across communes, for EVERY operation of `/api/v1/` (issues 7 and 8).

The operations are read from the code (`motcua.api.views.api.get_openapi_schema()`), not from
the committed `openapi.json`, so an endpoint added anywhere is covered the moment it is routed.
The world: communes A and B under one province, each with staff of every role, dossiers in
several states carrying distinctive personal data, an online dossier and a draft of a citizen,
and — when those apps are installed — ratings, PAKN, webhook subscriptions and deliveries and
national-portal sync rows. Then every operation is called with each token of A (staff tokens
with all staff scopes, a province supervisor's token cut to unit A, a citizen's `applicant`
token), its path parameters filled with B's identifiers, unit-naming query and body fields with
B's unit code, and required bodies with minimal valid values built from the schema.

Checked for every call: no 5xx; no 2xx answer (nor any page of a list walked one row at a
time) holds any of B's secrets (names, identity numbers, phones, dossier and PAKN codes, B's
unit code and usernames, webhook URLs…) or a cursor resting on one of B's rows; no 2xx for a B
object named in the path, which must answer exactly like an unknown id (else the answer tells
that it exists); no call changes any of B's rows (versions, states, counts). NĐ 13/2023/NĐ-CP
art. 38 and docs/domain/security.md: another commune's data is "not found". A positive control
(the same call with A's identifiers) must answer 2xx for every read, so the test cannot pass by
everything failing, and every operation × token must have been exercised (a table of operation
→ statuses per token is printed: `-s`, or on failure).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import re
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.test import Client
from tests.factories import (
    MembershipFactory,
    ProcedureFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)

from motcua.accounts.models import User, UserKind
from motcua.api.constants import ALL_SCOPES, APPLICANT_SCOPE
from motcua.api.models import ApiToken
from motcua.api.services import api_token_create
from motcua.catalogue.constants import OnlineLevel
from motcua.catalogue.models import ProcedureVersion
from motcua.core.text import fold
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dos
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit
from motcua.portal import services as portal_services
from motcua.portal.models import Submission, Upload

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

try:  # ratings and PAKN (being built alongside): used only when importable
    from motcua.feedback import services as feedback_services
    from motcua.feedback.constants import FeedbackTopic
    from motcua.feedback.models import Feedback, FeedbackEvent, Rating
except ImportError:  # pragma: no cover - depends on the apps installed
    feedback_services = None  # type: ignore[assignment]

try:  # webhooks and national-portal sync
    from motcua.integrations import webhooks as integration_webhooks
    from motcua.integrations.models import NationalSync, WebhookDelivery, WebhookSubscription
except ImportError:  # pragma: no cover
    integration_webhooks = None  # type: ignore[assignment]

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
API_PREFIX = "/api/v1/"
STAFF_ROLES = (Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN, Role.SUPERVISOR)


# ---------------------------------------------------------------------------------------------
# The world: one side per commune, built through the services
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The applicant of a side: every value is distinctive, so finding it is finding a leak."""

    name: str
    id_number: str
    phone: str
    email: str
    address: str


PEOPLE = {
    "A": Person("Hoàng Thị Ánh Aaz", "001190011223", "0911000111", "anh.aaz@example.vn", "Aaz"),
    "B": Person("Phạm Văn Bảo Bbq", "079085044556", "0988777666", "bao.bbq@example.vn", "Thôn Bbq"),
}


@dataclass
class Side:
    tag: str
    unit: Unit
    staff: dict[str, User]
    citizen: User
    person: Person
    version: ProcedureVersion
    #: Every dossier of the side; `dossiers[0]` is a received counter dossier.
    dossiers: list[Dossier] = field(default_factory=list)
    #: The citizen's own online dossiers (one waiting for a supplement, one just submitted).
    online: list[Dossier] = field(default_factory=list)
    returned: Dossier | None = None
    draft_key: str = ""
    feedback: list[Any] = field(default_factory=list)
    ratings: list[Any] = field(default_factory=list)
    subscriptions: list[Any] = field(default_factory=list)
    webhook_secrets: list[str] = field(default_factory=list)
    deliveries: list[Any] = field(default_factory=list)
    syncs: list[Any] = field(default_factory=list)

    def refresh(self) -> None:
        for d in [*self.dossiers, *self.online]:
            d.refresh_from_db()

    def codes(self) -> list[str]:
        return [d.code for d in [*self.dossiers, *self.online] if d.code]

    def secrets(self, *, public: bool) -> list[str]:
        """What must never reach a caller of the other commune. Public endpoints (no
        authentication) legitimately name units, so the unit code and name are left out."""
        p = self.person
        values = [p.name, p.id_number, p.phone, p.email, *self.codes()]
        values += [f.code for f in self.feedback if f.code]
        values += [f.sender_name for f in self.feedback] + [f.subject for f in self.feedback]
        values += [r.comment for r in self.ratings if r.comment]
        values += [s.target_url for s in self.subscriptions] + self.webhook_secrets
        values += [s.national_id for s in self.syncs if s.national_id]
        if not public:
            values += [self.unit.code, self.unit.name, self.citizen.username]
            values += [u.username for u in self.staff.values()]
            values += [u.full_name for u in self.staff.values()]
        return [v for v in values if v]


def _person_kwargs(p: Person) -> dict[str, str]:
    return {
        "applicant_name": p.name,
        "applicant_id_number": p.id_number,
        "applicant_phone": p.phone,
        "applicant_email": p.email,
        "applicant_address": p.address,
    }


#: The shared version's e-form (tờ khai): the counter dossiers carry their applicant's data in
#: it, so `GET /dossiers/{code}/form-data` has personal data to leak. All optional: the
#: citizen's draft and submission need none of it.
EFORM = {
    "title": "Tờ khai thử",
    "type": "object",
    "properties": {
        "ho_ten": {"title": "Họ tên", "type": "string"},
        "so_dinh_danh": {"title": "Số định danh", "type": "string", "pattern": "^[0-9]{12}$"},
        "dien_thoai": {"title": "Điện thoại", "type": "string"},
        "thu_dien_tu": {"title": "Thư điện tử", "type": "string"},
    },
    "x-order": ["ho_ten", "so_dinh_danh", "dien_thoai", "thu_dien_tu"],
}


def _form_data(p: Person) -> dict[str, str]:
    return {
        "ho_ten": p.name,
        "so_dinh_danh": p.id_number,
        "dien_thoai": p.phone,
        "thu_dien_tu": p.email,
    }


def _build_side(letter: str, province: Unit, version: ProcedureVersion) -> Side:
    tag = {"A": "aaz", "B": "bbq"}[letter]
    name = f"Xã {tag.capitalize()}"
    unit = UnitFactory(
        code=f"X{tag.upper()}0{'AB'.index(letter) + 1}",
        name=name,
        name_search=fold(name),
        parent=province,
    )
    staff: dict[str, User] = {}
    for role in STAFF_ROLES:
        user = UserFactory(username=f"canbo_{tag}_{role}", full_name=f"Cán bộ {role} {tag}")
        MembershipFactory(user=user, unit=unit, role=role)
        staff[role] = user
    citizen = UserFactory(
        username=f"congdan_{tag}", full_name=f"Công dân {tag}", kind=UserKind.CITIZEN
    )
    side = Side(tag, unit, staff, citizen, PEOPLE[letter], version)
    receiver, specialist, leader = (staff[r] for r in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER))
    component_ids = list(version.components.values_list("pk", flat=True))
    person = _person_kwargs(side.person)

    def counter() -> Dossier:
        d = dos.dossier_create_at_counter(
            user=receiver,
            unit=unit,
            procedure=version.procedure,
            provided_component_ids=component_ids,
            data=_form_data(side.person),
            at=MONDAY,
            **person,
        )
        return dos.dossier_receive(dossier=d, user=receiver, at=MONDAY)

    received = counter()
    assigned = dos.dossier_assign(dossier=counter(), user=leader, assignee=specialist, at=MONDAY)
    waiting = dos.dossier_request_supplement(
        dossier=dos.dossier_assign(dossier=counter(), user=leader, assignee=specialist, at=MONDAY),
        user=specialist,
        reasons=[f"Thiếu bản sao {tag}"],
        at=MONDAY,
    )
    d = dos.dossier_assign(dossier=counter(), user=leader, assignee=specialist, at=MONDAY)
    d = dos.dossier_step_complete(dossier=d, user=specialist, at=MONDAY)
    d = dos.dossier_approve(dossier=d, user=leader, at=MONDAY)
    returned = dos.dossier_return_result(dossier=d, user=receiver, recipient_name=side.person.name)
    assert returned.state == State.RETURNED
    side.dossiers = [received, assigned, waiting, returned]
    side.returned = returned

    def online() -> Dossier:
        return dos.dossier_submit_online(
            user=citizen,
            unit=unit,
            procedure=version.procedure,
            idempotency_key=uuid.uuid4().hex,
            provided_component_ids=component_ids,
            at=MONDAY,
            **person,
        )

    own = dos.dossier_receive(dossier=online(), user=receiver, at=MONDAY)
    own = dos.dossier_assign(dossier=own, user=leader, assignee=specialist, at=MONDAY)
    own = dos.dossier_request_supplement(
        dossier=own, user=specialist, reasons=[f"Thiếu tờ khai {tag}"], at=MONDAY
    )
    side.online = [own, online()]  # the second: submitted, no code yet, can be withdrawn

    side.draft_key = uuid.uuid4().hex
    submission = portal_services.submission_for_key(
        user=citizen, idempotency_key=side.draft_key, version=version
    )
    portal_services.submission_save_draft(
        submission=submission,
        user=citizen,
        unit=unit,
        raw_data={},
        applicant={k: person.get(k, "") for k in portal_services.APPLICANT_FIELDS},
    )

    if feedback_services is not None:
        for n in (1, 2):
            side.feedback.append(
                feedback_services.feedback_submit(
                    unit=unit,
                    kind="phan_anh",
                    subject=f"Phản ánh số {n} của {tag}",
                    content=f"Nội dung phản ánh {tag}",
                    sender_name=f"Người phản ánh {tag}",
                    sender_phone=side.person.phone,
                    sender_email=side.person.email,
                    at=MONDAY,
                )
            )
        side.feedback[1] = feedback_services.feedback_accept(
            feedback=side.feedback[1], user=leader, topic=FeedbackTopic.OTHER
        )
        side.ratings.append(
            feedback_services.rating_submit(
                dossier=returned,
                satisfied=False,
                comment=f"Ý kiến đánh giá của {tag}",
                channel="lookup",
            )
        )

    if integration_webhooks is not None:
        created = integration_webhooks.subscription_create(
            unit=unit, name=f"Đối tác {tag}", target_url=f"https://doitac-{tag}.example.vn/hook"
        )
        side.subscriptions.append(created.subscription)
        side.webhook_secrets.append(created.secret)
        event = returned.events.order_by("seq").last()
        assert event is not None
        side.deliveries.append(
            WebhookDelivery.objects.create(
                subscription=created.subscription,
                event=event,
                cloudevent_id=integration_webhooks.cloudevent_id(created.subscription.pk, event.pk),
            )
        )
        side.syncs.append(NationalSync.objects.create(dossier=received, national_id=f"G22-{tag}"))
    return side


@dataclass
class World:
    province: Unit
    a: Side
    b: Side
    province_supervisor: User
    version: ProcedureVersion


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    province = UnitFactory(code="TINHPQ", name="Tỉnh Thử", kind=UnitKind.PROVINCE)
    procedure = ProcedureFactory(code="ISO.000001")
    version = ProcedureVersionFactory(
        procedure=procedure, online_level=OnlineLevel.FULL, eform_schema=EFORM
    )
    # B first: its rows come before A's in id order (and tie on due dates), so a list that
    # filtered B out after paging would rest its first page and cursor on B's rows.
    b = _build_side("B", province, version)
    a = _build_side("A", province, version)
    supervisor = UserFactory(username="giamsat_tinh", full_name="Giám sát tỉnh")
    MembershipFactory(user=supervisor, unit=province, role=Role.SUPERVISOR)
    a.refresh()
    b.refresh()
    return World(province, a, b, supervisor, version)


# ---------------------------------------------------------------------------------------------
# Tokens of commune A
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    name: str
    secret: str
    kind: str  # "staff" or "applicant"


def a_tokens(w: World) -> list[Token]:
    a = w.a
    made: list[Token] = []

    def make(name: str, user: User, scopes: Any, kind: str, units: Any = ()) -> None:
        secret = api_token_create(user=user, name=name, scopes=scopes, units=units).secret
        made.append(Token(name, secret, kind))

    make("A leader, unit A", a.staff[Role.LEADER], ALL_SCOPES, "staff", [a.unit])
    make("A leader, own units", a.staff[Role.LEADER], ALL_SCOPES, "staff")
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.UNIT_ADMIN, Role.SUPERVISOR):
        make(f"A {role}, unit A", a.staff[role], ALL_SCOPES, "staff", [a.unit])
    make("province supervisor, unit A", w.province_supervisor, ALL_SCOPES, "staff", [a.unit])
    make("A citizen", a.citizen, [APPLICANT_SCOPE], "applicant")
    # The per-minute limit is tested elsewhere (test_rate_limit.py); here it would only get in
    # the way of the ~40 calls each token makes.
    ApiToken.objects.update(rate_limit_per_minute=1_000_000)
    return made


# ---------------------------------------------------------------------------------------------
# Operations of the schema, and values for their parameters
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as in the schema, e.g. /api/v1/dossiers/{code}
    spec: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def kind(self) -> str:
        """public, staff or applicant: who the endpoint is for (from its security schemes)."""
        names = {name for entry in self.spec.get("security") or [] for name in entry}
        if not names:
            return "public"
        if any("Applicant" in n for n in names):
            return "applicant"
        return "staff"

    @property
    def is_read(self) -> bool:
        return self.method == "GET"


def schema_operations() -> tuple[dict[str, Any], list[Operation]]:
    from motcua.api.views import api

    schema = api.get_openapi_schema()
    ops = [
        Operation(method.upper(), path, spec)
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
        if method.lower() in {"get", "post", "put", "patch", "delete"}
    ]
    return schema, ops


class Values:
    """Identifiers of one side, by resource: what fills the parameters of a call."""

    def __init__(self, side: Side, *, other: bool, ghost: bool = False) -> None:
        self.side = side
        self.other = other  # True: B (the values A must not reach)
        self.ghost = ghost  # True: identifiers of objects that exist nowhere

    # The look-up secrets: A's control uses A's real ones; B's are never used (whoever holds
    # a receipt may read the dossier, that is not a leak): a wrong value of the right shape.
    def dossier_secret(self, d: Dossier | None) -> str:
        if self.other or d is None or not d.lookup_secret:
            return "ZZZZ99"
        return d.lookup_secret

    def feedback_secret(self, f: Any | None) -> str:
        if self.other or f is None:
            return "ZZZZ99"
        return str(f.lookup_secret)

    def dossiers(self, op: Operation) -> list[Dossier]:
        s = self.side
        mine = s.online if op.kind == "applicant" else s.dossiers
        if not self.other:
            return mine[:1]
        return [*s.dossiers, *s.online]  # B: every dossier, whoever the endpoint is for


RESOURCE_WORDS = {
    "dossiers": "dossier",
    "ho-so": "dossier",
    "feedback": "feedback",
    "phan-anh": "feedback",
    "procedures": "procedure",
    "units": "unit",
    "submissions": "draft",
    "drafts": "draft",
    "ratings": "rating",
    "webhooks": "subscription",
    "subscriptions": "subscription",
    "deliveries": "delivery",
    "national": "sync",
    "syncs": "sync",
    "events": "event",
}


def _resource(path: str, param: str) -> str | None:
    """The resource a path parameter names: by its own name (`dossier_id`, `feedback_code`),
    else by the path segment before it (`/dossiers/{code}`)."""
    stem = re.sub(r"_(id|pk|code|key)$", "", param)
    for word, resource in RESOURCE_WORDS.items():
        if stem in {resource, word, word.rstrip("s")}:
            return resource
    if stem == "unit":
        return "unit"
    segments = [s for s in path.removeprefix(API_PREFIX).split("/") if s]
    where = segments.index("{" + param + "}")
    for segment in reversed(segments[:where]):
        if segment in RESOURCE_WORDS:
            return RESOURCE_WORDS[segment]
    return None


def _is_int(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer"


def path_candidates(
    op: Operation, param: dict[str, Any], v: Values, unknown: list[str]
) -> list[tuple[Any, Any, bool]]:
    """Values for one path parameter: (value, the object it designates if any, whether it
    names an object of the side — a dossier, draft, feedback… — rather than a unit, a
    procedure of the shared catalogue or an enum member)."""
    name, schema = param["name"], param.get("schema", {})
    if "enum" in schema:
        return [(e, None, False) for e in (schema["enum"] if v.other else schema["enum"][:1])]
    resource = _resource(op.path, name)
    as_int = _is_int(schema) or name.endswith(("_id", "pk")) or name in {"id", "pk"}
    s = v.side
    if v.ghost and resource not in {"procedure", "unit"}:
        # A fresh draft key each time: a PUT creates the draft of the key it is given.
        text = uuid.uuid4().hex if resource == "draft" else GHOST_TEXT.get(resource, GHOST_CODE)
        return [(GHOST_ID if as_int else text, None, True)]
    if resource == "dossier" or (resource is None and name not in {"code", "key"}):
        if resource is None:
            unknown.append(f"{op.id}: path parameter “{name}” (filled with a dossier of the side)")
        ds = v.dossiers(op)
        if as_int:
            return [(d.pk, d, True) for d in ds]
        return [(d.code, d, True) for d in ds if d.code]
    if resource == "procedure":
        return [(s.version.procedure.code, None, False)]
    if resource == "unit":
        return [(s.unit.pk if as_int else s.unit.code, None, False)]
    if resource == "draft":
        return [(s.draft_key, None, True)]
    objects: dict[str, list[Any]] = {
        "feedback": s.feedback,
        "rating": s.ratings,
        "subscription": s.subscriptions,
        "delivery": s.deliveries,
        "sync": s.syncs,
        "event": list(DossierEvent.objects.filter(dossier__in=s.dossiers).order_by("pk")[:3]),
    }
    found = objects.get(resource or "", [])
    if not found:
        unknown.append(f"{op.id}: path parameter “{name}” has no object of kind {resource}")
        d = s.dossiers[0]
        return [(d.pk if as_int else d.code, d, True)]
    found = found if v.other else found[:1]
    if as_int or not hasattr(found[0], "code"):
        return [(o.pk, o, True) for o in found]
    return [(o.code, o, True) for o in found if o.code]


#: Identifiers of nothing: what B's objects must be indistinguishable from.
GHOST_ID = 2_000_000_000
GHOST_CODE = "XBBQ02-250310-9999"
GHOST_TEXT = {"feedback": "PA-ZZZZ-9999"}

DATE_FROM, DATE_TO = "2025-03-01", "2025-03-31"
PATTERN_TRIES = ["Thu", "x", "X1", "1", "field", "open", "all", "ABC123", "0" * 32, "a" * 8]


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    for combo in ("anyOf", "oneOf"):
        if combo in schema:
            branches = [b for b in schema[combo] if _resolve(b, root).get("type") != "null"]
            return _resolve(branches[0] if branches else schema[combo][0], root)
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], root)
    return schema


@dataclass
class Context:
    """Everything a value may depend on: the side, the operation, the targeted dossier."""

    v: Values
    op: Operation
    target: Any  # the object named in the path (a dossier, a feedback…), if any
    root: dict[str, Any]
    unknown: list[str]

    @property
    def dossier(self) -> Dossier:
        if isinstance(self.target, Dossier):
            return self.target
        return self.v.dossiers(self.op)[0]


def hinted(name: str, c: Context) -> tuple[bool, Any]:
    """A value chosen by the field's name (identifiers of the side), if the name says."""
    s, d = c.v.side, c.dossier
    path = c.op.path
    key = name.lower()
    if key in {"unit", "unit_code", "don_vi", "ma_don_vi"} or key.endswith("unit_code"):
        return True, s.unit.code
    if key == "unit_id":
        return True, s.unit.pk
    if key in {"procedure", "procedure_code"}:
        return True, s.version.procedure.code
    if key == "code":
        if "feedback" in path:
            return True, s.feedback[0].code if s.feedback else "PA-ZZZ"
        return True, d.code or s.dossiers[0].code
    if key in {"dossier", "dossier_code"}:
        return True, d.code
    if key == "dossier_id":
        return True, d.pk
    if key == "secret":
        if "feedback" in path:
            return True, c.v.feedback_secret(s.feedback[0] if s.feedback else None)
        return True, c.v.dossier_secret(d)
    if key == "expected_version":  # the current one: a missing check would let it through
        target = c.target if c.target is not None and hasattr(c.target, "version") else d
        return True, target.version
    if key == "assignee":
        return True, s.staff[Role.SPECIALIST].username
    if key == "declaration":
        return True, True
    if key == "satisfied":
        return True, True
    if key == "component_id":
        return True, s.version.components.order_by("order").values_list("pk", flat=True)[0]
    if key == "component_ids":
        return True, ""
    if key in {"from", "date_from"}:
        return True, DATE_FROM
    if key in {"to", "date_to"}:
        return True, DATE_TO
    if key in {"sender_phone", "phone"}:
        return True, "0900000000"  # a contact that is nobody's secret
    if key == "idempotency_key":
        return True, uuid.uuid4().hex
    return False, None


def example(schema: dict[str, Any], name: str, c: Context) -> Any:
    """A minimal valid value of `schema` (a JSON Schema of the OpenAPI document)."""
    known, value = hinted(name, c)
    if known:
        return value
    schema = _resolve(schema, c.root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        wanted = set(schema.get("required", []))
        body = {}
        for prop, sub in props.items():
            if prop in wanted or hinted(prop, c)[0]:
                body[prop] = example(sub, prop, c)
        return body
    if kind == "array":
        if schema.get("minItems", 0) > 0 or name in {"reasons"}:
            return [example(schema.get("items", {}), name, c)]
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "date":
        return DATE_FROM
    if fmt == "date-time":
        return "2025-03-10T02:00:00Z"
    if fmt == "email":
        return "thu@example.vn"
    if fmt in {"uri", "url"}:
        return "https://example.vn/thu"
    if fmt == "binary":
        return SimpleUploadedFile("anh.png", PNG_BYTES, content_type="image/png")
    text = "Thử " + name
    if "pattern" in schema:
        fits = [t for t in PATTERN_TRIES if re.search(schema["pattern"], t)]
        if not fits:
            c.unknown.append(f"{c.op.id}: no value for “{name}” (pattern {schema['pattern']})")
            return "x"
        text = fits[0]
    return text[: schema.get("maxLength", 200)].ljust(schema.get("minLength", 0), "x")


#: Optional query parameters worth a call of their own, each value separately.
QUERY_VARIANTS: dict[str, list[str]] = {
    "queue": list(dossier_selectors.QUEUES),
    "state": ["all", "open"],
    "by": ["field"],
}


#: Optional query parameters that name an object: always sent, with the side's identifier.
IDENTIFIER_QUERY = frozenset(
    {"unit", "unit_code", "unit_id", "dossier", "dossier_code", "dossier_id", "code"}
)
#: Optional query parameters always sent: Biểu 06 from the dossiers themselves (`oracle`),
#: since the nightly roll-up table (`motcua stats-rollup`) is empty in a test.
FIXED_QUERY: dict[str, str] = {"source": "oracle"}


@dataclass
class Call:
    op: Operation
    path: str
    query: dict[str, Any]
    body: Any  # JSON value, a dict of multipart fields, or None
    multipart: bool
    label: str  # the variant (for the table)
    names_object: bool  # the path names an object of the side (dossier, draft, feedback…)


def calls_for(op: Operation, v: Values, root: dict[str, Any], unknown: list[str]) -> list[Call]:
    params = op.spec.get("parameters", [])
    path_params = [p for p in params if p["in"] == "path"]
    query_params = [p for p in params if p["in"] == "query"]
    choices = [path_candidates(op, p, v, unknown) for p in path_params]
    calls: list[Call] = []
    for combo in itertools.product(*choices) if choices else [()]:
        path = op.path
        target = None
        names_object = False
        for p, (value, obj, is_object) in zip(path_params, combo, strict=True):
            path = path.replace("{" + p["name"] + "}", str(value))
            target = target if target is not None else obj
            names_object = names_object or is_object
        ctx = Context(v, op, target, root, unknown)
        base: dict[str, Any] = {}
        for p in query_params:
            hint_known, hint = hinted(p["name"], ctx)
            if p.get("required"):
                base[p["name"]] = example(p.get("schema", {}), p["name"], ctx)
            elif hint_known and p["name"] in IDENTIFIER_QUERY:
                base[p["name"]] = hint  # a filter naming the side's unit, dossier, feedback…
            elif p["name"] in FIXED_QUERY:
                base[p["name"]] = FIXED_QUERY[p["name"]]
        variants = [("", base)]
        if v.other:  # the control only needs one call
            # Lists: also one row a page, the pages walked (`test_…`): no page and no cursor
            # may rest on a row of B (a cursor carries its row's sort key and id).
            small = {"limit": 1} if any(p["name"] == "limit" for p in query_params) else {}
            if small:
                variants.append(("limit=1", {**base, **small}))
            for p in query_params:
                for value in QUERY_VARIANTS.get(p["name"], []):
                    pattern = _resolve(p.get("schema", {}), root).get("pattern")
                    if pattern is None or re.search(pattern, value):
                        variant = {**base, **small, p["name"]: value}
                        variants.append((f"{p['name']}={value}", variant))
        content = op.spec.get("requestBody", {}).get("content", {})
        multipart = "multipart/form-data" in content and "application/json" not in content
        body = None
        if content:
            media = content.get("application/json") or next(iter(content.values()))
            body = example(media.get("schema", {}), "body", ctx)
        for label, query in variants:
            calls.append(Call(op, path, query, body, multipart, label, names_object))
        if not v.other:
            break
    return calls


def send(client: Client, call: Call, token: Token) -> Any:
    cache.clear()  # look-up and submission throttles count per IP: every call starts fresh
    headers = {"Authorization": f"Bearer {token.secret}"}
    path = call.path + ("?" + urlencode(call.query, doseq=True) if call.query else "")
    method = call.op.method
    if method == "GET":
        return client.get(path, headers=headers)
    if call.multipart:
        data = {}
        for k, value in (call.body or {}).items():
            if isinstance(value, list):  # a list of files: fresh file objects every call
                value = [SimpleUploadedFile("anh.png", PNG_BYTES, "image/png") for _ in value]
            elif isinstance(value, SimpleUploadedFile):
                value = SimpleUploadedFile("anh.png", PNG_BYTES, "image/png")
            data[k] = value
        if not data.get("files") and "files" in (call.body or {}):
            data["files"] = [SimpleUploadedFile("anh.png", PNG_BYTES, "image/png")]
        return client.generic(method, path, **_multipart(data), headers=headers)
    payload = json.dumps(call.body) if call.body is not None else ""
    return client.generic(method, path, payload, content_type="application/json", headers=headers)


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


# ---------------------------------------------------------------------------------------------
# B's rows, before and after
# ---------------------------------------------------------------------------------------------


def b_snapshot(b: Side) -> dict[str, Any]:
    """B's rows as they stand: versions and states of existing objects, and counts."""
    mine = Q(unit=b.unit) | Q(current_unit=b.unit) | Q(applicant=b.citizen)
    ids = list(Dossier.objects.filter(mine).values_list("pk", flat=True))
    snap: dict[str, Any] = {
        "dossiers": sorted(
            Dossier.objects.filter(pk__in=ids).values_list(
                "pk", "version", "state", "assignee_id", "current_unit_id", "supplement_count"
            )
        ),
        "dossier_events": DossierEvent.objects.filter(dossier_id__in=ids).count(),
        "submissions": sorted(
            Submission.objects.filter(user=b.citizen).values_list(
                "pk", "state", "dossier_id", "unit_id", "updated_at"
            )
        ),
        "uploads": Upload.objects.filter(
            Q(dossier_id__in=ids) | Q(submission__user=b.citizen)
        ).count(),
    }
    if feedback_services is not None:
        snap["feedback"] = sorted(
            Feedback.objects.filter(Q(unit=b.unit) | Q(received_unit=b.unit)).values_list(
                "pk", "version", "state", "assignee_id", "unit_id"
            )
        )
        snap["feedback_events"] = FeedbackEvent.objects.filter(feedback__unit=b.unit).count()
        snap["ratings"] = sorted(
            Rating.objects.filter(Q(unit=b.unit) | Q(dossier_id__in=ids)).values_list(
                "pk", "satisfied", "comment"
            )
        )
    if integration_webhooks is not None:
        subs = WebhookSubscription.objects.filter(unit=b.unit)
        snap["subscriptions"] = sorted(subs.values_list("pk", "active", "target_url", "name"))
        snap["deliveries"] = sorted(
            WebhookDelivery.objects.filter(
                Q(subscription__in=subs) | Q(event__dossier_id__in=ids)
            ).values_list("pk", "state", "attempts", "next_attempt_at")
        )
        snap["syncs"] = sorted(
            NationalSync.objects.filter(dossier_id__in=ids).values_list(
                "pk", "state", "attempts", "national_id", "next_attempt_at"
            )
        )
    return snap


#: What a PUBLIC endpoint may add to B: anyone may file a PAKN to any commune (NĐ 20/2008).
PUBLIC_MAY_ADD = {"feedback", "feedback_events"}


def b_changes(before: dict[str, Any], after: dict[str, Any], *, public: bool) -> list[str]:
    changed = []
    for key, old in before.items():
        new = after[key]
        if old == new:
            continue
        if public and key in PUBLIC_MAY_ADD:
            if isinstance(old, list) and set(old) <= set(new):
                continue  # rows added, none changed
            if isinstance(old, int) and new >= old:
                continue
        changed.append(key)
    return changed


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------


def _text(response: Any) -> str:
    raw = response.content.decode("utf-8", "replace")
    try:
        return raw + "\n" + json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return raw


def _leaks(text: str, secrets: list[str]) -> list[str]:
    low = text.lower()
    return [s for s in secrets if s.lower() in low]


#: Cursor kinds (`api.selectors.encode_cursor`) → what the id at their end designates.
CURSOR_KINDS = {
    **{order: "dossier" for order in dossier_selectors.ORDERS},
    "events": "event",
    "feedback": "feedback",
}
MAX_PAGES = 8


def _cursor_params(call: Call) -> list[str]:
    names = {p["name"] for p in call.op.spec.get("parameters", []) if p["in"] == "query"}
    return [n for n in ("cursor", "since", "after") if n in names]


def walk_pages(client: Client, call: Call, token: Token, first: Any) -> list[Any]:
    """The following pages of a list answer (its `next_cursor`), at most `MAX_PAGES`."""
    params = _cursor_params(call)
    pages: list[Any] = []
    response = first
    while params and len(pages) < MAX_PAGES:
        try:
            body = response.json()
        except ValueError:
            break
        nxt = body.get("next_cursor") if isinstance(body, dict) else None
        if not nxt or not body.get("items") or body.get("has_more") is False:
            break
        follow = Call(
            call.op, call.path, {**call.query, params[0]: nxt}, None, False, call.label, False
        )
        response = send(client, follow, token)
        pages.append(response)
    return pages


def _cursors_at_b(response: Any, b_ids: dict[str, set[int]]) -> list[str]:
    """The cursors of the answer whose last key is the id of one of B's rows."""
    try:
        body = response.json()
    except ValueError:
        return []
    found = []
    for key, value in body.items() if isinstance(body, dict) else []:
        if not key.endswith("cursor") or not isinstance(value, str):
            continue
        try:
            decoded = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
        except (ValueError, binascii.Error):
            continue
        if not isinstance(decoded, list) or len(decoded) < 2:
            continue
        kind = CURSOR_KINDS.get(str(decoded[0]))
        if kind and decoded[-1] in b_ids.get(kind, set()):
            found.append(f"{decoded}")
    return found


#: Reads whose positive control cannot answer 2xx, with the reason. Empty today.
NO_CONTROL: dict[str, str] = {}


@dataclass
class Ledger:
    rows: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def note(self, op: Operation, token: Token, what: str) -> None:
        self.rows.setdefault(op.id, {}).setdefault(token.name, []).append(what)

    def table(self) -> str:
        lines = []
        for op_id, per_token in sorted(self.rows.items()):
            lines.append(op_id)
            for name, seen in per_token.items():
                lines.append(f"    {name:<32} {' '.join(seen)}")
        return "\n".join(lines)


def test_a_token_of_commune_a_reaches_nothing_of_commune_b(world: World, client: Client) -> None:
    root, ops = schema_operations()
    assert len(ops) >= 20, "the schema from the code lists the API's operations"
    tokens = a_tokens(world)
    a, b = world.a, world.b
    unknown: list[str] = []
    ledger = Ledger()
    before_all = b_snapshot(b)
    exercised: set[tuple[str, str]] = set()
    b_ids = {
        "dossier": set(Dossier.objects.filter(unit=b.unit).values_list("pk", flat=True)),
        "event": set(
            DossierEvent.objects.filter(dossier__unit=b.unit).values_list("pk", flat=True)
        ),
        "feedback": {f.pk for f in b.feedback},
    }

    for op in ops:
        public = op.kind == "public"
        secrets = b.secrets(public=public)
        b_calls = calls_for(op, Values(b, other=True), root, unknown)
        assert b_calls, f"{op.id}: no call could be built"
        ghost = calls_for(op, Values(b, other=True, ghost=True), root, unknown)[0]
        for token in tokens:
            ghost_status = None
            if ghost.names_object:
                ghost_status = send(client, ghost, token).status_code
                ledger.note(op, token, f"unknown-id:{ghost_status}")
            after = None  # B as the previous call of this loop left it
            for call in b_calls:
                # Nothing else ran since that snapshot: it is this call's "before" (a change
                # made in between would still show, in this call's difference).
                before = (after or b_snapshot(b)) if not op.is_read else None
                response = send(client, call, token)
                status = response.status_code
                label = f"[{call.label}]" if call.label else ""
                ledger.note(op, token, f"B{label}:{status}")
                where = f"{op.id} [{call.label or call.path}] with “{token.name}”"
                if status >= 500:
                    ledger.failures.append(f"{where}: {status} (server error)")
                if 200 <= status < 300:
                    if call.names_object and not public:
                        ledger.failures.append(f"{where}: {status} on B's object {call.path}")
                    pages = walk_pages(client, call, token, response) if op.is_read else []
                    for n, page in enumerate([response, *pages]):
                        at = f"{where} page {n + 1}"
                        if page.status_code >= 300:
                            ledger.failures.append(f"{at}: {page.status_code} while paging")
                            continue
                        leaked = _leaks(_text(page), secrets)
                        if leaked:
                            ledger.failures.append(f"{at}: {status} shows B's {leaked[:5]}")
                        for cursor in _cursors_at_b(page, b_ids):
                            ledger.failures.append(f"{at}: cursor {cursor} rests on B's row")
                    if pages:
                        ledger.note(op, token, f"(+{len(pages)} pages)")
                # Another commune's (or citizen's) object does not exist for the caller: it
                # answers like an unknown id (404), else the answer confirms that it exists.
                # A PUT creates what an unknown id names (a draft under a client-chosen key):
                # there, another's object answers 404 (the key is taken, nothing more).
                if call.names_object and not public and op.method == "PUT":
                    if token.kind == op.kind and status != 404:
                        ledger.failures.append(f"{where}: {status}, B's object must be 404")
                elif call.names_object and not public and status != ghost_status:
                    ledger.failures.append(
                        f"{where}: {status} where an unknown id answers {ghost_status}: "
                        "tells that B's object exists"
                    )
                if before is not None:
                    after = b_snapshot(b)
                    changed = b_changes(before, after, public=public)
                    if changed:
                        ledger.failures.append(f"{where}: changed B's {changed} ({status})")
            exercised.add((op.id, token.name))
            if not op.is_read:  # a write may have moved a dossier (its version, its state)
                a.refresh()
                b.refresh()

        # Positive control: the same operation with A's identifiers, by the tokens it is for.
        # A read must succeed for at least one of them (an endpoint may be for some roles).
        read_ok: list[str] = []
        for token in tokens:
            if not public and token.kind != op.kind:
                continue
            (control,) = calls_for(op, Values(a, other=False), root, unknown)
            response = send(client, control, token)
            status = response.status_code
            ledger.note(op, token, f"A:{status}")
            where = f"{op.id} control {control.path} with “{token.name}”"
            if status >= 500:
                ledger.failures.append(f"{where}: {status} (server error)")
            if 200 <= status < 300:
                read_ok.append(token.name)
                leaked = _leaks(_text(response), b.secrets(public=public))
                if leaked:
                    ledger.failures.append(f"{where}: {status} shows B's {leaked[:5]}")
            elif not op.is_read and status == 400:
                ledger.failures.append(
                    f"{where}: 400, the generated body is not valid "
                    f"({response.content[:300]!r}); the B calls proved nothing"
                )
            if not op.is_read:
                a.refresh()
        if op.is_read and not read_ok and op.id not in NO_CONTROL:
            ledger.failures.append(
                f"{op.id}: no token reads A's own data with it (positive control), so its "
                "refusals of B prove nothing"
            )

    after_all = b_snapshot(b)
    public_ops_add = any(op.kind == "public" for op in ops)
    drift = b_changes(before_all, after_all, public=public_ops_add)
    if drift:
        ledger.failures.append(f"B's rows changed over the run: {drift}")

    everything = {(op.id, t.name) for op in ops for t in tokens}
    missing = sorted(everything - exercised)
    if missing:
        ledger.failures.append(f"operations not exercised: {missing}")
    if unknown:
        warnings.warn(
            "token isolation: parameters without a mapping (B-flavoured guesses used): "
            + "; ".join(sorted(set(unknown))),
            stacklevel=1,
        )
    print("Operation → statuses per token:\n" + ledger.table())  # shown with -s or on failure
    if ledger.failures:
        pytest.fail(
            "\n".join(ledger.failures[:300])
            + f"\n({len(ledger.failures)} failures)\n\nOperation → statuses per token:\n"
            + ledger.table()
        )


def test_the_world_is_what_the_isolation_test_relies_on(world: World) -> None:
    """The B side really holds what the big test looks for (a guard against a world where
    nothing could leak): codes, states, the citizen's dossiers and draft, and the optional
    apps' rows."""
    b = world.b
    assert len(b.codes()) == 5 and all(c.startswith(b.unit.dossier_code_prefix) for c in b.codes())
    states = {d.state for d in b.dossiers}
    assert {State.RECEIVED, State.IN_PROCESS, State.RETURNED} <= states
    assert all(d.applicant_id == b.citizen.pk for d in b.online)
    assert Submission.objects.filter(user=b.citizen, idempotency_key=b.draft_key).exists()
    assert Dossier.objects.filter(applicant_id_number=b.person.id_number).count() == 6
    assert all(d.data == _form_data(b.person) for d in b.dossiers)  # the tờ khai
    if feedback_services is not None:
        assert b.feedback and b.ratings
    if integration_webhooks is not None:
        assert b.subscriptions and b.deliveries and b.syncs
