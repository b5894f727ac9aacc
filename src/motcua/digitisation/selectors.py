"""Reads of digitisation and of the personal data store (permission-aware), and the counts of
QĐ 766 group 4 (indicators 4.2 and 4.3, `motcua.evaluation.indices`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.digitisation.constants import Source, StoreItemKind
from motcua.digitisation.models import DigitisedComponent, PersonalStoreItem
from motcua.dossiers.models import Dossier
from motcua.portal.models import Upload

if TYPE_CHECKING:
    from motcua.accounts.models import User
    from motcua.catalogue.models import Component


def dossier_digitised(dossier: Dossier) -> list[DigitisedComponent]:
    """The digitised components of a dossier, oldest first, with who, the component and the
    store item (and its source dossier) a reused one came from."""
    return list(
        DigitisedComponent.objects.filter(dossier=dossier)
        .select_related("digitised_by", "dossier_component", "origin__source_dossier")
        .order_by("digitised_at", "pk")
    )


def digitised_get_for_user(user: User, pk: int) -> DigitisedComponent:
    """A digitised component whose dossier `user` (staff) may read; `DoesNotExist` otherwise
    (→ 404: a file of another commune is not revealed)."""
    from motcua.dossiers.selectors import dossiers_for_user

    if not user.is_authenticated or getattr(user, "is_citizen", False):
        raise DigitisedComponent.DoesNotExist
    return DigitisedComponent.objects.select_related("dossier").get(
        pk=pk, dossier__in=dossiers_for_user(user)
    )


# ---------------------------------------------------------------------------------------------
# Personal data store
# ---------------------------------------------------------------------------------------------


def _usable(qs: QuerySet[PersonalStoreItem]) -> QuerySet[PersonalStoreItem]:
    today = timezone.localdate()
    return qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def store_items(owner: User) -> list[PersonalStoreItem]:
    """The owner's own items, newest first (expired ones included: the page marks them)."""
    return list(
        PersonalStoreItem.objects.filter(owner=owner)
        .select_related("source_dossier")
        .order_by("-created_at", "-pk")
    )


def store_item_get_for_owner(user: User, pk: int) -> PersonalStoreItem:
    """The item if `user` owns it; `DoesNotExist` otherwise (→ 404, nothing revealed)."""
    if not user.is_authenticated:
        raise PersonalStoreItem.DoesNotExist
    return PersonalStoreItem.objects.get(pk=pk, owner=user)


def _fold(text: str) -> str:
    return " ".join((text or "").casefold().split())


@dataclass(frozen=True)
class StoreChoice:
    """The store items offered for one component of an online submission: those digitised for
    a component of the same name first, then the owner's other usable items."""

    matching: list[PersonalStoreItem]
    others: list[PersonalStoreItem]

    def __bool__(self) -> bool:
        return bool(self.matching or self.others)


def usable_store_items(owner: User) -> list[PersonalStoreItem]:
    """The owner's items that may be reused today (no end of validity, or not passed)."""
    if not getattr(owner, "is_citizen", False):
        return []
    return list(_usable(PersonalStoreItem.objects.filter(owner=owner)).order_by("title", "pk"))


def store_choice(
    owner: User, component: Component, items: list[PersonalStoreItem] | None = None
) -> StoreChoice:
    """The choice for one component; `items` (from `usable_store_items`) saves a query per
    component on a form with many."""
    if items is None:
        items = usable_store_items(owner)
    name = _fold(component.name)
    matching = [
        i for i in items if i.kind == StoreItemKind.COMPONENT and _fold(i.component_name) == name
    ]
    others = [i for i in items if i not in matching]
    return StoreChoice(matching, others)


def usable_store_item(owner: User, pk: int) -> PersonalStoreItem | None:
    """The owner's usable item `pk`, or None (another's item, expired, or unknown)."""
    return _usable(PersonalStoreItem.objects.filter(owner=owner, pk=pk)).first()


# ---------------------------------------------------------------------------------------------
# QĐ 766 group 4 counts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigitisationCounts:
    dossiers: int  # the dossiers counted (the denominator of 4.2 and 4.3)
    dossiers_digitised: int  # with ≥1 digitised component or electronic file submitted online
    components_digitised: int  # digitised component rows (scanned, results and reuses)
    online_files: int  # files submitted online with these dossiers
    dossiers_reusing: int  # with ≥1 component reused from the personal store
    components_reused: int


def digitisation_counts(dossiers: QuerySet[Dossier]) -> DigitisationCounts:
    """Counts of QĐ 766 indicators 4.2 (dossiers digitised) and 4.3 (dossiers reusing
    digitised data) over `dossiers` (e.g. the dossiers received in a period).

    A dossier is digitised when it has a digitised component (scanned at the counter, an
    electronic result, or reused from the store) or a file submitted online (already
    electronic); it reuses data when a component came from the personal store
    (docs/domain/digitisation.md)."""
    ids = dossiers.values("pk")
    digitised = DigitisedComponent.objects.filter(dossier_id__in=ids)
    reused = digitised.filter(source=Source.PERSONAL_STORE)
    online = Upload.objects.filter(dossier_id__in=ids)
    return DigitisationCounts(
        dossiers=dossiers.count(),
        dossiers_digitised=dossiers.filter(
            Q(pk__in=digitised.values("dossier_id")) | Q(pk__in=online.values("dossier_id"))
        ).count(),
        components_digitised=digitised.count(),
        online_files=online.count(),
        dossiers_reusing=dossiers.filter(pk__in=reused.values("dossier_id")).count(),
        components_reused=reused.count(),
    )
