"""The e-form validator: the JSON Schema subset used by the catalogue's e-forms."""

from __future__ import annotations

import pytest

from motcua.portal import eform
from motcua.portal.tests.conftest import BIRTH_SCHEMA

GOOD = {
    "ho_ten_tre": "Nguyễn Minh An",
    "ngay_sinh": "05/09/2025",
    "gioi_tinh": "Nam",
    "so_con": "2",
    "so_dinh_danh_nguoi_yeu_cau": "001090012345",
    "quoc_tich": "",
}


def test_valid_values_are_typed():
    clean, errors = eform.validate(BIRTH_SCHEMA, GOOD)
    assert errors == {}
    assert clean["ngay_sinh"] == "2025-09-05"  # JSON Schema "date" format
    assert clean["so_con"] == 2
    assert "quoc_tich" not in clean  # empty optional field left out


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ho_ten_tre", "", "Vui lòng nhập “Họ, chữ đệm, tên của trẻ”."),
        ("gioi_tinh", "", "Vui lòng chọn “Giới tính”."),
        ("gioi_tinh", "Khác", "Vui lòng chọn một giá trị có trong danh sách cho “Giới tính”."),
        ("ngay_sinh", "31/02/2025", "phải là một ngày hợp lệ, dạng ngày/tháng/năm"),
        ("so_con", "hai", "“Con thứ mấy” phải là số nguyên"),
        ("so_con", "0", "“Con thứ mấy” phải từ 1 trở lên."),
        ("so_dinh_danh_nguoi_yeu_cau", "12345", "không đúng định dạng"),
        ("ho_ten_tre", "A" * 61, "chỉ được dài tối đa 60 ký tự"),
    ],
    ids=["required", "required-enum", "enum", "date", "integer", "minimum", "pattern", "maxLength"],
)
def test_messages_in_vietnamese(field, value, message):
    _clean, errors = eform.validate(BIRTH_SCHEMA, {**GOOD, field: value})
    assert list(errors) == [field]
    assert message in errors[field]


def test_min_length_and_boolean_required():
    schema = {
        "properties": {
            "ma": {"title": "Mã", "type": "string", "minLength": 3},
            "dong_y": {"title": "Đồng ý", "type": "boolean"},
        },
        "required": ["dong_y"],
    }
    _c, errors = eform.validate(schema, {"ma": "ab", "dong_y": ""})
    assert errors == {
        "ma": "“Mã” phải có ít nhất 3 ký tự.",
        "dong_y": "Vui lòng đánh dấu “Đồng ý”.",
    }
    clean, errors = eform.validate(schema, {"ma": "abc", "dong_y": "on"})
    assert errors == {} and clean == {"ma": "abc", "dong_y": True}


def test_fields_follow_x_order_then_the_rest_with_defaults():
    names = [f.name for f in eform.fields(BIRTH_SCHEMA)]
    assert names == BIRTH_SCHEMA["x-order"] + ["quoc_tich"]
    by_name = {f.name: f for f in eform.fields(BIRTH_SCHEMA)}
    assert by_name["quoc_tich"].value == "Việt Nam"
    assert by_name["gioi_tinh"].widget == "select" and by_name["so_con"].widget == "number"
    assert by_name["ngay_sinh"].widget == "date" and by_name["ho_ten_tre"].required
