"""Back-office pages of the CCHC work (mounted by the lead at /cai-cach/). Thin: parse, call a
selector or a service, render. A user works only in the units where he holds a staff role;
other units answer 404 (their existence is not revealed)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.decorators import staff_required
from motcua.core.errors import DomainError
from motcua.documents.pdf import pdf_response
from motcua.organisation.models import Unit
from motcua.organisation.selectors import STAFF_ROLES, in_force_first, user_has_role
from motcua.reform import selectors, services
from motcua.reform.checks import Problem, check_entered_figures
from motcua.reform.constants import DraftStatus, Section
from motcua.reform.document import render_docx, render_pdf
from motcua.reform.forms import (
    ActivityForm,
    DraftCreateForm,
    DraftForm,
    EnteredFiguresForm,
    PlanForm,
    ReviewForm,
    ReviewStatusForm,
    TaskForm,
    TaskStatusForm,
)
from motcua.reform.models import ReformPlan, ReformTask, ReportDraft
from motcua.reform.report import build_report

View = Callable[..., HttpResponse]


def unit_view(view: View) -> View:
    """Login required; resolve `unit_code` to a unit where the user holds a staff role."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, unit_code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None or not user_has_role(request.user, unit, *STAFF_ROLES):
            raise Http404(_("Không tìm thấy đơn vị."))
        return view(request, unit, *args, **kwargs)

    return wrapped


def _run(request: HttpRequest, form: forms.Form, action: Callable[[], Any]) -> bool:
    """Call a service; a domain refusal becomes a form error. True when it succeeded."""
    try:
        action()
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    return True


@staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    units = in_force_first(selectors.reform_units(request.user), timezone.localdate())
    if len(units) == 1:
        return redirect("reform:plans", unit_code=units[0].code)
    return render(request, "reform/index.html", {"units": units})


@unit_view
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: services.reform_plan_create(
                actor=request.user,
                unit=unit,
                number=data["number"],
                issued_on=data["issued_on"],
                title=data["title"],
                area=data["area"],
            ),
        ):
            messages.success(request, _("Đã lưu kế hoạch."))
            return redirect("reform:plans", unit_code=unit.code)
    return render(
        request,
        "reform/plans.html",
        {"unit": unit, "plans": selectors.plans_for_unit(unit), "form": form, "tab": "plans"},
    )


@unit_view
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    plan = get_object_or_404(ReformPlan, pk=pk, unit=unit)
    form = TaskForm(request.POST if request.POST.get("form") == "task" else None)
    status_form = TaskStatusForm(request.POST if request.POST.get("form") == "status" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: services.reform_task_create(
                actor=request.user,
                plan=plan,
                title=data["title"],
                deadline=data["deadline"],
                owner_text=data["owner_text"],
            ),
        ):
            messages.success(request, _("Đã thêm nhiệm vụ."))
            return redirect("reform:plan", unit_code=unit.code, pk=plan.pk)
    if request.method == "POST" and status_form.is_bound and status_form.is_valid():
        data = status_form.cleaned_data
        task = get_object_or_404(ReformTask, pk=data["task"], plan=plan)
        if _run(
            request,
            status_form,
            lambda: services.reform_task_update(
                actor=request.user,
                task=task,
                status=data["status"],
                done_on=data["done_on"],
                evidence=data["evidence"],
            ),
        ):
            messages.success(request, _("Đã cập nhật nhiệm vụ."))
            return redirect("reform:plan", unit_code=unit.code, pk=plan.pk)
    return render(
        request,
        "reform/plan_detail.html",
        {
            "unit": unit,
            "plan": plan,
            "tasks": plan.tasks.all(),
            "form": form,
            "status_form": status_form,
            "tab": "plans",
        },
    )


@unit_view
@require_http_methods(["GET", "POST"])
def reviews(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = ReviewForm(request.POST if request.POST.get("form") == "review" else None)
    status_form = ReviewStatusForm(request.POST if request.POST.get("form") == "status" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: services.procedure_review_create(
                actor=request.user,
                unit=unit,
                period=data["period"],
                reviewed_on=data["reviewed_on"],
                proposal=data["proposal"],
                procedure=data["procedure"],
                procedure_text=data["procedure_text"],
                findings=data["findings"],
            ),
        ):
            messages.success(request, _("Đã lưu kết quả rà soát."))
            return redirect("reform:reviews", unit_code=unit.code)
    if request.method == "POST" and status_form.is_bound and status_form.is_valid():
        data = status_form.cleaned_data
        review = get_object_or_404(selectors.reviews_for_unit(unit), pk=data["review"])
        if _run(
            request,
            status_form,
            lambda: services.procedure_review_update(
                actor=request.user, review=review, status=data["status"], outcome=data["outcome"]
            ),
        ):
            messages.success(request, _("Đã cập nhật kết quả rà soát."))
            return redirect("reform:reviews", unit_code=unit.code)
    return render(
        request,
        "reform/reviews.html",
        {
            "unit": unit,
            "reviews": selectors.reviews_for_unit(unit),
            "form": form,
            "status_form": status_form,
            "tab": "reviews",
        },
    )


@unit_view
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: services.reform_activity_record(
                actor=request.user,
                unit=unit,
                kind=data["kind"],
                held_on=data["held_on"],
                title=data["title"],
                count=data["count"],
                participants=data["participants"],
                note=data["note"],
            ),
        ):
            messages.success(request, _("Đã ghi nhận hoạt động."))
            return redirect("reform:activities", unit_code=unit.code)
    return render(
        request,
        "reform/activities.html",
        {
            "unit": unit,
            "activities": selectors.activities_for_unit(unit)[:200],
            "form": form,
            "tab": "activities",
        },
    )


@unit_view
@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest, unit: Unit) -> HttpResponse:
    form = DraftCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[ReportDraft] = []
        data = form.cleaned_data
        if _run(
            request,
            form,
            lambda: created.append(
                services.report_draft_create(
                    actor=request.user,
                    unit=unit,
                    period=data["period"],
                    convention=data["convention"] or None,
                    signer_name="",
                )
            ),
        ):
            return redirect("reform:draft", unit_code=unit.code, pk=created[0].pk)
    return render(
        request,
        "reform/drafts.html",
        {"unit": unit, "drafts": selectors.drafts_for_unit(unit), "form": form, "tab": "drafts"},
    )


def _draft_initial(draft: ReportDraft) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(draft, name)
        for name in (
            "version",
            "number",
            "symbol",
            "place",
            "summary",
            "parent_agency",
            "agency",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
        )
    }
    for key in Section.values:
        initial[f"section_{key}"] = (draft.narrative or {}).get(key, "")
    return initial


@unit_view
@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    draft = get_object_or_404(ReportDraft.objects.select_related("unit"), pk=pk, unit=unit)
    form = DraftForm(request.POST or None, initial=_draft_initial(draft))
    if request.method == "POST" and draft.status == DraftStatus.DRAFT and form.is_valid():
        data = form.cleaned_data
        saved: list[ReportDraft] = []
        ok = _run(
            request,
            form,
            lambda: saved.append(
                services.report_draft_save(
                    actor=request.user,
                    draft=draft,
                    version=data["version"],
                    narrative=form.narrative(),
                    **form.header(),
                )
            ),
        )
        if ok and request.POST.get("action") == "issue":
            ok = _run(
                request,
                form,
                lambda: services.report_draft_issue(
                    actor=request.user, draft=saved[0], version=saved[0].version
                ),
            )
            if ok:
                messages.success(request, _("Đã ban hành báo cáo."))
            else:
                # The text was saved: show it again with the new version and the refusal.
                messages.success(request, _("Đã lưu dự thảo."))
                errors = form.non_field_errors()
                posted = request.POST.copy()
                posted["version"] = str(saved[0].version)
                form = DraftForm(posted, initial=_draft_initial(saved[0]))
                form.is_valid()
                for error in errors:
                    form.add_error(None, error)
        elif ok:
            messages.success(request, _("Đã lưu dự thảo."))
        if ok:
            return redirect("reform:draft", unit_code=unit.code, pk=draft.pk)
        draft.refresh_from_db()
    report = build_report(draft)
    sections = [
        {
            "part": part,
            "field": form[f"section_{part.section}"] if part.section else None,
        }
        for part in report.parts
    ]
    return render(
        request,
        "reform/draft_edit.html",
        {
            "unit": unit,
            "draft": draft,
            "report": report,
            "form": form,
            "intro_field": form[f"section_{Section.INTRO.value}"],
            "sections": sections,
            "tab": "drafts",
            "editable": draft.status == DraftStatus.DRAFT,
        },
    )


@unit_view
@require_GET
def draft_docx(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    draft = get_object_or_404(ReportDraft.objects.select_related("unit"), pk=pk, unit=unit)
    content = render_docx(build_report(draft))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"bao-cao-cchc-{unit.code}-{draft.period}.docx".replace("..", "_")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@unit_view
@require_GET
def draft_pdf(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    """The report as PDF, same content and layout as the DOCX (NĐ 30/2020 Phụ lục I)."""
    draft = get_object_or_404(ReportDraft.objects.select_related("unit"), pk=pk, unit=unit)
    content = render_pdf(build_report(draft))
    filename = f"bao-cao-cchc-{unit.code}-{draft.period}.pdf".replace("..", "_")
    return pdf_response(content, filename=filename)


@unit_view
@require_http_methods(["GET", "POST"])
def check_figures_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    """Check the figures and text of a report written by hand (e.g. before this system)."""
    form = EnteredFiguresForm(request.POST or None)
    problems: list[Problem] | None = None
    if request.method == "POST" and form.is_valid():
        problems = check_entered_figures(
            {k: v for k, v in form.cleaned_data.items() if v is not None}
        )
    return render(
        request,
        "reform/check.html",
        {"unit": unit, "form": form, "problems": problems, "tab": "check"},
    )
