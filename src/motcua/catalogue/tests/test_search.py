"""Accent-insensitive procedure search (stored folded key), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalogue import selectors, services
from motcua.core.text import fold


@pytest.fixture
def catalogue(db: None) -> None:
    ht = services.field_upsert(code="HT", name="Hộ tịch")
    ct = services.field_upsert(code="CT", name="Chứng thực")
    dd = services.field_upsert(code="DD", name="Đất đai")
    services.procedure_upsert(code="LOCAL-HT-02", name="Đăng ký kết hôn", field=ht)
    services.procedure_upsert(code="LOCAL-HT-01", name="Đăng ký khai sinh", field=ht)
    services.procedure_upsert(
        code="1.004873", name="Cấp Giấy xác nhận tình trạng hôn nhân", field=ht
    )
    services.procedure_upsert(
        code="2.000815", name="Chứng thực bản sao từ bản chính giấy tờ, văn bản", field=ct
    )
    services.procedure_upsert(code="LOCAL-DD-01", name="Hòa giải tranh chấp đất đai", field=dd)


def codes(query: str, **kwargs: object) -> list[str]:
    return [p.code for p in selectors.procedure_search(query, **kwargs)]


@pytest.mark.parametrize(
    ("query", "field", "expected"),
    [
        pytest.param("dang ky ket hon", None, ["LOCAL-HT-02"], id="no-accents"),
        pytest.param("ĐĂNG KÝ KẾT HÔN", None, ["LOCAL-HT-02"], id="upper-case-accents"),
        pytest.param("đăng ký kết hôn", None, ["LOCAL-HT-02"], id="lower-case-accents"),
        pytest.param("  Đăng   ký  ", None, ["LOCAL-HT-01", "LOCAL-HT-02"], id="spaces"),
        pytest.param("1.004873", None, ["1.004873"], id="national-code-XNTTHN-DOMAIN-s9-row8"),
        pytest.param("local-ht-01", None, ["LOCAL-HT-01"], id="local-code-case-insensitive"),
        pytest.param("ĐẤT ĐAI", None, ["LOCAL-DD-01"], id="folded-d-upper"),
        pytest.param("dat dai", None, ["LOCAL-DD-01"], id="folded-d-ascii"),
        pytest.param("hon nhan xac nhan", None, ["1.004873"], id="words-any-order"),
        pytest.param("ket hon khai sinh", None, [], id="every-word-must-match"),
        pytest.param("ban sao 2.000815", None, ["2.000815"], id="words-and-code-mixed"),
        pytest.param("dang ky", "CT", [], id="field-filter-excludes"),
        pytest.param("", "HT", ["1.004873", "LOCAL-HT-01", "LOCAL-HT-02"], id="field-only"),
        pytest.param("chung thuc", "ct", ["2.000815"], id="field-code-case-insensitive"),
    ],
)
def test_procedure_search(
    catalogue: None, query: str, field: str | None, expected: list[str]
) -> None:
    assert sorted(codes(query, field=field)) == sorted(expected)


def test_search_limit_and_on_date(catalogue: None) -> None:
    assert len(codes("", limit=2)) == 2
    # No procedure has a published version yet: nothing is in force.
    assert codes("dang ky", on=dt.date(2024, 1, 1)) == []


@pytest.mark.django_db
def test_name_search_follows_rename() -> None:
    """name_search is kept by the service on every write (no signals)."""
    ht = services.field_upsert(code="HT", name="Hộ tịch")
    p = services.procedure_upsert(code="X-1", name="Đăng ký khai tử", field=ht)
    assert p.name_search == "dang ky khai tu"
    services.procedure_upsert(code="X-1", name="Đăng ký lại khai tử", field=ht)
    assert codes("lai khai tu") == ["X-1"]


_VIETNAMESE = st.text(
    alphabet=st.sampled_from(
        list(
            "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩị"
            "óòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐĂÂÊÔƠƯÁÀẠẾỆỐỢỨ 0123456789-."
        )
    ),
    max_size=40,
)


@given(_VIETNAMESE)
def test_fold_properties(text: str) -> None:
    """fold is idempotent, gives ASCII and ignores case."""
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert fold(text.upper()) == folded == fold(text.lower())
