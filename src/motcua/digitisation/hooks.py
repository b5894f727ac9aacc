"""After-commit hooks of digitisation (registered with `motcua.dossiers.tasks.register` in
`apps.DigitisationConfig.ready`). Each takes a dossier event id and is idempotent.

- `fill_store`: the applicant's personal store (kho dữ liệu cá nhân, QĐ 766 4.3/4.4) receives
  a copy of each component digitised for a dossier of a citizen account, and of the electronic
  result(s) when the result is returned (or when a result is digitised after the return).
- `record_reuse`: after an online submission, the uploads copied from store items become
  digitised components with source "kho dữ liệu cá nhân" (`services.reuse_record`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.digitisation import services
from motcua.digitisation.constants import Source, StoreItemKind
from motcua.digitisation.models import DigitisedComponent
from motcua.dossiers.constants import EventKind, State
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.transitions import Action


def _event(event_id: int) -> DossierEvent | None:
    return (
        DossierEvent.objects.select_related(
            "dossier__applicant", "dossier__procedure_version__procedure"
        )
        .filter(pk=event_id)
        .first()
    )


def _result_title(d: DigitisedComponent) -> str:
    return _("Kết quả: %(procedure)s") % {"procedure": d.dossier.procedure_version.procedure.name}


def fill_store(event_id: int) -> None:
    event = _event(event_id)
    if event is None:
        return
    dossier = event.dossier
    owner = dossier.applicant
    if owner is None or not getattr(owner, "is_citizen", False):
        return
    if event.action == EventKind.COMPONENT_DIGITISED:
        pk = int((event.payload or {}).get("digitised_id") or 0)
        digitised = (
            DigitisedComponent.objects.select_related("dossier_component", "dossier")
            .filter(pk=pk, dossier=dossier)
            .first()
        )
        if digitised is None or digitised.source == Source.PERSONAL_STORE:
            return  # taken from the store: already there
        if digitised.source == Source.ELECTRONIC_RESULT:
            if dossier.state == State.RETURNED:
                services.store_item_put(
                    owner=owner,
                    digitised=digitised,
                    kind=StoreItemKind.RESULT,
                    title=_result_title(digitised),
                )
            return  # a result goes to the store when it is returned
        component = digitised.dossier_component
        services.store_item_put(
            owner=owner,
            digitised=digitised,
            kind=StoreItemKind.COMPONENT,
            title=component.name if component else digitised.original_name,
        )
    elif event.action == Action.RETURN_RESULT:
        results = dossier.digitised_components.filter(
            source=Source.ELECTRONIC_RESULT
        ).select_related("dossier__procedure_version__procedure", "dossier_component")
        for digitised in results.order_by("pk"):
            services.store_item_put(
                owner=owner,
                digitised=digitised,
                kind=StoreItemKind.RESULT,
                title=_result_title(digitised),
            )


def record_reuse(event_id: int) -> None:
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None or event.action != Action.SUBMIT:
        return
    services.reuse_record(event.dossier, at=event.at)
