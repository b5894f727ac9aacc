"""Writes for administrative units, memberships and the staffing registry.

Every function is keyword-only, runs in one transaction and raises `DomainError` with a
Vietnamese message when a rule refuses the change (nothing is written then).

The unit tree is kept as a materialised path of codes (`/30/298/11098/`): `unit_create` and
`unit_update` are the only writers of `Unit.path`, so a subtree is always one prefix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.organisation.constants import Role, StaffCategory, UnitKind
from motcua.organisation.models import Membership, StaffingQuota, StaffPosition, Unit
from motcua.organisation.selectors import user_roles_forget

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_UNSET: Any = object()


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise DomainError(_("Mã đơn vị không được để trống."))
    if not CODE_RE.match(code) or len(code) > 32:
        raise DomainError(
            _("Mã đơn vị “%(code)s” chỉ được gồm chữ, số, dấu chấm, gạch ngang (tối đa 32 ký tự).")
            % {"code": code}
        )
    return code


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(
            _("Ngày hết hiệu lực (%(to)s) không được trước ngày có hiệu lực (%(frm)s).")
            % {"to": valid_to.strftime("%d/%m/%Y"), "frm": valid_from.strftime("%d/%m/%Y")}
        )


def _path_for(code: str, parent: Unit | None) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    agency_identifier: str = "",
    address: str = "",
) -> Unit:
    """Create a unit under `parent` (None: a root, e.g. a province) with its path."""
    code = _check_code(code)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Tên đơn vị không được để trống."))
    if kind not in UnitKind.values:
        raise DomainError(_("Loại đơn vị “%(kind)s” không hợp lệ.") % {"kind": kind})
    _check_dates(valid_from, valid_to)
    if Unit.objects.filter(code=code).exists():
        raise DomainError(_("Mã đơn vị “%(code)s” đã tồn tại.") % {"code": code})
    return Unit.objects.create(
        code=code,
        name=name,
        name_search=fold(name),
        kind=kind,
        parent=parent,
        path=_path_for(code, parent),
        valid_from=valid_from,
        valid_to=valid_to,
        agency_identifier=agency_identifier,
        address=address,
    )


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    code: str = _UNSET,
    name: str = _UNSET,
    kind: str = _UNSET,
    parent: Unit | None = _UNSET,
    valid_from: dt.date | None = _UNSET,
    valid_to: dt.date | None = _UNSET,
    agency_identifier: str = _UNSET,
    address: str = _UNSET,
) -> Unit:
    """Change the given fields of `unit` (omitted ones stay as they are).

    A new parent or a new code rewrites the path of the unit and of its whole subtree. Moving a
    unit under itself or under one of its descendants is refused (the tree would have a cycle).
    """
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    old_path = unit.path
    if code is not _UNSET:
        code = _check_code(code)
        if code != unit.code and Unit.objects.filter(code=code).exists():
            raise DomainError(_("Mã đơn vị “%(code)s” đã tồn tại.") % {"code": code})
        unit.code = code
    if name is not _UNSET:
        name = (name or "").strip()
        if not name:
            raise DomainError(_("Tên đơn vị không được để trống."))
        unit.name = name
        unit.name_search = fold(name)
    if kind is not _UNSET:
        if kind not in UnitKind.values:
            raise DomainError(_("Loại đơn vị “%(kind)s” không hợp lệ.") % {"kind": kind})
        unit.kind = kind
    if parent is not _UNSET:
        if parent is not None:
            parent = Unit.objects.get(pk=parent.pk)  # fresh path
            if parent.pk == unit.pk or parent.path.startswith(old_path):
                raise DomainError(
                    _(
                        "Không thể đặt “%(parent)s” làm đơn vị cấp trên của “%(unit)s”: "
                        "đơn vị cấp trên nằm trong chính cây đơn vị này."
                    )
                    % {"parent": parent.name, "unit": unit.name}
                )
        unit.parent = parent
    if valid_from is not _UNSET:
        unit.valid_from = valid_from
    if valid_to is not _UNSET:
        unit.valid_to = valid_to
    if agency_identifier is not _UNSET:
        unit.agency_identifier = agency_identifier
    if address is not _UNSET:
        unit.address = address
    _check_dates(unit.valid_from, unit.valid_to)

    new_path = _path_for(unit.code, unit.parent)
    unit.path = new_path
    unit.save()
    if new_path != old_path:
        descendants = list(
            Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).only("id", "path")
        )
        for child in descendants:
            child.path = new_path + child.path[len(old_path) :]
        Unit.objects.bulk_update(descendants, ["path"], batch_size=500)
    return unit


def _successor_closure(start: Iterable[int]) -> set[int]:
    """Ids reachable from `start` by following successor links (including `start`)."""
    seen = set(start)
    frontier = set(seen)
    through = Unit.successors.through
    while frontier:
        nxt = set(
            through.objects.filter(from_unit_id__in=frontier).values_list("to_unit_id", flat=True)
        )
        frontier = nxt - seen
        seen |= frontier
    return seen


@transaction.atomic
def unit_merge(*, predecessors: Iterable[Unit], successor: Unit, on: dt.date) -> Unit:
    """Merge `predecessors` into `successor` with effect from `on` (sáp nhập, DOMAIN.md §0.1).

    Predecessors stop being valid the day before `on`; the successor becomes valid from `on`
    unless it already has a start date; each predecessor gets a successor link. Their dossiers
    and history stay attached to them (see `selectors.unit_with_history`).
    """
    preds = [Unit.objects.select_for_update().get(pk=p.pk) for p in predecessors]
    successor = Unit.objects.select_for_update().get(pk=successor.pk)
    if not preds:
        raise DomainError(_("Cần ít nhất một đơn vị bị sáp nhập."))
    if any(p.pk == successor.pk for p in preds):
        raise DomainError(_("Đơn vị kế thừa không thể đồng thời là đơn vị bị sáp nhập."))
    # A successor link from P to S closes a cycle when P is already reachable from S.
    reachable = _successor_closure([successor.pk])
    last_day = on - dt.timedelta(days=1)
    for pred in preds:
        if pred.pk in reachable:
            raise DomainError(
                _("“%(pred)s” đã là đơn vị kế thừa của “%(succ)s”; không thể sáp nhập ngược lại.")
                % {"pred": pred.name, "succ": successor.name}
            )
        if pred.valid_from and pred.valid_from > last_day:
            raise DomainError(
                _("“%(pred)s” chỉ có hiệu lực từ %(frm)s, sau ngày sáp nhập %(on)s.")
                % {
                    "pred": pred.name,
                    "frm": pred.valid_from.strftime("%d/%m/%Y"),
                    "on": on.strftime("%d/%m/%Y"),
                }
            )
        if pred.valid_to and pred.valid_to < last_day:
            raise DomainError(
                _("“%(pred)s” đã hết hiệu lực từ %(to)s, trước ngày sáp nhập %(on)s.")
                % {
                    "pred": pred.name,
                    "to": pred.valid_to.strftime("%d/%m/%Y"),
                    "on": on.strftime("%d/%m/%Y"),
                }
            )
    if successor.valid_to and successor.valid_to < on:
        raise DomainError(
            _("Đơn vị kế thừa “%(succ)s” đã hết hiệu lực trước ngày sáp nhập.")
            % {"succ": successor.name}
        )
    for pred in preds:
        pred.valid_to = last_day
        pred.save(update_fields=["valid_to", "updated_at"])
        pred.successors.add(successor)
    if successor.valid_from is None or successor.valid_from > on:
        successor.valid_from = on
        successor.save(update_fields=["valid_from", "updated_at"])
    return successor


@transaction.atomic
def unit_set_successors(*, unit: Unit, successors: Iterable[Unit]) -> None:
    """Replace the successor links of `unit` (used by the importer); refuses cycles."""
    targets = list(successors)
    if any(t.pk == unit.pk for t in targets):
        raise DomainError(_("Đơn vị không thể là đơn vị kế thừa của chính nó."))
    others = Unit.successors.through.objects.exclude(from_unit_id=unit.pk)
    graph: dict[int, set[int]] = {}
    for src, dst in others.values_list("from_unit_id", "to_unit_id"):
        graph.setdefault(src, set()).add(dst)
    seen: set[int] = set()
    frontier = {t.pk for t in targets}
    while frontier:
        if unit.pk in frontier:
            raise DomainError(
                _("Liên kết kế thừa của “%(unit)s” tạo thành vòng lặp.") % {"unit": unit.name}
            )
        seen |= frontier
        frontier = {d for s in frontier for d in graph.get(s, ())} - seen
    unit.successors.set(targets)


# --- memberships -------------------------------------------------------------------------


@transaction.atomic
def membership_grant(*, user: User, unit: Unit, role: str) -> Membership:
    """Give `user` the `role` in `unit` (idempotent). Citizen accounts never get staff roles."""
    if role not in Role.values:
        raise DomainError(_("Vai trò “%(role)s” không hợp lệ.") % {"role": role})
    if user.is_citizen:
        raise DomainError(_("Tài khoản công dân không thể được phân quyền cán bộ."))
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    user_roles_forget(user)
    return membership


@transaction.atomic
def membership_revoke(*, user: User, unit: Unit, role: str) -> bool:
    """Take the `role` in `unit` away from `user`; False when the user did not hold it."""
    deleted, _detail = Membership.objects.filter(user=user, unit=unit, role=role).delete()
    user_roles_forget(user)
    return deleted > 0


# --- staffing registry (biên chế, đội ngũ cán bộ công chức) ---------------------------------


@transaction.atomic
def staff_position_upsert(
    *,
    unit: Unit,
    full_name: str,
    position: str,
    category: str,
    is_party_member: bool = False,
    political_theory_level: str = "",
    professional_level: str = "",
    user: User | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    position_id: int | None = None,
) -> StaffPosition:
    """Create or update one person in the staffing registry of `unit`.

    Identity: `position_id` when given, otherwise (unit, full name, position).
    """
    full_name = (full_name or "").strip()
    position = (position or "").strip()
    if not full_name or not position:
        raise DomainError(_("Họ tên và chức vụ, chức danh không được để trống."))
    if category not in StaffCategory.values:
        raise DomainError(_("Phân loại “%(cat)s” không hợp lệ.") % {"cat": category})
    _check_dates(valid_from, valid_to)
    if user is not None and user.is_citizen:
        raise DomainError(_("Không thể gắn tài khoản công dân vào danh sách cán bộ, công chức."))
    values = {
        "category": category,
        "is_party_member": is_party_member,
        "political_theory_level": political_theory_level.strip(),
        "professional_level": professional_level.strip(),
        "user": user,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    if position_id is not None:
        staff = StaffPosition.objects.select_for_update().filter(pk=position_id, unit=unit).first()
        if staff is None:
            raise DomainError(_("Không tìm thấy cán bộ, công chức cần cập nhật."))
        staff.full_name = full_name
        staff.position = position
        for key, value in values.items():
            setattr(staff, key, value)
        staff.save()
        return staff
    staff, _created = StaffPosition.objects.update_or_create(
        unit=unit, full_name=full_name, position=position, defaults=values
    )
    return staff


@transaction.atomic
def staffing_quota_set(
    *, unit: Unit, year: int, category: str, quota: int, legal_ref: str = ""
) -> StaffingQuota:
    """Set the staffing quota (biên chế được giao) of `unit` for `year` and `category`."""
    if category not in StaffCategory.values:
        raise DomainError(_("Phân loại “%(cat)s” không hợp lệ.") % {"cat": category})
    if quota < 0:
        raise DomainError(_("Số biên chế được giao không được âm."))
    if not 1945 <= year <= 2100:
        raise DomainError(_("Năm %(year)s không hợp lệ.") % {"year": year})
    row, _created = StaffingQuota.objects.update_or_create(
        unit=unit, year=year, category=category, defaults={"quota": quota, "legal_ref": legal_ref}
    )
    return row
