"""Reads of the citizen portal: the public catalogue, the look-up and the citizen's dossiers.

Dossier data shown to citizens is limited to what the applicant may see: events flagged
`visible_to_applicant`, no identity number, the name partially masked on the public look-up
(DOMAIN.md §10.1 principle of minimal data; TT 22/2019 art. 4: show the processing status).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import FeePer, OnlineLevel
from motcua.catalogue.models import Component, FeeRule, Field, Procedure, ProcedureVersion
from motcua.catalogue.selectors import (
    fee_rules_for,
    has_provincial_fees,
    procedure_search,
    procedures_in_force,
    version_in_force,
)
from motcua.catalogue.services import fee_compute
from motcua.core.errors import DomainError
from motcua.core.text import compact_upper, search_terms
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.selectors import units_valid_on
from motcua.portal.constants import CITIZEN_STATE_LABELS, LIFE_EVENTS, SEARCH_FILLER_WORDS
from motcua.portal.models import Submission, Upload

if TYPE_CHECKING:
    from motcua.accounts.models import User

ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)
DEFAULT_UNIT_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def fields_with_procedures(on: dt.date | None = None) -> list[tuple[Field, int]]:
    """Fields that have procedures in force, with their count, by field code."""
    counts: dict[int, int] = {}
    for field_id in procedures_in_force(on or today()).values_list("field_id", flat=True):
        counts[field_id] = counts.get(field_id, 0) + 1
    return [(f, counts[f.pk]) for f in Field.objects.filter(pk__in=counts).order_by("code")]


def life_events_with_procedures(on: dt.date | None = None) -> list[tuple[str, str, int]]:
    """(slug, Vietnamese label, count) of the life events tagged on procedures in force."""
    counts: dict[str, int] = {}
    for tags in procedures_in_force(on or today()).values_list("life_events", flat=True):
        for tag in tags or []:
            counts[tag] = counts.get(tag, 0) + 1
    known = [s for s in LIFE_EVENTS if s in counts]
    unknown = sorted(s for s in counts if s not in LIFE_EVENTS)
    return [(s, life_event_label(s), counts[s]) for s in known + unknown]


def life_event_label(slug: str) -> str:
    label = LIFE_EVENTS.get(slug)
    return str(label) if label else slug.replace("-", " ").capitalize()


@dataclass
class SearchResult:
    procedures: list[Procedure]
    dropped_words: list[str] = field(default_factory=list)  # filler words ignored, if any


def catalogue_search(
    query: str = "",
    *,
    field_code: str | None = None,
    life_event: str | None = None,
    on: dt.date | None = None,
) -> SearchResult:
    """Procedures in force matching `query` (accent-insensitive), a field and/or a life event.

    Strict first: every word must match (`catalogue.selectors.procedure_search`). When that
    finds nothing, common filler words ("làm", "giấy", "xin", "thủ tục", "cấp", …
    `SEARCH_FILLER_WORDS`) are dropped and the search runs again, so `lam giay khai sinh` finds
    "Đăng ký khai sinh". The dropped words are returned so the page can say so.
    """
    on = on or today()
    found = list(procedure_search(query, on=on, field=field_code or None, limit=200))
    dropped: list[str] = []
    if not found and query.strip():
        terms = search_terms(query)
        kept = [t for t in terms if t not in SEARCH_FILLER_WORDS]
        if kept and len(kept) < len(terms):
            dropped = [t for t in terms if t in SEARCH_FILLER_WORDS]
            found = list(
                procedure_search(" ".join(kept), on=on, field=field_code or None, limit=200)
            )
    if life_event:
        found = [p for p in found if life_event in (p.life_events or [])]
    return SearchResult(procedures=found, dropped_words=dropped)


@dataclass
class FeeLine:
    name: str
    amount: Decimal
    per_label: str
    range_text: str
    max_amount: Decimal | None
    legal_ref: str
    exemption: str


@dataclass
class ProcedurePage:
    procedure: Procedure
    version: ProcedureVersion
    time_limit: str
    components: list[Component]
    fee_lines: list[FeeLine]
    fee_total: Decimal | None  # for one case / one copy when it does not depend on pages
    online_level: str
    online_label: str
    can_submit_online: bool
    units: list[Unit]
    life_events: list[tuple[str, str]]
    eform_title: str
    # Some provinces have their own amounts (HĐND resolutions): the lines shown are the
    # national ones and the amount due depends on the province where the dossier is filed.
    fee_by_province: bool = False


def time_limit_text(version: ProcedureVersion) -> str:
    if version.time_limit_text:
        return version.time_limit_text
    if version.time_limit_unit == LimitUnit.SAME_DAY:
        return _("Trong ngày làm việc")
    amount = version.time_limit_amount.normalize()
    return f"{amount:f} {LimitUnit(version.time_limit_unit).label}"


def units_for(procedure: Procedure, on: dt.date | None = None) -> QuerySet[Unit]:
    """Units where the procedure can be submitted: the kinds listed on the procedure (communes,
    wards, special zones by default), valid on `on`."""
    on = on or today()
    kinds = list(procedure.unit_kinds or DEFAULT_UNIT_KINDS)
    return units_valid_on(on).filter(kind__in=kinds).order_by("name")


def _fee_lines(rules: list[FeeRule]) -> list[FeeLine]:
    per_labels = dict(FeePer.choices)
    lines = []
    for r in rules:
        if r.to_quantity:
            range_text = _("từ %(a)s đến %(b)s") % {"a": r.from_quantity, "b": r.to_quantity}
        elif r.from_quantity > 1:
            range_text = _("từ %(a)s trở đi") % {"a": r.from_quantity}
        else:
            range_text = ""
        lines.append(
            FeeLine(
                name=r.name,
                amount=Decimal(r.amount),
                per_label=str(per_labels.get(r.per, r.per)),
                range_text=range_text,
                max_amount=r.max_amount,
                legal_ref=r.legal_ref,
                exemption=r.exemption,
            )
        )
    return lines


def procedure_page(code: str, on: dt.date | None = None) -> ProcedurePage | None:
    """Everything the public procedure page shows, from the version in force; None if the code
    is unknown or has no version in force."""
    on = on or today()
    procedure = Procedure.objects.select_related("field").filter(code=code).first()
    if procedure is None:
        return None
    version = version_in_force(procedure, on)
    if version is None:
        return None
    rules = fee_rules_for(version)  # no unit chosen yet: the national lines
    total: Decimal | None
    try:
        total = fee_compute(version, quantity=1) if rules else Decimal(0)
    except DomainError:  # depends on the number of pages: the lines say how
        total = None
    level = version.online_level
    return ProcedurePage(
        procedure=procedure,
        version=version,
        time_limit=time_limit_text(version),
        components=list(version.components.order_by("order")),
        fee_lines=_fee_lines(rules),
        fee_total=total,
        fee_by_province=has_provincial_fees(version),
        online_level=level,
        online_label=str(OnlineLevel(level).label),
        can_submit_online=level in ONLINE_LEVELS,
        units=list(units_for(procedure, on)[:30]),
        life_events=[(s, life_event_label(s)) for s in procedure.life_events or []],
        eform_title=str((version.eform_schema or {}).get("title") or ""),
    )


# ---------------------------------------------------------------------------------------------
# Dossier status for citizens
# ---------------------------------------------------------------------------------------------

#: Plain words for each recorded action, as the applicant sees it in the history.
ACTION_LABELS: dict[str, Any] = {
    "submit": gettext_lazy("Nộp hồ sơ"),
    "intake_request_supplement": gettext_lazy("Yêu cầu bổ sung trước khi tiếp nhận"),
    "intake_refuse": gettext_lazy("Từ chối tiếp nhận hồ sơ"),
    "receive": gettext_lazy("Tiếp nhận hồ sơ"),
    "assign": gettext_lazy("Chuyển cán bộ xử lý"),
    "step_complete": gettext_lazy("Hoàn thành một bước xử lý"),
    "consult_send": gettext_lazy("Gửi lấy ý kiến cơ quan liên quan"),
    "consult_answer": gettext_lazy("Nhận ý kiến cơ quan liên quan"),
    "transfer_send": gettext_lazy("Chuyển liên thông đến cơ quan khác"),
    "transfer_return": gettext_lazy("Nhận kết quả liên thông"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung hồ sơ"),
    "supplement_complete": gettext_lazy("Nhận đủ hồ sơ bổ sung"),
    "financial_obligation": gettext_lazy("Thông báo nộp phí, lệ phí, nghĩa vụ tài chính"),
    "financial_paid": gettext_lazy("Xác nhận đã nộp phí, nghĩa vụ tài chính"),
    "approve": gettext_lazy("Đã có kết quả giải quyết"),
    "reject": gettext_lazy("Từ chối giải quyết hồ sơ"),
    "apology": gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
    "return_result": gettext_lazy("Trả kết quả"),
    "withdraw": gettext_lazy("Rút hồ sơ"),
    "stop": gettext_lazy("Dừng giải quyết hồ sơ"),
    "document_signed": gettext_lazy("Kết quả đã được ký số"),
}


@dataclass
class HistoryEntry:
    at: dt.datetime
    label: str


@dataclass
class Notice:
    kind: str  # supplement | refusal | apology | result | stop
    title: str
    items: list[str] = field(default_factory=list)
    note: str = ""
    date: dt.datetime | None = None


@dataclass
class DossierStatus:
    dossier: Dossier
    code: str
    procedure_name: str
    unit_name: str
    state: str
    state_label: str
    masked_name: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    appointment: dt.datetime | None
    history: list[HistoryEntry]
    notices: list[Notice]
    #: SHA-256 of the digitally signed result (motcua.signing.documents), when there is one.
    signed_result_sha256: str = ""


def mask_name(name: str) -> str:
    """`Trần Thị Bình` → `T*** T** B***`: first letter of each word, the rest hidden."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


def _items(event: DossierEvent) -> list[str]:
    items = (event.payload or {}).get("items")
    if isinstance(items, list) and items:
        return [str(i) for i in items]
    return [event.note] if event.note else []


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def _notices(dossier: Dossier, events: list[DossierEvent]) -> list[Notice]:
    """Notices that still matter for the current state, newest event of each kind."""
    latest: dict[str, DossierEvent] = {}
    for e in events:
        latest[e.action] = e
    notices: list[Notice] = []
    state = dossier.state
    if state == State.INTAKE_SUPPLEMENT and "intake_request_supplement" in latest:
        e = latest["intake_request_supplement"]
        notices.append(
            Notice("supplement", _("Cần bổ sung trước khi được tiếp nhận"), _items(e), date=e.at)
        )
    if state == State.SUPPLEMENT_AFTER_REVIEW and "request_supplement" in latest:
        e = latest["request_supplement"]
        notices.append(Notice("supplement", _("Cần bổ sung hồ sơ"), _items(e), date=e.at))
    if state == State.INTAKE_REFUSED and "intake_refuse" in latest:
        e = latest["intake_refuse"]
        notices.append(Notice("refusal", _("Lý do không tiếp nhận"), _items(e), date=e.at))
    if state == State.REJECTED_AFTER_REVIEW and "reject" in latest:
        e = latest["reject"]
        notices.append(Notice("refusal", _("Lý do không giải quyết"), _items(e), date=e.at))
    if state == State.STOPPED and "stop" in latest:
        e = latest["stop"]
        notices.append(Notice("stop", _("Lý do dừng giải quyết"), _items(e), date=e.at))
    if "apology" in latest and state not in (State.RETURNED, State.WITHDRAWN):
        e = latest["apology"]
        new_date = _as_datetime((e.payload or {}).get("extended_due_at"))
        notices.append(
            Notice(
                "apology",
                _("Cơ quan xin lỗi vì chậm trả kết quả và hẹn lại ngày trả"),
                note=e.note,
                date=new_date or dossier.extended_due_at,
            )
        )
    if state == State.RESULT_READY:
        notices.append(
            Notice(
                "result",
                _("Kết quả đã sẵn sàng"),
                note=_(
                    "Mời ông/bà mang giấy tiếp nhận hồ sơ và giấy tờ tùy thân đến Bộ phận Một "
                    "cửa – %(unit)s để nhận kết quả."
                )
                % {"unit": dossier.current_unit.name},
            )
        )
    return notices


def dossier_status(dossier: Dossier, *, with_events: bool = True) -> DossierStatus:
    """The applicant's view of a dossier: plain state, appointment, visible history, notices
    (`with_events=False` for lists: no history, no notices, no extra query)."""
    events: list[DossierEvent] = []
    if with_events:
        events = list(DossierEvent.objects.raw(_history_sql(connection.vendor), [dossier.pk]))
    signed = (  # only a dossier with a `document_signed` event costs the query
        signed_result(dossier) if any(e.action == "document_signed" for e in events) else None
    )
    return DossierStatus(
        dossier=dossier,
        code=dossier.code or "",
        procedure_name=dossier.procedure_version.procedure.name,
        unit_name=dossier.unit.name,
        state=dossier.state,
        # (`get_state_display` hashes every lazy label of the choices: only when needed)
        state_label=str(CITIZEN_STATE_LABELS.get(dossier.state) or dossier.get_state_display()),
        masked_name=mask_name(dossier.applicant_name),
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        appointment=dossier.effective_due_at,
        history=[HistoryEntry(e.at, str(ACTION_LABELS.get(e.action, e.action))) for e in events],
        notices=_notices(dossier, events),
        signed_result_sha256=signed.sha256 if signed is not None else "",
    )


def signed_result(dossier: Dossier) -> Any:
    """The latest digitally signed result document of the dossier (`GeneratedDocument`), or
    None. Signed copies are made by `motcua.signing.documents.generated_document_sign`."""
    from motcua.documents.models import RESULT_KIND, GeneratedDocument

    return (
        GeneratedDocument.objects.filter(
            dossier=dossier, kind=RESULT_KIND, signed_from__isnull=False
        )
        .order_by("-created_at", "-pk")
        .first()
    )


normalise_code = normalise_secret = compact_upper


_NO_SECRET = b"\x00" * 6  # never equal to a real secret (letters and digits only)

# The look-up is the busiest public page: its two reads are plain SQL, written once, so no
# query is compiled per request (the ORM builds the model instances and converts the values);
# `vendor` keys the cache (quoting).


@cache
def _lookup_sql(vendor: str) -> str:
    """Every column of the dossier with `UPPER(code)` = the parameter (the `dossier_code_upper`
    index), and of its related rows only the names the status shows. The code is matched
    first, in a materialised CTE (PostgreSQL 12+, SQLite 3.35+): without statistics on the
    expression index the planner once chose to scan a unit's dossiers and cost 5 ms instead
    of 0.1. No ORDER BY … LIMIT, which can lead it to walk the primary key instead."""
    q = connection.ops.quote_name
    columns = ", ".join(f"d.{q(str(f.column))}" for f in Dossier._meta.concrete_fields)
    version, procedure = ProcedureVersion._meta.db_table, Procedure._meta.db_table
    unit = Unit._meta.db_table
    return (
        f"WITH d AS MATERIALIZED (SELECT * FROM {q(Dossier._meta.db_table)} "
        f"WHERE UPPER({q('code')}) = %s) "
        f"SELECT {columns}, v.{q('procedure_id')} AS lookup_procedure_id, "
        f"p.{q('name')} AS lookup_procedure_name, u.{q('name')} AS lookup_unit_name, "
        f"cu.{q('name')} AS lookup_current_unit_name FROM d "
        f"JOIN {q(version)} v ON v.{q('id')} = d.{q('procedure_version_id')} "
        f"JOIN {q(procedure)} p ON p.{q('id')} = v.{q('procedure_id')} "
        f"JOIN {q(unit)} u ON u.{q('id')} = d.{q('unit_id')} "
        f"JOIN {q(unit)} cu ON cu.{q('id')} = d.{q('current_unit_id')}"
    )


@cache
def _history_sql(vendor: str) -> str:
    """The events the applicant sees, in order: only what the history and notices show."""
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in ("id", "dossier_id", "at", "action", "note", "payload"))
    return (
        f"SELECT {columns} FROM {q(DossierEvent._meta.db_table)} "
        f"WHERE {q('dossier_id')} = %s AND {q('visible_to_applicant')} ORDER BY {q('seq')}"
    )


def _attach_names(dossier: Any) -> Dossier:
    """Give the dossier read by `_lookup_sql` its procedure and units, with only their names
    loaded (like `.only()`: any other column loads on first access)."""
    db = dossier._state.db
    procedure = Procedure.from_db(
        db, ["id", "name"], [dossier.lookup_procedure_id, dossier.lookup_procedure_name]
    )
    version = ProcedureVersion.from_db(
        db, ["id", "procedure_id"], [dossier.procedure_version_id, procedure.pk]
    )
    version.procedure = procedure
    dossier.procedure_version = version
    dossier.unit = Unit.from_db(db, ["id", "name"], [dossier.unit_id, dossier.lookup_unit_name])
    if dossier.current_unit_id == dossier.unit_id:
        dossier.current_unit = dossier.unit
    else:
        dossier.current_unit = Unit.from_db(
            db, ["id", "name"], [dossier.current_unit_id, dossier.lookup_current_unit_name]
        )
    return cast(Dossier, dossier)


def dossier_lookup(*, code: str, secret: str) -> Dossier | None:
    """The dossier whose code AND look-up secret (printed on the receipt) both match; never by
    the code alone. Constant-time comparison of the secret."""
    code = normalise_code(code)
    secret = normalise_secret(secret)
    if not code or not secret:
        return None
    # Codes are unique, so this is one row (case variants aside: the lowest id wins, as with
    # `code__iexact` + `.first()`).
    matches = list(Dossier.objects.raw(_lookup_sql(connection.vendor), [code]))
    dossier = min(matches, key=lambda d: d.pk) if matches else None
    if dossier is None or not dossier.lookup_secret:
        # Compare anyway, so an unknown code costs the same time as a wrong secret.
        hmac.compare_digest(secret.encode(), _NO_SECRET)
        return None
    if not hmac.compare_digest(secret.encode(), dossier.lookup_secret.upper().encode()):
        return None
    return _attach_names(dossier)


# ---------------------------------------------------------------------------------------------
# The citizen's own records
# ---------------------------------------------------------------------------------------------


def citizen_dossiers(user: User) -> QuerySet[Dossier]:
    """Dossiers whose applicant is `user`, newest first. Never anybody else's."""
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure_version__procedure", "unit")
        .order_by("-submitted_at", "-pk")
    )


def citizen_dossier_get(user: User, pk: int) -> Dossier:
    """The citizen's own dossier; `Dossier.DoesNotExist` (→ 404) for anybody else's."""
    return citizen_dossiers(user).select_related("current_unit").get(pk=pk)


def citizen_drafts(user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(user=user, dossier__isnull=True)
        .select_related("procedure_version__procedure")
        .order_by("-updated_at")
    )


def dossier_uploads(dossier: Dossier) -> QuerySet[Upload]:
    return Upload.objects.filter(dossier=dossier).select_related("component")


def upload_get_for_user(user: User, pk: int) -> Upload:
    """An upload the user may download: their own, one of their own dossiers', or, for staff,
    one of a dossier they may see (`dossiers.selectors.dossiers_for_user`). Raises
    `Upload.DoesNotExist` otherwise (→ 404, nothing revealed)."""
    from motcua.dossiers.selectors import dossiers_for_user

    upload = Upload.objects.select_related("dossier", "submission").get(pk=pk)
    if not user.is_authenticated:
        raise Upload.DoesNotExist
    if upload.uploaded_by_id == user.pk:
        return upload
    if upload.dossier is not None:
        if upload.dossier.applicant_id == user.pk:
            return upload
        is_staff = not getattr(user, "is_citizen", False)
        if is_staff and dossiers_for_user(user).filter(pk=upload.dossier.pk).exists():
            return upload
    raise Upload.DoesNotExist
