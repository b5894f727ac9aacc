"""Citizen portal pages: server-rendered, small, usable without JavaScript. Views parse input
and call the portal's services and selectors only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.catalogue.models import Field
from motcua.core.errors import DomainError
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import TRANSITIONS, Action
from motcua.portal import eform, selectors, services, throttle
from motcua.portal.constants import (
    LOOKUP_MAX_TRIES,
    LOOKUP_WINDOW_SECONDS,
    SubmissionState,
)
from motcua.portal.forms import (
    CitizenLoginForm,
    ContactForm,
    LookupForm,
    SignupForm,
    WithdrawForm,
)
from motcua.portal.models import Submission, Upload

View = Callable[..., HttpResponse]

SIGNUP_SESSION_KEY = "portal_signup"

#: Sign-in attempts per client IP in the look-up window (10 minutes).
LOGIN_MAX_TRIES = 20


def citizen_required(view: View) -> View:
    """Signed-in citizen accounts only: anonymous → sign-in page; staff → 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            login_url = reverse("portal:login")
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.path})}")
        if not getattr(request.user, "is_citizen", False):
            return render(
                request,
                "portal/message.html",
                {"title": _("Không có quyền"), "text": _("Trang này dành cho tài khoản công dân.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "fields": selectors.fields_with_procedures(),
            "life_events": selectors.life_events_with_procedures(),
        },
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    # NUL characters cannot be stored or compared by PostgreSQL: drop them from free text.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    field_code = request.GET.get("linh-vuc", "").replace("\x00", "").strip()[:32]
    life_event = request.GET.get("su-kien", "").replace("\x00", "").strip()[:64]
    result = selectors.catalogue_search(query, field_code=field_code, life_event=life_event)
    field = Field.objects.filter(code__iexact=field_code).first() if field_code else None
    return render(
        request,
        "portal/catalogue.html",
        {
            "q": query,
            "field": field,
            "life_event": life_event,
            "life_event_label": selectors.life_event_label(life_event) if life_event else "",
            "result": result,
        },
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = selectors.procedure_page(code)
    if page is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    return render(request, "portal/procedure.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# Look-up (the target of the QR code on the receipt)
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """`/tra-cuu/?ma=<code>` pre-fills the code and asks for the secret printed on the receipt.
    The secret is sent by POST (not kept in URLs or logs). Tries are limited per client IP and
    per code (`LOOKUP_MAX_TRIES` in `LOOKUP_WINDOW_SECONDS`) → HTTP 429."""
    status = None
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            code = selectors.normalise_code(form.cleaned_data["ma"])
            ip = throttle.client_ip(request)
            allowed_ip = throttle.hit(
                f"lookup:ip:{ip}", limit=LOOKUP_MAX_TRIES, window=LOOKUP_WINDOW_SECONDS
            )
            allowed_code = throttle.hit(
                f"lookup:code:{code}", limit=LOOKUP_MAX_TRIES, window=LOOKUP_WINDOW_SECONDS
            )
            if not (allowed_ip and allowed_code):
                return render(
                    request,
                    "portal/lookup.html",
                    {"form": form, "throttled": True},
                    status=429,
                )
            dossier = selectors.dossier_lookup(code=code, secret=form.cleaned_data["secret"])
            if dossier is not None:
                return render(
                    request,
                    "portal/lookup.html",
                    {"form": None, "status": selectors.dossier_status(dossier)},
                )
            form.add_error(
                None,
                _("Mã hồ sơ hoặc mã tra cứu không đúng. Vui lòng kiểm tra lại giấy tiếp nhận."),
            )
    else:
        form = LookupForm(initial={"ma": request.GET.get("ma", "")[:64]})
    return render(request, "portal/lookup.html", {"form": form}, status=status)


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Step 1: phone or e-mail → a one-time code is sent."""
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp = services.otp_send(
                contact=form.cleaned_data["contact"], ip=throttle.client_ip(request)
            )
        except DomainError as exc:
            form.add_error("contact", exc.message)
        else:
            request.session[SIGNUP_SESSION_KEY] = {
                "token": str(otp.token),
                "destination": otp.destination,
                "channel": otp.channel,
            }
            return redirect("portal:signup_confirm")
    return render(request, "portal/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the code, the name and a password → the citizen account, signed in."""
    pending = request.session.get(SIGNUP_SESSION_KEY)
    if not pending:
        return redirect("portal:signup")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.citizen_signup(
                token=pending["token"],
                code=form.cleaned_data["code"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as exc:
            form.add_error("code" if exc.code == "otp" else None, exc.message)
        else:
            del request.session[SIGNUP_SESSION_KEY]
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Đã tạo tài khoản. Chào mừng %(n)s!") % {"n": user.display_name}
            )
            return redirect("portal:my_dossiers")
    return render(request, "portal/signup_confirm.html", {"form": form, "pending": pending})


class CitizenLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = CitizenLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my_dossiers")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from motcua.accounts.oidc import is_configured

        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = is_configured()
        context["oidc_failed"] = self.request.GET.get("dinh-danh") == "loi"
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """At most `LOGIN_MAX_TRIES` sign-in attempts per client IP in 10 minutes."""
        ip = throttle.client_ip(request)
        if not throttle.hit(f"login:ip:{ip}", limit=LOGIN_MAX_TRIES, window=LOOKUP_WINDOW_SECONDS):
            return render(
                request,
                "portal/message.html",
                {
                    "title": _("Tạm khóa đăng nhập"),
                    "text": _("Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau 10 phút."),
                },
                status=429,
            )
        return super().post(request, *args, **kwargs)


class CitizenLogoutView(auth_views.LogoutView):
    next_page = "portal:home"


# ---------------------------------------------------------------------------------------------
# My dossiers
# ---------------------------------------------------------------------------------------------


@citizen_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "dossiers": [
                selectors.dossier_status(d, with_events=False)
                for d in selectors.citizen_dossiers(user)[:50]
            ],
            "drafts": list(selectors.citizen_drafts(user)[:20]),
        },
    )


def _own_dossier(request: HttpRequest, pk: int) -> Dossier:
    try:
        return selectors.citizen_dossier_get(request.user, pk)  # type: ignore[arg-type]
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc


def _can_withdraw(dossier: Dossier) -> bool:
    return dossier.state in TRANSITIONS[Action.WITHDRAW].sources


@citizen_required
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    from motcua.payments.selectors import payment_context

    dossier = _own_dossier(request, pk)
    return render(
        request,
        "portal/my_dossier.html",
        {
            "d": dossier,
            "status": selectors.dossier_status(dossier),
            "uploads": list(selectors.dossier_uploads(dossier)),
            "components": list(dossier.components.select_related("component")),
            "can_supplement": dossier.state in services.SUPPLEMENT_STATES,
            "can_withdraw": _can_withdraw(dossier),
            "withdraw_form": WithdrawForm(),
            "after_review": dossier.state == State.SUPPLEMENT_AFTER_REVIEW,
            **payment_context(dossier),
        },
    )


@citizen_required
@require_POST
def my_dossier_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_dossier(request, pk)
    components = {c.pk: c for c in dossier.procedure_version.components.all()}
    files = []
    for name in request.FILES:
        f = request.FILES[name]
        if not isinstance(f, UploadedFile):
            continue
        if name.startswith("file_") and name[5:].isdigit():
            files.append((components.get(int(name[5:])), f))
        elif name == "file_other":
            files.append((None, f))
    try:
        services.dossier_supplement_respond(
            dossier=dossier,
            user=request.user,  # type: ignore[arg-type]
            files=files,
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã gửi giấy tờ bổ sung."))
    return redirect("portal:my_dossier", pk=dossier.pk)


@citizen_required
@require_POST
def my_dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _own_dossier(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return redirect("portal:my_dossier", pk=dossier.pk)
    try:
        services.citizen_dossier_withdraw(
            dossier=dossier,
            user=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã rút hồ sơ."))
    return redirect("portal:my_dossier", pk=dossier.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# ---------------------------------------------------------------------------------------------
# Online submission
# ---------------------------------------------------------------------------------------------


def _submit_context(
    request: HttpRequest,
    *,
    page: selectors.ProcedurePage,
    key: str,
    submission: Submission | None,
    errors: dict[str, str] | None = None,
    problems: list[str] | None = None,
    file_errors: list[str] | None = None,
    declaration: bool = False,
) -> dict[str, Any]:
    user: Any = request.user
    schema = page.version.eform_schema or {}
    values = submission.data if submission else {}
    applicant = dict(submission.applicant) if submission and submission.applicant else {}
    applicant.setdefault("applicant_name", user.full_name)
    applicant.setdefault("applicant_phone", user.phone)
    applicant.setdefault("applicant_email", user.email)
    uploaded: dict[int | None, list[Upload]] = {}
    if submission is not None:
        for u in submission.uploads.all():
            uploaded.setdefault(u.component_id, []).append(u)
    components = [(c, uploaded.get(c.pk, [])) for c in page.components]
    return {
        "page": page,
        "key": key,
        "fields": eform.fields(schema, values, errors),
        "applicant": applicant,
        "components": components,
        "units": page.units,
        "unit_id": submission.unit_id
        if submission
        else (page.units[0].pk if len(page.units) == 1 else None),
        "problems": (problems or []) + (file_errors or []),
        "files_kept": any(ups for _c, ups in components),
        "declaration": declaration,
        "max_mb": f"{services.uploads.max_upload_bytes() / 1048576:g}",
    }


@citizen_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str) -> HttpResponse:
    """Fill the e-form, upload the components, declare, submit. "Lưu nháp" keeps a draft; a
    repeated POST with the same hidden key returns the dossier of the first one."""
    page = selectors.procedure_page(code)
    if page is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    if not page.can_submit_online:
        messages.error(
            request, _("Thủ tục này chưa nộp trực tuyến được; xem hướng dẫn nộp trực tiếp.")
        )
        return redirect("portal:procedure", code=code)
    user: Any = request.user
    if request.method == "GET":
        key = request.GET.get("nhap", "")
        submission = None
        if key:
            submission = Submission.objects.filter(idempotency_key=key, user=user).first()
            if submission is None:
                raise Http404(_("Không tìm thấy bản nháp."))
            if submission.dossier_id:
                return redirect("portal:my_dossier", pk=submission.dossier_id)
        else:
            key = uuid.uuid4().hex
        ctx = _submit_context(request, page=page, key=key, submission=submission)
        return render(request, "portal/submit.html", ctx)

    key = request.POST.get("idempotency_key", "")
    try:
        submission = services.submission_for_key(
            user=user, idempotency_key=key, version=page.version
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:submit", code=code)
    if submission.dossier_id is not None:  # double tap / retry: the first request won
        messages.info(request, _("Hồ sơ này đã được nộp."))
        return redirect("portal:my_dossier", pk=submission.dossier_id)
    schema = page.version.eform_schema or {}
    unit_id = _int(request.POST.get("unit"))
    unit = next((u for u in page.units if unit_id is not None and u.pk == unit_id), None)
    applicant = {k: request.POST.get(k, "") for k in services.APPLICANT_FIELDS}
    submission = services.submission_save_draft(
        submission=submission,
        user=user,
        unit=unit,
        raw_data=eform.raw_values(schema, request.POST),
        applicant=applicant,
    )
    file_errors = _store_files(request, submission, page)
    declaration = request.POST.get("declaration") == "on"
    if request.POST.get("action") != "submit":
        if file_errors:
            ctx = _submit_context(
                request, page=page, key=key, submission=submission, file_errors=file_errors
            )
            return render(request, "portal/submit.html", ctx, status=400)
        messages.success(request, _("Đã lưu nháp. Ông/bà có thể quay lại nộp sau."))
        return redirect(f"{reverse('portal:submit', args=[code])}?nhap={key}")
    check = services.submission_check(submission, declaration=declaration)
    if file_errors or check.errors or check.problems:
        ctx = _submit_context(
            request,
            page=page,
            key=key,
            submission=submission,
            errors=check.errors,
            problems=check.problems,
            file_errors=file_errors,
            declaration=declaration,
        )
        return render(request, "portal/submit.html", ctx, status=400)
    try:
        dossier = services.submission_submit(
            submission=submission, user=user, declaration=declaration
        )
    except DomainError as exc:
        ctx = _submit_context(
            request, page=page, key=key, submission=submission, problems=[exc.message]
        )
        return render(request, "portal/submit.html", ctx, status=400)
    messages.success(
        request,
        _("Đã nộp hồ sơ. Cán bộ Một cửa sẽ kiểm tra và thông báo kết quả tiếp nhận."),
    )
    return redirect("portal:my_dossier", pk=dossier.pk)


def _store_files(
    request: HttpRequest, submission: Submission, page: selectors.ProcedurePage
) -> list[str]:
    """Attach the files selected and the store items picked. The files already uploaded are
    kept (the page says so); a file or a pick for a component replaces its file, and the same
    content selected again is not stored twice (`services.submission_upload_put`)."""
    user: Any = request.user
    components = {c.pk: c for c in page.components}
    errors = []
    for name in request.FILES:
        f = request.FILES[name]
        if not isinstance(f, UploadedFile):
            continue
        if not name.startswith("file_") or not name[5:].isdigit():
            continue
        component = components.get(int(name[5:]))
        if component is None:
            continue
        try:
            services.submission_upload_put(
                user=user, file=f, submission=submission, component=component
            )
        except DomainError as exc:
            errors.append(exc.message)
    from motcua.digitisation.services import store_picks_attach  # reuse (QĐ 766 4.3)

    before = set(submission.uploads.values_list("pk", flat=True))
    errors += store_picks_attach(
        user=user, submission=submission, components=components, data=request.POST
    )
    try:
        for picked in submission.uploads.exclude(pk__in=before).order_by("pk"):
            services.submission_upload_replace(submission=submission, user=user, kept=picked)
        services.submission_uploads_dedupe(submission=submission, user=user)
    except DomainError as exc:
        errors.append(exc.message)
    return errors


@citizen_required
@require_POST
def draft_delete(request: HttpRequest, key: str) -> HttpResponse:
    submission = get_object_or_404(
        Submission, idempotency_key=key, user=request.user, state=SubmissionState.DRAFT
    )
    try:
        services.submission_discard(submission=submission, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa bản nháp."))
    return redirect("portal:my_dossiers")


# ---------------------------------------------------------------------------------------------
# Private files
# ---------------------------------------------------------------------------------------------


def upload_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Serve a private upload to its owner, the dossier's applicant or staff who may see the
    dossier; 404 for everybody else (nothing revealed). Anonymous → sign-in page."""
    if not request.user.is_authenticated:
        login_url = reverse("portal:login")
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': request.path})}")
    try:
        upload = selectors.upload_get_for_user(request.user, pk)
    except Upload.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    response = FileResponse(
        upload.file.open("rb"),
        content_type=upload.content_type,
        as_attachment=False,
        filename=upload.original_name or "tep",
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@citizen_required
def my_dossier_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The digitally signed result of one's own dossier (PDF); 404 when there is none."""
    dossier = _own_dossier(request, pk)
    signed = selectors.signed_result(dossier)
    if signed is None:
        raise Http404(_("Hồ sơ chưa có kết quả điện tử đã ký số."))
    with signed.file.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type="application/pdf")
    name = f"ket-qua-{dossier.code or dossier.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
