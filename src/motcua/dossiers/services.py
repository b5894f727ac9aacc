"""Writes of the dossier lifecycle: one keyword-only function per action (DOMAIN.md §1–§2).

Every service follows the same recipe (STYLE.md practices 1–3):

1. one `transaction.atomic`;
2. `SELECT … FOR UPDATE` on the dossier row, then the optimistic `expected_version` check
   (a mismatch raises `ConcurrentChange`);
3. `transitions.check_transition()` — the state machine and the role of the user in the
   dossier's current unit;
4. the action's own rules (time limits of NĐ61 art. 19), then the change;
5. `version += 1` and exactly one appended `DossierEvent`;
6. side effects only after the commit (`tasks.schedule`).

A refusal raises a `DomainError` with a Vietnamese message before anything is written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, Required, TypedDict, Unpack
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.models import Procedure, ProcedureVersion, ProcessStep
from motcua.catalogue.selectors import version_parts
from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied
from motcua.core.fastinsert import MAX_ROWS, insert_rows
from motcua.dossiers import codes, tasks
from motcua.dossiers.constants import TERMINAL_STATES, Channel, EventKind, State
from motcua.dossiers.hashchain import seal_chain
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, Transfer
from motcua.dossiers.selectors import check_form_data_editable, next_step, step_to_complete
from motcua.dossiers.transitions import (
    TRANSITIONS,
    Action,
    FormKind,
    Transition,
    check_transition,
    form_number,
    rule_set_for,
)
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import require_unit_in_force

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.calendar.workdays import DueResult, WorkCalendar

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: NĐ61 art. 19(4): the supplement notice after review is sent within 03 working days of receipt.
SUPPLEMENT_AFTER_REVIEW_WORKING_DAYS = 3


# --------------------------------------------------------------------------------------------
# Identity numbers (DOMAIN.md §10.2)
# --------------------------------------------------------------------------------------------

#: Province codes of the 12-digit personal identification number (the 63 provinces before the
#: 2025 merger; codes are not reassigned, DOMAIN §10.2 ❓). Births registered abroad carry a
#: country code that is not listed here.
PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
              35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
              68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96)
)  # fmt: skip
_ID_RE = re.compile(r"^[0-9]{12}$")


def _normalise_id_input(text: str) -> str:
    """Full-width digits typed with an East-Asian input method become ASCII digits (NFKC);
    invisible format characters (zero-width space, BOM, direction marks) are dropped. Other
    look-alikes (Cyrillic "о", Arabic-Indic digits) stay, and are refused."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def validate_id_number(
    number: str, *, birth_year: int | None = None, sex: str | None = None
) -> str:
    """Check a CCCD / personal identification number ``PPP G YY NNNNNN`` (DOMAIN.md §10.2).

    12 digits, no check digit; the province code must be a known one; when the birth year is
    given, the century/sex digit ``G`` and ``YY`` must match it; when the sex is given
    (``"male"``/``"female"``), ``G`` must be even for men and odd for women. Returns the
    number without spaces; raises `DomainError` otherwise.
    """
    value = re.sub(r"[\s.\-]", "", _normalise_id_input(number or ""))
    if not _ID_RE.match(value):
        if value and not value.isascii():
            raise DomainError(
                _("Số định danh cá nhân chỉ được gồm các chữ số 0–9 (có ký tự lạ: “%(chars)s”).")
                % {"chars": "".join(sorted({c for c in value if not c.isascii()}))[:10]}
            )
        if len(value) == 9 and value.isdigit():
            raise DomainError(
                _(
                    "Số CMND 9 số không còn giá trị từ 01/01/2025 (Luật Căn cước 2023); "
                    "vui lòng nhập số định danh cá nhân 12 số."
                )
            )
        raise DomainError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))
    if value[:3] not in PROVINCE_CODES:
        raise DomainError(
            _("Mã tỉnh “%(code)s” trong số định danh cá nhân không hợp lệ.") % {"code": value[:3]}
        )
    g = int(value[3])
    if birth_year is not None:
        century_digit = (birth_year // 100 - 19) * 2
        if not 0 <= century_digit <= 8 or g // 2 != century_digit // 2:
            raise DomainError(
                _("Chữ số thế kỷ của số định danh cá nhân không khớp với năm sinh %(year)s.")
                % {"year": birth_year}
            )
        if int(value[4:6]) != birth_year % 100:
            raise DomainError(
                _("Hai số năm sinh trong số định danh cá nhân không khớp với năm sinh %(year)s.")
                % {"year": birth_year}
            )
    if sex is not None:
        if sex not in {"male", "female"}:
            raise DomainError(_("Giới tính không hợp lệ."))
        if (g % 2 == 1) != (sex == "female"):
            raise DomainError(_("Chữ số giới tính của số định danh cá nhân không khớp."))
    return value


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _now(at: dt.datetime | None) -> dt.datetime:
    return at if at is not None else timezone.now()


def local_date(instant: dt.datetime) -> dt.date:
    return timezone.localtime(instant, VN_TZ).date()


def _calendar(unit: Unit) -> WorkCalendar:
    from motcua.calendar.selectors import calendar_for_unit

    return calendar_for_unit(unit)


def _remember_tail(dossier: Dossier, event: DossierEvent) -> None:
    """Keep the chain's last (seq, hash) on the instance for the next action of the same
    transaction (e.g. receive right after create at the counter), with the after-commit
    hand-off that `tasks.schedule` has just registered for the event."""
    pending = transaction.get_connection().run_on_commit
    handoff = pending[-1][1] if pending else None
    if (
        isinstance(handoff, partial)
        and handoff.func is tasks._enqueue
        and handoff.args == (event.pk,)
    ):
        dossier._chain_tail = (event.seq, event.hash, handoff)  # type: ignore[attr-defined]
    else:
        dossier.__dict__.pop("_chain_tail", None)


def _known_tail(dossier: Dossier) -> tuple[int, str] | None:
    """The (seq, hash) this transaction wrote last for `dossier`, if certainly still valid: the
    instance's version is that event's, and that very hand-off is still pending on the
    connection — Django drops the callbacks of a rolled-back savepoint or transaction and runs
    them all at the commit, so the event was written by the current transaction and not rolled
    back (an identity check: ids can be reused after a rollback on SQLite)."""
    tail = getattr(dossier, "_chain_tail", None)
    if tail is None:
        return None
    seq, digest, handoff = tail
    if seq != dossier.version:
        return None
    pending = transaction.get_connection().run_on_commit
    if not any(func is handoff for _sids, func, _robust in reversed(pending)):
        return None
    return seq, digest


def _lock(dossier: Dossier | int, expected_version: int | None) -> Dossier:
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        locked = Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist as exc:
        raise DomainError(_("Không tìm thấy hồ sơ."), code="not_found") from exc
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentChange(
            _("Hồ sơ vừa được người khác thay đổi. Vui lòng tải lại trang trước khi thao tác.")
        )
    if isinstance(dossier, Dossier) and dossier.version == locked.version:
        tail = getattr(dossier, "_chain_tail", None)
        if tail is not None and _known_tail(dossier) is not None:
            # Written by this same open transaction (e.g. created then received at the
            # counter): keep the chain's tail and the (published, frozen) procedure version.
            locked._chain_tail = tail  # type: ignore[attr-defined]
            field = Dossier._meta.get_field("procedure_version")
            if (
                field.is_cached(dossier)
                and dossier.procedure_version_id == locked.procedure_version_id
            ):
                locked.procedure_version = dossier.procedure_version
    if locked.unit_id == locked.current_unit_id:
        # The same row: load it once (check_transition, the calendar, codes, the event unit).
        locked.current_unit = locked.unit
    return locked


class _EventFields(TypedDict, total=False):
    """What an action says of its event (the dossier gives the rest: seq, to_state)."""

    action: Required[str]
    user: Required[User | None]
    at: Required[dt.datetime]
    from_state: Required[str]
    unit: Unit | None  # default: the dossier's current unit
    note: str
    form: str
    payload: dict[str, Any] | None
    visible_to_applicant: bool


def _new_event(dossier: Dossier, *, seq: int, **fields: Unpack[_EventFields]) -> DossierEvent:
    """The (unsaved, unsealed) event number `seq` of `dossier`, in its state after the change."""
    return DossierEvent(
        dossier=dossier,
        seq=seq,
        at=fields["at"],
        actor=fields["user"],
        unit=fields.get("unit") or dossier.current_unit,
        action=fields["action"],
        from_state=fields["from_state"],
        to_state=dossier.state,
        note=fields.get("note", ""),
        form=fields.get("form", ""),
        payload=fields.get("payload") or {},
        visible_to_applicant=fields.get("visible_to_applicant", True),
    )


def _record(dossier: Dossier, **fields: Unpack[_EventFields]) -> DossierEvent:
    """Bump the version, save the dossier and append its one event; schedule side effects.

    A dossier not yet in the database is inserted here (its first event needs no read)."""
    inserted = dossier.pk is None
    tail = None if inserted else _known_tail(dossier)
    dossier.version += 1
    dossier.save()
    if inserted:
        last_seq, last_hash = 0, ""
    elif tail is not None:
        last_seq, last_hash = tail
    else:
        last = dossier.events.order_by("-seq").values_list("seq", "hash").first()
        last_seq, last_hash = last or (0, "")
    event = _new_event(dossier, seq=last_seq + 1, **fields)
    event.seal(last_hash)  # tamper-evident chain (dossiers.hashchain)
    event.save()
    tasks.schedule(event.pk)
    _remember_tail(dossier, event)
    return event


def _move(dossier: Dossier, transition: Transition, at: dt.datetime) -> dict[str, Any]:
    """Apply `transition` to `dossier` in memory; the event fields it gives."""
    from_state = dossier.state
    if transition.target is not None:
        dossier.state = transition.target
        if transition.target in TERMINAL_STATES:
            dossier.closed_at = at
    form = transition.form_number(dossier.rule_set) if dossier.rule_set else ""
    return {"action": transition.action, "from_state": from_state, "form": form}


def _apply(
    dossier: Dossier,
    transition: Transition,
    *,
    user: User | None,
    at: dt.datetime,
    note: str = "",
    payload: dict[str, Any] | None = None,
    unit: Unit | None = None,
    visible_to_applicant: bool = True,
) -> DossierEvent:
    return _record(
        dossier,
        **_move(dossier, transition, at),
        user=user,
        at=at,
        unit=unit,
        note=note,
        payload=payload,
        visible_to_applicant=visible_to_applicant,
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _due_payload(result: DueResult) -> dict[str, Any]:
    return {"due_at": result.due_at.isoformat(), "due_explanation": result.explanation}


def compute_due(
    version: ProcedureVersion, calendar: WorkCalendar, start: dt.datetime, *, verify: bool
) -> DueResult:
    """Appointment time from the version's time limit (+ the verification extra, DOMAIN §2.1)."""
    amount = version.time_limit_amount
    if verify and version.verification_extra_amount:
        amount = amount + version.verification_extra_amount
    result = calendar.due(start, amount, version.time_limit_unit)
    if verify and version.verification_extra_amount:
        result.explanation.insert(
            0,
            _("Hồ sơ cần xác minh: cộng thêm %(extra)s theo quy định của thủ tục.")
            % {"extra": version.verification_extra_amount.normalize()},
        )
    return result


def _first_step(version: ProcedureVersion) -> ProcessStep | None:
    return version_parts(version).first_step  # read once per state of a published version


def _enter_step(
    dossier: Dossier, step: ProcessStep | None, calendar: WorkCalendar, start: dt.datetime
) -> dict[str, Any]:
    """Make `step` current with its own deadline (quy trình nội bộ); return the event payload."""
    dossier.current_step = step
    if step is None:
        dossier.current_step_due_at = None
        return {"step": None}
    result = calendar.due(start, step.allotted_amount, step.allotted_unit, explain=False)
    dossier.current_step_due_at = result.due_at
    return {
        "step": step.order,
        "step_name": step.name,
        "step_due_at": result.due_at.isoformat(),
        "step_due_explanation": result.explanation,
    }


def _tick_components(dossier: Dossier, provided_component_ids: Iterable[int] | None) -> None:
    if provided_component_ids is None:
        return
    provided = set(provided_component_ids)
    known = {c.component_id for c in dossier.components.all() if c.component_id is not None}
    unknown = provided - known
    if unknown:
        raise DomainError(_("Thành phần hồ sơ không thuộc thủ tục: %(ids)s.") % {"ids": unknown})
    for component in dossier.components.all():
        if component.component_id is None:
            continue
        flag = component.component_id in provided
        if component.provided != flag:
            component.provided = flag
            component.save(update_fields=["provided"])


def _missing_required(dossier: Dossier) -> list[str]:
    """Names of the version's required components not ticked as provided (one query)."""
    from motcua.catalogue.models import Component

    provided = DossierComponent.objects.filter(
        dossier=dossier, provided=True, component__isnull=False
    ).values("component_id")
    return list(
        Component.objects.filter(version_id=dossier.procedure_version_id, required=True)
        .exclude(pk__in=provided)
        .order_by("order", "pk")  # one version: its catalogue order, without joining it
        .values_list("name", flat=True)
    )


def _reasons_text(reasons: str | Iterable[str]) -> tuple[str, list[str]]:
    items = [reasons] if isinstance(reasons, str) else list(reasons)
    items = [r.strip() for r in items if r and r.strip()]
    if not items:
        raise DomainError(_("Vui lòng nêu rõ lý do."))
    return "; ".join(items), items


def _version_in_force(procedure: Procedure, on: dt.date) -> ProcedureVersion:
    from motcua.catalogue.selectors import version_in_force

    return _in_force_or_refuse(procedure, on, version_in_force(procedure, on))


def _version_and_calendar(
    procedure: Procedure, on: dt.date, unit: Unit
) -> tuple[ProcedureVersion, WorkCalendar]:
    """The version in force and the unit's calendar, with the calendar's freshness stamp read
    in the version's query (one round trip; two when they live in different databases)."""
    from motcua.calendar.selectors import calendar_for_unit, stamp_alias, stamp_columns
    from motcua.catalogue.selectors import version_in_force_with

    alias = stamp_alias()
    if alias != router.db_for_read(ProcedureVersion):
        return _version_in_force(procedure, on), _calendar(unit)
    version, stamp = version_in_force_with(procedure, on, stamp_columns(alias), alias)
    return _in_force_or_refuse(procedure, on, version), calendar_for_unit(unit, stamp=stamp)


def _in_force_or_refuse(
    procedure: Procedure, on: dt.date, version: ProcedureVersion | None
) -> ProcedureVersion:
    if version is None:
        raise DomainError(
            _("Thủ tục “%(name)s” không có phiên bản đang có hiệu lực ngày %(date)s.")
            % {"name": procedure.name, "date": on.strftime("%d/%m/%Y")}
        )
    version.procedure = procedure  # the row just filtered on: no second read
    return version


def _new_dossier(
    *,
    unit: Unit,
    version: ProcedureVersion,
    channel: Channel,
    at: dt.datetime,
    applicant: User | None,
    applicant_name: str,
    applicant_id_number: str,
    applicant_phone: str,
    applicant_email: str,
    applicant_address: str,
    copies: int,
    data: dict[str, Any] | None,
    needs_verification: bool,
) -> Dossier:
    if not applicant_name.strip():
        raise DomainError(_("Vui lòng nhập họ tên người nộp hồ sơ."))
    return Dossier(
        unit=unit,
        current_unit=unit,
        procedure_version=version,
        field_id=version.procedure.field_id,
        rule_set=rule_set_for(local_date(at)),
        channel=channel,
        state=State.DRAFT,
        applicant=applicant,
        applicant_name=applicant_name.strip(),
        applicant_id_number=applicant_id_number,
        applicant_phone=applicant_phone,
        applicant_email=applicant_email,
        applicant_address=applicant_address,
        copies=copies,
        data=data or {},
        needs_verification=needs_verification,
        submitted_at=at,
    )


def _catalogue_components(
    version: ProcedureVersion, provided_component_ids: Iterable[int]
) -> tuple[list[Any], set[int], list[str]]:
    """The version's components, the provided ids (all known, else `DomainError`) and the
    names of the required ones missing."""
    provided = set(provided_component_ids)
    catalogue = list(version_parts(version).components)
    unknown = provided - {c.pk for c in catalogue}
    if unknown:
        raise DomainError(_("Thành phần hồ sơ không thuộc thủ tục: %(ids)s.") % {"ids": unknown})
    return catalogue, provided, [c.name for c in catalogue if c.required and c.pk not in provided]


def _insert_components(dossier: Dossier, catalogue: list[Any], provided: set[int]) -> None:
    for chunk in range(0, len(catalogue), MAX_ROWS):
        insert_rows(
            [
                DossierComponent(
                    dossier=dossier,
                    component=c,
                    name=c.name,
                    kind=c.kind,
                    quantity=c.quantity,
                    provided=c.pk in provided,
                )
                for c in catalogue[chunk : chunk + MAX_ROWS]
            ]
        )


def _create_components(
    dossier: Dossier, version: ProcedureVersion, provided_component_ids: Iterable[int]
) -> list[str]:
    catalogue, provided, missing = _catalogue_components(version, provided_component_ids)
    _insert_components(dossier, catalogue, provided)
    return missing


# --------------------------------------------------------------------------------------------
# E-form data (tờ khai) typed by an officer
# --------------------------------------------------------------------------------------------


class FormDataInvalid(DomainError):
    """Values of the e-form that break its schema: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        self.errors = errors
        super().__init__(
            message or _("Tờ khai chưa lưu: %(n)s thông tin chưa hợp lệ.") % {"n": len(errors)},
            code="form_data_invalid",
        )


def form_data_clean(schema: Mapping[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The e-form data (tờ khai) of `values` as an officer typed them (field name → text, as the
    portal's e-form), checked against `schema` (`ProcedureVersion.eform_schema`): each non-empty
    value must fit it (type, format, pattern, enum), one Vietnamese message per field; an empty
    value is left out, a required field too (the work goes on without it, and the result
    document lists what it lacks). Returns the typed data (integers, booleans, ISO dates) of
    the schema's fields, names outside it ignored; raises `FormDataInvalid` if a value is wrong.
    Pure: no query. The one check of `dossier_form_data_update` and of the counter intake."""
    from motcua.portal import eform

    typed = {name: (values.get(name) or "").strip() for name in eform.field_order(schema)}
    clean, errors = eform.validate(schema, typed)
    errors = {name: message for name, message in errors.items() if typed[name]}
    if errors:
        raise FormDataInvalid(errors)
    return clean


def _typed_at_intake(
    version: ProcedureVersion, form_values: Mapping[str, str] | None
) -> dict[str, Any]:
    """The e-form data an officer typed while receiving (`CounterIntake.form_values`), checked
    by `form_data_clean`; {} at no cost when none of the e-form's fields was typed (the usual
    counter case: not even an unticked box is recorded then)."""
    if not form_values:
        return {}
    schema = version.eform_schema or {}
    if not any((form_values.get(name) or "").strip() for name in schema.get("properties") or ()):
        return {}
    try:
        return form_data_clean(schema, form_values)
    except FormDataInvalid as exc:
        raise FormDataInvalid(
            exc.errors,
            _(
                "Hồ sơ chưa được ghi nhận: tờ khai có %(n)s thông tin chưa hợp lệ; hãy sửa "
                "hoặc để trống các thông tin đó rồi gửi lại."
            )
            % {"n": len(exc.errors)},
        ) from None


# --------------------------------------------------------------------------------------------
# Intake (tiếp nhận) — NĐ61 arts. 16–17
# --------------------------------------------------------------------------------------------


class CounterIntake(TypedDict, total=False):
    """What the officer records of a dossier handed in at the counter or by post (the
    keyword arguments of `dossier_create_at_counter` and `dossier_receive_at_counter`)."""

    user: Required[User]
    unit: Required[Unit]
    procedure: Required[Procedure]
    applicant_name: Required[str]
    provided_component_ids: Required[Iterable[int]]
    channel: Channel | str  # counter (default) or postal
    applicant_id_number: str
    birth_year: int | None
    sex: str | None
    applicant_phone: str
    applicant_email: str
    applicant_address: str
    copies: int
    data: dict[str, Any] | None  # taken as it is (the demo, tests); `form_values` is checked
    #: The e-form (tờ khai) as the officer typed it at the counter (field name → text): checked
    #: by `form_data_clean` against the version in force (`FormDataInvalid` before anything is
    #: written), stored in `Dossier.data`, the names recorded in the `submit` event.
    form_values: Mapping[str, str] | None
    needs_verification: bool


class _CounterCheck(NamedTuple):
    """What `_counter_dossier` prepares for the intake services to write."""

    dossier: Dossier  # unsaved, state draft
    submit: Transition
    catalogue: list[Any]  # the version's components
    provided: set[int]
    missing: list[str]  # names of the required components not provided
    calendar: WorkCalendar
    form_fields: list[str]  # the e-form fields typed at intake (names, sorted)


def _counter_dossier(
    *,
    at: dt.datetime,
    user: User,
    unit: Unit,
    procedure: Procedure,
    applicant_name: str,
    provided_component_ids: Iterable[int],
    channel: Channel | str = Channel.COUNTER,
    applicant_id_number: str = "",
    birth_year: int | None = None,
    sex: str | None = None,
    applicant_phone: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    copies: int = 1,
    data: dict[str, Any] | None = None,
    form_values: Mapping[str, str] | None = None,
    needs_verification: bool = False,
) -> _CounterCheck:
    """The checks of a counter or postal intake and the unsaved dossier (state draft), with
    its `submit` transition, the catalogue's components, the provided ids, the names of the
    required ones missing, the unit's calendar (its freshness read with the version in force,
    one query) and the e-form fields typed. Reads only (inside the caller's transaction)."""
    from motcua.organisation.selectors import require_role

    channel = Channel(channel)
    if channel == Channel.ONLINE:
        raise DomainError(_("Hồ sơ trực tuyến được nộp qua Cổng dịch vụ công."))
    require_role(user, unit, Role.RECEIVER)
    require_unit_in_force(unit, local_date(at))
    id_number = ""
    if applicant_id_number:
        id_number = validate_id_number(applicant_id_number, birth_year=birth_year, sex=sex)
    version, calendar = _version_and_calendar(procedure, local_date(at), unit)
    typed = _typed_at_intake(version, form_values)
    if typed:
        data = {**(data or {}), **typed}
    dossier = _new_dossier(
        unit=unit,
        version=version,
        channel=channel,
        at=at,
        applicant=None,
        applicant_name=applicant_name,
        applicant_id_number=id_number,
        applicant_phone=applicant_phone,
        applicant_email=applicant_email,
        applicant_address=applicant_address,
        copies=copies,
        data=data,
        needs_verification=needs_verification,
    )
    transition = check_transition(dossier, Action.SUBMIT, user)
    catalogue, provided, missing = _catalogue_components(version, provided_component_ids)
    return _CounterCheck(dossier, transition, catalogue, provided, missing, calendar, sorted(typed))


def _submit_payload(check: _CounterCheck) -> dict[str, Any]:
    """The counter `submit` event's payload; `form_fields`: the e-form fields typed at intake
    (their names, never the values; only when there are some)."""
    payload: dict[str, Any] = {
        "channel": Channel(check.dossier.channel).value,
        "version": check.dossier.procedure_version_id,
        "missing": check.missing,
    }
    if check.form_fields:
        payload["form_fields"] = check.form_fields
    return payload


def dossier_create_at_counter(
    *, note: str = "", at: dt.datetime | None = None, **intake: Unpack[CounterIntake]
) -> Dossier:
    """Record a dossier handed in at the counter or by post (NĐ61 art. 16(1)–(2), 17(1)).

    The dossier is created in state `submitted` under the procedure version in force today,
    with its components ticked against the catalogue; the officer then receives it (Mẫu 01),
    asks for a supplement (Mẫu 02) or refuses it (Mẫu 03). A complete dossier received on
    the spot: `dossier_receive_at_counter` (the same records, written in one pass). E-form
    values typed at the counter (`form_values`) that break the schema raise `FormDataInvalid`
    before anything is written.
    """
    at = _now(at)
    with transaction.atomic():
        check = _counter_dossier(at=at, **intake)
        dossier = check.dossier
        _apply(  # inserts the dossier directly in its submitted state, with its first event
            dossier,
            check.submit,
            user=intake["user"],
            at=at,
            note=note,
            payload=_submit_payload(check),
        )
        _insert_components(dossier, check.catalogue, check.provided)
    return dossier


def dossier_receive_at_counter(
    *, note: str = "", at: dt.datetime | None = None, **intake: Unpack[CounterIntake]
) -> Dossier:
    """Record a complete dossier handed in at the counter or by post and receive it at once,
    issuing Mẫu 01 (NĐ61 art. 16(1)–(2), 17(1)(c), 17(3)) — the counter's usual case.

    Writes exactly what `dossier_create_at_counter` then `dossier_receive` write (the dossier
    in state `received` with its code, ledger number, secret and due date; its components;
    the events `submit` and `receive`, hash-chained; their outbox rows), in one pass: one
    INSERT each, no re-read and no lock of the new row, one broker message after the commit.
    A required component missing refuses the receipt before anything is written (the same
    message as `dossier_receive`); the officer then asks for a supplement (Mẫu 02) instead.
    So does e-form data typed at the counter that breaks the schema (`FormDataInvalid`); none
    typed costs nothing.
    """
    at = _now(at)
    with transaction.atomic():
        check = _counter_dossier(at=at, **intake)
        d = check.dossier
        _refuse_missing(check.missing)
        user = intake["user"]
        events = [_step_event(d, check.submit, user, at, payload=_submit_payload(check))]
        receive = check_transition(d, Action.RECEIVE, user)
        payload = _take_receipt(
            d, at=at, step=_first_step(d.procedure_version), calendar=check.calendar
        )
        events.append(_step_event(d, receive, user, at, note=note, payload=payload))
        insert_rows([d])
        for event in events:
            event.dossier = d
        seal_chain(events)  # tamper-evident chain (dossiers.hashchain), from its start
        _insert_components(d, check.catalogue, check.provided)
        insert_rows(events)
        tasks.schedule(*(e.pk for e in events))
    return d


def _step_event(
    d: Dossier, transition: Transition, user: User, at: dt.datetime, **more: Any
) -> DossierEvent:
    """Apply `transition` to the unsaved `d` in memory and return its (unsealed) event, the
    next of the chain (for a dossier written in one pass); `more`: note, payload."""
    fields = _move(d, transition, at)
    d.version += 1
    return _new_event(d, seq=d.version, user=user, at=at, **fields, **more)


def dossier_submit_online(
    *,
    user: User,
    unit: Unit,
    procedure: Procedure,
    idempotency_key: str,
    provided_component_ids: Iterable[int] = (),
    applicant_name: str = "",
    applicant_id_number: str = "",
    birth_year: int | None = None,
    sex: str | None = None,
    applicant_phone: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    copies: int = 1,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A citizen submits online (NĐ61 art. 16(3), 17(2)). The clock does not start here.

    `idempotency_key` (chosen by the portal per form submission) makes a retried request
    return the dossier created by the first one instead of a duplicate.
    """
    from motcua.accounts.models import User as UserModel

    at = _now(at)
    if not getattr(user, "is_citizen", False):
        raise PermissionDenied(_("Chỉ tài khoản công dân, tổ chức được nộp hồ sơ trực tuyến."))
    if not idempotency_key:
        raise DomainError(_("Thiếu khóa chống gửi trùng."))
    require_unit_in_force(unit, local_date(at))
    id_number = ""
    if applicant_id_number:
        id_number = validate_id_number(applicant_id_number, birth_year=birth_year, sex=sex)
    with transaction.atomic():
        # Serialise the submissions of one account so a retried request cannot race.
        UserModel.objects.select_for_update().filter(pk=user.pk).first()
        previous = (
            DossierEvent.objects.filter(
                action=Action.SUBMIT, actor=user, payload__idempotency_key=idempotency_key
            )
            .select_related("dossier")
            .first()
        )
        if previous is not None:
            return previous.dossier
        version = _version_in_force(procedure, local_date(at))
        dossier = _new_dossier(
            unit=unit,
            version=version,
            channel=Channel.ONLINE,
            at=at,
            applicant=user,
            applicant_name=applicant_name or user.display_name,
            applicant_id_number=id_number,
            applicant_phone=applicant_phone or user.phone,
            applicant_email=applicant_email or user.email,
            applicant_address=applicant_address,
            copies=copies,
            data=data,
            needs_verification=False,
        )
        transition = check_transition(dossier, Action.SUBMIT, user)
        dossier.save()
        missing = _create_components(dossier, version, provided_component_ids)
        _apply(
            dossier,
            transition,
            user=user,
            at=at,
            payload={
                "channel": Channel.ONLINE.value,
                "version": version.pk,
                "missing": missing,
                "idempotency_key": idempotency_key,
            },
        )
    return dossier


def dossier_resubmit_online(
    *,
    dossier: Dossier | int,
    user: User,
    provided_component_ids: Iterable[int] | None = None,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The citizen sends the supplemented online dossier back (after the intake notice)."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.SUBMIT, user)
        _tick_components(d, provided_component_ids)
        d.submitted_at = at
        _apply(d, transition, user=user, at=at, payload={"resubmission": True})
    return d


def dossier_intake_request_supplement(
    *,
    dossier: Dossier | int,
    user: User,
    reasons: str | Iterable[str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Incomplete at intake: guide the applicant once, in full, on Mẫu 02 (NĐ61 art. 15(3),
    17(1)(a), 17(2)(a)). The dossier is not received and no clock runs (DOMAIN §2.4)."""
    at = _now(at)
    note, items = _reasons_text(reasons)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.INTAKE_REQUEST_SUPPLEMENT, user)
        d.rule_set = rule_set_for(local_date(at))
        _apply(d, transition, user=user, at=at, note=note, payload={"items": items})
    return d


def dossier_intake_refuse(
    *,
    dossier: Dossier | int,
    user: User,
    reasons: str | Iterable[str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse to receive, stating reasons on Mẫu 03 (NĐ61 art. 17(1)(b))."""
    at = _now(at)
    note, items = _reasons_text(reasons)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.INTAKE_REFUSE, user)
        d.rule_set = rule_set_for(local_date(at))
        _apply(d, transition, user=user, at=at, note=note, payload={"items": items})
    return d


def online_clock_start(dossier: Dossier, calendar: WorkCalendar, received_at: dt.datetime) -> Any:
    """When an online dossier's clock starts (DOMAIN §2.3 ❓, setting ONLINE_CLOCK_START):
    "receipt" (default) = the officer's receipt; "submission" = the submission moved to the
    next working session."""
    mode = settings.MOTCUA.get("ONLINE_CLOCK_START", "receipt")
    if dossier.channel == Channel.ONLINE and mode == "submission" and dossier.submitted_at:
        return calendar.next_working_start(dossier.submitted_at)
    return received_at


def _refuse_missing(missing: list[str]) -> None:
    """No receipt while a required component is missing (NĐ61 art. 17(1)(c))."""
    if missing:
        raise DomainError(
            _(
                "Hồ sơ còn thiếu thành phần bắt buộc: %(items)s. Không thể tiếp nhận; "
                "hãy hướng dẫn bổ sung (Mẫu 02)."
            )
            % {"items": ", ".join(missing)}
        )


def _take_receipt(
    d: Dossier, *, at: dt.datetime, step: ProcessStep | None, calendar: WorkCalendar | None = None
) -> dict[str, Any]:
    """Give `d` what its receipt at `at` gives (code, ledger number, secret, rule set, clock
    start, due date, first step with its deadline) and return the `receive` event's payload
    (`calendar`: the receiving unit's, when the caller has it already)."""
    calendar = calendar or _calendar(d.unit)
    day = local_date(at)
    d.received_at = at
    d.rule_set = rule_set_for(day)
    d.lookup_secret = codes.new_lookup_secret()
    d.clock_started_at = online_clock_start(d, calendar, at)
    result = compute_due(
        d.procedure_version, calendar, d.clock_started_at, verify=d.needs_verification
    )
    d.due_at = result.due_at
    step_payload = _enter_step(d, step, calendar, at)
    # The counters last: their rows stay locked until the commit, and the unit's other
    # receipts wait for them.
    d.code, d.ledger_number = codes.next_code_and_ledger(d.unit, day)
    d.ledger_year = day.year
    payload: dict[str, Any] = {
        "code": d.code,
        "ledger": [d.ledger_year, d.ledger_number],
        "clock_started_at": d.clock_started_at.isoformat(),
        **_due_payload(result),
    }
    payload.update(step_payload)
    return payload


def dossier_receive(
    *,
    dossier: Dossier | int,
    user: User,
    provided_component_ids: Iterable[int] | None = None,
    needs_verification: bool | None = None,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Receive a complete dossier and issue Mẫu 01 (NĐ61 art. 17(1)(c), 17(2)(b), 17(3)).

    Assigns the dossier code (art. 26, DOMAIN §1.5), the tracking-ledger number (TT01/2018
    art. 10), the look-up secret, the rule set of the receipt date, starts the clock and
    computes the appointment time (`due_at`) and the first step's deadline on the receiving
    unit's calendar (DOMAIN §2.2–2.3). Missing required components refuse the receipt.
    """
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.RECEIVE, user)
        _tick_components(d, provided_component_ids)
        _refuse_missing(_missing_required(d))
        if needs_verification is not None:
            d.needs_verification = needs_verification
        payload = _take_receipt(d, at=at, step=_first_step(d.procedure_version))
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


# --------------------------------------------------------------------------------------------
# Processing (giải quyết) — NĐ61 arts. 18–19
# --------------------------------------------------------------------------------------------


def dossier_assign(
    *,
    dossier: Dossier | int,
    user: User,
    assignee: User,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the dossier to the officer who appraises it (NĐ61 art. 18, 19(1))."""
    from motcua.organisation.selectors import user_has_role

    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.ASSIGN, user)
        if not user_has_role(assignee, d.current_unit, Role.SPECIALIST, Role.LEADER):
            raise DomainError(
                _("%(name)s không phải chuyên viên hoặc lãnh đạo của %(unit)s.")
                % {"name": assignee.display_name, "unit": d.current_unit.name}
            )
        previous = d.assignee_id
        d.assignee = assignee
        payload: dict[str, Any] = {"assignee": assignee.pk, "previous_assignee": previous}
        step = d.current_step
        if (
            step is not None
            and step.role == Role.RECEIVER
            and step == _first_step(d.procedure_version)
        ):
            # The one-stop desk's first step (tiếp nhận, chuyển hồ sơ) ends when the dossier is
            # handed over for processing: the next step starts now (Mẫu 06's first row).
            following = next_step(d)
            if following is not None:
                payload.update(_complete_step(d, step, following, at))
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def _complete_step(
    d: Dossier, step: ProcessStep, following: ProcessStep, at: dt.datetime
) -> dict[str, Any]:
    """Finish `step` at `at` and enter `following` with its own deadline; the payload."""
    payload: dict[str, Any] = {
        "completed_step": step.order,
        "completed_step_name": step.name,
        "completed_on_time": d.current_step_due_at is None or at <= d.current_step_due_at,
    }
    payload.update(_enter_step(d, following, _calendar(d.current_unit), at))
    return payload


def dossier_step_complete(
    *,
    dossier: Dossier | int,
    user: User,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Finish the current step of the internal process and start the next one with its own
    deadline (NĐ61 art. 19(1)–(3); each hand-over is a row of the control sheet, Mẫu 05/06)."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.STEP_COMPLETE, user)
        step, following = step_to_complete(d, user)
        payload = _complete_step(d, step, following, at)
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def _limit_due(
    unit: Unit, at: dt.datetime, amount: Decimal | int, limit_unit: LimitUnit | str
) -> DueResult:
    return _calendar(unit).due(at, Decimal(amount), limit_unit)


def dossier_consult_send(
    *,
    dossier: Dossier | int,
    user: User,
    to_unit: Unit,
    content: str,
    amount: Decimal | int = 3,
    limit_unit: LimitUnit | str = LimitUnit.WORKING_DAYS,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask another agency's opinion with content and deadline (NĐ61 art. 19(5)). The dossier
    stays in its unit's queue; the consulted unit answers with `dossier_consult_answer`."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.CONSULT_SEND, user)
        if to_unit.pk == d.current_unit_id:
            raise DomainError(_("Không thể lấy ý kiến chính đơn vị đang xử lý hồ sơ."))
        require_unit_in_force(to_unit, local_date(at))
        if not content.strip():
            raise DomainError(_("Vui lòng nêu nội dung cần lấy ý kiến."))
        result = _limit_due(d.current_unit, at, amount, limit_unit)
        transfer = Transfer.objects.create(
            dossier=d,
            kind=Transfer.Kind.CONSULT,
            from_unit=d.current_unit,
            to_unit=to_unit,
            content=content,
            sent_at=at,
            due_at=result.due_at,
        )
        payload = {"transfer": transfer.pk, "to_unit": to_unit.pk, **_due_payload(result)}
        _apply(d, transition, user=user, at=at, note=content, payload=payload)
    return d


def dossier_consult_answer(
    *,
    dossier: Dossier | int,
    user: User,
    answer: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The consulted unit records its answer (NĐ61 art. 19(5)(b)); processing resumes."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.CONSULT_ANSWER, user)
        if not answer.strip():
            raise DomainError(_("Vui lòng nhập ý kiến trả lời."))
        transfer = d.transfers.get(kind=Transfer.Kind.CONSULT, answered_at__isnull=True)
        transfer.answered_at = at
        transfer.answer = answer
        transfer.save(update_fields=["answered_at", "answer"])
        payload = {
            "transfer": transfer.pk,
            "on_time": transfer.due_at is None or at <= transfer.due_at,
        }
        _apply(d, transition, user=user, at=at, note=answer, payload=payload, unit=transfer.to_unit)
    return d


def dossier_transfer_send(
    *,
    dossier: Dossier | int,
    user: User,
    to_unit: Unit,
    content: str,
    amount: Decimal | int,
    limit_unit: LimitUnit | str = LimitUnit.WORKING_DAYS,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Liên thông: send the dossier to another unit with its own time allotment (NĐ61 art.
    18(3), 19(6)–(7)). `current_unit` moves there: its staff process it in their queue, and
    its deadline is computed on its own calendar."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.TRANSFER_SEND, user)
        from_unit = d.current_unit
        if to_unit.pk == from_unit.pk:
            raise DomainError(_("Đơn vị nhận liên thông phải khác đơn vị đang xử lý."))
        require_unit_in_force(to_unit, local_date(at))
        result = _limit_due(to_unit, at, amount, limit_unit)
        transfer = Transfer.objects.create(
            dossier=d,
            kind=Transfer.Kind.TRANSFER,
            from_unit=from_unit,
            to_unit=to_unit,
            content=content,
            sent_at=at,
            due_at=result.due_at,
        )
        d.current_unit = to_unit
        d.assignee = None
        payload = {
            "transfer": transfer.pk,
            "from_unit": from_unit.pk,
            "to_unit": to_unit.pk,
            **_due_payload(result),
        }
        _apply(d, transition, user=user, at=at, note=content, payload=payload, unit=from_unit)
    return d


def dossier_transfer_return(
    *,
    dossier: Dossier | int,
    user: User,
    result: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The receiving unit sends its result back to the sending unit (NĐ61 art. 19(6)–(7))."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.TRANSFER_RETURN, user)
        transfer = d.transfers.filter(kind=Transfer.Kind.TRANSFER, answered_at__isnull=True).first()
        if transfer is None:
            raise DomainError(_("Hồ sơ không có yêu cầu liên thông nào đang mở."))
        transfer.answered_at = at
        transfer.answer = result
        transfer.save(update_fields=["answered_at", "answer"])
        acting_unit = d.current_unit
        d.current_unit = transfer.from_unit
        payload = {
            "transfer": transfer.pk,
            "from_unit": acting_unit.pk,
            "to_unit": transfer.from_unit_id,
            "on_time": transfer.due_at is None or at <= transfer.due_at,
        }
        _apply(d, transition, user=user, at=at, note=result, payload=payload, unit=acting_unit)
    return d


def dossier_request_supplement(
    *,
    dossier: Dossier | int,
    user: User,
    reasons: str | Iterable[str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """After appraisal: ask for a supplement on Mẫu 02, no later than 03 working days from
    receipt (NĐ61 art. 19(4)). The clock stops until the complete dossier comes back."""
    at = _now(at)
    note, items = _reasons_text(reasons)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.REQUEST_SUPPLEMENT, user)
        assert d.clock_started_at is not None
        calendar = _calendar(d.unit)
        elapsed = calendar.working_days_between(local_date(d.clock_started_at), local_date(at))
        if elapsed > SUPPLEMENT_AFTER_REVIEW_WORKING_DAYS:
            raise DomainError(
                _(
                    "Đã quá 03 ngày làm việc kể từ ngày tiếp nhận (%(days)s ngày): không được "
                    "yêu cầu bổ sung (NĐ 61/2018 Điều 19 khoản 4). Hãy giải quyết hoặc từ chối "
                    "giải quyết hồ sơ."
                )
                % {"days": elapsed}
            )
        d.supplement_count += 1
        payload = {
            "items": items,
            "working_days_since_receipt": elapsed,
            "clock_stopped_at": at.isoformat(),
            "due_at_before": _iso(d.due_at),
        }
        d.current_step_due_at = None
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def dossier_supplement_complete(
    *,
    dossier: Dossier | int,
    user: User,
    provided_component_ids: Iterable[int] | None = None,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The complete dossier is back: the time limit restarts from zero (NĐ61 art. 19(4)).

    New `clock_started_at` and `due_at`, the internal process restarts at its first step; the
    previous clock is kept in the event payload. An earlier extension no longer applies.
    """
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.SUPPLEMENT_COMPLETE, user)
        _tick_components(d, provided_component_ids)
        missing = _missing_required(d)
        if missing:
            raise DomainError(
                _("Hồ sơ bổ sung vẫn còn thiếu: %(items)s.") % {"items": ", ".join(missing)}
            )
        calendar = _calendar(d.unit)
        result = compute_due(d.procedure_version, calendar, at, verify=d.needs_verification)
        payload: dict[str, Any] = {
            "previous_clock_started_at": _iso(d.clock_started_at),
            "previous_due_at": _iso(d.due_at),
            "previous_extended_due_at": _iso(d.extended_due_at),
            "clock_started_at": at.isoformat(),
            **_due_payload(result),
        }
        d.clock_started_at = at
        d.due_at = result.due_at
        d.extended_due_at = None
        payload.update(_enter_step(d, _first_step(d.procedure_version), calendar, at))
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def dossier_financial_obligation(
    *,
    dossier: Dossier | int,
    user: User,
    amount: Decimal,
    description: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Notify a financial obligation (fees, taxes) before the result (NĐ61 art. 22)."""
    at = _now(at)
    if amount <= 0:
        raise DomainError(_("Số tiền phải lớn hơn 0."))
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.FINANCIAL_OBLIGATION, user)
        payload = {"amount": str(amount), "description": description}
        _apply(d, transition, user=user, at=at, note=description, payload=payload)
    return d


def dossier_financial_paid(
    *,
    dossier: Dossier | int,
    user: User,
    receipt_number: str,
    channel: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Record the payment voucher or receipt (NĐ61 art. 22); processing resumes."""
    at = _now(at)
    if not receipt_number.strip():
        raise DomainError(_("Vui lòng nhập số biên lai, chứng từ nộp tiền."))
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.FINANCIAL_PAID, user)
        payload = {"receipt_number": receipt_number, "channel": channel}
        _apply(d, transition, user=user, at=at, payload=payload)
    return d


def dossier_financial_paid_online(
    *,
    dossier: Dossier | int,
    receipt_number: str,
    provider: str,
    at: dt.datetime | None = None,
) -> Dossier:
    """A fee or financial obligation paid through the online payment platform (NĐ61 art. 22;
    NĐ 45/2020 art. 13 electronic payment): the verified notice of the payment provider stands
    for the officer's check of the receipt, so the event has no actor. Called only by
    `motcua.payments.services.payment_confirm` after it checked the provider's signature and
    the amount. A dossier not waiting for a financial obligation is left as it is."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, None)
        if d.state != State.FINANCIAL_OBLIGATION:
            return d
        transition = TRANSITIONS[Action.FINANCIAL_PAID]
        payload = {"receipt_number": receipt_number, "channel": "online", "provider": provider}
        _apply(d, transition, user=None, at=at, payload=payload)
    return d


def dossier_approve(
    *,
    dossier: Dossier | int,
    user: User,
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The leader approves the result (NĐ61 art. 19(1)–(2)); `finished_at` is the "processing
    completed" instant of the statistics (DOMAIN §2.5)."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.APPROVE, user)
        d.finished_at = at
        due = d.effective_due_at
        payload: dict[str, Any] = {
            "finished_at": at.isoformat(),
            "on_time": due is None or at <= due,
        }
        payload.update(_enter_step(d, _step_after_approval(d), _calendar(d.current_unit), at))
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def _step_after_approval(dossier: Dossier) -> ProcessStep | None:
    """The step after the last approval (leader) step and after the current one: usually the
    hand-over at the one-stop desk. None when the process has no step left."""
    steps = dossier.procedure_version.steps
    last_leader = steps.filter(role=Role.LEADER).order_by("-order").first()
    anchor = max(
        dossier.current_step.order if dossier.current_step else 0,
        last_leader.order if last_leader else 0,
    )
    return steps.filter(order__gt=anchor).order_by("order").first()


def dossier_reject(
    *,
    dossier: Dossier | int,
    user: User,
    reasons: str | Iterable[str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse after appraisal with a written notice (Phiếu từ chối), issued within the
    processing time limit (NĐ61 art. 19(8))."""
    at = _now(at)
    note, items = _reasons_text(reasons)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.REJECT, user)
        due = d.effective_due_at
        if due is not None and at > due:
            raise DomainError(
                _(
                    "Đã quá thời hạn giải quyết (%(due)s): thông báo từ chối phải được ban hành "
                    "trong thời hạn (NĐ 61/2018 Điều 19 khoản 8)."
                )
                % {"due": timezone.localtime(due, VN_TZ).strftime("%H:%M %d/%m/%Y")}
            )
        d.finished_at = at
        d.current_step = None
        d.current_step_due_at = None
        _apply(d, transition, user=user, at=at, note=note, payload={"items": items})
    return d


def dossier_apologise(
    *,
    dossier: Dossier | int,
    user: User,
    reason: str,
    new_due_at: dt.datetime,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Apology letter with a new appointment date, Mẫu 04 (NĐ61 art. 19(9)): at most once,
    no later than 01 day before the deadline; sets `extended_due_at`."""
    at = _now(at)
    if not reason.strip():
        raise DomainError(_("Vui lòng nêu rõ lý do chậm trễ."))
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.APOLOGY, user)
        if d.apology_issued_at is not None:
            raise DomainError(
                _("Chỉ được hẹn lại ngày trả kết quả một lần (NĐ 61/2018 Điều 19 khoản 9).")
            )
        if d.due_at is None:
            raise DomainError(_("Hồ sơ chưa có ngày hẹn trả."))
        latest = local_date(d.due_at) - dt.timedelta(days=1)
        if local_date(at) > latest:
            raise DomainError(
                _(
                    "Phiếu xin lỗi phải gửi chậm nhất 01 ngày trước hạn giải quyết, tức ngày "
                    "%(date)s (NĐ 61/2018 Điều 19 khoản 9)."
                )
                % {"date": latest.strftime("%d/%m/%Y")}
            )
        if new_due_at <= d.due_at:
            raise DomainError(_("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."))
        d.apology_issued_at = at
        d.extended_due_at = new_due_at
        payload = {"due_at": d.due_at.isoformat(), "extended_due_at": new_due_at.isoformat()}
        _apply(d, transition, user=user, at=at, note=reason, payload=payload)
    return d


# --------------------------------------------------------------------------------------------
# Return and closing — NĐ61 art. 20; DOMAIN §1.10
# --------------------------------------------------------------------------------------------


def dossier_return_result(
    *,
    dossier: Dossier | int,
    user: User,
    recipient_name: str,
    recipient_id_number: str = "",
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Hand the result over and record who received it (NĐ61 art. 20)."""
    at = _now(at)
    if not recipient_name.strip():
        raise DomainError(_("Vui lòng ghi rõ họ tên người nhận kết quả."))
    id_number = validate_id_number(recipient_id_number) if recipient_id_number else ""
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.RETURN_RESULT, user)
        d.returned_at = at
        d.current_step = None
        d.current_step_due_at = None
        payload = {"recipient_name": recipient_name.strip(), "recipient_id_number": id_number}
        _apply(d, transition, user=user, at=at, note=note, payload=payload)
    return d


def dossier_withdraw(
    *,
    dossier: Dossier | int,
    user: User,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (on request; DOMAIN §1.10). Ends the clock."""
    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.WITHDRAW, user)
        d.current_step = None
        d.current_step_due_at = None
        _apply(d, transition, user=user, at=at, note=reason, payload={})
    return d


def dossier_stop(
    *,
    dossier: Dossier | int,
    user: User,
    reasons: str | Iterable[str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The agency stops processing with a notice (DOMAIN §1.10; Mẫu 05 of TT 03/2025 under
    ND118-2025). Ends the clock."""
    at = _now(at)
    note, items = _reasons_text(reasons)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        transition = check_transition(d, Action.STOP, user)
        d.current_step = None
        d.current_step_due_at = None
        _apply(d, transition, user=user, at=at, note=note, payload={"items": items})
    return d


# --------------------------------------------------------------------------------------------
# Facts that do not change the state (EventKind)
# --------------------------------------------------------------------------------------------


def _record_fact(
    dossier: Dossier | int,
    *,
    user: User,
    kind: EventKind,
    role: str,
    refused: str,
    draft_refused: str,
    payload: dict[str, Any],
    note: str,
    at: dt.datetime | None,
    expected_version: int | None = None,
    visible_to_applicant: bool,
) -> DossierEvent:
    """Append one event that records a fact about the dossier without changing its state
    (`EventKind`): the user must hold `role` in the receiving or the current unit, and a draft
    has no such facts. One transaction, the row locked, like every transition."""
    from motcua.dossiers.selectors import holds_role_for

    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        if not holds_role_for(user, d, role):
            raise PermissionDenied(refused)
        if d.state == State.DRAFT:
            raise DomainError(draft_refused)
        return _record(
            d,
            action=kind.value,
            user=user,
            at=at,
            from_state=d.state,
            note=note,
            payload=payload,
            visible_to_applicant=visible_to_applicant,
        )


def dossier_component_digitised(
    *,
    dossier: Dossier | int,
    user: User,
    payload: dict[str, Any],
    note: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> DossierEvent:
    """Record that a component (or the electronic result) of the dossier was digitised
    (QĐ 766 group 4; `motcua.digitisation.services.component_digitise` stores the file first,
    in the same transaction). The state does not change; one event is appended, not shown to
    the applicant. Only a receiver (Một cửa) of the receiving or the current unit may do it;
    a draft cannot be digitised."""
    return _record_fact(
        dossier,
        user=user,
        kind=EventKind.COMPONENT_DIGITISED,
        role=Role.RECEIVER,
        refused=_("Chỉ cán bộ tiếp nhận (Một cửa) của đơn vị được số hóa hồ sơ này."),
        draft_refused=_("Hồ sơ nháp chưa được số hóa."),
        payload=payload,
        note=note,
        at=at,
        expected_version=expected_version,
        visible_to_applicant=False,
    )


def dossier_document_signed(
    *,
    dossier: Dossier | int,
    user: User,
    payload: dict[str, Any],
    note: str = "",
    at: dt.datetime | None = None,
) -> DossierEvent:
    """Record that a leader signed a document of the dossier digitally (Luật Giao dịch điện tử
    2023 art. 22–23; NĐ 30/2020 for the stamp; `motcua.signing.documents` stores the signed
    file in the same transaction). The state does not change; the applicant sees the event.
    Only a leader of the receiving or the current unit may sign; a draft has nothing to sign."""
    return _record_fact(
        dossier,
        user=user,
        kind=EventKind.DOCUMENT_SIGNED,
        role=Role.LEADER,
        refused=_("Chỉ lãnh đạo của đơn vị được ký số văn bản của hồ sơ này."),
        draft_refused=_("Hồ sơ nháp chưa có văn bản để ký."),
        payload=payload,
        note=note,
        at=at,
        visible_to_applicant=True,
    )


def dossier_form_data_update(
    *,
    dossier: Dossier | int,
    user: User,
    values: Mapping[str, str],
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Complete or correct the dossier's e-form data (tờ khai, `Dossier.data`) from `values`
    typed by an officer (field name → text, as the portal's e-form): the data the result
    document is filled with (`documents.services.result_render`). A counter dossier has none
    until an officer types it from the paper form; an online one may need a correction.

    Each non-empty value is checked against the version's e-form schema (type, format,
    pattern, enum) — one Vietnamese message per field, nothing saved if any is wrong; an
    empty value removes the field; a required field may stay empty while the work goes on
    (the result document then lists what it lacks). One event (`form_data_updated`, the names
    of the fields changed, not their values; not shown to the applicant). Refused on a draft
    or a finished dossier, once the result document has been issued, and for anyone but a
    receiver, specialist or leader of the receiving or current unit."""
    from motcua.portal import eform

    at = _now(at)
    with transaction.atomic():
        d = _lock(dossier, expected_version)
        check_form_data_editable(d, user)
        schema = d.procedure_version.eform_schema or {}
        clean = form_data_clean(schema, values)
        names = eform.field_order(schema)
        old = dict(d.data or {})
        new = {k: v for k, v in old.items() if k not in names}
        new.update(clean)
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if not changed:
            return d
        d.data = new
        _record(
            d,
            action=EventKind.FORM_DATA_UPDATED,
            user=user,
            at=at,
            from_state=d.state,
            payload={"fields": changed},
            visible_to_applicant=False,
        )
    return d


__all__ = [
    "PROVINCE_CODES",
    "FormDataInvalid",
    "FormKind",
    "compute_due",
    "dossier_apologise",
    "dossier_approve",
    "dossier_assign",
    "dossier_component_digitised",
    "dossier_consult_answer",
    "dossier_consult_send",
    "dossier_create_at_counter",
    "dossier_document_signed",
    "dossier_financial_obligation",
    "dossier_financial_paid",
    "dossier_financial_paid_online",
    "dossier_form_data_update",
    "dossier_intake_refuse",
    "dossier_intake_request_supplement",
    "dossier_receive",
    "dossier_reject",
    "dossier_request_supplement",
    "dossier_resubmit_online",
    "dossier_return_result",
    "dossier_step_complete",
    "dossier_stop",
    "dossier_submit_online",
    "dossier_supplement_complete",
    "dossier_transfer_return",
    "dossier_transfer_send",
    "dossier_withdraw",
    "form_data_clean",
    "form_number",
    "validate_id_number",
]
