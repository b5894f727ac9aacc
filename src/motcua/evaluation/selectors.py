"""Permission-aware reads of the evaluation pages."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import User
from motcua.organisation.constants import Role
from motcua.organisation.models import Membership, Unit
from motcua.organisation.selectors import Principal, visible_unit_ids


def evaluation_units(user: Principal) -> QuerySet[Unit]:
    """The units whose evaluation `user` may read: the units whose dossiers they may read
    (`organisation.selectors.visible_unit_ids`: own units, supervised subtrees, merged units)."""
    return Unit.objects.filter(pk__in=visible_unit_ids(user)).order_by("path")


def unit_officers(unit: Unit) -> QuerySet[User]:
    """The officers evaluated in a unit: its members with an acting role (TT 01/2018 art. 15)."""
    roles = (Role.RECEIVER, Role.SPECIALIST, Role.LEADER)
    ids = Membership.objects.filter(unit=unit, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "username")
