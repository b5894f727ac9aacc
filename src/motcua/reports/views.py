"""Back-office statistics pages (thin: parse, check visibility, call selectors)."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.reports.constants import BIEU06_COLUMNS, FIGURE_KEYS, FIGURE_LABELS, Policy, Source
from motcua.reports.exports import column_headings, footnote, write_xlsx
from motcua.reports.forms import Bieu06Form
from motcua.reports.stats import (
    Bieu06Figures,
    Bieu06Result,
    RollupsMissing,
    bieu06,
    bieu06_dossiers,
)

PAGE_SIZE = 50


def _visible_ids(request: HttpRequest) -> set[int]:
    from motcua.organisation.selectors import visible_unit_ids

    return set(visible_unit_ids(request.user))


def _bound_form(request: HttpRequest) -> Bieu06Form | None:
    """The form bound to the query string; 404 for a unit the user may not see."""
    ids = _visible_ids(request)
    if not request.GET:
        return None
    unit_param = request.GET.get("unit", "")
    if unit_param.isdigit() and int(unit_param) not in ids:
        raise Http404(_("Không tìm thấy đơn vị."))
    return Bieu06Form(request.GET, unit_ids=ids)


def _compute(form: Bieu06Form) -> tuple[Bieu06Result, str]:
    """Rollups first; if they are missing, the oracle — with a visible notice, never silently."""
    data = form.cleaned_data
    kwargs: dict[str, Any] = {
        "unit": data["unit"],
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "policy": data.get("policy") or None,
    }
    try:
        return bieu06(source=Source.ROLLUP, **kwargs), ""
    except RollupsMissing as exc:
        notice = _("%(e)s Số liệu dưới đây được tính trực tiếp từ hồ sơ.") % {"e": exc}
        return bieu06(source=Source.ORACLE, **kwargs), notice


def _cells(figures: Bieu06Figures, base_query: str, field_id: int | None) -> list[dict[str, Any]]:
    url = reverse("reports:dossiers")
    cells = []
    for col, key in BIEU06_COLUMNS:
        value = getattr(figures, key)
        params = {"figure": key}
        if field_id is not None:
            params["field"] = str(field_id)
        cells.append(
            {
                "col": col,
                "value": value,
                "label": FIGURE_LABELS[key],
                "url": f"{url}?{base_query}&{urlencode(params)}" if value else "",
            }
        )
    return cells


def _base_query(form: Bieu06Form) -> str:
    data = form.cleaned_data
    return urlencode(
        {
            "unit": data["unit"].pk,
            "date_from": data["date_from"].strftime("%d/%m/%Y"),
            "date_to": data["date_to"].strftime("%d/%m/%Y"),
            "policy": data.get("policy") or "",
        }
    )


@login_required
def bieu06_page(request: HttpRequest) -> HttpResponse:
    form = _bound_form(request)
    context: dict[str, Any] = {"form": form or Bieu06Form(unit_ids=_visible_ids(request))}
    if form is not None and form.is_valid():
        try:
            result, notice = _compute(form)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            query = _base_query(form)
            context.update(
                result=result,
                notice=notice,
                headings=column_headings(),
                rows=[
                    {"stt": i, "name": r.name, "cells": _cells(r.figures, query, r.field_id)}
                    for i, r in enumerate(result.by_field, start=1)
                ],
                total_cells=_cells(result.total, query, None),
                footnote=footnote(result),
                strict=result.policy == Policy.STRICT,
                closed_url=(
                    f"{reverse('reports:dossiers')}?{query}&figure=closed_other_total"
                    if result.total.closed_other_total
                    else ""
                ),
                xlsx_url=f"{reverse('reports:xlsx')}?{query}",
            )
    return render(request, "reports/bieu06.html", context)


@login_required
def bieu06_xlsx(request: HttpRequest) -> HttpResponse:
    form = _bound_form(request)
    if form is None or not form.is_valid():
        raise Http404(_("Thiếu hoặc sai tham số kỳ báo cáo."))
    result, _notice = _compute(form)
    buffer = BytesIO()
    write_xlsx(result, buffer)
    name = f"bieu06_{result.unit.code}_{result.date_from:%Y%m%d}_{result.date_to:%Y%m%d}.xlsx"
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def bieu06_drilldown(request: HttpRequest) -> HttpResponse:
    form = _bound_form(request)
    figure = request.GET.get("figure", "")
    if form is None or not form.is_valid() or figure not in FIGURE_KEYS:
        raise Http404(_("Thiếu hoặc sai tham số."))
    field_param = request.GET.get("field", "")
    data = form.cleaned_data
    qs = bieu06_dossiers(
        unit=data["unit"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        figure=figure,
        field_id=int(field_param) if field_param.isdigit() else None,
        policy=data.get("policy") or None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reports/drilldown.html",
        {
            "page": page,
            "figure_label": FIGURE_LABELS[figure],
            "unit": data["unit"],
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "query": params.urlencode(),
            "back_url": f"{reverse('reports:bieu06')}?{_base_query(form)}",
        },
    )
