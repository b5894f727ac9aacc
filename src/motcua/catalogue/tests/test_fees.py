"""fee_compute from FeeRule lines (DOMAIN §9; TT 226/2016/TT-BTC art. 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.factories import ProcedureVersionFactory

from motcua.catalogue import services
from motcua.catalogue.models import ProcedureVersion
from motcua.core.errors import DomainError


@pytest.fixture
def ban_sao(db: None) -> ProcedureVersion:
    """Chứng thực bản sao (2.000815): 2.000 đ/page pages 1–2, 1.000 đ from page 3, max
    200.000 đ per copy (DOMAIN §9 row 11)."""
    version = ProcedureVersionFactory(same_day=True)
    version.fee_rules.create(
        order=1,
        name="Trang 1–2",
        amount=2000,
        per="page",
        from_quantity=1,
        to_quantity=2,
        max_amount=200000,
    )
    version.fee_rules.create(
        order=2, name="Từ trang 3", amount=1000, per="page", from_quantity=3, max_amount=200000
    )
    return version


@pytest.mark.parametrize(
    ("pages", "copies", "expected"),
    [
        pytest.param(1, 1, 2000, id="1-page-DOMAIN-s9-row11"),
        pytest.param(2, 1, 4000, id="2-pages-DOMAIN-s9-row11"),
        pytest.param(3, 1, 5000, id="3-pages-DOMAIN-s9-row11"),
        pytest.param(250, 1, 200000, id="250-pages-capped-DOMAIN-s9-row11"),
        pytest.param(3, 2, 10000, id="2-copies-of-3-pages"),
        pytest.param(250, 3, 600000, id="cap-is-per-copy"),
    ],
)
def test_chung_thuc_ban_sao(
    ban_sao: ProcedureVersion, pages: int, copies: int, expected: int
) -> None:
    assert services.fee_compute(ban_sao, quantity=copies, pages=pages) == Decimal(expected)


def test_page_lines_need_pages(ban_sao: ProcedureVersion) -> None:
    with pytest.raises(DomainError, match="số trang"):
        services.fee_compute(ban_sao)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        pytest.param(10000, 10000, id="chung-thuc-chu-ky-10000-per-case-DOMAIN-s9-row12"),
        pytest.param(50000, 50000, id="chung-thuc-hop-dong-50000-DOMAIN-s9-row13"),
    ],
)
def test_per_case_fee_counted_once(amount: int, expected: int) -> None:
    version = ProcedureVersionFactory()
    version.fee_rules.create(order=1, name="Phí", amount=amount, per="case")
    assert services.fee_compute(version, quantity=3) == Decimal(expected)


@pytest.mark.django_db
def test_per_copy_ranges_and_free_procedure() -> None:
    version = ProcedureVersionFactory()
    assert services.fee_compute(version) == Decimal(0)  # miễn phí: no fee lines
    version.fee_rules.create(order=1, name="Bản đầu", amount=8000, per="copy", to_quantity=1)
    version.fee_rules.create(order=2, name="Bản tiếp", amount=3000, per="copy", from_quantity=2)
    assert services.fee_compute(version, quantity=1) == Decimal(8000)
    assert services.fee_compute(version, quantity=3) == Decimal(14000)
