"""Payment pages: start (citizen), the sandbox gateway page, the provider's return and
server notice, the receipt (HTML and PDF). Views are thin: services and selectors do the work."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from motcua.core.errors import DomainError
from motcua.payments import selectors, services
from motcua.payments.constants import PaymentState
from motcua.payments.models import Payment
from motcua.payments.providers import (
    InvalidCallback,
    SandboxProvider,
    provider_path,
    sandbox_check,
    sandbox_signed,
)
from motcua.portal.views import citizen_required


@citizen_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Thanh toán" on the citizen's dossier page → the provider's payment page."""
    from motcua.dossiers.models import Dossier

    if not Dossier.objects.filter(pk=pk, applicant_id=request.user.pk).exists():
        raise Http404(_("Không tìm thấy hồ sơ."))
    try:
        payment = services.payment_start(
            user=request.user,  # type: ignore[arg-type]
            dossier=pk,
            return_url=request.build_absolute_uri(reverse("payments:return")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("portal:my_dossier", pk=pk)
    return HttpResponseRedirect(payment.redirect_url)


def _bad(request: HttpRequest, text: str) -> HttpResponse:
    return render(
        request,
        "portal/message.html",
        {"title": _("Dữ liệu thanh toán không hợp lệ"), "text": text},
        status=400,
    )


def _sandbox_enabled() -> bool:
    return provider_path() == f"{SandboxProvider.__module__}.{SandboxProvider.__qualname__}"


@require_http_methods(["GET", "POST"])
def sandbox(request: HttpRequest, ref: str) -> HttpResponse:
    """The sandbox gateway's page: checks the signed request, shows the amount, and sends the
    payer back with a signed result ("Thanh toán thành công" or "Hủy")."""
    if not _sandbox_enabled():
        raise Http404(_("Cổng thanh toán thử nghiệm không được bật."))
    source = request.POST if request.method == "POST" else request.GET
    fields = {k: source.get(k, "") for k in ("ref", "amount", "info", "return", "sig")}
    try:
        sandbox_check(fields)
    except InvalidCallback as exc:
        return _bad(request, exc.message)
    if fields["ref"] != ref or not fields["amount"].isdigit():
        return _bad(request, _("Dữ liệu thanh toán không đầy đủ."))
    if request.method == "GET":
        return render(
            request,
            "payments/sandbox.html",
            {"fields": fields, "amount": int(fields["amount"])},
        )
    outcome = request.POST.get("outcome")
    if outcome not in ("paid", "cancelled"):
        return _bad(request, _("Dữ liệu thanh toán không đầy đủ."))
    return_url = fields["return"]
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return _bad(request, _("Địa chỉ trả về không hợp lệ."))
    result = sandbox_signed(
        {
            "ref": ref,
            "status": outcome,
            "amount": fields["amount"],
            "txn": f"SBTXN{secrets.token_hex(5).upper()}" if outcome == "paid" else "",
        }
    )
    return HttpResponseRedirect(f"{return_url}?{urlencode(result)}")


@require_http_methods(["GET"])
def provider_return(request: HttpRequest) -> HttpResponse:
    """The payer's browser comes back from the provider with the signed result."""
    try:
        payment = services.payment_confirm(
            provider_ref=request.GET.get("ref", ""), payload=request.GET.dict()
        )
    except InvalidCallback as exc:
        return _bad(request, exc.message)
    if payment.state == PaymentState.PAID:
        messages.success(
            request,
            _("Đã thanh toán %(amount)s đồng. Số biên lai: %(number)s.")
            % {"amount": f"{payment.amount:,}".replace(",", "."), "number": payment.receipt_number},
        )
    else:
        messages.error(request, _("Chưa thanh toán: giao dịch đã bị hủy hoặc không thành công."))
    return redirect("portal:my_dossier", pk=payment.dossier_id)


@csrf_exempt  # server-to-server notice from the provider: authenticated by its signature
@require_POST
def provider_notify(request: HttpRequest) -> JsonResponse:
    """The provider's server notice (IPN): same check as the return, JSON answer."""
    try:
        payment = services.payment_confirm(
            provider_ref=request.POST.get("ref", ""), payload=request.POST.dict()
        )
    except InvalidCallback as exc:
        return JsonResponse({"ok": False, "error": exc.code}, status=400)
    return JsonResponse({"ok": True, "state": payment.state})


def _own_payment(request: HttpRequest, pk: int) -> Payment:
    try:
        return selectors.payment_get_for_owner(request.user, pk)
    except Payment.DoesNotExist as exc:
        raise Http404(_("Không tìm thấy biên lai.")) from exc


def _receipt_context(payment: Payment) -> dict[str, Any]:
    return {"p": payment, "d": payment.dossier}


@citizen_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = _own_payment(request, pk)
    return render(request, "payments/receipt.html", _receipt_context(payment))


@citizen_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from motcua.documents.pdf import pdf_response, render_template_pdf

    payment = _own_payment(request, pk)
    content = render_template_pdf(
        "payments/receipt_pdf.html", _receipt_context(payment), request=request
    )
    return pdf_response(content, filename=f"bien-lai-{payment.receipt_number}.pdf", inline=True)
