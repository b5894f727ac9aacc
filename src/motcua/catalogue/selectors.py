"""Reads of the procedure catalogue: accent-insensitive search and versions in force by date."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import and_

from django.db.models import Exists, OuterRef, Q, QuerySet

from motcua.catalogue.constants import VersionStatus
from motcua.catalogue.models import Procedure, ProcedureVersion
from motcua.core.text import search_terms


def _in_force_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": VersionStatus.PUBLISHED, f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def versions_in_force(on: dt.date) -> QuerySet[ProcedureVersion]:
    """Published versions whose validity period contains `on` (at most one per procedure)."""
    return (
        ProcedureVersion.objects.filter(_in_force_q(on))
        .select_related("procedure", "procedure__field")
        .order_by("procedure__field__code", "procedure__code")
    )


def version_in_force(procedure: Procedure, on: dt.date) -> ProcedureVersion | None:
    """The published version of `procedure` valid on `on` (valid_from ≤ on ≤ valid_to/open)."""
    return (
        ProcedureVersion.objects.filter(_in_force_q(on), procedure=procedure)
        .order_by("-valid_from")
        .first()
    )


def procedures_in_force(on: dt.date) -> QuerySet[Procedure]:
    """Procedures that have a published version in force on `on`."""
    in_force = ProcedureVersion.objects.filter(_in_force_q(on), procedure=OuterRef("pk"))
    return Procedure.objects.filter(Exists(in_force)).select_related("field")


def procedure_search(
    query: str, *, on: dt.date | None = None, field: str | None = None, limit: int = 50
) -> QuerySet[Procedure]:
    """Accent-insensitive search on the stored folded name (`name_search`) and on the code.

    Every word of the query must match (in the folded name or in the code), so
    `dang ky ket hon`, `ĐĂNG KÝ KẾT HÔN` and `đăng ký kết hôn` all find "Đăng ký kết hôn".
    `field` filters by field code; `on` keeps only procedures in force on that date.
    The folded key works the same on SQLite and PostgreSQL (no database extension needed).
    """
    qs = Procedure.objects.select_related("field")
    terms = search_terms(query)
    if terms:
        qs = qs.filter(
            reduce(and_, (Q(name_search__contains=t) | Q(code__icontains=t) for t in terms))
        )
    if field:
        qs = qs.filter(field__code__iexact=field)
    if on is not None:
        in_force = ProcedureVersion.objects.filter(_in_force_q(on), procedure=OuterRef("pk"))
        qs = qs.filter(Exists(in_force))
    return qs.order_by("field__code", "name_search", "code")[:limit]


def procedure_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.order_by("number").prefetch_related(
        "components", "fee_rules", "steps"
    )
