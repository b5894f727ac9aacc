"""Unit tree: materialised paths, cycles, merges and history (DOMAIN.md §0.1 two-tier 2025)."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.errors import DomainError
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.organisation.selectors import unit_subtree, unit_with_history
from motcua.organisation.services import unit_create, unit_merge, unit_update

pytestmark = pytest.mark.django_db


def _tree() -> dict[str, Unit]:
    p = unit_create(code="30", name="Tỉnh Hải Dương", kind=UnitKind.PROVINCE)
    d1 = unit_create(code="298", name="Huyện Tứ Kỳ", kind=UnitKind.DISTRICT, parent=p)
    d2 = unit_create(code="297", name="Huyện Gia Lộc", kind=UnitKind.DISTRICT, parent=p)
    c1 = unit_create(code="11098", name="Xã Tái Sơn", kind=UnitKind.COMMUNE, parent=d1)
    c2 = unit_create(code="11101", name="Xã Quang Phục", kind=UnitKind.COMMUNE, parent=d1)
    return {"p": p, "d1": d1, "d2": d2, "c1": c1, "c2": c2}


def test_create_sets_path_and_folded_name() -> None:
    t = _tree()
    assert t["c1"].path == "/30/298/11098/"
    assert t["c1"].name_search == "xa tai son"


def test_move_rewrites_path_of_whole_subtree() -> None:
    t = _tree()
    unit_update(unit=t["d1"], parent=t["d2"])
    paths = dict(Unit.objects.values_list("code", "path"))
    assert paths["298"] == "/30/297/298/"
    assert paths["11098"] == "/30/297/298/11098/"
    assert paths["11101"] == "/30/297/298/11101/"
    assert [u.code for u in unit_subtree(Unit.objects.get(code="297"))] == [
        "297",
        "298",
        "11098",
        "11101",
    ]


def test_code_change_rewrites_descendant_paths() -> None:
    t = _tree()
    unit_update(unit=t["d1"], code="TK")
    assert Unit.objects.get(code="11098").path == "/30/TK/11098/"


def test_move_to_root_with_parent_none() -> None:
    t = _tree()
    unit_update(unit=t["d1"], parent=None)
    assert Unit.objects.get(code="11101").path == "/298/11101/"


@pytest.mark.parametrize("target", ["d1", "c1"], ids=["under-itself", "under-descendant"])
def test_cycle_refused_and_nothing_changed(target: str) -> None:
    t = _tree()
    with pytest.raises(DomainError, match="nằm trong chính cây đơn vị"):
        unit_update(unit=t["d1"], parent=t[target])
    assert Unit.objects.get(code="298").path == "/30/298/"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "a/b"}, "chỉ được gồm"),
        ({"code": ""}, "không được để trống"),
        ({"kind": "hamlet"}, "không hợp lệ"),
        ({"valid_from": dt.date(2025, 7, 1), "valid_to": dt.date(2025, 6, 30)}, "không được trước"),
    ],
    ids=["slash-in-code", "empty-code", "unknown-kind", "valid-to-before-from"],
)
def test_unit_create_refuses(kwargs: dict[str, object], message: str) -> None:
    data: dict[str, object] = {"code": "X1", "name": "Xã X", "kind": UnitKind.COMMUNE, **kwargs}
    with pytest.raises(DomainError, match=message):
        unit_create(**data)  # type: ignore[arg-type]
    assert not Unit.objects.exists()


def test_duplicate_code_refused() -> None:
    _tree()
    with pytest.raises(DomainError, match="đã tồn tại"):
        unit_create(code="30", name="Tỉnh khác", kind=UnitKind.PROVINCE)


def test_merge_2025_sets_dates_and_links_and_history() -> None:
    """NQ sắp xếp ĐVHC 2025 (DOMAIN.md §0.1): communes merged with effect from 01/07/2025."""
    t = _tree()
    hp = unit_create(code="31", name="Thành phố Hải Phòng", kind=UnitKind.PROVINCE)
    new = unit_create(code="N1", name="Xã mới", kind=UnitKind.COMMUNE, parent=hp)
    unit_merge(predecessors=[t["c1"], t["c2"]], successor=new, on=dt.date(2025, 7, 1))
    t["c1"].refresh_from_db()
    new.refresh_from_db()
    assert t["c1"].valid_to == dt.date(2025, 6, 30)
    assert new.valid_from == dt.date(2025, 7, 1)
    assert set(t["c1"].successors.values_list("code", flat=True)) == {"N1"}
    assert [u.code for u in unit_with_history(new)] == ["11098", "11101", "N1"]
    # The province: its own subtree plus, recursively, the old communes merged into it.
    unit_merge(predecessors=[t["p"]], successor=hp, on=dt.date(2025, 7, 1))
    codes = {u.code for u in unit_with_history(hp)}
    assert codes == {"31", "N1", "30", "298", "297", "11098", "11101"}


def test_merge_refuses_cycles_and_self() -> None:
    t = _tree()
    new = unit_create(code="N1", name="Xã mới", kind=UnitKind.COMMUNE)
    unit_merge(predecessors=[t["c1"]], successor=new, on=dt.date(2025, 7, 1))
    with pytest.raises(DomainError, match="không thể sáp nhập ngược"):
        unit_merge(predecessors=[new], successor=t["c1"], on=dt.date(2025, 7, 1))
    with pytest.raises(DomainError, match="đồng thời"):
        unit_merge(predecessors=[new], successor=new, on=dt.date(2025, 7, 1))
    assert not new.successors.exists()


@given(moves=st.lists(st.tuples(st.integers(0, 7), st.integers(-1, 7)), max_size=12))
@settings(max_examples=25, deadline=None)
def test_paths_stay_consistent_under_any_moves(moves: list[tuple[int, int]]) -> None:
    """Property: whatever moves are tried (cycles refused), every path is parent path + code."""
    with transaction.atomic():
        units = [
            unit_create(code=f"P{i}", name=f"Đơn vị {i}", kind=UnitKind.AGENCY) for i in range(8)
        ]
        for child, parent in moves:
            target = None if parent < 0 else units[parent]
            with contextlib.suppress(DomainError):
                unit_update(unit=units[child], parent=target)
        by_id = {u.pk: u for u in Unit.objects.all()}
        for unit in by_id.values():
            parent_path = by_id[unit.parent_id].path if unit.parent_id else "/"
            assert unit.path == f"{parent_path}{unit.code}/"
        transaction.set_rollback(True)
