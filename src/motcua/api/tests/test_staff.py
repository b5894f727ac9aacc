"""Staff and partner endpoints: authentication, scopes, units, queues, dossier actions with
`expected_version` (NĐ 61/2018 arts. 18–20), the event feed and problem details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory

from motcua.api.models import ApiToken
from motcua.api.problems import PROBLEM_CONTENT_TYPE
from motcua.api.services import api_token_revoke, token_hash
from motcua.dossiers import services
from motcua.dossiers.constants import State
from motcua.organisation.constants import Role

from .conftest import ApiClient, Commune, received_dossier

Token = Callable[..., str]


# --- Authentication and scopes ----------------------------------------------------------------


@pytest.mark.django_db
def test_no_token_is_401_with_bearer_challenge(api: ApiClient):
    response = api.get("/dossiers")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Chưa xác thực"


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["revoked", "expired", "unknown", "inactive_user"])
def test_unusable_tokens_are_401(api: ApiClient, commune: Commune, make_token: Token, case: str):
    secret = make_token(commune.specialist)
    token = ApiToken.objects.get(token_hash=token_hash(secret))
    if case == "revoked":
        api_token_revoke(token=token)
    elif case == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    elif case == "unknown":
        secret = secret[:-4] + "zzzz"
    else:
        commune.specialist.is_active = False
        commune.specialist.save()
    assert api.get("/dossiers", token=secret).status_code == 401


@pytest.mark.django_db
def test_only_the_hash_is_stored_and_last_use_is_recorded(
    api: ApiClient, commune: Commune, make_token: Token
):
    secret = make_token(commune.specialist)
    token = ApiToken.objects.get()
    assert secret not in (token.token_hash, token.prefix)
    assert api.get("/dossiers", token=secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "scopes"),
    [
        ("/dossiers", ["stats:read"]),
        ("/events", ["stats:read"]),
        ("/stats?unit=X&from=2025-03-01&to=2025-03-31", ["dossiers:read"]),
    ],
)
def test_wrong_scope_is_403(api: ApiClient, commune: Commune, make_token: Token, path, scopes):
    response = api.get(path, token=make_token(commune.leader, scopes))
    assert response.status_code == 403
    assert "phạm vi" in response.json()["detail"]


@pytest.mark.django_db
def test_write_needs_the_write_scope(api: ApiClient, commune: Commune, version, make_token):
    d = received_dossier(commune, version)
    token = make_token(commune.leader, ["dossiers:read"])
    body = {"expected_version": d.version, "assignee": commune.specialist.username}
    response = api.post(f"/dossiers/{d.code}/actions/assign", body, token=token)
    assert response.status_code == 403


@pytest.mark.django_db
def test_session_of_logged_in_staff_reads_and_csrf_guards_writes(commune: Commune, version):
    d = received_dossier(commune, version)
    client = Client(enforce_csrf_checks=True)
    client.force_login(commune.leader)
    assert client.get(f"/api/v1/dossiers/{d.code}").status_code == 200
    response = client.post(
        f"/api/v1/dossiers/{d.code}/actions/assign",
        {"expected_version": d.version, "assignee": commune.specialist.username},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE


@pytest.mark.django_db
def test_citizen_session_is_not_staff(api: ApiClient, client: Client):
    from motcua.accounts.models import UserKind

    client.force_login(UserFactory(kind=UserKind.CITIZEN))
    assert client.get("/api/v1/dossiers").status_code == 401


# --- Units: another commune's dossier does not exist ------------------------------------------


@pytest.mark.django_db
def test_another_communes_dossier_is_404(
    api: ApiClient, commune: Commune, other_commune: Commune, version, make_token: Token
):
    d = received_dossier(other_commune, version)
    token = make_token(commune.leader)
    assert api.get(f"/dossiers/{d.code}", token=token).status_code == 404
    response = api.post(
        f"/dossiers/{d.code}/actions/assign",
        {"expected_version": d.version, "assignee": commune.specialist.username},
        token=token,
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_token_limited_to_one_unit_hides_the_others(
    api: ApiClient, commune: Commune, other_commune: Commune, version, make_token: Token
):
    """A leader of two communes gives a partner system a token for one of them."""
    MembershipFactory(user=commune.leader, unit=other_commune.unit, role=Role.LEADER)
    MembershipFactory(user=commune.receiver, unit=other_commune.unit, role=Role.RECEIVER)
    mine = received_dossier(commune, version)
    theirs = received_dossier(other_commune, version)
    token = make_token(commune.leader, units=[commune.unit])
    assert api.get(f"/dossiers/{mine.code}", token=token).status_code == 200
    assert api.get(f"/dossiers/{theirs.code}", token=token).status_code == 404
    codes = {e["dossier"] for e in api.get("/events", token=token).json()["items"]}
    assert codes == {mine.code}


# --- Queues and detail ------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_pages_with_the_selectors_cursor(
    api: ApiClient, commune: Commune, version, make_token: Token
):
    made = []
    for day in (10, 11, 12):
        d = received_dossier(commune, version, dt.datetime(2025, 3, day, 9, tzinfo=dt.UTC))
        made.append(
            services.dossier_assign(dossier=d, user=commune.leader, assignee=commune.specialist)
        )
    token = make_token(commune.specialist)
    seen, cursor = [], None
    for _ in range(5):
        params = {"queue": "assigned_to_me", "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = api.get("/dossiers", token=token, **params).json()
        assert body["queue"] == "assigned_to_me"
        seen += [i["code"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == [d.code for d in made]  # by due date, each once


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "name"),
    [({"queue": "khong-co"}, "queue"), ({"order": "x"}, "order"), ({"cursor": "abc"}, "cursor")],
)
def test_queue_bad_parameters_are_400(
    api: ApiClient, commune: Commune, make_token: Token, params, name
):
    response = api.get("/dossiers", token=make_token(commune.specialist), **params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == name


@pytest.mark.django_db
def test_dossier_detail_has_events_and_allowed_actions(
    api: ApiClient, commune: Commune, version, make_token: Token
):
    d = received_dossier(commune, version)
    body = api.get(f"/dossiers/{d.code}", token=make_token(commune.leader)).json()
    assert body["state"] == State.RECEIVED
    assert body["version"] == d.version
    assert [e["action"] for e in body["events"]] == ["submit", "receive"]
    assert "assign" in body["available_actions"]


# --- Actions ----------------------------------------------------------------------------------


def _act(api: ApiClient, token: str, code: str, action: str, **body):
    return api.post(f"/dossiers/{code}/actions/{action}", body, token=token)


@pytest.mark.django_db
def test_full_path_through_the_api(api: ApiClient, commune: Commune, version, make_token):
    """Assign (art. 18), step (art. 19(1)), approve (art. 19(2)), return the result (art. 20)."""
    d = received_dossier(commune, version)
    leader, specialist = make_token(commune.leader), make_token(commune.specialist)
    receiver = make_token(commune.receiver)
    r = _act(api, leader, d.code, "assign", expected_version=d.version,
             assignee=commune.specialist.username)  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json()["assignee"] == commune.specialist.username
    r = _act(api, specialist, d.code, "step_complete", expected_version=r.json()["version"])
    assert r.status_code == 200, r.json()
    r = _act(api, leader, d.code, "approve", expected_version=r.json()["version"])
    assert r.json()["state"] == State.RESULT_READY
    r = _act(api, receiver, d.code, "return_result", expected_version=r.json()["version"],
             recipient_name="Trần Thị Bình")  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == State.RETURNED
    assert r.json()["events"][-1]["action"] == "return_result"


@pytest.mark.django_db
def test_stale_expected_version_is_409(api: ApiClient, commune: Commune, version, make_token):
    d = received_dossier(commune, version)
    r = _act(api, make_token(commune.leader), d.code, "assign", expected_version=d.version - 1,
             assignee=commune.specialist.username)  # fmt: skip
    assert r.status_code == 409
    assert r.json()["type"] == "urn:motcua:problem:conflict"


@pytest.mark.django_db
def test_role_missing_is_403(api: ApiClient, commune: Commune, version, make_token: Token):
    """Only the leader approves (NĐ61 art. 19(2)): the specialist gets PermissionDenied."""
    d = services.dossier_assign(
        dossier=received_dossier(commune, version),
        user=commune.leader,
        assignee=commune.specialist,
    )
    r = _act(api, make_token(commune.specialist), d.code, "approve", expected_version=d.version)
    assert r.status_code == 403
    assert r.json()["detail"]


@pytest.mark.django_db
def test_late_supplement_request_is_422(api: ApiClient, commune: Commune, version, make_token):
    """NĐ61 art. 19(4): no supplement request later than 03 working days after receipt."""
    d = received_dossier(commune, version)  # received in March 2025, long ago
    r = _act(api, make_token(commune.leader), d.code, "request_supplement",
             expected_version=d.version, reasons=["Thiếu bản sao giấy khai sinh"])  # fmt: skip
    assert r.status_code == 422
    assert "03 ngày làm việc" in r.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "body", "name"),
    [
        ("assign", {}, "expected_version"),
        ("assign", {"expected_version": "x"}, "expected_version"),
        ("assign", {"expected_version": 1}, "assignee"),
        ("assign", {"expected_version": 1, "assignee": "khong-co-ai"}, "assignee"),
        ("xoa", {"expected_version": 1}, "action"),
    ],
)
def test_action_validation_is_400_per_field(
    api: ApiClient, commune: Commune, version, make_token, action, body, name
):
    d = received_dossier(commune, version)
    r = _act(api, make_token(commune.leader), d.code, action, **body)
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert [e["name"] for e in errors] == [name]
    assert all(e["detail"] for e in errors)


# --- Events -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_feed_is_ordered_and_resumable(
    api: ApiClient, commune: Commune, other_commune: Commune, version, make_token: Token
):
    a = received_dossier(commune, version)
    received_dossier(other_commune, version)
    token = make_token(commune.receiver, ["dossiers:read"])
    first = api.get("/events", token=token, limit=1).json()
    assert first["has_more"] is True
    second = api.get("/events", token=token, since=first["next_cursor"]).json()
    items = first["items"] + second["items"]
    assert [e["id"] for e in items] == sorted(e["id"] for e in items)
    assert {e["dossier"] for e in items} == {a.code}
    assert second["has_more"] is False
    services.dossier_assign(dossier=a, user=commune.leader, assignee=commune.specialist)
    third = api.get("/events", token=token, since=second["next_cursor"]).json()
    assert [e["action"] for e in third["items"]] == ["assign"]


@pytest.mark.django_db
def test_events_bad_cursor_is_400(api: ApiClient, commune: Commune, make_token: Token):
    response = api.get("/events", token=make_token(commune.receiver), since="!!")
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "since"


@pytest.mark.django_db
def test_token_units_must_be_the_users(commune: Commune, other_commune: Commune):
    from motcua.api.services import api_token_create
    from motcua.core.errors import DomainError

    with pytest.raises(DomainError):
        api_token_create(
            user=commune.leader, name="x", scopes=["dossiers:read"], units=[other_commune.unit]
        )
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_reads_of_personal_data_are_access_logged(
    api: ApiClient, commune: Commune, version, make_token: Token
):
    """NĐ 13/2023 art. 38 (DOMAIN §10.1): the API records reads like the back office."""
    from motcua.core.models import AccessLog, AccessLogAction

    d = received_dossier(commune, version)
    token = make_token(commune.leader)
    api.get(f"/dossiers/{d.code}", token=token)
    api.get("/events", token=token)
    rows = list(AccessLog.objects.order_by("pk").values_list("action", "dossier_code", "purpose"))
    assert [r[:2] for r in rows] == [
        (AccessLogAction.VIEW_DOSSIER, d.code),
        (AccessLogAction.VIEW_LIST, ""),
    ]
    assert all("khóa API mc_" in r[2] for r in rows)
