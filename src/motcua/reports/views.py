"""Back-office statistics pages (thin: parse, check visibility, call selectors)."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.decorators import staff_required
from motcua.core.errors import DomainError
from motcua.organisation.models import Unit
from motcua.reports import charts
from motcua.reports.constants import BIEU06_COLUMNS, FIGURE_KEYS, FIGURE_LABELS, Policy, Source
from motcua.reports.dashboard import (
    SORT_KEYS,
    commune_comparison,
    has_comparison,
    monthly_series,
)
from motcua.reports.exports import column_headings, footnote, write_xlsx
from motcua.reports.forms import Bieu06Form
from motcua.reports.stats import (
    Bieu06Figures,
    Bieu06Result,
    RollupsMissing,
    bieu06,
    bieu06_dossiers,
    local_date,
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


def _first_form(request: HttpRequest) -> Bieu06Form:
    """The form before any choice: the user's first unit in force today (by path: the province
    for its supervisor, the commune for its staff) and the year to date."""
    from motcua.organisation.selectors import units_valid_on
    from motcua.reform.periods import year_to_date

    ids = _visible_ids(request)
    start, end = year_to_date()
    unit = units_valid_on(end).filter(pk__in=ids).order_by("path").first()
    initial = {"unit": unit.pk if unit else None, "date_from": start, "date_to": end}
    return Bieu06Form(unit_ids=ids, initial=initial)


@staff_required
def bieu06_page(request: HttpRequest) -> HttpResponse:
    form = _bound_form(request)
    context: dict[str, Any] = {"form": form or _first_form(request)}
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


@staff_required
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


@staff_required
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


# --------------------------------------------------------------------------------------------
# Dashboard (bảng điều khiển): monthly trends and the comparison of communes
# --------------------------------------------------------------------------------------------

DASHBOARD_MONTHS = (6, 12, 24)
DEFAULT_MONTHS = 12
COMPARISON_CHART_LIMIT = 30  # bars drawn (best 15, worst 15); the table lists every unit


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("on_time_rate", _("Tỷ lệ giải quyết đúng hạn")),
        ("online_share", _("Tỷ lệ tiếp nhận trực tuyến")),
        ("received", _("Số hồ sơ tiếp nhận")),
        ("pending_overdue", _("Số hồ sơ đang giải quyết quá hạn")),
    ]


class DashboardForm(forms.Form):
    """Only rendered (initial values): the view parses and checks the query string itself."""

    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=gettext_lazy("Đơn vị"), empty_label=None
    )
    months = forms.TypedChoiceField(label=gettext_lazy("Khoảng thời gian"), coerce=int, choices=[])
    sort = forms.ChoiceField(label=gettext_lazy("So sánh theo"), choices=[])

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        months_field = self.fields["months"]
        assert isinstance(months_field, forms.ChoiceField)
        months_field.choices = [(m, _("%(n)s tháng gần nhất") % {"n": m}) for m in DASHBOARD_MONTHS]
        sort_field = self.fields["sort"]
        assert isinstance(sort_field, forms.ChoiceField)
        sort_field.choices = _sort_choices()


def _bieu06_url(unit_id: int, date_from: Any, date_to: Any) -> str:
    query = urlencode(
        {
            "unit": unit_id,
            "date_from": date_from.strftime("%d/%m/%Y"),
            "date_to": date_to.strftime("%d/%m/%Y"),
        }
    )
    return f"{reverse('reports:bieu06')}?{query}"


@staff_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """`/thong-ke/bang-dieu-khien/`: trends of one visible unit and, when it has communes under
    it (or merged into it), their comparison. Another commune's unit → 404."""
    ids = _visible_ids(request)
    if not ids:
        raise Http404(_("Không tìm thấy đơn vị."))
    units = list(Unit.objects.filter(pk__in=ids).order_by("path"))
    unit_param = request.GET.get("unit", "")
    if unit_param:
        chosen = next((u for u in units if unit_param.isdigit() and u.pk == int(unit_param)), None)
        if chosen is None:
            raise Http404(_("Không tìm thấy đơn vị."))
        unit = chosen
    else:
        unit = min(units, key=lambda u: (u.path.count("/"), u.path))
    months_param = request.GET.get("months", "")
    allowed = {str(m): m for m in DASHBOARD_MONTHS}
    months = allowed.get(months_param, DEFAULT_MONTHS)
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORT_KEYS else SORT_KEYS[0]

    now = timezone.now()
    end = local_date(now)
    form = DashboardForm(
        initial={"unit": unit.pk, "months": months, "sort": sort},
        units=Unit.objects.filter(pk__in=[u.pk for u in units]).order_by("path"),
    )
    context: dict[str, Any] = {"form": form, "unit": unit, "months": months, "end": end}
    try:
        series = monthly_series(unit=unit, months=months, end=end, now=now)
        comparison = (
            commune_comparison(
                parent_unit=unit,
                date_from=series.points[0].month,
                date_to=end,
                sort=sort,
                now=now,
                visible_ids=ids,
            )
            if has_comparison(unit)
            else None
        )
    except DomainError as exc:
        context["error"] = str(exc)
        return render(request, "reports/dashboard.html", context)

    labels = series.labels
    points = series.points
    received_chart = charts.stacked_bar_chart(
        chart_id="chart-received",
        title=_("Số hồ sơ tiếp nhận mới theo tháng, theo hình thức"),
        labels=labels,
        series=[
            charts.Series(_("Trực tuyến"), [p.received_online for p in points]),
            charts.Series(_("Trực tiếp, bưu chính"), [p.received_direct_postal for p in points]),
        ],
        y_title=_("Số hồ sơ"),
        x_title=_("Tháng"),
        desc=_("%(unit)s, từ %(a)s đến %(b)s: tổng %(n)s hồ sơ tiếp nhận mới.")
        % {
            "unit": unit.name,
            "a": labels[0],
            "b": labels[-1],
            "n": charts.format_number(sum(p.received_new for p in points)),
        },
    )
    rates_chart = charts.line_chart(
        chart_id="chart-rates",
        title=_("Tỷ lệ tiếp nhận trực tuyến và tỷ lệ giải quyết đúng hạn theo tháng"),
        labels=labels,
        series=[
            charts.Series(_("Tỷ lệ trực tuyến"), [p.online_share for p in points]),
            charts.Series(_("Tỷ lệ đúng hạn"), [p.on_time_rate for p in points]),
        ],
        y_title=_("Tỷ lệ (%)"),
        x_title=_("Tháng"),
        desc=_(
            "Tỷ lệ trực tuyến = hồ sơ tiếp nhận trực tuyến / hồ sơ tiếp nhận mới; tỷ lệ đúng "
            "hạn = hồ sơ giải quyết trước hạn và đúng hạn / hồ sơ đã giải quyết (Biểu 06)."
        ),
    )
    num = charts.format_number
    rows = [
        {
            "point": p,
            "url": _bieu06_url(unit.pk, p.month, p.date_to),
            "cells": [
                num(p.received_online),
                num(p.received_direct_postal),
                charts.format_percent(p.online_share),
                num(p.resolved),
                charts.format_percent(p.on_time_rate),
                num(p.late),
                num(p.pending),
                num(p.pending_overdue),
            ],
        }
        for p in points
    ]
    context.update(
        series=series,
        rows=rows,
        received_chart=received_chart,
        rates_chart=rates_chart,
        warning=series.warning,
        date_from=points[0].month,
        bieu06_url=_bieu06_url(unit.pk, points[0].month, end),
    )
    if comparison is not None and comparison.rows:
        sort_label = dict(_sort_choices())[sort]
        percent = sort in ("on_time_rate", "online_share")
        bars = [
            charts.Bar(
                label=r.unit.name,
                value=getattr(r, sort),
                href=_bieu06_url(r.unit.pk, comparison.date_from, comparison.date_to),
                note=_("%(n)s hồ sơ tiếp nhận") % {"n": charts.format_number(r.received)},
            )
            for r in comparison.rows
        ]
        other = [key for key, _label in _sort_choices() if key != sort]
        fmt = {
            "on_time_rate": charts.format_percent,
            "online_share": charts.format_percent,
            "received": charts.format_number,
            "pending_overdue": charts.format_number,
        }
        context.update(
            comparison=comparison,
            comparison_chart=charts.horizontal_bar_chart(
                chart_id="chart-communes",
                title=_("So sánh các đơn vị trực thuộc: %(m)s") % {"m": sort_label},
                bars=bars,
                value_title=sort_label,
                label_title=_("Đơn vị"),
                percent=percent,
                desc=_("%(n)s đơn vị, từ %(a)s đến %(b)s, xếp từ cao xuống thấp.")
                % {
                    "n": len(bars),
                    "a": comparison.date_from.strftime("%d/%m/%Y"),
                    "b": comparison.date_to.strftime("%d/%m/%Y"),
                },
                extra_head=[dict(_sort_choices())[key] for key in other],
                extra_cells=[[fmt[key](getattr(r, key)) for key in other] for r in comparison.rows],
                limit=COMPARISON_CHART_LIMIT,
            ),
        )
        if comparison.warning and not context["warning"]:
            context["warning"] = comparison.warning
    return render(request, "reports/dashboard.html", context)
