"""Digitising dossier components at the counter (QĐ 766/QĐ-TTg group 4, indicator 4.2;
DOMAIN.md §4.2): role checks, content checks, hash recorded, one event appended."""

from __future__ import annotations

import hashlib

import pytest
from tests.factories import UserFactory

from motcua.core.errors import DomainError, PermissionDenied
from motcua.digitisation.constants import Source
from motcua.digitisation.models import DigitisedComponent
from motcua.digitisation.tests.conftest import PDF_BYTES, PNG_BYTES, digitise, pdf_bytes, scan
from motcua.dossiers.constants import EventKind, State
from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.selectors import dossier_timeline
from motcua.portal.tests.conftest import make_commune, received, submitted

pytestmark = pytest.mark.django_db


def test_receiver_digitises_a_component_hash_and_event(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    version, state, events = dossier.version, dossier.state, dossier.events.count()
    component = dossier.components.order_by("pk").first()

    item = digitise(commune.receiver, dossier, source=Source.CERTIFIED_COPY)

    assert item.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (item.size, item.content_type) == (len(PDF_BYTES), "application/pdf")
    assert item.dossier_component == component and item.digitised_by == commune.receiver
    with item.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == item.sha256
    assert item.file.name.startswith("so-hoa/") and "quet" not in item.file.name
    dossier.refresh_from_db()
    assert dossier.state == state  # not a transition
    assert dossier.version == version + 1
    assert dossier.events.count() == events + 1
    event = dossier.events.order_by("-seq").first()
    assert event.action == EventKind.COMPONENT_DIGITISED
    assert event.from_state == event.to_state == State.RECEIVED
    assert event.actor == commune.receiver and not event.visible_to_applicant
    assert event.payload["digitised_id"] == item.pk
    assert event.payload["sha256"] == item.sha256
    assert event.payload["source"] == Source.CERTIFIED_COPY
    assert verify_events(dossier_code=dossier.code) == []  # the hash chain still holds
    assert dossier_timeline(dossier)[-1].label == "Số hóa thành phần hồ sơ"


def test_electronic_result_needs_no_component(commune, birth, citizen):
    dossier = received(commune, birth, citizen)
    item = digitise(commune.receiver, dossier, source=Source.ELECTRONIC_RESULT, component=None)
    assert item.dossier_component is None and item.source == Source.ELECTRONIC_RESULT


@pytest.mark.parametrize(
    "who",
    [
        pytest.param("specialist", id="QD766-4.2-specialist-is-not-the-counter"),
        pytest.param("leader", id="QD766-4.2-leader-is-not-the-counter"),
        pytest.param("other_receiver", id="ND61-art5-other-commune-receiver"),
        pytest.param("no_role", id="ND61-art5-staff-without-role"),
    ],
)
def test_only_a_receiver_of_the_unit_may_digitise(commune, birth, citizen, files_of, who):
    dossier = received(commune, birth, citizen)
    users = {
        "specialist": commune.specialist,
        "leader": commune.leader,
        "other_receiver": make_commune("Xã Bên Cạnh").receiver,
        "no_role": UserFactory(),
    }
    events = dossier.events.count()
    with pytest.raises(PermissionDenied):
        digitise(users[who], dossier)
    assert not DigitisedComponent.objects.exists()
    assert dossier.events.count() == events
    assert files_of("so-hoa") == []


def test_receiver_of_the_current_unit_may_digitise(commune, birth, citizen):
    """A dossier sent on (liên thông) may be digitised where it now is."""
    dossier = received(commune, birth, citizen)
    other = make_commune("Xã Đang Xử Lý")
    type(dossier).objects.filter(pk=dossier.pk).update(current_unit=other.unit)
    dossier.refresh_from_db()
    assert digitise(other.receiver, dossier).dossier == dossier


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        pytest.param(b"hello", "quet.pdf", "không phải PDF", id="type-by-content-not-name"),
        pytest.param(b"", "rong.pdf", "rỗng", id="empty-file"),
    ],
)
def test_bad_file_refused_nothing_written(
    commune, birth, citizen, files_of, content, name, message
):
    dossier = received(commune, birth, citizen)
    events = dossier.events.count()
    with pytest.raises(DomainError, match=message):
        from motcua.digitisation import services

        services.component_digitise(
            user=commune.receiver,
            dossier=dossier,
            component=dossier.components.first(),
            uploaded_file=scan(content, name),
            source=Source.ORIGINAL,
        )
    assert not DigitisedComponent.objects.exists() and dossier.events.count() == events
    assert files_of("so-hoa") == []


def test_too_large_file_refused(commune, birth, citizen, settings):
    settings.MOTCUA = {**settings.MOTCUA, "PORTAL_UPLOAD_MAX_BYTES": 50}
    dossier = received(commune, birth, citizen)
    with pytest.raises(DomainError, match="quá lớn"):
        digitise(commune.receiver, dossier, content=PNG_BYTES + b"\x00" * 100)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        pytest.param("other_dossier", "không thuộc hồ sơ này", id="component-of-another-dossier"),
        pytest.param("store_source", "nguồn", id="QD766-4.3-reuse-only-from-the-store"),
        pytest.param("no_component", "thành phần", id="component-required-except-result"),
    ],
)
def test_refusals_before_writing(commune, birth, citizen, case, message):
    dossier = received(commune, birth, citizen)
    other = received(commune, birth, citizen)
    kwargs = {
        "other_dossier": {"component": other.components.first()},
        "store_source": {"source": Source.PERSONAL_STORE},
        "no_component": {"component": None},
    }[case]
    with pytest.raises(DomainError, match=message):
        digitise(commune.receiver, dossier, **kwargs)
    assert not DigitisedComponent.objects.exists()


def test_a_file_written_before_a_refused_event_is_removed(
    commune, birth, citizen, files_of, monkeypatch
):
    """The file is stored before the transaction; a refusal inside it leaves no orphan."""
    from motcua.dossiers import services as dossier_services

    dossier = received(commune, birth, citizen)

    def refuse(**kwargs):
        raise DomainError("từ chối")

    monkeypatch.setattr(dossier_services, "dossier_component_digitised", refuse)
    with pytest.raises(DomainError):
        digitise(commune.receiver, dossier, content=pdf_bytes("orphan"))
    assert files_of("so-hoa") == [] and not DigitisedComponent.objects.exists()


def test_draft_cannot_be_digitised(commune, birth, citizen):
    dossier = submitted(commune, birth, citizen)
    type(dossier).objects.filter(pk=dossier.pk).update(state=State.DRAFT)
    dossier.refresh_from_db()
    with pytest.raises(DomainError, match="nháp"):
        digitise(commune.receiver, dossier)
