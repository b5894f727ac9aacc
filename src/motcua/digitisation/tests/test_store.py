"""The personal data store (kho dữ liệu cá nhân, QĐ 766/QĐ-TTg indicator 4.3/4.4): filled
after the commit for dossiers of citizen accounts, idempotently; pages for the owner only."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from motcua.digitisation import hooks
from motcua.digitisation.constants import Source, StoreItemKind
from motcua.digitisation.models import PersonalStoreItem
from motcua.digitisation.tests.conftest import PDF_BYTES, digitise, pdf_bytes
from motcua.dossiers import services as dos
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import Action
from motcua.portal.tests.conftest import login, received

pytestmark = pytest.mark.django_db


def last_event_id(dossier: Dossier) -> int:
    return dossier.events.order_by("-seq").values_list("pk", flat=True)[0]


def returned(commune, dossier: Dossier) -> Dossier:
    """The result handed over (the steps before it are not what is tested here)."""
    Dossier.objects.filter(pk=dossier.pk).update(state=State.RESULT_READY)
    return dos.dossier_return_result(
        dossier=dossier.pk, user=commune.receiver, recipient_name="Trần Thị Bình"
    )


def test_digitised_component_goes_to_the_applicants_store_once(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    item = digitise(commune.receiver, dossier)
    event_id = last_event_id(dossier)

    hooks.fill_store(event_id)
    hooks.fill_store(event_id)  # re-run by the dispatcher: no second item

    stored = PersonalStoreItem.objects.get()
    assert stored.owner == citizen and stored.kind == StoreItemKind.COMPONENT
    assert stored.sha256 == item.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.title == stored.component_name == item.dossier_component.name
    assert stored.source_dossier == dossier and stored.source_component == item.dossier_component
    assert stored.file.name != item.file.name  # a copy, owned by the store
    with stored.file.open("rb") as fh:
        assert fh.read() == PDF_BYTES


def test_same_content_twice_is_one_item(commune, birth, citizen):
    """Unique (owner, SHA-256): the same paper scanned for two dossiers is stored once."""
    first = received(commune, birth, citizen)
    second = received(commune, birth, citizen)
    digitise(commune.receiver, first)
    digitise(commune.receiver, second)
    hooks.fill_store(last_event_id(first))
    hooks.fill_store(last_event_id(second))
    assert PersonalStoreItem.objects.count() == 1


def test_counter_dossier_without_citizen_account_fills_nothing(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    Dossier.objects.filter(pk=dossier.pk).update(applicant=None)
    digitise(commune.receiver, dossier)
    hooks.fill_store(last_event_id(dossier))
    assert not PersonalStoreItem.objects.exists()


def test_electronic_result_goes_to_the_store_when_returned(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    result = digitise(
        commune.receiver,
        dossier,
        content=pdf_bytes("ket-qua"),
        source=Source.ELECTRONIC_RESULT,
        component=None,
    )
    hooks.fill_store(last_event_id(dossier))
    assert not PersonalStoreItem.objects.exists()  # not handed over yet

    dossier = returned(commune, dossier)
    event = dossier.events.order_by("-seq").first()
    assert event.action == Action.RETURN_RESULT
    hooks.fill_store(event.pk)
    hooks.fill_store(event.pk)

    stored = PersonalStoreItem.objects.get()
    assert stored.kind == StoreItemKind.RESULT and stored.sha256 == result.sha256
    assert stored.title == f"Kết quả: {birth.procedure.name}"


def test_result_digitised_after_the_return_goes_to_the_store(commune, birth, citizen):
    dossier = returned(commune, received(commune, birth, citizen))
    digitise(
        commune.receiver,
        dossier,
        content=pdf_bytes("ket-qua-sau"),
        source=Source.ELECTRONIC_RESULT,
        component=None,
    )
    hooks.fill_store(last_event_id(dossier))
    assert PersonalStoreItem.objects.get().kind == StoreItemKind.RESULT


def test_hooks_run_after_the_commit(commune, birth, citizen, django_capture_on_commit_callbacks):
    dossier = received(commune, birth, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        digitise(commune.receiver, dossier)
    assert PersonalStoreItem.objects.filter(owner=citizen).count() == 1


# --- pages -----------------------------------------------------------------------------------


def stored_item(commune, birth, citizen) -> PersonalStoreItem:
    dossier = received(commune, birth, citizen)
    digitise(commune.receiver, dossier)
    hooks.fill_store(last_event_id(dossier))
    return PersonalStoreItem.objects.get(owner=citizen)


def test_store_page_lists_own_items_only(commune, birth, citizen, other_citizen):
    item = stored_item(commune, birth, citizen)
    mine = login(citizen).get("/so-hoa/kho/")
    assert mine.status_code == 200 and item.title in mine.content.decode()
    theirs = login(other_citizen).get("/so-hoa/kho/")
    assert theirs.status_code == 200
    assert f"/so-hoa/kho/{item.pk}/tep/" not in theirs.content.decode()


def test_store_file_for_its_owner_only(commune, birth, citizen, other_citizen):
    item = stored_item(commune, birth, citizen)
    url = f"/so-hoa/kho/{item.pk}/tep/"
    response = login(citizen).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Cache-Control"] == "private, no-store"
    assert login(other_citizen).get(url).status_code == 404
    assert login(commune.receiver).get(url).status_code == 403  # staff: not a citizen page
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
