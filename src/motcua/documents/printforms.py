"""The data of the printable forms (biểu mẫu) of TT 01/2018/TT-VPCP art. 9 (Mẫu 01–06) and
TT 03/2025/TT-VPCP (Mẫu 01–07), DOMAIN.md §1.14 — computed once for every output format.

`form_context()` builds the context of one form of one dossier; the HTML print page
(`templates/backoffice/print/<kind>.html`, PDF through WeasyPrint) and the DOCX
(`docx_forms.form_docx`) both render it, so a field is computed in one place only. The
access checks and the access log stay in the views that call it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from motcua.backoffice import presenters
from motcua.dossiers import selectors
from motcua.dossiers.constants import RuleSet
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.transitions import Action, FormKind, form_number, rule_set_for
from motcua.organisation.models import Unit

#: URL slug of each printable form of a dossier (the ledger has its own route).
FORM_SLUGS: dict[str, FormKind] = {
    "giay-tiep-nhan": FormKind.RECEIPT,
    "phieu-bo-sung": FormKind.SUPPLEMENT,
    "phieu-tu-choi": FormKind.REFUSAL,
    "phieu-xin-loi": FormKind.APOLOGY,
    "thong-bao-dung": FormKind.STOP_NOTICE,
    "phieu-kiem-soat": FormKind.CONTROL_SHEET,
}
SLUG_OF = {kind: slug for slug, kind in FORM_SLUGS.items()}
FORM_TITLES: dict[FormKind, str] = {
    FormKind.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    FormKind.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    FormKind.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    FormKind.APOLOGY: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    FormKind.STOP_NOTICE: "Thông báo dừng giải quyết hồ sơ",
    FormKind.CONTROL_SHEET: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    FormKind.LEDGER: "Sổ theo dõi hồ sơ",
}
#: Actions whose event carries the content of each form.
FORM_EVENTS: dict[FormKind, tuple[str, ...]] = {
    FormKind.RECEIPT: (Action.RECEIVE, Action.SUPPLEMENT_COMPLETE),
    FormKind.SUPPLEMENT: (Action.INTAKE_REQUEST_SUPPLEMENT, Action.REQUEST_SUPPLEMENT),
    FormKind.REFUSAL: (Action.INTAKE_REFUSE, Action.REJECT),
    FormKind.APOLOGY: (Action.APOLOGY,),
    FormKind.STOP_NOTICE: (Action.STOP,),
    FormKind.CONTROL_SHEET: (Action.RECEIVE,),
}
#: Paper size of each form: A5 except the ledger on A4 (TT 01/2018 art. 9(2)).
A4_FORMS = frozenset({FormKind.LEDGER})


class FormUnavailable(Exception):
    """The dossier has no such form (no event issued it, or the rule set has no number)."""


def form_title(rule_set: str, kind: FormKind) -> str:
    if kind == FormKind.APOLOGY and rule_set == RuleSet.ND118_2025:
        return "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    return FORM_TITLES[kind]


def header(unit: Unit, rule_set: str) -> dict[str, str]:
    """The left block of the NĐ 30/2020 header: parent authority and the one-stop desk."""
    desk = (
        _("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG")
        if rule_set == RuleSet.ND118_2025
        else _("BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ")
    )
    return {"parent": _("ỦY BAN NHÂN DÂN %(name)s") % {"name": unit.name.upper()}, "agency": desk}


def circular(rule_set: str) -> str:
    if rule_set == RuleSet.ND118_2025:
        return "Thông tư số 03/2025/TT-VPCP"
    return "Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ"


def form_kind_for_action(action: str) -> FormKind | None:
    """The form an event of `action` issues (the control sheet is a running record, not
    issued by one event, so it is never returned)."""
    for kind, actions in FORM_EVENTS.items():
        if kind != FormKind.CONTROL_SHEET and action in actions:
            return kind
    return None


def form_context(
    dossier: Dossier, kind: FormKind, event: DossierEvent | None = None
) -> dict[str, Any]:
    """Everything a form prints, for the HTML template and the DOCX builder.

    `event` is the event that issued the form; by default the latest one of the dossier.
    Raises `FormUnavailable` when the dossier has no such form.
    """
    rule_set = dossier.rule_set or RuleSet.ND61_2018
    number = form_number(rule_set, kind)
    timeline = selectors.dossier_timeline(dossier)
    if event is None:
        source = [e.event for e in timeline if e.event.action in FORM_EVENTS.get(kind, ())]
        event = source[-1] if source else None
    if not number or event is None or event.action not in FORM_EVENTS.get(kind, ()):
        raise FormUnavailable(kind)
    components = list(dossier.components.all())
    context: dict[str, Any] = {
        "dossier": dossier,
        "kind": kind.value,
        "slug": SLUG_OF[kind],
        "number": number,
        "title": form_title(rule_set, kind),
        "circular": circular(rule_set),
        "header": header(dossier.unit, rule_set),
        "place_date": f"{dossier.unit.name}, {presenters.vn_date_words(event.at)}",
        "event": event,
        "items": (event.payload or {}).get("items") or [event.note],
        "components": components,
        "missing": [c for c in components if not c.provided],
        "a5": kind not in A4_FORMS,
        "timeline": timeline,
        "received_words": presenters.vn_time_words(dossier.received_at),
        "due_words": presenters.vn_time_words(dossier.due_at),
        "extended_words": presenters.vn_date_words(dossier.extended_due_at),
        "event_time_words": presenters.vn_time_words(event.at),
        "time_limit": dossier.procedure_version,
    }
    if dossier.code:
        context["lookup_url"] = presenters.lookup_url(dossier.code)
        context["qr_svg"] = presenters.qr_svg(context["lookup_url"])
    return context


def ledger_context(unit: Unit, year: int, *, start: int = 1, size: int = 500) -> dict[str, Any]:
    """Sổ theo dõi hồ sơ (Mẫu 06; Mẫu 07 under TT 03/2025) of a unit and year from entry
    number `start`: at most `size` rows (keyset on the number) and the next start, if any."""
    rows = list(
        Dossier.objects.filter(unit=unit, ledger_year=year, ledger_number__gte=start)
        .select_related("procedure_version__procedure", "current_unit")
        .prefetch_related("transfers__to_unit")
        .order_by("ledger_number")[: size + 1]
    )
    more = rows[size].ledger_number if len(rows) > size else None
    rows = rows[:size]
    # The book follows the rule set of its entries (a 2025 book switches on 01/07/2025).
    rule_set = rows[-1].rule_set if rows else rule_set_for(dt.date(year, 12, 31))
    return {
        "unit": unit,
        "year": year,
        "start": start,
        "rows": rows,
        "more": more,
        "kind": FormKind.LEDGER.value,
        "number": form_number(rule_set, FormKind.LEDGER),
        "circular": circular(rule_set),
        "header": header(unit, rule_set),
        "title": FORM_TITLES[FormKind.LEDGER],
    }
