"""The evaluation page (mounted by the lead at /danh-gia/): TT 01/2018 indices, the QĐ 766
early-warning panel and the per-officer table for a unit and period. Thin: parse, compute,
render. Units outside the user's visibility answer 404 (their existence is not revealed)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.decorators import staff_required
from motcua.evaluation import indices
from motcua.evaluation.forms import PeriodForm
from motcua.evaluation.selectors import evaluation_units, unit_officers
from motcua.organisation.selectors import in_force_first
from motcua.reform.periods import year_to_date


@staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    # The units in force first, then those merged away (their earlier periods stay evaluable).
    units = in_force_first(evaluation_units(request.user), timezone.localdate())
    if len(units) == 1:
        return redirect("evaluation:unit", unit_code=units[0].code)
    return render(request, "evaluation/index.html", {"units": units})


@staff_required
@require_GET
def unit_page(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = evaluation_units(request.user).filter(code=unit_code).first()
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    start, end = year_to_date()
    typed = any(name in request.GET for name in PeriodForm.base_fields)
    # Without a period in the address (first visit, or a link with other parameters): the
    # year to date, as the statistics page.
    form = PeriodForm(
        request.GET
        if typed
        else {"tu_ngay": start.strftime("%d/%m/%Y"), "den_ngay": end.strftime("%d/%m/%Y")}
    )
    context: dict[str, object] = {"unit": unit, "form": form}
    if form.is_valid():
        date_from, date_to = form.cleaned_data["tu_ngay"], form.cleaned_data["den_ngay"]
        context.update(
            {
                "date_from": date_from,
                "date_to": date_to,
                "tt01": indices.unit_indices(unit, date_from, date_to),
                "qd766": indices.qd766_indicators(unit, date_from, date_to),
                "officers": indices.officers_indices(unit, unit_officers(unit), date_from, date_to),
                "settings_note": indices.stats_settings_note(),
            }
        )
    return render(request, "evaluation/unit.html", context)
