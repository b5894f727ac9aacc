"""Reads of the organisation app, and THE authorisation layer of Một Cửa.

Other apps ask these functions — and nothing else — whether a user may act in a unit:

- `user_roles(user)`               unit id → set of roles held there (cached on the user object)
- `user_has_role(user, unit, *r)`  does the user hold one of `r` in `unit`?
- `require_role(user, unit, *r)`   the same, raising `PermissionDenied`
- `units_for_role(user, *r)`       the units where the user may act with one of `r`
- `visible_unit_ids(user)`         the units whose dossiers the user may read

Rules (DOMAIN.md §1.1; docs/domain/security.md):

1. Citizens (`User.kind == citizen`), anonymous and inactive users hold no staff role anywhere.
2. receiver, specialist, leader and unit_admin act in the unit of their membership only (not in
   its subunits). unit_admin administers that unit; it does not imply the other roles.
3. A supervisor reads (never writes) the whole subtree of the unit of their membership:
   `user_has_role(user, unit, Role.SUPERVISOR)` is true for every unit below it.
4. Reading follows merges: staff of a successor unit also read the dossiers of the units merged
   into it (`unit_with_history`), e.g. the new commune of 01/07/2025 reads the old communes.
5. Superusers get no domain role by being superusers: they repair data in /quan-tri/.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import User, UserKind
from motcua.core.errors import DomainError, PermissionDenied
from motcua.organisation.constants import Role, StaffCategory, UnitKind
from motcua.organisation.models import Membership, StaffingQuota, StaffPosition, Unit

# What views pass as `request.user`; anonymous users and citizens simply hold no role.
Principal = User | AnonymousUser

STAFF_ROLES: frozenset[str] = frozenset(
    {Role.RECEIVER, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN}
)
_CACHE_ATTR = "_motcua_role_cache"


@dataclass(frozen=True)
class _RoleCache:
    roles: dict[int, set[str]]
    supervisor_paths: tuple[str, ...]


def _is_staff_account(user: Principal) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "kind", None) == UserKind.STAFF
    )


def _role_cache(user: Principal) -> _RoleCache:
    cached = getattr(user, _CACHE_ATTR, None)
    if isinstance(cached, _RoleCache):
        return cached
    roles: dict[int, set[str]] = {}
    sup_paths: list[str] = []
    if _is_staff_account(user) and user.pk is not None:
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "unit_id", "role", "unit__path"
        )
        for unit_id, role, path in rows:
            roles.setdefault(unit_id, set()).add(role)
            if role == Role.SUPERVISOR:
                sup_paths.append(path)
    cache = _RoleCache(roles=roles, supervisor_paths=tuple(sorted(sup_paths)))
    setattr(user, _CACHE_ATTR, cache)
    return cache


def user_roles_forget(user: Principal) -> None:
    """Drop the per-request role cache (the membership services call this)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_roles(user: Principal) -> dict[int, set[str]]:
    """Unit id → roles the user holds there by membership. Empty for citizens.

    Cached on the user object: one query per request however often it is asked.
    """
    return _role_cache(user).roles


def roles_held(user: Principal) -> set[str]:
    """Every role the user holds in some unit (from the same per-request cache)."""
    return set().union(*user_roles(user).values())


def user_has_role(user: Principal, unit: Unit, *roles: str) -> bool:
    """Whether `user` holds one of `roles` in `unit`.

    With no `roles`: any *acting* role (`STAFF_ROLES`) — a supervisor, who only reads, must be
    asked for explicitly. A supervisor membership covers the unit and its whole subtree.
    """
    cache = _role_cache(user)
    wanted = set(roles) if roles else set(STAFF_ROLES)
    if cache.roles.get(unit.pk, set()) & wanted:
        return True
    if Role.SUPERVISOR in wanted and cache.supervisor_paths:
        return any(unit.path.startswith(p) for p in cache.supervisor_paths)
    return False


def require_role(user: Principal, unit: Unit, *roles: str) -> None:
    """Raise `PermissionDenied` unless `user_has_role(user, unit, *roles)`."""
    if not user_has_role(user, unit, *roles):
        raise PermissionDenied()


def units_for_role(user: Principal, *roles: str) -> QuerySet[Unit]:
    """Units where `user` holds one of `roles` (no roles: any acting role, `STAFF_ROLES`);
    for the supervisor role, the whole subtrees of their units."""
    cache = _role_cache(user)
    wanted = set(roles) if roles else set(STAFF_ROLES)
    ids = {unit_id for unit_id, held in cache.roles.items() if held & wanted}
    condition = Q(pk__in=ids)
    if Role.SUPERVISOR in wanted:
        for path in cache.supervisor_paths:
            condition |= Q(path__startswith=path)
    if not ids and not (Role.SUPERVISOR in wanted and cache.supervisor_paths):
        return Unit.objects.none()
    return Unit.objects.filter(condition)


def visible_unit_ids(user: Principal) -> set[int]:
    """Ids of the units whose dossiers `user` may read.

    Staff roles: their own units; supervisors: the subtree of their unit; in both cases also
    the units merged into them (history, rule 4 above). Empty for citizens.
    """
    cache = _role_cache(user)
    ids = {uid for uid, held in cache.roles.items() if held & STAFF_ROLES}
    if cache.supervisor_paths:
        condition = Q()
        for path in cache.supervisor_paths:
            condition |= Q(path__startswith=path)
        ids |= set(Unit.objects.filter(condition).values_list("pk", flat=True))
    return ids | _predecessor_history_ids(ids) if ids else set()


def unit_subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it (by path prefix), ordered by path."""
    return Unit.objects.filter(path__startswith=unit.path).order_by("path")


def unit_ancestors(unit: Unit) -> QuerySet[Unit]:
    """The unit and the units above it, root first."""
    codes = [code for code in unit.path.split("/") if code]
    return Unit.objects.filter(code__in=codes).order_by("path")


def unit_province(unit: Unit) -> Unit | None:
    """The province (tỉnh, thành phố) the unit belongs to, itself if it is one: the nearest
    ancestor of kind province on its path, whatever the depth (a commune directly under its
    province since 01/07/2025, or under a district before). None when there is none."""
    if unit.kind == UnitKind.PROVINCE:
        return unit
    codes = [code for code in unit.path.split("/") if code]
    return Unit.objects.filter(code__in=codes, kind=UnitKind.PROVINCE).order_by("-path").first()


def _predecessor_history_ids(start: set[int]) -> set[int]:
    """Units merged (recursively) into any of `start`, with their subtrees. Excludes `start`."""
    through = Unit.successors.through
    seen = set(start)
    frontier = set(start)
    while frontier:
        preds = set(
            through.objects.filter(to_unit_id__in=frontier).values_list("from_unit_id", flat=True)
        )
        preds -= seen
        if not preds:
            break
        condition = Q()
        for path in Unit.objects.filter(pk__in=preds).values_list("path", flat=True):
            condition |= Q(path__startswith=path)
        grown = set(Unit.objects.filter(condition).values_list("pk", flat=True)) - seen
        seen |= grown
        frontier = grown
    return seen - start


def unit_with_history(unit: Unit) -> list[Unit]:
    """The unit, its subtree, and recursively the units merged into any of them (with their
    subtrees) — what a report on a merged commune must cover. Ordered by path."""
    subtree = set(unit_subtree(unit).values_list("pk", flat=True))
    ids = subtree | _predecessor_history_ids(subtree)
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def unit_is_valid_on(unit: Unit, on: dt.date) -> bool:
    """Whether the unit exists on `on` (inside its validity dates)."""
    return (unit.valid_from is None or unit.valid_from <= on) and (
        unit.valid_to is None or on <= unit.valid_to
    )


def in_force_first(units: Iterable[Unit], on: dt.date) -> list[Unit]:
    """`units` with those existing on `on` first, then those merged away (or not started),
    each group by path — the order of the pages that let a user pick one of their units."""
    return sorted(units, key=lambda u: (not unit_is_valid_on(u, on), u.path))


def units_valid_on(on: dt.date) -> QuerySet[Unit]:
    """The units that exist on `on` (what a public list of communes offers)."""
    return Unit.objects.exclude(valid_from__gt=on).exclude(valid_to__lt=on)


def require_unit_in_force(unit: Unit, on: dt.date) -> None:
    """Refuse new work (a dossier, a feedback, a forwarding) addressed to a unit that does not
    exist on `on` — after a merger (sáp nhập, e.g. 01/07/2025) the message names the units that
    took it over, so the citizen or officer can choose again. No query unless refused."""
    if unit_is_valid_on(unit, on):
        return
    if unit.valid_from is not None and on < unit.valid_from:
        raise DomainError(
            _("%(unit)s bắt đầu hoạt động từ ngày %(date)s.")
            % {"unit": unit.name, "date": unit.valid_from.strftime("%d/%m/%Y")},
            code="unit_not_in_force",
        )
    assert unit.valid_to is not None
    message = _("%(unit)s không còn hoạt động từ ngày %(date)s.") % {
        "unit": unit.name,
        "date": (unit.valid_to + dt.timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    successors = [u.name for u in unit.successors.order_by("name")]
    if successors:
        message += " " + _("Vui lòng gửi đến đơn vị kế thừa: %(names)s.") % {
            "names": ", ".join(successors)
        }
    raise DomainError(message, code="unit_not_in_force")


# --- staffing registry -------------------------------------------------------------------


@dataclass
class CategoryStaffing:
    """Quota vs actual for one staff category (II.3 and II.4 of the CCHC report, §8.2)."""

    category: str
    label: str
    quota: int | None
    actual: int
    party_members: int
    political_theory: dict[str, int] = field(default_factory=dict)
    professional: dict[str, int] = field(default_factory=dict)

    @property
    def vacancies(self) -> int | None:
        return None if self.quota is None else self.quota - self.actual


@dataclass
class StaffingSummary:
    unit: Unit
    on: dt.date
    categories: list[CategoryStaffing]

    def category(self, category: str) -> CategoryStaffing:
        return next(c for c in self.categories if c.category == category)

    @property
    def quota_total(self) -> int:
        """Quota of cán bộ + công chức (the biên chế of the report)."""
        return sum(
            c.quota or 0
            for c in self.categories
            if c.category in (StaffCategory.CAN_BO, StaffCategory.CONG_CHUC)
        )

    @property
    def actual_total(self) -> int:
        return sum(
            c.actual
            for c in self.categories
            if c.category in (StaffCategory.CAN_BO, StaffCategory.CONG_CHUC)
        )


UNSTATED_LEVEL = "Chưa cập nhật"


def staff_positions_on(unit: Unit, on: dt.date) -> QuerySet[StaffPosition]:
    """The registry of `unit` as it stood on `on` (positions valid on that day)."""
    return StaffPosition.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        unit=unit,
    )


def staffing_summary(unit: Unit, on: dt.date) -> StaffingSummary:
    """Quota (of the year of `on`) vs actual staff on `on`, per category, with the number of
    party members and the counts by political-theory and professional level."""
    quotas = dict(
        StaffingQuota.objects.filter(unit=unit, year=on.year).values_list("category", "quota")
    )
    rows = list(
        staff_positions_on(unit, on).values_list(
            "category", "is_party_member", "political_theory_level", "professional_level"
        )
    )
    categories: list[CategoryStaffing] = []
    for category in StaffCategory:
        mine = [r for r in rows if r[0] == category.value]
        theory = Counter(r[2] or UNSTATED_LEVEL for r in mine)
        professional = Counter(r[3] or UNSTATED_LEVEL for r in mine)
        categories.append(
            CategoryStaffing(
                category=category.value,
                label=str(category.label),
                quota=quotas.get(category.value),
                actual=len(mine),
                party_members=sum(1 for r in mine if r[1]),
                political_theory=dict(sorted(theory.items())),
                professional=dict(sorted(professional.items())),
            )
        )
    return StaffingSummary(unit=unit, on=on, categories=categories)
