"""A leader signs a stored result of a dossier (Luật Giao dịch điện tử 2023 art. 22–23; NĐ
30/2020 art. 26 for the agency seal): one transaction, one `document_signed` event, a signed copy
with its hash; the applicant downloads it and anyone sees its hash on the look-up page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.accounts.models import UserKind
from motcua.core.errors import DomainError, PermissionDenied
from motcua.documents.models import RESULT_KIND, GeneratedDocument
from motcua.documents.services import document_store
from motcua.dossiers import services
from motcua.dossiers.constants import EventKind
from motcua.organisation.constants import Role
from motcua.signing.documents import generated_document_sign
from motcua.signing.services import verify_pdf

AT = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path, key_files: Any, vietnamese_pdf: bytes) -> Any:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA = {
        **settings.MOTCUA,
        "SIGNER": {
            "BACKEND": "pkcs12",
            "PKCS12_FILE": str(key_files["leader"]),
            "PASSPHRASE_FILE": str(key_files["leader_pass"]),
        },
        "SEAL_SIGNER": {"BACKEND": "pkcs12", "PKCS12_FILE": str(key_files["seal"])},
        "SIGNING_TRUST_ROOTS": [str(key_files["root"])],
    }

    w = SimpleNamespace()
    w.unit = UnitFactory(name="Xã Tái Sơn")
    w.other_unit = UnitFactory(name="Xã Bên Kia")
    w.receiver = UserFactory()
    w.leader = UserFactory()
    w.other_leader = UserFactory()
    MembershipFactory(user=w.receiver, unit=w.unit, role=Role.RECEIVER)
    MembershipFactory(user=w.leader, unit=w.unit, role=Role.LEADER)
    MembershipFactory(user=w.other_leader, unit=w.other_unit, role=Role.LEADER)
    w.citizen = UserFactory(kind=UserKind.CITIZEN)
    version = ProcedureVersionFactory()
    draft = services.dossier_create_at_counter(
        user=w.receiver,
        unit=w.unit,
        procedure=version.procedure,
        applicant_name="Trần Văn Đức",
        provided_component_ids=list(version.components.values_list("pk", flat=True)),
        at=AT,
    )
    w.dossier = services.dossier_receive(dossier=draft, user=w.receiver, at=AT)
    type(w.dossier).objects.filter(pk=w.dossier.pk).update(applicant=w.citizen)
    w.document = document_store(
        dossier=w.dossier, kind=RESULT_KIND, format="pdf", content=vietnamese_pdf, title="Kết quả"
    )
    return w


def test_leader_signs_and_seals_once_with_one_event(world: Any):
    before = world.dossier.events.count()
    copy = generated_document_sign(user=world.leader, document=world.document)
    assert copy.signed_from == world.document and copy.signed_by == world.leader
    assert copy.event.action == EventKind.DOCUMENT_SIGNED and copy.event.visible_to_applicant
    assert copy.event.payload["sha256"] == copy.sha256 and copy.event.payload["sealed"] is True
    with copy.file.open("rb") as fh:
        signed = fh.read()
    result = verify_pdf(signed)
    assert result.valid and result.intact
    assert [s.trusted for s in result.signatures] == [True, True]  # leader + agency seal
    # A retried request returns the same copy: no second signature, no second event.
    assert generated_document_sign(user=world.leader, document=world.document) == copy
    assert world.dossier.events.count() == before + 1
    assert GeneratedDocument.objects.filter(signed_from=world.document).count() == 1


def test_without_a_seal_only_the_leader_signs(world: Any, settings: Any):
    settings.MOTCUA = {**settings.MOTCUA, "SEAL_SIGNER": {"BACKEND": ""}}
    copy = generated_document_sign(user=world.leader, document=world.document)
    with copy.file.open("rb") as fh:
        assert len(verify_pdf(fh.read()).signatures) == 1
    assert copy.event.payload["sealed"] is False


@pytest.mark.parametrize("who", ["receiver", "other_leader"])
def test_only_a_leader_of_the_unit_signs(world: Any, who: str):
    with pytest.raises(PermissionDenied):
        generated_document_sign(user=getattr(world, who), document=world.document)
    assert not GeneratedDocument.objects.filter(signed_from__isnull=False).exists()


def test_a_stored_file_that_no_longer_matches_its_hash_is_not_signed(world: Any):
    GeneratedDocument.objects.filter(pk=world.document.pk).update(sha256="0" * 64)
    world.document.refresh_from_db()
    with pytest.raises(DomainError, match="mã băm"):
        generated_document_sign(user=world.leader, document=world.document)


def test_back_office_button_and_view(world: Any):
    url = f"/xac-thuc-van-ban/ky-so/{world.document.pk}/"
    leader = Client()
    leader.force_login(world.leader)
    page = leader.get(f"/ho-so/{world.dossier.pk}/").content.decode()
    assert url in page  # the "Ký số" button for the leader
    stranger = Client()
    stranger.force_login(world.other_leader)
    assert stranger.post(url).status_code == 404
    assert leader.get(url).status_code == 405
    answer = leader.post(url)
    assert answer.status_code == 302 and answer["Location"] == f"/ho-so/{world.dossier.pk}/"
    copy = GeneratedDocument.objects.get(signed_from=world.document)
    assert "Đã ký số" in leader.get(f"/ho-so/{world.dossier.pk}/").content.decode()
    assert copy.sha256


def test_applicant_downloads_it_and_the_lookup_shows_its_hash(world: Any):
    copy = generated_document_sign(user=world.leader, document=world.document)
    owner = Client()
    owner.force_login(world.citizen)
    page = owner.get(f"/cong-dan/ho-so/{world.dossier.pk}/").content.decode()
    assert copy.sha256 in page
    download = owner.get(f"/cong-dan/ho-so/{world.dossier.pk}/ket-qua.pdf")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    world.dossier.refresh_from_db()
    lookup = Client().post(
        "/tra-cuu/", {"ma": world.dossier.code, "secret": world.dossier.lookup_secret}
    )
    assert copy.sha256 in lookup.content.decode()
