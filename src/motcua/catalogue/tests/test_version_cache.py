"""The version in force and its parts are read once per process per state of the version, and
never stale: every way a version or its children change moves its `updated_at` (DOMAIN §0.1:
a dossier keeps the version it was received under, so the intake must see the current one)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from motcua.calendar.constants import LimitUnit
from motcua.catalogue import selectors, services
from motcua.catalogue.importing import ComponentData
from motcua.catalogue.models import Procedure
from motcua.catalogue.tests.test_importing import GOOD, write

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 1, 5)


def _import(tmp_path: Path, entry: dict[str, object], name: str) -> Procedure:
    services.catalogue_import(path=write(tmp_path, name, json.dumps([entry], ensure_ascii=False)))
    return Procedure.objects.get(code=entry["code"])


def test_an_imported_change_of_a_published_version_is_seen_at_once(tmp_path: Path) -> None:
    procedure = _import(tmp_path, GOOD, "v1.json")
    first = selectors.version_in_force(procedure, ON)
    assert first is not None and first.time_limit_amount == Decimal(3)
    parts = selectors.version_parts(first)
    assert [c.name for c in parts.components] == ["Tờ khai"]
    assert parts.first_step is not None and parts.first_step.name == "Thẩm định"
    assert selectors.version_parts(first) is parts  # the second read comes from the cache

    changed = copy.deepcopy(GOOD)
    version = changed["versions"][0]  # type: ignore[index]
    version["time_limit_amount"] = 5
    version["components"] = [{"name": "Tờ khai"}, {"name": "Giấy tờ tùy thân"}]
    version["steps"][0]["name"] = "Xác minh"
    _import(tmp_path, changed, "v1-changed.json")

    again = selectors.version_in_force(procedure, ON)
    assert again is not None and again.pk == first.pk
    assert again.time_limit_amount == Decimal(5)
    parts = selectors.version_parts(again)
    assert [c.name for c in parts.components] == ["Tờ khai", "Giấy tờ tùy thân"]
    assert parts.first_step is not None and parts.first_step.name == "Xác minh"


def test_callers_get_their_own_copy(tmp_path: Path) -> None:
    procedure = _import(tmp_path, GOOD, "v1.json")
    mine = selectors.version_in_force(procedure, ON)
    assert mine is not None
    mine.time_limit_amount = Decimal(99)
    theirs = selectors.version_in_force(procedure, ON)
    assert theirs is not None and theirs is not mine
    assert theirs.time_limit_amount == Decimal(3)


def test_closing_the_previous_version_moves_to_the_new_one(tmp_path: Path) -> None:
    procedure = _import(tmp_path, GOOD, "v1.json")
    old = selectors.version_in_force(procedure, ON)
    assert old is not None and old.valid_to is None
    draft = services.version_create_draft(procedure=procedure, valid_from=dt.date(2025, 7, 1))
    services.version_publish(version=draft, close_previous=True)
    assert selectors.version_in_force(procedure, ON) == draft
    before = selectors.version_in_force(procedure, dt.date(2025, 6, 30))
    assert before is not None and before.pk == old.pk
    assert before.valid_to == dt.date(2025, 6, 30)


def test_parts_of_a_draft_are_read_every_time(db: None) -> None:
    field = services.field_upsert(code="HT", name="Hộ tịch")
    procedure = services.procedure_upsert(code="1.000001", name="Thủ tục thử", field=field)
    draft = services.version_create_draft(
        procedure=procedure,
        valid_from=dt.date(2025, 7, 1),
        time_limit_amount=Decimal(3),
        time_limit_unit=LimitUnit.WORKING_DAYS,
    )
    services.version_update(version=draft, components=[ComponentData(name="Tờ khai")])
    draft.refresh_from_db()
    assert [c.name for c in selectors.version_parts(draft).components] == ["Tờ khai"]
    # A child row changed without saving the version (not a path the services take): a draft
    # is never cached, so it is still seen.
    draft.components.update(name="Tờ khai (mẫu mới)")
    assert [c.name for c in selectors.version_parts(draft).components] == ["Tờ khai (mẫu mới)"]
