"""Pages of ratings and PAKN (mounted at /phan-anh/). Thin: parse, call services/selectors,
render. Staff see their units' PAKN only (another unit's → 404); reads of the sender's
personal data are logged (NĐ 13/2023 art. 38)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalogue.models import Procedure
from motcua.core.decorators import staff_required
from motcua.core.errors import DomainError, PermissionDenied
from motcua.core.models import AccessLogAction
from motcua.core.services import access_log_record
from motcua.dossiers.models import Dossier
from motcua.feedback import selectors, services
from motcua.feedback.constants import (
    LOOKUP_MAX_TRIES,
    LOOKUP_WINDOW_SECONDS,
    SUBMIT_MAX_TRIES,
    SUBMIT_WINDOW_SECONDS,
    FeedbackChannel,
    FeedbackTopic,
    RatingChannel,
)
from motcua.feedback.forms import ActionForm, FeedbackForm, FeedbackLookupForm, RatingForm
from motcua.feedback.models import Feedback
from motcua.feedback.services import FeedbackInvalid
from motcua.feedback.workflow import Action, available_actions
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.portal import selectors as portal_selectors
from motcua.portal import throttle
from motcua.portal.views import citizen_required


def _throttled(request: HttpRequest, key: str, limit: int, window: int) -> bool:
    return not throttle.hit(f"feedback:{key}", limit=limit, window=window)


# ---------------------------------------------------------------------------------------------
# Citizens: send, look up, published answers
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Public PAKN form: no account needed; a name and a phone or e-mail to answer to."""
    if request.method != "POST":
        user: Any = request.user
        initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
        if getattr(user, "is_citizen", False):
            initial["sender_name"] = getattr(user, "full_name", "") or ""
            initial["sender_email"] = user.email or ""
        return render(request, "feedback/submit.html", {"form": FeedbackForm(initial=initial)})
    form = FeedbackForm(request.POST)
    if form.is_valid():
        ip = throttle.client_ip(request)
        if _throttled(request, f"submit:ip:{ip}", SUBMIT_MAX_TRIES, SUBMIT_WINDOW_SECONDS):
            return render(
                request, "feedback/submit.html", {"form": form, "throttled": True}, status=429
            )
        data = form.cleaned_data
        procedure = None
        if data["procedure_code"]:
            procedure = Procedure.objects.filter(
                code__iexact=data["procedure_code"].strip()
            ).first()
            if procedure is None:
                form.add_error("procedure_code", _("Không có thủ tục mã này."))
        if procedure is not None or not data["procedure_code"]:
            try:
                feedback = services.feedback_submit(
                    unit=data["unit"],
                    kind=data["kind"],
                    subject=data["subject"],
                    content=data["content"],
                    sender_name=data["sender_name"],
                    sender_phone=data["sender_phone"],
                    sender_email=data["sender_email"],
                    sender_address=data["sender_address"],
                    procedure=procedure,
                    channel=FeedbackChannel.PORTAL,
                    user=request.user,  # type: ignore[arg-type]
                    idempotency_key=data["idempotency_key"] or None,
                )
            except FeedbackInvalid as exc:
                for name, message in exc.errors:
                    form.add_error(name if name in form.fields else None, message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return render(request, "feedback/submitted.html", {"f": feedback})
    return render(request, "feedback/submit.html", {"form": form})


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Status by code + secret (POST, so the secret stays out of URLs); throttled."""
    if request.method != "POST":
        form = FeedbackLookupForm(initial={"ma": request.GET.get("ma", "")[:32]})
        return render(request, "feedback/lookup.html", {"form": form})
    form = FeedbackLookupForm(request.POST)
    if form.is_valid():
        code = selectors.normalise(form.cleaned_data["ma"])
        ip = throttle.client_ip(request)
        blocked_ip = _throttled(request, f"lookup:ip:{ip}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS)
        blocked_code = _throttled(
            request, f"lookup:code:{code}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS
        )
        if blocked_ip or blocked_code:
            return render(
                request, "feedback/lookup.html", {"form": form, "throttled": True}, status=429
            )
        found = selectors.feedback_lookup(code=code, secret=form.cleaned_data["secret"])
        if found is not None:
            return render(
                request, "feedback/lookup.html", {"status": selectors.feedback_status(found)}
            )
        form.add_error(None, _("Mã phản ánh hoặc mã tra cứu không đúng."))
    return render(request, "feedback/lookup.html", {"form": form})


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    """Published answers (công khai kết quả xử lý): no sender data."""
    before = request.GET.get("truoc", "")
    before_pk = int(before) if before.isdigit() else None
    rows = selectors.published_feedback(limit=50, before_pk=before_pk)
    more = rows[-1].pk if len(rows) == 50 else None
    return render(request, "feedback/published.html", {"rows": rows, "more": more})


# ---------------------------------------------------------------------------------------------
# Ratings
# ---------------------------------------------------------------------------------------------


def _rate(request: HttpRequest, dossier: Dossier, channel: RatingChannel) -> str | None:
    """Validate the rating form and record it; the error message, or None when recorded."""
    form = RatingForm(request.POST)
    if not form.is_valid():
        return " ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        services.rating_submit(
            dossier=dossier,
            satisfied=form.cleaned_data["satisfied"],
            reasons=form.cleaned_data["reasons"],
            comment=form.cleaned_data["comment"],
            channel=channel,
            user=request.user if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        return exc.message
    return None


@citizen_required
@require_POST
def rate_my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's own citizen account rates a returned dossier (from "Hồ sơ của tôi")."""
    dossier = Dossier.objects.filter(pk=pk, applicant_id=request.user.pk).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    error = _rate(request, dossier, RatingChannel.PORTAL)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Cảm ơn ông/bà đã đánh giá."))
    return redirect("portal:my_dossier", pk=dossier.pk)


@require_POST
def rate_by_lookup(request: HttpRequest) -> HttpResponse:
    """Rating by whoever holds the receipt's code and secret (same budget as the look-up)."""
    code = portal_selectors.normalise_code(request.POST.get("ma", ""))[:64]
    ip = throttle.client_ip(request)
    if _throttled(request, f"rate:ip:{ip}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS):
        return render(
            request,
            "portal/message.html",
            {"title": _("Đánh giá"), "text": _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau.")},
            status=429,
        )
    dossier = portal_selectors.dossier_lookup(code=code, secret=request.POST.get("secret", "")[:32])
    if dossier is None:
        return render(
            request,
            "portal/message.html",
            {"title": _("Đánh giá"), "text": _("Mã hồ sơ hoặc mã tra cứu không đúng.")},
            status=404,
        )
    error = _rate(request, dossier, RatingChannel.LOOKUP)
    text = error or _("Cảm ơn ông/bà đã đánh giá mức độ hài lòng.")
    return render(
        request,
        "portal/message.html",
        {"title": _("Đánh giá mức độ hài lòng"), "text": text},
        status=422 if error else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def rate_at_counter(request: HttpRequest, pk: int) -> HttpResponse:
    """A receiver (or leader) of the dossier's unit records the applicant's rating at the
    counter (channel `counter`). Other units' dossiers: 404."""
    from motcua.organisation.selectors import user_has_role

    dossier = (
        Dossier.objects.select_related("unit", "procedure_version__procedure").filter(pk=pk).first()
    )
    if dossier is None or not user_has_role(request.user, dossier.unit, Role.RECEIVER, Role.LEADER):
        raise Http404(_("Không tìm thấy hồ sơ."))
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        error = _rate(request, dossier, RatingChannel.COUNTER)
        if error is None:
            messages.success(request, _("Đã ghi nhận đánh giá của người dân."))
            return redirect("feedback:rate_at_counter", pk=dossier.pk)
        form.is_valid()
        messages.error(request, error)
        status = 422
    rating = selectors.rating_for_dossier(dossier)
    return render(
        request,
        "feedback/rate_counter.html",
        {
            "d": dossier,
            "form": form,
            "rating": rating,
            "can_rate": selectors.can_rate(dossier, rating),
        },
        status=status,
    )


@staff_required
@require_GET
def unhappy(request: HttpRequest) -> HttpResponse:
    """ "Đánh giá chưa hài lòng": the unhappy ratings of the user's units (leaders act on it)."""
    rows = selectors.unhappy_ratings_for_user(request.user)
    if rows:
        access_log_record(
            user=request.user,
            action=AccessLogAction.VIEW_LIST,
            subject=f"đánh giá chưa hài lòng: {len(rows)}",
            request=request,
        )
    items = [(r, selectors.reason_labels(r.reasons)) for r in rows]
    return render(request, "feedback/unhappy.html", {"items": items})


# ---------------------------------------------------------------------------------------------
# Staff: PAKN queue, detail, actions
# ---------------------------------------------------------------------------------------------


@staff_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    only_open = request.GET.get("trang-thai") != "tat-ca"
    rows = selectors.with_status(
        selectors.feedback_queue(request.user, only_open=only_open, limit=200)
    )
    return render(request, "feedback/staff_list.html", {"rows": rows, "only_open": only_open})


def _staff_feedback(request: HttpRequest, pk: int) -> Feedback:
    try:
        return selectors.feedback_get_for_user(request.user, pk)
    except Feedback.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy phản ánh.")) from exc


@staff_required
@require_GET
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    f = _staff_feedback(request, pk)
    access_log_record(
        user=request.user,
        action=AccessLogAction.VIEW_DOSSIER,
        unit=f.unit,
        subject=f"phản ánh {f.code}",
        request=request,
    )
    actions = available_actions(f, request.user)  # type: ignore[arg-type]
    assignees = []
    if any(t.action == Action.ASSIGN for t in actions):
        from motcua.accounts.models import User

        assignees = list(
            User.objects.filter(  # active staff only, as the back office's assignment form
                memberships__unit=f.unit,
                memberships__role__in=[Role.SPECIALIST, Role.LEADER],
                is_active=True,
            )
            .distinct()
            .order_by("username")
        )
    return render(
        request,
        "feedback/staff_detail.html",
        {
            "f": f,
            "row": selectors.with_status([f])[0],
            "history": [
                (e, selectors.action_label(e.action)) for e in selectors.feedback_history(f)
            ],
            "actions": actions,
            "assignees": assignees,
            "topics": FeedbackTopic.choices,
        },
    )


@staff_required
@require_POST
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    f = _staff_feedback(request, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thiếu thông tin thao tác. Vui lòng tải lại trang."))
        return redirect("feedback:staff_detail", pk=f.pk)
    data: dict[str, Any] = dict(form.cleaned_data)
    if data.get("assignee"):
        from motcua.accounts.models import User

        data["assignee"] = User.objects.filter(pk=data["assignee"]).first()
    else:
        data["assignee"] = None
    code = (data.get("to_unit") or "").strip()
    data["to_unit"] = Unit.objects.filter(code=code).first() if code else None
    if code and data["to_unit"] is None:
        messages.error(request, _("Không có đơn vị mã “%(c)s”.") % {"c": code})
        return redirect("feedback:staff_detail", pk=f.pk)
    try:
        services.feedback_act(
            feedback=f,
            action=action,
            user=request.user,  # type: ignore[arg-type]
            data=data,
            expected_version=form.cleaned_data["version"],
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("feedback:staff_detail", pk=f.pk)
    messages.success(request, _("Đã thực hiện thao tác."))
    if selectors.feedback_for_user(request.user).filter(pk=f.pk).exists():
        return redirect("feedback:staff_detail", pk=f.pk)
    return redirect("feedback:staff_list")  # forwarded out of the user's units
