"""Pure helpers of the staff pages: time left in working time (DOMAIN.md §2.1), CCCD masking
(§10.1), Decree 30/2020 dates (§7.2), the QR look-up address (no secret)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.backoffice import presenters
from motcua.calendar.workdays import base_calendar

CAL = base_calendar(range(2025, 2028))
TZ = CAL.tz


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("now", "due", "text", "overdue", "soon"),
    [
        (local(2026, 11, 25, 10), local(2026, 11, 30, 17), "Còn 3 ngày làm việc", False, False),
        (local(2026, 11, 27, 10), local(2026, 11, 30, 17), "Còn 1 ngày làm việc", False, True),
        # same day: only the working hours count (lunch 11:30–13:30 excluded)
        (
            local(2026, 11, 25, 10),
            local(2026, 11, 25, 15),
            "Còn 3 giờ 0 phút làm việc",
            False,
            True,
        ),
        (local(2026, 12, 1, 9), local(2026, 11, 27, 17), "Quá hạn 2 ngày làm việc", True, False),
        (local(2026, 11, 27, 17, 30), local(2026, 11, 27, 17), "Quá hạn (trong ngày)", True, False),
    ],
    ids=["three-days", "weekend-skipped", "hours-same-day", "late-days", "late-same-day"],
)
def test_time_left_in_working_time_dom_2_1(now, due, text, overdue, soon):
    left = presenters.time_left(CAL, now, due)
    assert left is not None
    assert (left.text, left.overdue, left.soon) == (text, overdue, soon)


def test_time_left_without_due_date_is_none():
    assert presenters.time_left(CAL, local(2026, 11, 25, 10), None) is None


@pytest.mark.parametrize(
    ("value", "masked"),
    [("001203004567", "••••••••4567"), ("", ""), ("123", "123")],
    ids=["cccd", "empty", "short"],
)
def test_id_number_masked_to_last_four_dom_10_1(value, masked):
    assert presenters.mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (dt.date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (dt.date(2026, 2, 15), "ngày 15 tháng 02 năm 2026"),
        (dt.date(2026, 11, 3), "ngày 03 tháng 11 năm 2026"),
        (dt.date(2026, 3, 30), "ngày 30 tháng 3 năm 2026"),
    ],
    ids=["nd30-pad-day-and-jan", "nd30-pad-feb", "nd30-pad-day", "nd30-no-pad-march"],
)
def test_dates_in_words_decree_30_2020(day, words):
    assert presenters.vn_date_words(day) == words


def test_lookup_url_carries_the_code_only(settings):
    settings.MOTCUA = {**settings.MOTCUA, "PUBLIC_BASE_URL": "https://dichvucong.example.vn/"}
    url = presenters.lookup_url("H40.01-250703-0001")
    assert url == "https://dichvucong.example.vn/tra-cuu/?ma=H40.01-250703-0001"
    svg = presenters.qr_svg(url)
    assert svg.startswith("<svg") and "tra-cuu" in svg


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("NĐ61 art. 19(4)", "NĐ 61/2018/NĐ-CP Điều 19(4)"),
        (
            "NĐ61 art. 19(1)-(3); TT01/2018 art. 9 (Mẫu 05)",
            "NĐ 61/2018/NĐ-CP Điều 19(1)-(3); TT 01/2018/TT-VPCP Điều 9 (Mẫu 05)",
        ),
    ],
    ids=["nd61", "nd61-and-tt01"],
)
def test_legal_sources_in_vietnamese(source, shown):
    assert presenters.legal_vi(source) == shown
