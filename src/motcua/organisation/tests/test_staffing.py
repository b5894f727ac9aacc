"""Staffing registry for the CCHC report (DOMAIN.md §8.2 II.3–II.4)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.core.errors import DomainError
from motcua.organisation.constants import StaffCategory, UnitKind
from motcua.organisation.selectors import staffing_summary
from motcua.organisation.services import staff_position_upsert, staffing_quota_set, unit_create

pytestmark = pytest.mark.django_db

CB, CC, KCT = StaffCategory.CAN_BO, StaffCategory.CONG_CHUC, StaffCategory.KHONG_CHUYEN_TRACH


def test_summary_counts_quota_actual_and_levels() -> None:
    unit = unit_create(code="11098", name="Xã Tái Sơn", kind=UnitKind.COMMUNE)
    staffing_quota_set(unit=unit, year=2023, category=CB, quota=10)
    staffing_quota_set(unit=unit, year=2023, category=CC, quota=8)
    staffing_quota_set(unit=unit, year=2023, category=CC, quota=7)  # upsert
    people = [
        ("A", "Chủ tịch UBND", CB, True, "Trung cấp", "Đại học", None, None),
        ("B", "Phó Chủ tịch", CB, True, "Sơ cấp", "Chưa qua đào tạo", None, None),
        ("C", "Tư pháp - Hộ tịch", CC, False, "", "Đại học", None, None),
        ("D", "Địa chính", CC, True, "Trung cấp", "Đại học", None, dt.date(2022, 12, 31)),
        ("E", "Văn hóa", CC, True, "Sơ cấp", "Đại học", dt.date(2024, 1, 1), None),
        ("F", "Trưởng thôn", KCT, False, "", "", None, None),
    ]
    for name, pos, cat, party, theory, prof, vf, vt in people:
        staff_position_upsert(
            unit=unit,
            full_name=name,
            position=pos,
            category=cat,
            is_party_member=party,
            political_theory_level=theory,
            professional_level=prof,
            valid_from=vf,
            valid_to=vt,
        )
    # an upsert of the same person updates, not duplicates
    staff_position_upsert(
        unit=unit,
        full_name="A",
        position="Chủ tịch UBND",
        category=CB,
        is_party_member=True,
        political_theory_level="Cao cấp",
        professional_level="Đại học",
    )
    summary = staffing_summary(unit, dt.date(2023, 6, 30))
    cb, cc, kct = summary.category(CB), summary.category(CC), summary.category(KCT)
    assert (cb.quota, cb.actual, cb.party_members, cb.vacancies) == (10, 2, 2, 8)
    assert cb.political_theory == {"Cao cấp": 1, "Sơ cấp": 1}
    assert cb.professional == {"Chưa qua đào tạo": 1, "Đại học": 1}
    assert (cc.quota, cc.actual, cc.party_members) == (7, 1, 0)  # D ended, E not yet
    assert cc.political_theory == {"Chưa cập nhật": 1}
    assert (kct.quota, kct.actual) == (None, 1)
    assert (summary.quota_total, summary.actual_total) == (17, 3)
    assert staffing_summary(unit, dt.date(2024, 6, 30)).category(CB).quota is None


def test_registry_refuses_bad_input() -> None:
    unit = unit_create(code="X", name="Xã X", kind=UnitKind.COMMUNE)
    with pytest.raises(DomainError, match="Phân loại"):
        staffing_quota_set(unit=unit, year=2023, category="other", quota=1)
    with pytest.raises(DomainError, match="không được để trống"):
        staff_position_upsert(unit=unit, full_name=" ", position="x", category=CB)
