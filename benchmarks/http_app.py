"""Bench-only Django entry point for `python -m benchmarks http` (never deployed).

The real settings and middleware stack (`motcua.config.settings`), plus four URLs served by
gunicorn: `/bench/trivial` (small JSON, the baseline); `/bench/intake` (POST: the counter
intake's "receive" of `motcua.backoffice.views._intake_submit`, `dossier_receive_at_counter` — a
dossier with 3 components recorded and received in one transaction: code, ledger number, due
date, two events); `/bench/lookup?code=…&secret=…` (the portal's look-up by code:
`dossier_lookup` + `dossier_status`); `/bench/insert` (POST: the issue's reference floor, one
row and one audit row in one transaction, on two bench-only tables). Intake, look-up and insert
skip the log-in and CSRF of the real pages (the bench measures the database work and the
middleware, not the session store).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

UNITS = 16
PREFIX = "BH"


@cache
def _world() -> dict[str, Any]:
    from motcua.accounts.models import User
    from motcua.catalogue.models import ProcedureVersion
    from motcua.organisation.models import Unit

    units = {u.code: u for u in Unit.objects.filter(code__startswith=PREFIX)}
    users = {u.username: u for u in User.objects.filter(username__startswith="bench-http-")}
    version = ProcedureVersion.objects.select_related("procedure").get(procedure__code="BH.000001")
    components = list(version.components.values_list("pk", flat=True))
    return {"units": units, "users": users, "version": version, "components": components}


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@csrf_exempt
def intake(request: HttpRequest) -> HttpResponse:
    from motcua.dossiers import services

    if request.method != "POST":
        return HttpResponse(status=405)
    world = _world()
    n = int(request.GET.get("u", "0")) % UNITS
    unit = world["units"][f"{PREFIX}{n:02d}"]
    user = world["users"][f"bench-http-{n:02d}"]
    dossier = services.dossier_receive_at_counter(
        user=user,
        unit=unit,
        procedure=world["version"].procedure,
        applicant_name="Nguyễn Văn Thử",
        applicant_id_number="001090012345",
        applicant_phone="0912345678",
        provided_component_ids=world["components"],
    )
    return JsonResponse({"code": dossier.code, "due_at": dossier.due_at.isoformat()})


#: Bench-only tables of `/bench/insert` (created by `benchmarks.http`, not by a migration).
MINIMAL_TABLES = (
    "CREATE TABLE IF NOT EXISTS bench_http_row (id bigserial PRIMARY KEY, unit text NOT NULL,"
    " created_at timestamptz NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_http_audit (id bigserial PRIMARY KEY, row_id bigint NOT"
    " NULL, action text NOT NULL, at timestamptz NOT NULL)",
)


@csrf_exempt
def minimal_insert(request: HttpRequest) -> HttpResponse:
    """The floor of any write: one row and its audit row, in one transaction."""
    from django.db import connection, transaction
    from django.utils import timezone

    if request.method != "POST":
        return HttpResponse(status=405)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_http_row (unit, created_at) VALUES (%s, %s) RETURNING id",
            [request.GET.get("u", "0"), now],
        )
        (row_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO bench_http_audit (row_id, action, at) VALUES (%s, %s, %s)",
            [row_id, "create", now],
        )
    return JsonResponse({"id": row_id})


def lookup(request: HttpRequest) -> HttpResponse:
    from motcua.portal import selectors

    dossier = selectors.dossier_lookup(
        code=request.GET.get("code", ""), secret=request.GET.get("secret", "")
    )
    if dossier is None:
        return JsonResponse({"found": False}, status=404)
    status = selectors.dossier_status(dossier)
    return JsonResponse({"code": dossier.code, "state": str(status.state_label)[:40]})


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/intake", intake),
    path("bench/lookup", lookup),
    path("bench/insert", minimal_insert),
    path("", include("motcua.config.urls")),  # the real pages (hooks reverse their URLs)
]
