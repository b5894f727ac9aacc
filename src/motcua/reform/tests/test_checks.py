"""Consistency checks of a CCHC report (DOMAIN.md §0.2, §3.3): figures that do not add up and
sentences that the figures contradict."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError
from motcua.reform.checks import (
    check_entered_figures,
    check_figures,
    check_narrative,
)
from motcua.reform.constants import Severity
from motcua.reform.figures import Figures

#: The figures of seed-report-2023-H1.txt as they stand (section II.2.c).
SEED_FIGURES = {
    "received_total": 412,
    "received_online": 381,
    "received_direct_postal": 23,
    "carried_over": 8,
    "resolved_total": 403,
    "resolved_early": 381,
    "resolved_on_time": 17,
    "resolved_late": 5,
    "pending_total": 4,
    "pending_within": 4,
    "pending_overdue": 0,
}
#: The seed report's sentence about lateness, verbatim from the OCR (diacritics lost).
SEED_SENTENCE = (
    "Trong qua trinh giai quyét cac thu tuc hanh chinh, UBND xa khong dé xay\n"
    "ra tinh trang qua han, sai sot, vi pham trong qua trinh tiép nhan, giai quyét va tra\n"
    "két qua tha tuc hanh chinh theo co ché mét ctra; dong thoi cling khong nhan dugc\n"
    "truong hop khiéu nai, phan anh, kién nghi ctia ca nhan, t6 chirc vé cac quy dinh tha\n"
    "tuc hanh chinh thudc tham quyén giai quyét cia UBND xA."
)


def codes(problems: list) -> set[str]:
    return {p.code.split(":")[0] for p in problems}


def test_seed_report_both_contradictions_are_caught_DOMAIN_0_2() -> None:
    """412 received ≠ 403 resolved + 4 pending (5 dossiers unaccounted for), and "không để xảy
    ra tình trạng quá hạn" although 5 dossiers were resolved late."""
    problems = check_entered_figures({**SEED_FIGURES, "text": SEED_SENTENCE})
    assert codes(problems) == {"received_balance", "claim_no_late"}
    assert all(p.severity == Severity.BLOCKING for p in problems)
    balance = next(p for p in problems if p.code == "received_balance")
    assert "412" in balance.message and "407" in balance.message and "5 hồ sơ" in balance.message
    claim = next(p for p in problems if p.code.startswith("claim_no_late"))
    assert "quá hạn" in claim.message and "5 hồ sơ" in claim.message


def test_seed_report_identities_that_hold_are_not_reported() -> None:
    """404 = 381 + 23, 412 = 404 + 8, 403 = 381 + 17 + 5, 4 = 4 + 0 (DOMAIN.md §0.2)."""
    problems = check_figures(Figures.from_mapping(SEED_FIGURES))
    assert codes(problems) == {"received_balance"}


def test_entered_figures_accept_strings_and_refuse_garbage() -> None:
    as_text = {k: str(v) for k, v in SEED_FIGURES.items()}
    assert codes(check_entered_figures(as_text)) == {"received_balance"}
    with pytest.raises(DomainError):
        check_entered_figures({**SEED_FIGURES, "resolved_late": "năm"})


def test_balanced_figures_with_closed_other_pass() -> None:
    balanced = {**SEED_FIGURES, "closed_other_total": 5, "withdrawn": 3, "stopped": 2}
    assert check_entered_figures(balanced) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("received_online", 380, "received_parts"),
        ("resolved_on_time", 16, "resolved_parts"),
        ("pending_within", 3, "pending_parts"),
        ("withdrawn", 9, "closed_other_parts"),
    ],
    ids=["BM06-col3=4+5+6", "BM06-col7=8+9+10", "BM06-col11=12+13", "closed-other-footnote"],
)
def test_each_identity_of_bieu06(field: str, value: int, code: str) -> None:
    figures = {**SEED_FIGURES, "closed_other_total": 5, "withdrawn": 3, "stopped": 2, field: value}
    assert code in codes(check_entered_figures(figures))


LATE = Figures(resolved_total=10, resolved_early=5, resolved_on_time=4, resolved_late=1)
NO_LATE = Figures(resolved_total=10, resolved_early=6, resolved_on_time=4)


@pytest.mark.parametrize(
    "sentence",
    [
        "UBND xã không để xảy ra tình trạng quá hạn trong giải quyết TTHC.",
        "Không có hồ sơ quá hạn.",
        "Trong kỳ không có hồ sơ nào bị giải quyết quá hạn.",
        "100% hồ sơ được giải quyết đúng hạn.",
        "100% hồ sơ đúng và trước hạn.",
        "Tỷ lệ giải quyết hồ sơ đúng hạn đạt 100%.",
        "khong co ho so qua han",
        "KHÔNG ĐỂ XẢY RA TÌNH TRẠNG HỒ SƠ TRỄ HẠN",
    ],
)
def test_claims_of_no_late_dossier(sentence: str) -> None:
    assert codes(check_narrative({"procedures": sentence}, LATE)) == {"claim_no_late"}
    assert check_narrative({"procedures": sentence}, NO_LATE) == []


def test_pending_overdue_also_contradicts_a_no_late_claim() -> None:
    figures = Figures(pending_total=2, pending_within=1, pending_overdue=1)
    problems = check_narrative({"assessment": "Không có hồ sơ quá hạn."}, figures)
    assert codes(problems) == {"claim_no_late"}


@pytest.mark.parametrize(
    "sentence",
    [
        "100% hồ sơ được tiếp nhận trực tuyến.",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến đạt 100%.",
        "Toàn bộ hồ sơ đều được tiếp nhận trực tuyến.",
        "100% ho so nop truc tuyen",
    ],
)
def test_claims_of_all_online(sentence: str) -> None:
    some_counter = Figures(received_online=9, received_direct_postal=1, received_total=10)
    all_online = Figures(received_online=10, received_total=10)
    assert codes(check_narrative({"digital": sentence}, some_counter)) == {"claim_all_online"}
    assert check_narrative({"digital": sentence}, all_online) == []


def test_neutral_sentences_are_not_flagged() -> None:
    text = (
        "Giải quyết 403 hồ sơ, trong đó quá hạn 5 hồ sơ; đã ban hành phiếu xin lỗi. "
        "Tỷ lệ trực tuyến 94,3%."
    )
    assert check_narrative({"procedures": text}, LATE) == []
