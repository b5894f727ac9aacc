"""Data-subject copy (NĐ 13/2023/NĐ-CP art. 9(2), 14(3); DOMAIN.md §10.1)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.factories import DossierFactory, UserFactory

from motcua.accounts.models import UserKind
from motcua.core.errors import DomainError
from motcua.core.models import AccessLog, AccessLogAction
from motcua.dossiers.models import DossierComponent, DossierEvent
from motcua.privacy.services import subject_export

ID = "001090012345"


def _event(dossier, seq: int, *, visible: bool = True, note: str = "") -> DossierEvent:
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        at=dossier.received_at + dt.timedelta(hours=seq),
        action=f"step{seq}",
        note=note,
        visible_to_applicant=visible,
    )
    event.save()
    return event


@pytest.fixture
def person():
    citizen = UserFactory(username="citizen1", kind=UserKind.CITIZEN, full_name="Trần Thị Bình")
    by_account = DossierFactory(code="D-ACC", applicant=citizen, applicant_id_number="")
    by_number = DossierFactory(code="D-NUM", applicant_id_number=ID)
    other = DossierFactory(code="D-OTHER", applicant_id_number="079200099999")
    DossierComponent.objects.create(dossier=by_number, name="Tờ khai", quantity=1)
    _event(by_number, 1, note="Đã tiếp nhận")
    _event(by_number, 2, visible=False, note="ghi chú nội bộ")
    return citizen, by_account, by_number, other


@pytest.mark.django_db
def test_export_art14_finds_dossiers_by_account_or_identity_number(person) -> None:
    citizen, *_ = person
    data = subject_export(id_number=ID, user=citizen)
    assert [d["code"] for d in data["dossiers"]] == ["D-ACC", "D-NUM"]
    assert data["dossier_count"] == 2
    only_number = subject_export(id_number=ID)
    assert [d["code"] for d in only_number["dossiers"]] == ["D-NUM"]
    only_account = subject_export(user=citizen)
    assert [d["code"] for d in only_account["dossiers"]] == ["D-ACC"]


@pytest.mark.django_db
def test_export_art14_contents_visible_events_components_iso_dates(person) -> None:
    data = subject_export(id_number=ID)
    json.dumps(data)  # machine-readable: plain JSON types only
    dossier = data["dossiers"][0]
    assert dossier["applicant"]["id_number"] == ID
    assert [c["name"] for c in dossier["components"]] == ["Tờ khai"]
    assert [e["note"] for e in dossier["events"]] == ["Đã tiếp nhận"]  # internal note left out
    assert dt.datetime.fromisoformat(dossier["received_at"]).tzinfo is not None
    assert dt.datetime.fromisoformat(dossier["events"][0]["at"]) > dt.datetime.fromisoformat(
        dossier["received_at"]
    )


@pytest.mark.django_db
def test_export_art38_is_logged_with_masked_number(person) -> None:
    subject_export(id_number=ID)
    row = AccessLog.objects.get()
    assert row.action == AccessLogAction.EXPORT
    assert row.subject == "••••••••2345"
    assert ID not in row.purpose


@pytest.mark.django_db
def test_export_needs_a_subject() -> None:
    with pytest.raises(DomainError):
        subject_export()


@pytest.mark.django_db
def test_command_export_subject_writes_json(person, tmp_path: Path) -> None:
    out = tmp_path / "ban-sao.json"
    call_command("privacy", "export-subject", "--username", "citizen1", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["code"] for d in data["dossiers"]] == ["D-ACC"]
    assert data["subject"]["account"] == "citizen1"
    assert AccessLog.objects.filter(action=AccessLogAction.EXPORT).count() == 1


@pytest.mark.django_db
def test_command_export_subject_unknown_user(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command(
            "privacy", "export-subject", "--username", "nobody", "--out", str(tmp_path / "x")
        )
    assert not AccessLog.objects.exists()
