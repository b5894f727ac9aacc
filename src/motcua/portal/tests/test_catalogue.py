"""Public catalogue: tolerant accent-insensitive search, browsing, the procedure page
(NĐ61 art. 15 guidance: documents, time limit, fees, where and how; DOMAIN.md §1.3)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

from motcua.catalogue.constants import OnlineLevel
from motcua.core.text import fold
from motcua.portal.selectors import catalogue_search

NAMES = [
    ("HT", "Đăng ký khai sinh", ["co-con-nho"]),
    ("HT", "Đăng ký kết hôn", ["ket-hon"]),
    ("HT", "Đăng ký khai tử", ["nguoi-than-qua-doi"]),
    ("CT", "Cấp bản sao từ sổ gốc", ["xac-nhan-giay-to"]),
    ("HT", "Cấp Giấy xác nhận tình trạng hôn nhân", ["ket-hon", "xac-nhan-giay-to"]),
]


@pytest.fixture
def catalogue(db: None) -> None:
    fields = {
        "HT": FieldFactory(code="HT", name="Hộ tịch"),
        "CT": FieldFactory(code="CT", name="Chứng thực"),
    }
    for i, (field, name, events) in enumerate(NAMES):
        procedure = ProcedureFactory(
            code=f"P-{i}",
            name=name,
            name_search=fold(name),
            field=fields[field],
            life_events=events,
        )
        ProcedureVersionFactory(procedure=procedure, online_level=OnlineLevel.PARTIAL)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("lam giay khai sinh", "Đăng ký khai sinh", id="filler-words-lam-giay"),
        pytest.param("làm giấy khai sinh", "Đăng ký khai sinh", id="filler-words-with-accents"),
        pytest.param("dang ky khai sinh", "Đăng ký khai sinh", id="no-accents"),
        pytest.param("ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh", id="upper-case-accents"),
        pytest.param("xin cấp giấy kết hôn", "Đăng ký kết hôn", id="filler-xin-cap-giay"),
        pytest.param("thu tuc ket hon", "Đăng ký kết hôn", id="filler-thu-tuc"),
        pytest.param("khai tu", "Đăng ký khai tử", id="strict-two-words"),
        pytest.param("cap ban sao", "Cấp bản sao từ sổ gốc", id="strict-keeps-cap"),
    ],
)
def test_search_is_accent_insensitive_and_tolerant(catalogue: None, query: str, expected: str):
    names = [p.name for p in catalogue_search(query).procedures]
    assert expected in names


def test_filler_words_dropped_only_when_strict_search_finds_nothing(catalogue: None):
    strict = catalogue_search("cap giay xac nhan")
    assert [p.name for p in strict.procedures] == ["Cấp Giấy xác nhận tình trạng hôn nhân"]
    assert strict.dropped_words == []
    tolerant = catalogue_search("lam giay khai sinh")
    assert tolerant.dropped_words == ["lam", "giay"]
    assert catalogue_search("khai sinh ho chieu").procedures == []


def test_browse_by_life_event_and_field(catalogue: None):
    client = Client()
    home = client.get("/cong-dan/").content.decode()
    assert "Kết hôn" in home and "Có con nhỏ" in home and "Người thân qua đời" in home
    by_event = client.get("/cong-dan/thu-tuc/", {"su-kien": "ket-hon"}).content.decode()
    assert "Đăng ký kết hôn" in by_event and "Cấp Giấy xác nhận tình trạng hôn nhân" in by_event
    assert "Đăng ký khai sinh" not in by_event
    by_field = client.get("/cong-dan/thu-tuc/", {"linh-vuc": "CT"}).content.decode()
    assert "Cấp bản sao từ sổ gốc" in by_field and "Đăng ký kết hôn" not in by_field


def test_search_page_says_which_words_were_ignored(catalogue: None):
    html = Client().get("/cong-dan/thu-tuc/", {"q": "lam giay khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in html
    assert "đã bỏ qua các từ “lam, giay”" in html


def test_procedure_page_in_plain_vietnamese(birth, commune):
    response = Client().get("/cong-dan/thu-tuc/LOCAL-HT-01/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Đăng ký khai sinh",
        "Ai được nộp",
        "Tờ khai theo mẫu",  # components
        "Giấy tờ tùy thân",
        "Tờ khai đăng ký khai sinh (TT 04/2020/TT-BTP)",  # form template
        "Ngay trong ngày tiếp nhận",  # time limit
        "Lệ phí đăng ký khai sinh quá hạn: 8.000 đ",  # fee line (FeeRule)
        "Tổng cho một hồ sơ: <b>8.000 đ</b>",  # fee_compute
        "Trực tuyến toàn trình",  # online level
        "Bộ phận Một cửa",  # where and how
        "Xã Tái Sơn",
        "/cong-dan/thu-tuc/LOCAL-HT-01/nop/",
    ]:
        assert text in html, text


def test_unknown_procedure_is_404(db: None):
    assert Client().get("/cong-dan/thu-tuc/KHONG-CO/").status_code == 404


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def _weight_ok(html: bytes) -> None:
    assert len(html) < 30 * 1024, len(html)
    text = html.decode()
    assert not EXTERNAL.search(text)
    assert "http://" not in text and "https://" not in text


def test_page_weight_procedure_and_lookup_pages_are_small_and_self_contained(birth, commune):
    client = Client()
    _weight_ok(client.get("/cong-dan/thu-tuc/LOCAL-HT-01/").content)
    _weight_ok(client.get("/tra-cuu/", {"ma": "U00001-250310-0001"}).content)
    _weight_ok(client.get("/cong-dan/").content)
