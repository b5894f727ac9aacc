"""Retention schedule (NĐ 13/2023/NĐ-CP art. 3(7); DOMAIN.md §10.1, §1.11): closed dossiers
past retention are anonymised, never deleted (events are append-only)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.factories import DossierFactory, UserFactory

from motcua.dossiers.constants import State
from motcua.dossiers.hashchain import verify_events
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.privacy.constants import ANONYMISED_NAME, RecordClass
from motcua.privacy.models import DossierAnonymisation, RetentionRule
from motcua.privacy.selectors import retention_cutoff
from motcua.privacy.services import retention_apply

UTC = dt.UTC


@pytest.mark.parametrize(
    ("now", "years", "expected"),
    [
        (dt.datetime(2026, 5, 1, tzinfo=UTC), 5, dt.datetime(2021, 5, 1, tzinfo=UTC)),
        (dt.datetime(2024, 2, 29, tzinfo=UTC), 5, dt.datetime(2019, 2, 28, tzinfo=UTC)),
        (dt.datetime(2024, 2, 29, tzinfo=UTC), 4, dt.datetime(2020, 2, 29, tzinfo=UTC)),
    ],
    ids=["plain", "29-02-to-28-02", "29-02-leap-to-leap"],
)
def test_retention_cutoff_calendar_years(now, years, expected) -> None:
    assert retention_cutoff(now=now, keep_years=years) == expected


@pytest.mark.django_db
def test_default_rules_loaded_disabled_pending_archive_law_check_s1_11() -> None:
    rules = {r.record_class: r for r in RetentionRule.objects.all()}
    assert set(rules) == set(RecordClass.values)
    assert not any(r.enabled for r in rules.values())
    assert all(r.keep_years > 0 and r.legal_basis for r in rules.values())


def _closed(state: str, years_ago: float, **kwargs) -> Dossier:
    closed = timezone.now() - dt.timedelta(days=365.25 * years_ago)
    dossier = DossierFactory(
        state=state,
        received_at=closed - dt.timedelta(days=3),
        closed_at=closed,
        applicant_id_number="001090012345",
        applicant_phone="0912345678",
        applicant_email="binh@example.vn",
        applicant_address="Thôn 1",
        data={"ho_ten": "Trần Thị Bình"},
        **kwargs,
    )
    DossierEvent(dossier=dossier, seq=1, at=closed, action="close", to_state=state).save()
    return dossier


@pytest.fixture
def world():
    RetentionRule.objects.filter(record_class=RecordClass.DOSSIER_RETURNED).update(
        keep_years=5, enabled=True
    )
    RetentionRule.objects.filter(record_class=RecordClass.DOSSIER_REFUSED).update(
        keep_years=5, enabled=False
    )
    citizen = UserFactory(kind="citizen")
    return {
        "old": _closed(State.RETURNED, 6, code="OLD", applicant=citizen),
        "recent": _closed(State.RETURNED, 1, code="RECENT"),
        "open": DossierFactory(code="OPEN", received_at=timezone.now() - dt.timedelta(days=3650)),
        "refused": _closed(State.INTAKE_REFUSED, 6, code="REFUSED"),
    }


@pytest.mark.django_db
def test_apply_retention_dry_run_reports_and_changes_nothing(world) -> None:
    out = StringIO()
    call_command("privacy", "apply-retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Chạy thử" in text
    assert "dossier_returned: lưu 5 năm" in text and "1 quá hạn, 0 đã ẩn danh" in text
    assert "dossier_refused" in text and "chưa xác nhận" in text
    world["old"].refresh_from_db()
    assert world["old"].applicant_name == "Trần Thị Bình"
    assert not DossierAnonymisation.objects.exists()


@pytest.mark.django_db
def test_apply_retention_anonymises_closed_dossiers_past_retention_only(world) -> None:
    events_before = DossierEvent.objects.count()
    out = StringIO()
    call_command("privacy", "apply-retention", stdout=out)
    assert "OLD" in out.getvalue()
    old = Dossier.objects.get(code="OLD")
    assert (
        old.applicant_name,
        old.applicant_id_number,
        old.applicant_phone,
        old.applicant_email,
        old.applicant_address,
        old.applicant_id,
        old.data,
    ) == (ANONYMISED_NAME, "", "", "", "", None, {})
    record = DossierAnonymisation.objects.get()
    assert (record.dossier_id, record.record_class, record.keep_years) == (
        old.pk,
        RecordClass.DOSSIER_RETURNED,
        5,
    )
    for code in ("RECENT", "OPEN", "REFUSED"):  # too recent, not closed, rule disabled
        assert Dossier.objects.get(code=code).applicant_name == "Trần Thị Bình"
    # Append-only events untouched, hash chain intact.
    assert DossierEvent.objects.count() == events_before
    assert verify_events(dossier_code="OLD") == []


@pytest.mark.django_db
def test_apply_retention_is_idempotent(world) -> None:
    first = {line.record_class: line for line in retention_apply()}
    version = Dossier.objects.get(code="OLD").version
    second = {line.record_class: line for line in retention_apply()}
    assert first[RecordClass.DOSSIER_RETURNED].anonymised == 1
    assert second[RecordClass.DOSSIER_RETURNED].found == 0
    assert second[RecordClass.DOSSIER_RETURNED].anonymised == 0
    assert DossierAnonymisation.objects.count() == 1
    assert Dossier.objects.get(code="OLD").version == version


@pytest.mark.django_db
def test_apply_retention_batches(world) -> None:
    extra = [_closed(State.RETURNED, 7, code=f"B{i}") for i in range(3)]
    lines = {line.record_class: line for line in retention_apply(batch_size=2)}
    assert lines[RecordClass.DOSSIER_RETURNED].anonymised == 4
    assert {d.pk for d in extra} <= set(
        DossierAnonymisation.objects.values_list("dossier_id", flat=True)
    )
