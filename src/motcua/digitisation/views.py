"""Pages of digitisation (staff, /so-hoa/ho-so/…) and of the personal data store (citizens,
/so-hoa/kho/). Thin: parse, call a selector or a service, render. Usable without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import User
from motcua.core.decorators import staff_required
from motcua.core.errors import DomainError
from motcua.core.models import AccessLogAction
from motcua.core.services import access_log_record
from motcua.digitisation import selectors, services
from motcua.digitisation.forms import DigitiseForm
from motcua.digitisation.models import DigitisedComponent, PersonalStoreItem
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get_for_user


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _private_file(stored: Any, content_type: str, filename: str) -> FileResponse:
    """A private file served inline, never cached, sandboxed."""
    response = FileResponse(
        stored.open("rb"), content_type=content_type, as_attachment=False, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------------------------------------
# Staff: digitise the components of a dossier
# ---------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def dossier_digitise(request: HttpRequest, pk: int) -> HttpResponse:
    """The digitised components of a dossier (who, when, source, hash) and, for a receiver of
    its unit, the form to scan one more. Another commune's dossier → 404."""
    user = _user(request)
    try:
        dossier = dossier_get_for_user(user, pk)
    except Dossier.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc
    may_digitise = services.can_digitise(user, dossier)
    form = DigitiseForm(request.POST or None, request.FILES or None, dossier=dossier)
    error = None
    status = 200
    if request.method == "POST":
        if not may_digitise:
            raise PermissionDenied(_("Chỉ cán bộ tiếp nhận (Một cửa) được số hóa hồ sơ."))
        if form.is_valid():
            try:
                item = services.component_digitise(
                    user=user,
                    dossier=dossier,
                    component=form.chosen_component(),
                    uploaded_file=form.cleaned_data["file"],
                    source=form.cleaned_data["source"],
                    note=form.cleaned_data.get("note", ""),
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("Đã số hóa “%(name)s” (SHA-256 %(hash)s…).")
                    % {"name": item.original_name, "hash": item.sha256[:12]},
                )
                return redirect("digitisation:dossier", pk=dossier.pk)
        status = 400
    access_log_record(
        user=user,
        action=AccessLogAction.VIEW_DOSSIER,
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        purpose="xem thành phần hồ sơ số hóa",
        request=request,
    )
    context = {
        "dossier": dossier,
        "digitised": selectors.dossier_digitised(dossier),
        "form": form if may_digitise else None,
        "error": error,
    }
    return render(request, "digitisation/dossier.html", context, status=status)


@require_GET
def digitised_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A digitised file, for staff who may read its dossier (404 otherwise); logged. (The
    checks of `staff_required`, written out: that decorator types HttpResponse views only.)"""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if getattr(request.user, "is_citizen", False):
        raise PermissionDenied(_("Trang dành cho cán bộ, công chức."))
    user = _user(request)
    try:
        item = selectors.digitised_get_for_user(user, pk)
    except DigitisedComponent.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy tệp.")) from exc
    access_log_record(
        user=user,
        action=AccessLogAction.VIEW_DOSSIER,
        dossier=item.dossier,
        purpose="tải tệp thành phần hồ sơ số hóa",
        request=request,
    )
    return _private_file(item.file, item.content_type, item.original_name or "tep")


# ---------------------------------------------------------------------------------------------
# Citizens: the personal data store
# ---------------------------------------------------------------------------------------------


def _citizen(request: HttpRequest) -> User | HttpResponse:
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
    return _user(request)


@require_GET
def store(request: HttpRequest) -> HttpResponse:
    """Kho dữ liệu cá nhân: the citizen's own results and digitised components."""
    user = _citizen(request)
    if isinstance(user, HttpResponse):
        return user
    return render(request, "digitisation/store.html", {"items": selectors.store_items(user)})


@require_GET
def store_item_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One file of the citizen's store, for its owner only (404 for anybody else)."""
    user = _citizen(request)
    if isinstance(user, HttpResponse):
        return user
    try:
        item = selectors.store_item_get_for_owner(user, pk)
    except PersonalStoreItem.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy giấy tờ.")) from exc
    stored_name = str(item.file.name)
    ext = stored_name.rsplit(".", 1)[-1] if "." in stored_name else "bin"
    return _private_file(item.file, item.content_type, f"{item.title[:150]}.{ext}")
