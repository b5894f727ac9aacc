"""Staff pages of the one-stop desk (Bộ phận Một cửa). Thin: parse, call a selector or a
service, render. The back office never writes dossier rows itself (STYLE.md)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.models import User
from motcua.backoffice import presenters
from motcua.backoffice.actions import perform
from motcua.backoffice.forms import ACTION_FORMS, IntakeForm, procedure_version_today
from motcua.catalogue.models import Field, Procedure
from motcua.catalogue.selectors import procedure_search as catalogue_search
from motcua.core.decorators import staff_required
from motcua.core.errors import ConcurrentChange, DomainError
from motcua.core.models import AccessLogAction
from motcua.core.services import access_denied_record, access_log_record
from motcua.documents import printforms
from motcua.documents.docx_forms import docx_response, form_docx
from motcua.documents.pdf import html_response_to_pdf
from motcua.documents.selectors import documents_of
from motcua.dossiers import selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import TRANSITIONS, Action, FormKind, form_number
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import (
    require_unit_in_force,
    units_for_role,
    units_valid_on,
    user_has_role,
    visible_unit_ids,
)
from motcua.portal import eform
from motcua.signing.documents import may_sign

audit = logging.getLogger("motcua.audit")

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _dossier_or_404(
    request: HttpRequest, pk: int, action: AccessLogAction = AccessLogAction.VIEW_DOSSIER
) -> Dossier:
    # Another unit's dossier: 404, and the refusal is recorded in the access log (denied).
    try:
        return selectors.dossier_get_for_user(_user(request), pk, request=request, action=action)
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------


def _receiving_units(user: User) -> QuerySet[Unit]:
    """The units where `user` receives dossiers that exist today (a commune merged away is
    no longer offered: its dossiers stay readable, new ones go to its successor)."""
    today = timezone.localdate()
    return (units_for_role(user, Role.RECEIVER) & units_valid_on(today)).order_by("path")


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    receiver_units = list(_receiving_units(user))
    context = {
        "counts": selectors.queue_counts(user),
        "receiver_units": receiver_units,
        "year": timezone.localdate().year,
    }
    return render(request, "backoffice/home.html", context)


# ---------------------------------------------------------------------------------------------
# Counter intake (tiếp nhận trực tiếp) — NĐ61 art. 16–17
# ---------------------------------------------------------------------------------------------


def _components_context(
    procedure: Procedure | None,
    ticked: list[int] | None,
    typed: dict[str, str] | None = None,
    eform_errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What the intake shows of the chosen procedure: its checklist and its e-form (tờ khai,
    optional; `typed` and `eform_errors` when the page comes back after a POST)."""
    version = procedure_version_today(procedure) if procedure is not None else None
    components = list(version.components.all()) if version is not None else []
    if ticked is None:
        # First display: the required components ticked (the officer unticks what is missing);
        # the optional and conditional ones ("nếu có", "nếu nộp thay") only when handed in, so
        # the receipt (Mẫu 01) never lists a paper the citizen did not bring.
        ticked = [c.pk for c in components if c.required]
    return {
        "procedure": procedure,
        "version": version,
        "components": components,
        "ticked": ticked,
        "eform": presenters.eform_intake(version, typed=typed, errors=eform_errors),
    }


def _no_receiving_unit(user: User) -> str:
    """Why `user` may not receive: no receiver role at all, or (after a merger) only in units
    no longer in force — then the message names the unit, since when, and its successors."""
    former = units_for_role(user, Role.RECEIVER).order_by("path").first()
    if former is None:
        return _("Chỉ cán bộ tiếp nhận (Một cửa) được tiếp nhận hồ sơ.")
    try:
        require_unit_in_force(former, timezone.localdate())
    except DomainError as exc:
        return _(
            "%(reason)s Tài khoản của bạn chưa được phân công tiếp nhận tại đơn vị đang hoạt "
            "động; vui lòng liên hệ quản trị hệ thống."
        ) % {"reason": exc.message}
    return _("Chỉ cán bộ tiếp nhận (Một cửa) được tiếp nhận hồ sơ.")


@staff_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    units = _receiving_units(user)
    if not units.exists():
        raise DjangoPermissionDenied(_no_receiving_unit(user))
    form = IntakeForm(request.POST or None, units=units, initial={"submit_key": uuid.uuid4().hex})
    error = None
    eform_errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        # The same form sent twice (double click, browser retry) receives ONE dossier: its
        # hidden key is claimed atomically in the cache (shared between processes, as the
        # log-in lockout requires) and then remembers the dossier (docs/domain/security.md).
        once = f"motcua:intake:{user.pk}:{form.cleaned_data.get('submit_key') or uuid.uuid4().hex}"
        if not cache.add(once, 0, 120):
            done = cache.get(once)
            if done:
                messages.info(request, _("Biểu mẫu này đã được gửi; đây là hồ sơ đã tạo."))
                return redirect("backoffice:dossier", pk=done)
            error = _("Biểu mẫu này đang được xử lý; vui lòng chờ giây lát rồi tải lại trang.")
        else:
            try:
                dossier = _intake_submit(user, form.cleaned_data)
            except DomainError as exc:  # FormDataInvalid: the e-form's messages beside its fields
                cache.delete(once)
                error = exc.message
                if isinstance(exc, dossier_services.FormDataInvalid):
                    eform_errors = exc.errors
            else:
                cache.set(once, dossier.pk, 3600)
                return _after_intake(request, dossier, form.cleaned_data["decision"])
    selected = form.selected_procedure()
    ticked = None
    if form.is_bound:
        ticked = [int(v) for v in request.POST.getlist("components") if v.isdigit()]
    typed = form.eform_values() if form.is_bound else None
    context = {
        "form": form,
        "error": error,
        "results": [selected] if selected else [],
        **_components_context(selected, ticked, typed, eform_errors),
    }
    return render(request, "backoffice/intake.html", context, status=400 if form.is_bound else 200)


def _intake_submit(user: User, data: dict[str, Any]) -> Dossier:
    """Create the dossier and take the officer's decision in one transaction: a refusal of the
    receipt (e.g. a required component missing) leaves nothing behind."""
    decision = data["decision"]
    reasons = [line.strip() for line in data["note"].splitlines() if line.strip()]
    common = {
        "user": user,
        "unit": data["unit"],
        "procedure": data["procedure"],
        "applicant_name": data["applicant_name"],
        "applicant_id_number": data["applicant_id_number"],
        "applicant_phone": data["applicant_phone"],
        "applicant_email": data["applicant_email"],
        "applicant_address": data["applicant_address"],
        "channel": data["channel"],
        "copies": data["copies"],
        "provided_component_ids": data["components"],
        "form_values": data.get("form_values") or None,  # the tờ khai, when typed
    }
    if decision == "receive":  # one pass: no draft row to lock and re-read
        return dossier_services.dossier_receive_at_counter(**common, note=data["note"])
    with transaction.atomic():
        dossier = dossier_services.dossier_create_at_counter(**common)
        if decision == "supplement":
            return dossier_services.dossier_intake_request_supplement(
                dossier=dossier, user=user, reasons=reasons, expected_version=dossier.version
            )
        return dossier_services.dossier_intake_refuse(
            dossier=dossier, user=user, reasons=reasons, expected_version=dossier.version
        )


def _after_intake(request: HttpRequest, dossier: Dossier, decision: str) -> HttpResponse:
    if decision == "receive":
        messages.success(
            request,
            _("Đã tiếp nhận hồ sơ %(code)s. Hãy in Giấy tiếp nhận và hẹn trả kết quả.")
            % {"code": dossier.code},
        )
        kind = FormKind.RECEIPT
    elif decision == "supplement":
        messages.success(request, _("Đã lập Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."))
        kind = FormKind.SUPPLEMENT
    else:
        messages.success(request, _("Đã lập Phiếu từ chối tiếp nhận hồ sơ."))
        kind = FormKind.REFUSAL
    url = reverse("backoffice:dossier", args=[dossier.pk])
    return redirect(f"{url}?in={kind.value}")


@staff_required
@require_GET
def procedure_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = (
        list(catalogue_search(query, on=timezone.localdate(), limit=20)) if len(query) >= 2 else []
    )
    return render(
        request, "backoffice/_procedure_results.html", {"results": results, "query": query}
    )


@staff_required
@require_GET
def procedure_components(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("procedure", "")
    procedure = Procedure.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    # The checklist, and the procedure's e-form swapped out of band into its own section.
    return render(request, "backoffice/_procedure_parts.html", _components_context(procedure, None))


# ---------------------------------------------------------------------------------------------
# Queues
# ---------------------------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


@staff_required
@require_GET
def queue(request: HttpRequest, name: str) -> HttpResponse:
    if name not in selectors.QUEUES:
        raise Http404(_("Không có hàng đợi này."))
    user = _user(request)
    order = request.GET.get("sap_xep", "due")
    if order not in selectors.ORDERS:
        order = "due"
    field_id = _int_param(request, "linh_vuc")
    procedure_id = _int_param(request, "thu_tuc")
    unit_id = _int_param(request, "don_vi")
    try:
        page = selectors.queue(
            user,
            name,
            unit=unit_id,
            field=field_id,
            procedure=procedure_id,
            order=order,
            after=request.GET.get("sau") or None,
            limit=_page_size(request),
        )
    except selectors.BadCursor:
        return HttpResponseBadRequest(_("Liên kết trang không hợp lệ."))
    if page.rows:
        access_log_record(  # the list shows applicants' names (NĐ 13/2023 art. 38)
            user=user,
            action=AccessLogAction.VIEW_LIST,
            unit=Unit.objects.filter(pk=unit_id).first()
            if unit_id in visible_unit_ids(user)
            else None,
            subject=f"hàng đợi {name}: {len(page.rows)} hồ sơ",
            request=request,
        )
    params = {
        "sap_xep": order,
        "linh_vuc": field_id or "",
        "thu_tuc": procedure_id or "",
        "so_dong": _int_param(request, "so_dong") or "",
        "don_vi": unit_id or "",
    }
    context = {
        "queue": selectors.QUEUES[name],
        "page": page,
        "params": params,
        "now": timezone.now(),
        "more_query": _query({**params, "sau": page.next_cursor}) if page.next_cursor else "",
    }
    if _is_htmx(request) and request.GET.get("sau"):
        return render(request, "backoffice/_queue_rows.html", context)
    context.update(
        {
            "fields": Field.objects.order_by("code"),
            "procedures": (
                Procedure.objects.filter(field_id=field_id).order_by("code")
                if field_id
                else Procedure.objects.none()
            ),
            "orders": [
                ("due", _("Hạn trả sớm nhất")),
                ("-due", _("Hạn trả muộn nhất")),
                ("received", _("Tiếp nhận cũ nhất")),
                ("-received", _("Tiếp nhận mới nhất")),
            ],
        }
    )
    return render(request, "backoffice/queue.html", context)


def _page_size(request: HttpRequest) -> int:
    raw = _int_param(request, "so_dong")
    return max(1, min(raw or 50, 200))


def _query(params: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


# ---------------------------------------------------------------------------------------------
# Dossier page
# ---------------------------------------------------------------------------------------------

# The forms' data lives in `motcua.documents.printforms` (shared by the HTML/PDF and DOCX
# outputs and the generated documents); the names are kept here for the templates and tests.
FORM_SLUGS = printforms.FORM_SLUGS
SLUG_OF = printforms.SLUG_OF
FORM_TITLES = printforms.FORM_TITLES
FORM_EVENTS = printforms.FORM_EVENTS
_form_title = printforms.form_title


def _printable_forms(dossier: Dossier, events: list[Any]) -> list[dict[str, Any]]:
    done = {e.action for e in events}
    result = []
    for kind, actions in FORM_EVENTS.items():
        number = form_number(dossier.rule_set, kind) if dossier.rule_set else ""
        if number and done.intersection(actions):
            result.append(
                {
                    "kind": kind.value,
                    "slug": SLUG_OF[kind],
                    "number": number,
                    "title": _form_title(dossier.rule_set, kind),
                }
            )
    return result


def _action_forms(
    dossier: Dossier, user: User, bound: tuple[str, Any] | None = None
) -> list[dict[str, Any]]:
    forms_ = []
    for transition in selectors.available_actions(dossier, user):
        form_class = ACTION_FORMS[transition.action]
        if bound is not None and bound[0] == transition.action:
            form = bound[1]
        else:
            form = form_class(dossier=dossier, auto_id=f"id_{transition.action}_%s")
        forms_.append(
            {
                "action": transition.action.value,
                "label": transition.label[:1].upper() + transition.label[1:],
                "legal": presenters.legal_vi(transition.legal),
                "form_number": transition.form_number(dossier.rule_set) if dossier.rule_set else "",
                "form": form,
                "open": bound is not None and bound[0] == transition.action,
            }
        )
    return forms_


def _dossier_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    user = _user(request)
    timeline = selectors.dossier_timeline(dossier)
    events = [e.event for e in timeline]
    cal = selectors.work_calendar(dossier.current_unit)
    now = timezone.now()
    running = dossier.state in selectors.RUNNING_STATES
    access_log_record(  # NĐ 13/2023 art. 38: every read of a dossier's personal data
        user=user,
        action=AccessLogAction.VIEW_DOSSIER,
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        request=request,
    )
    return {
        "dossier": dossier,
        "masked_id": presenters.mask_id_number(dossier.applicant_id_number),
        "timeline": timeline,
        "transfers": selectors.dossier_transfers(dossier),
        "components": list(dossier.components.select_related("component")),
        "due_explanation": presenters.last_payload(events, "due_explanation") or [],
        "time_left": presenters.time_left(cal, now, dossier.effective_due_at) if running else None,
        "step_left": presenters.time_left(cal, now, dossier.current_step_due_at)
        if running
        else None,
        "printables": _printable_forms(dossier, events),
        "generated_documents": documents_of(dossier),
        "print_now": request.GET.get("in", ""),
        "slug_of": {k.value: v for k, v in SLUG_OF.items()},
        "user_can_act": user_has_role(user, dossier.current_unit),
        "user_can_sign": may_sign(user, dossier),
        "eform": presenters.eform_panel(dossier, user),
    }


@staff_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    context = _dossier_context(request, dossier)
    context["actions"] = _action_forms(dossier, _user(request))
    return render(request, "backoffice/dossier.html", context)


@staff_required
@require_POST
def dossier_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full identity number on demand; each opening is logged (NĐ 13/2023 art. 38)."""
    dossier = _dossier_or_404(request, pk, AccessLogAction.REVEAL_ID)
    access_log_record(
        user=_user(request),
        action=AccessLogAction.REVEAL_ID,
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        request=request,
    )
    audit.info("id_number_revealed dossier=%s user=%s", dossier.pk, request.user.pk)
    return HttpResponse(
        format_html('<span class="id-number" id="id-number">{}</span>', dossier.applicant_id_number)
    )


@staff_required
@require_POST
def dossier_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    dossier = _dossier_or_404(request, pk)
    user = _user(request)
    try:
        act = Action(action)
        form_class = ACTION_FORMS[act]
    except (ValueError, KeyError) as exc:
        raise Http404(_("Thao tác không hợp lệ.")) from exc
    posted_version = request.POST.get("expected_version", "")
    if posted_version.isdigit() and int(posted_version) != dossier.version:
        return _render_dossier(request, dossier, user, None, ConcurrentChange().message, 409)
    if act not in {t.action for t in selectors.available_actions(dossier, user)}:
        raise DjangoPermissionDenied(_("Bạn không thể thực hiện thao tác này với hồ sơ."))
    form = form_class(request.POST, dossier=dossier, auto_id=f"id_{act}_%s")
    error = None
    if form.is_valid():
        try:
            updated = perform(act, dossier, user, form.cleaned_data)
        except ConcurrentChange as exc:
            error = exc.message
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request,
                _("Đã %(label)s (hồ sơ %(code)s).")
                % {"label": form_label(act), "code": updated.code or f"#{updated.pk}"},
            )
            target = reverse("backoffice:dossier", args=[updated.pk])
            if not selectors.dossiers_for_user(user).filter(pk=updated.pk).exists():
                target = reverse("backoffice:home")  # sent to a unit the user cannot read
            return redirect(target)
    dossier = _dossier_or_404(request, pk)
    return _render_dossier(request, dossier, user, (act, form), error, 409 if error else 400)


def _render_dossier(
    request: HttpRequest,
    dossier: Dossier,
    user: User,
    bound: tuple[str, Any] | None,
    error: str | None,
    status: int,
    eform_typed: tuple[dict[str, str], dict[str, str]] | None = None,
) -> HttpResponse:
    context = _dossier_context(request, dossier)
    context["actions"] = _action_forms(dossier, user, bound=bound)
    context["action_error"] = error
    if eform_typed is not None:  # the e-form as typed, with its messages
        typed, errors = eform_typed
        context["eform"] = presenters.eform_panel(dossier, user, typed=typed, errors=errors)
    return render(request, "backoffice/dossier.html", context, status=status)


@staff_required
@require_POST
def dossier_form_data(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the e-form data (tờ khai) an officer typed: what the result document is filled
    with (`dossiers.services.dossier_form_data_update`)."""
    dossier = _dossier_or_404(request, pk)
    user = _user(request)
    posted_version = request.POST.get("expected_version", "")
    try:
        updated = dossier_services.dossier_form_data_update(
            dossier=dossier.pk,
            user=user,
            values=presenters.eform_values_from_post(dossier, request.POST),
            expected_version=int(posted_version) if posted_version.isdigit() else None,
        )
    except dossier_services.FormDataInvalid as exc:
        typed = eform.raw_values(dossier.procedure_version.eform_schema or {}, request.POST)
        return _render_dossier(request, dossier, user, None, exc.message, 400, (typed, exc.errors))
    except DomainError as exc:  # refused, or changed meanwhile (ConcurrentChange)
        return _render_dossier(request, dossier, user, None, exc.message, 409)
    if updated.version == dossier.version:
        messages.info(request, _("Tờ khai không có gì thay đổi."))
    else:
        messages.success(
            request,
            _("Đã lưu tờ khai của hồ sơ %(code)s.") % {"code": updated.code or f"#{updated.pk}"},
        )
    return redirect(reverse("backoffice:dossier", args=[pk]) + "#to-khai")


def form_label(action: Action) -> str:
    return TRANSITIONS[action].label


# ---------------------------------------------------------------------------------------------
# Printable forms (TT 01/2018/TT-VPCP art. 9; TT 03/2025/TT-VPCP) — DOMAIN.md §1.14, §7
# ---------------------------------------------------------------------------------------------


def _print_context(request: HttpRequest, pk: int, slug: str) -> dict[str, Any]:
    """The form's context for a user who may read the dossier (404 otherwise), logged."""
    dossier = _dossier_or_404(request, pk, AccessLogAction.PRINT_FORM)
    kind = FORM_SLUGS.get(slug)
    if kind is None:
        raise Http404(_("Không có biểu mẫu này."))
    try:
        context = printforms.form_context(dossier, kind)
    except printforms.FormUnavailable as exc:
        raise Http404(_("Hồ sơ chưa có biểu mẫu này.")) from exc
    access_log_record(
        user=_user(request),
        action=AccessLogAction.PRINT_FORM,
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        purpose=f"in Mẫu {context['number']} ({slug})",
        request=request,
    )
    return context


@staff_required
@require_GET
def print_form(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    context = _print_context(request, pk, slug)
    return render(request, f"backoffice/print/{context['kind']}.html", context)


def _ledger_context(request: HttpRequest, unit_id: int, year: int) -> dict[str, Any]:
    """Sổ theo dõi hồ sơ (Mẫu 06; Mẫu 07 under TT 03/2025), per unit and year, numbered
    continuously from 1 (TT 01/2018 art. 10). Pages of 500 entries by keyset on the number."""
    user = _user(request)
    if unit_id not in visible_unit_ids(user):
        other = Unit.objects.filter(pk=unit_id).first()
        if other is not None:  # another unit's register: refused, and recorded as denied
            access_denied_record(
                user=user, unit=other, action=AccessLogAction.VIEW_LEDGER, request=request
            )
        raise Http404(_("Không tìm thấy đơn vị."))
    unit = Unit.objects.get(pk=unit_id)
    start = _int_param(request, "tu") or 1
    context = printforms.ledger_context(unit, year, start=start)
    rows = context["rows"]
    access_log_record(
        user=user,
        action=AccessLogAction.VIEW_LEDGER,
        unit=unit,
        subject=f"sổ theo dõi {year}, số {start}–{rows[-1].ledger_number if rows else start}",
        request=request,
    )
    return context


@staff_required
@require_GET
def ledger(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    context = _ledger_context(request, unit_id, year)
    return render(request, "backoffice/print/ledger.html", context)


# Printable forms as PDF: the same views, templates and access checks, rendered by WeasyPrint
# (page size from the forms' own @page CSS: A5, the ledger A4 landscape). docs/dev/documents.md


@staff_required
@require_GET
def print_form_pdf(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    return html_response_to_pdf(
        request, print_form(request, pk, slug), filename=f"ho-so-{pk}-{slug}.pdf"
    )


@staff_required
@require_GET
def ledger_pdf(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    return html_response_to_pdf(
        request, ledger(request, unit_id, year), filename=f"so-theo-doi-{unit_id}-{year}.pdf"
    )


# The same forms as DOCX (python-docx, `motcua.documents.docx_forms`): same context function,
# same access checks and access log as the HTML page.


@staff_required
@require_GET
def print_form_docx(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    context = _print_context(request, pk, slug)
    return docx_response(form_docx(context), filename=f"ho-so-{pk}-{slug}.docx")


@staff_required
@require_GET
def ledger_docx(request: HttpRequest, unit_id: int, year: int) -> HttpResponse:
    context = _ledger_context(request, unit_id, year)
    return docx_response(form_docx(context), filename=f"so-theo-doi-{unit_id}-{year}.docx")
