"""QĐ 766/QĐ-TTg indicators computed locally (DOMAIN.md §4.1–§4.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.factories import DossierFactory, ProcedureVersionFactory, UserFactory

from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import OnlineLevel
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.transitions import Action
from motcua.evaluation.config import IndicatorSpec, read_defaults
from motcua.evaluation.constants import Status
from motcua.evaluation.indices import (
    IndicatorResult,
    convert_score,
    qd766_indicators,
    ratio,
    vn_number,
    warning_status,
)
from motcua.evaluation.models import IndicatorConfig
from motcua.evaluation.tests.conftest import at
from motcua.evaluation.tests.helpers import EARLY, LATE, RECEIVED, event, finished
from motcua.organisation.models import Unit

H1_2023 = (dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def indicators(unit: Unit) -> dict[str, IndicatorResult]:
    return {r.code: r for r in qd766_indicators(unit, *H1_2023)}


def spec(**kwargs: Any) -> IndicatorSpec:
    values: dict[str, Any] = {
        "code": "x",
        "order": 0,
        "name": "x",
        "pmax": Decimal(6),
        "threshold": None,
        "warning_target": None,
        "warning_margin": Decimal(10),
        "source": "",
        "confidence": "◐",
        "waits_for": "",
    }
    values.update(kwargs)
    return IndicatorSpec(**values)


# --- score conversion and ratios (§4.1) ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "pmax", "threshold", "points"),
    [
        pytest.param("60", "6", "50", "6.00", id="QD766-4.1-above-threshold-Pmax"),
        pytest.param("50", "6", "50", "6.00", id="QD766-4.1-at-threshold-Pmax"),
        pytest.param("40", "6", "50", "4.80", id="QD766-4.1-below-threshold-R*Pmax/T"),
        pytest.param("33.33", "6", "90", "2.22", id="QD766-4.1-below-threshold-rounded-2dp"),
        pytest.param("75", "20", None, "15.00", id="QD766-4.1-no-threshold-R*Pmax/100"),
        pytest.param("100", "20", None, "20.00", id="QD766-4.1-no-threshold-100pct"),
        pytest.param("0", "6", "80", "0.00", id="QD766-4.1-zero-ratio"),
    ],
)
def test_convert_score(value: str, pmax: str, threshold: str | None, points: str) -> None:
    t = Decimal(threshold) if threshold is not None else None
    assert convert_score(Decimal(value), Decimal(pmax), t) == Decimal(points)


def test_convert_score_without_ratio_or_maximum_is_na() -> None:
    assert convert_score(None, Decimal(6), Decimal(50)) is None  # denominator 0
    assert convert_score(Decimal(70), None, Decimal(50)) is None  # maximum not known (❓)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        pytest.param(1, 3, Decimal("33.33"), id="QD766-4.1-ratio-2dp-down"),
        pytest.param(2, 3, Decimal("66.67"), id="QD766-4.1-ratio-2dp-up"),
        pytest.param(3, 3, Decimal("100.00"), id="QD766-4.1-ratio-100"),
        pytest.param(0, 0, None, id="QD766-4.1-denominator-0-NA"),
    ],
)
def test_ratio(num: int, den: int, expected: Decimal | None) -> None:
    assert ratio(num, den) == expected


@given(
    value=st.decimals(min_value=0, max_value=100, places=2),
    pmax=st.decimals(min_value=0, max_value=30, places=2),
    threshold=st.one_of(st.none(), st.decimals(min_value=1, max_value=100, places=2)),
)
def test_points_never_exceed_maximum(
    value: Decimal, pmax: Decimal, threshold: Decimal | None
) -> None:
    points = convert_score(value, pmax, threshold)
    assert points is not None
    assert Decimal(0) <= points <= pmax


@pytest.mark.parametrize(
    ("value", "kwargs", "status"),
    [
        pytest.param("90", {"threshold": Decimal(90)}, Status.OK, id="warning-at-threshold-ok"),
        pytest.param("80", {"threshold": Decimal(90)}, Status.WARNING, id="warning-within-margin"),
        pytest.param("79.99", {"threshold": Decimal(90)}, Status.FAIL, id="warning-below-margin"),
        pytest.param("95", {}, Status.WARNING, id="warning-no-threshold-target-100"),
        pytest.param(
            "95", {"warning_target": Decimal(95)}, Status.OK, id="warning-configured-target"
        ),
        pytest.param(
            "85",
            {"threshold": Decimal(90), "warning_margin": Decimal(2)},
            Status.FAIL,
            id="warning-configured-margin",
        ),
        pytest.param("50", {"pmax": Decimal(0)}, Status.MONITOR, id="warning-monitor-only"),
        pytest.param(None, {}, Status.NA, id="warning-no-value-NA"),
    ],
)
def test_warning_status(value: str | None, kwargs: dict[str, Any], status: Status) -> None:
    v = Decimal(value) if value is not None else None
    assert warning_status(v, spec(**kwargs)) == status


def test_defaults_file_matches_domain_maxima() -> None:
    """DOMAIN §4.1/§4.2: 2.1 = 20 (✓ news), 5.4 = 6 with T 90%, 3.3 T 50%."""
    rows = {r["code"]: r for r in read_defaults()}
    assert rows["2.1"]["pmax"] == 20
    assert (rows["5.4"]["pmax"], rows["5.4"]["threshold"]) == (6, 90)
    assert rows["3.3"]["threshold"] == 50
    assert rows["3.3"]["pmax"] is None  # ❓ in DOMAIN: not invented


@pytest.mark.django_db
def test_data_migration_loaded_the_defaults() -> None:
    assert set(IndicatorConfig.objects.values_list("code", flat=True)) == {
        r["code"] for r in read_defaults()
    }


# --- 2.1 on-time rate -------------------------------------------------------------------------


@pytest.mark.django_db
def test_21_rules(commune: Unit) -> None:
    """QĐ 766 §4.2 id 2.1: end ≤ appointment (early and on time merged)."""
    finished(commune, EARLY)  # on time
    finished(commune, LATE)  # late
    finished(commune, EARLY, supplement_count=2)  # >1 supplement → late
    # unfinished, due before the end of the period → measured at the end → late
    DossierFactory(
        unit=commune, state=State.IN_PROCESS, received_at=RECEIVED, due_at=at(2023, 3, 6, 17)
    )
    # unfinished, due after the end of the period → on time
    DossierFactory(
        unit=commune, state=State.IN_PROCESS, received_at=at(2023, 6, 28), due_at=at(2023, 7, 3)
    )
    # waiting for its single supplement requested before the appointment → on time
    waiting = DossierFactory(
        unit=commune,
        state=State.SUPPLEMENT_AFTER_REVIEW,
        supplement_count=1,
        received_at=RECEIVED,
        due_at=at(2023, 3, 6, 17),
    )
    event(waiting, Action.REQUEST_SUPPLEMENT, at(2023, 3, 2))
    # withdrawn before the appointment: terminal, on time
    DossierFactory(
        unit=commune,
        state=State.WITHDRAWN,
        received_at=RECEIVED,
        due_at=at(2023, 3, 6, 17),
        closed_at=at(2023, 3, 2),
    )
    # ended before the period, received after it, or never received: not counted
    finished(commune, EARLY, received_at=at(2022, 12, 1), finished_at=at(2022, 12, 2))
    DossierFactory(unit=commune, received_at=at(2023, 7, 2), due_at=at(2023, 7, 5))
    DossierFactory(unit=commune, state=State.SUBMITTED, received_at=RECEIVED, due_at=None)
    result = indicators(commune)["2.1"]
    assert (result.numerator, result.denominator) == (4, 7)
    assert result.value == Decimal("57.14")
    assert result.points == Decimal("11.43")  # 57.14 × 20 / 100, no threshold
    assert result.status == Status.FAIL


@pytest.mark.django_db
def test_21_and_54_denominator_0_is_na(commune: Unit) -> None:
    result = indicators(commune)
    for code in ("2.1", "5.4", "3.3", "2.2"):
        assert result[code].value is None
        assert result[code].points is None
    assert result["2.1"].status == Status.NA


@pytest.mark.django_db
def test_54_satisfaction(commune: Unit) -> None:
    """QĐ 766 §4.2 id 5.4: 100% − late rate − complaint rate (0 until feedback), T = 90%."""
    for done in (EARLY, EARLY, EARLY, LATE):
        finished(commune, done)
    result = indicators(commune)["5.4"]
    assert result.value == Decimal("75.00")
    assert result.points == Decimal("5.00")  # 75 × 6 / 90
    assert result.status == Status.FAIL  # below 90 − 10
    assert "0 hồ sơ bị đánh giá chưa hài lòng" in result.reason


@pytest.mark.django_db
def test_54_counts_dossiers_rated_not_satisfied(commune: Unit) -> None:
    """QĐ 766 §4.2 id 5.4: 100% − (late rate + rate of dossiers rated "dislike")."""
    from motcua.feedback.services import rating_submit

    dossiers = [finished(commune, done) for done in (EARLY, EARLY, EARLY, LATE)]
    rating_submit(
        dossier=dossiers[0],
        satisfied=False,
        comment="Chờ lâu",
        channel="lookup",
        at=EARLY,
    )
    result = indicators(commune)["5.4"]
    assert result.value == Decimal("50.00")  # 100 − 25 late − 25 dislike
    assert result.numerator == 2 and result.denominator == 4


# (case, the rated dossier received/finished, rated at, counted in 5.4?) — QĐ 766 §4.2 id 5.4:
# both rates are over 2.1's dossiers (received or processed in H1 2023), a rating counts when
# its dossier is one of them and it was given by the end of the period.
RATING_CASES = [
    ("dossier of the period, rated in it", (RECEIVED, EARLY), at(2023, 3, 4), True),
    ("dossier of the period, rated after its end", (RECEIVED, EARLY), at(2023, 7, 2), False),
    (
        "dossier ended before the period, rated in it",
        (at(2022, 12, 1), at(2022, 12, 2)),
        at(2023, 1, 5),
        False,
    ),
    ("late dossier rated too: both rates", (RECEIVED, LATE), at(2023, 3, 8), True),
]


@pytest.mark.parametrize(
    ("dossier_dates", "rated_at", "counted"),
    [c[1:] for c in RATING_CASES],
    ids=[c[0] for c in RATING_CASES],
)
@pytest.mark.django_db
def test_54_ratings_are_those_of_the_periods_dossiers(
    commune: Unit,
    dossier_dates: tuple[dt.datetime, dt.datetime],
    rated_at: dt.datetime,
    counted: bool,
) -> None:
    from motcua.feedback.models import Rating

    others = [finished(commune, EARLY) for _ in range(3)]  # on time, not rated
    received, done = dossier_dates
    rated = finished(commune, done, received_at=received, finished_at=done)
    Rating.objects.create(
        dossier=rated, unit=commune, satisfied=False, channel="lookup", created_at=rated_at
    )
    result = indicators(commune)["5.4"]
    in_period = received >= at(2023, 1, 1)
    total = len(others) + in_period
    late = int(done == LATE)
    assert result.denominator == total
    assert result.numerator == total - late - int(counted)
    assert f"{int(counted)} hồ sơ bị đánh giá chưa hài lòng" in result.reason


@pytest.mark.django_db
def test_52_53_from_feedback(commune: Unit) -> None:
    """QĐ 766 §4.2 ids 5.2–5.3 from phản ánh, kiến nghị received in the period (5.1, a
    monitoring share, is not in the configured panel)."""
    from motcua.feedback.services import feedback_submit

    for topic_kind in ("phan_anh", "kien_nghi"):
        feedback_submit(
            unit=commune,
            kind=topic_kind,
            subject="Thủ tục chứng thực",
            content="Đề nghị niêm yết rõ phí chứng thực.",
            sender_name="Nguyễn Văn Bình",
            sender_phone="0912345678",
            at=RECEIVED,
        )
    result = indicators(commune)
    assert "5.1" not in result
    assert result["5.3"].denominator == 2
    assert result["5.2"].status == Status.NA  # none finished yet: denominator 0
    assert "phản ánh, kiến nghị xử lý xong" in result["5.2"].reason  # not "hồ sơ, TTHC"
    assert result["5.3"].value == Decimal("100.00")  # nothing late among those received


@pytest.mark.django_db
def test_53_without_feedback_says_no_feedback(commune: Unit) -> None:
    """With no PAKN in the period 5.3 is N/A and its reason speaks of PAKN, not dossiers."""
    result = indicators(commune)["5.3"]
    assert (result.value, result.status) == (None, Status.NA)
    assert result.reason.startswith("không có phản ánh, kiến nghị tiếp nhận trong kỳ")


# --- 2.2 average time -----------------------------------------------------------------------


@pytest.mark.django_db
def test_22_average_time_per_procedure(commune: Unit) -> None:
    """QĐ 766 §4.2 id 2.2: per procedure, in its own unit (working days / hours)."""
    days = ProcedureVersionFactory(time_limit_unit=LimitUnit.WORKING_DAYS)
    hours = ProcedureVersionFactory(working_hours=True)
    # Wed 01/03 → Fri 03/03: 2 working days; Wed 01/03 → Tue 07/03: 4 working days
    finished(commune, EARLY, procedure_version=days)
    finished(commune, LATE, procedure_version=days)
    finished(commune, RECEIVED + dt.timedelta(hours=3), procedure_version=hours)
    result = indicators(commune)["2.2"]
    assert result.status == Status.MONITOR
    averages = {(row["average"], row["unit"]) for row in result.details}
    assert averages == {(Decimal("3.00"), "ngày làm việc"), (Decimal("3.00"), "giờ")}
    assert result.denominator == 3


# --- 3.1, 3.2, 3.3 online -------------------------------------------------------------------


@pytest.mark.django_db
def test_31_32_33_online(commune: Unit) -> None:
    online_a = ProcedureVersionFactory(online_level=OnlineLevel.FULL)
    ProcedureVersionFactory(online_level=OnlineLevel.PARTIAL)  # offered, no dossier
    offline = ProcedureVersionFactory(online_level=OnlineLevel.NONE)
    finished(commune, EARLY, channel=Channel.ONLINE, procedure_version=online_a)
    finished(commune, EARLY, channel=Channel.COUNTER, procedure_version=offline)
    finished(commune, EARLY, channel=Channel.COUNTER, procedure_version=offline)
    result = indicators(commune)
    assert (result["3.1"].numerator, result["3.1"].denominator) == (2, 3)
    assert result["3.1"].value == Decimal("66.67")
    assert (result["3.2"].numerator, result["3.2"].denominator) == (1, 2)
    assert result["3.3"].value == Decimal("33.33")
    assert result["3.3"].points is None  # Pmax ❓ until configured
    assert result["3.3"].status == Status.FAIL  # 33.33 < 50 − 10


@pytest.mark.django_db
def test_33_score_follows_configuration(commune: Unit) -> None:
    """QĐ 766 §4.1: score = R × Pmax / T below the threshold; configuration, not code."""
    finished(commune, EARLY, channel=Channel.ONLINE)
    finished(commune, EARLY, channel=Channel.COUNTER)
    finished(commune, EARLY, channel=Channel.COUNTER)
    IndicatorConfig.objects.filter(code="3.3").update(pmax=Decimal(10))
    assert indicators(commune)["3.3"].points == Decimal("6.67")  # 33.33 × 10 / 50
    IndicatorConfig.objects.filter(code="3.3").update(threshold=None)
    assert indicators(commune)["3.3"].points == Decimal("3.33")  # 33.33 × 10 / 100


# --- modules that exist are never reported missing ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        pytest.param(r["code"], id=f"QD766-{r['code']}-module-{r['waits_for']}-installed")
        for r in read_defaults()
        if r["waits_for"]
    ],
)
def test_no_indicator_waits_for_an_installed_module(commune: Unit, code: str) -> None:
    """The defaults name the module feeding 1.4, 3.6, 4.1–4.3, 5.2, 5.3 (`waits_for`); all are
    installed, so none is "chờ phân hệ …" — with or without data."""
    finished(commune, EARLY)
    result = indicators(commune)[code]
    assert "chờ phân hệ" not in result.reason


@pytest.mark.django_db
def test_indicator_waiting_for_a_module_not_built_is_na(commune: Unit) -> None:
    """An administrator may name a module not built yet: then, and only then, "chờ phân hệ"."""
    finished(commune, EARLY)
    IndicatorConfig.objects.filter(code="2.1").update(waits_for="vneid")
    result = indicators(commune)["2.1"]
    assert (result.value, result.points, result.status) == (None, None, Status.NA)
    assert result.reason == "chưa có dữ liệu — chờ phân hệ vneid"


@pytest.mark.django_db
def test_14_without_sync_configured_says_what_is_missing(commune: Unit, settings: Any) -> None:
    """QĐ 766 §4.2 id 1.4: sync off and nothing ever tracked → N/A, saying the connection to
    the national portal is not configured (the integrations module exists)."""
    settings.MOTCUA = {**settings.MOTCUA, "NATIONAL_PORTAL_ADAPTER": "", "NATIONAL_PORTAL_URL": ""}
    finished(commune, EARLY)
    result = indicators(commune)["1.4"]
    assert (result.value, result.points, result.status) == (None, None, Status.NA)
    assert "chưa cấu hình kết nối đồng bộ với Cổng Dịch vụ công quốc gia" in result.reason
    assert "chờ phân hệ" not in result.reason


# --- 4.1 electronic results -------------------------------------------------------------------


def _result_document(dossier: Any, *, signed: bool, when: dt.datetime) -> Any:
    from motcua.documents.models import RESULT_KIND, DocumentFormat, GeneratedDocument

    def make(**extra: Any) -> GeneratedDocument:
        return GeneratedDocument.objects.create(
            dossier=dossier,
            kind=RESULT_KIND,
            title="Trích lục khai sinh",
            format=DocumentFormat.PDF,
            file=f"documents/generated/2023/03/{dossier.pk}-{len(extra)}.pdf",
            sha256=f"{dossier.pk:064d}",
            size=1000,
            created_at=when,
            **extra,
        )

    draft = make()
    return make(signed_from=draft, signed_by=UserFactory()) if signed else draft


def _digitised(dossier: Any, source: str, when: dt.datetime) -> Any:
    from motcua.digitisation.models import DigitisedComponent

    return DigitisedComponent.objects.create(
        dossier=dossier,
        file=f"so-hoa/2023/03/{dossier.pk}.pdf",
        content_type="application/pdf",
        size=1000,
        sha256=f"{dossier.pk:064d}",
        source=source,
        digitised_by=UserFactory(),
        digitised_at=when,
    )


# (case, what the target dossier gets, its state, (numerator, denominator)) — besides it, one
# dossier finished in the period without any electronic result.
ELECTRONIC_RESULT_CASES = [
    ("signed result in the period", "signed", State.RETURNED, (1, 2)),
    ("unsigned generated result is a draft", "unsigned", State.RETURNED, (0, 2)),
    ("electronic result digitised at the counter", "scanned_result", State.RETURNED, (1, 2)),
    ("digitised paper component is not a result", "scanned_component", State.RETURNED, (0, 2)),
    ("signed after the end of the period", "signed_late", State.RETURNED, (0, 2)),
    ("result approved, not yet returned", "signed", State.RESULT_READY, (1, 2)),
    ("refusal is not a result", "signed", State.REJECTED_AFTER_REVIEW, (0, 1)),
]


@pytest.mark.parametrize(
    ("kind", "state", "fraction"),
    [c[1:] for c in ELECTRONIC_RESULT_CASES],
    ids=[f"QD766-4.1-{c[0]}" for c in ELECTRONIC_RESULT_CASES],
)
@pytest.mark.django_db
def test_41_electronic_results(
    commune: Unit, kind: str, state: str, fraction: tuple[int, int]
) -> None:
    """QĐ 766 §4.2 id 4.1: dossiers with an electronic result (signed result document, or an
    electronic result digitised) ÷ dossiers whose result was issued in the period."""
    from motcua.digitisation.constants import Source

    finished(commune, EARLY)  # a result without electronic copy
    target = finished(commune, EARLY, state=state)
    if kind == "signed":
        _result_document(target, signed=True, when=EARLY)
    elif kind == "unsigned":
        _result_document(target, signed=False, when=EARLY)
    elif kind == "signed_late":
        _result_document(target, signed=True, when=at(2023, 7, 3))
    elif kind == "scanned_result":
        _digitised(target, Source.ELECTRONIC_RESULT, EARLY)
    else:
        _digitised(target, Source.ORIGINAL, EARLY)
    result = indicators(commune)["4.1"]
    assert (result.numerator, result.denominator) == fraction
    assert result.value == ratio(*fraction)
    assert result.points == convert_score(result.value, Decimal(6), None)  # Pmax 6, no T
    assert "danh mục TTHC chưa ghi thủ tục trả kết quả bản giấy" in result.reason


@pytest.mark.django_db
def test_41_without_results_in_the_period_is_na(commune: Unit) -> None:
    DossierFactory(unit=commune, state=State.IN_PROCESS, received_at=RECEIVED)
    result = indicators(commune)["4.1"]
    assert (result.value, result.status) == (None, Status.NA)
    assert "mẫu số bằng 0" in result.reason


# --- what leaders read on a card (no internal marks) -----------------------------------------


def _card(**kwargs: Any) -> IndicatorResult:
    values: dict[str, Any] = {
        "code": "x",
        "name": "x",
        "value": Decimal(50),
        "unit_of_value": "%",
        "numerator": 1,
        "denominator": 2,
        "pmax": Decimal(6),
        "threshold": None,
        "points": Decimal(3),
        "status": Status.FAIL,
        "source": "[S14a][S14b]",
        "confidence": "◐",
    }
    values.update(kwargs)
    return IndicatorResult(**values)


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        pytest.param({}, "3/6", id="QD766-4.1-points-of-maximum"),
        pytest.param(
            {"points": Decimal("4.80"), "pmax": Decimal("6.00")},
            "4,80/6",
            id="QD766-4.1-points-vietnamese-decimal-comma",
        ),
        pytest.param(
            {"points": None, "value": None},
            "Chưa chấm điểm (tối đa 6)",
            id="QD766-4.1-denominator-0-not-scored",
        ),
        pytest.param(
            {"points": None, "pmax": None},
            "Chưa chấm điểm (văn bản chưa xác định điểm tối đa)",
            id="QD766-3.3-maximum-unknown-not-scored",
        ),
        pytest.param(
            {"points": None, "pmax": Decimal(0)},
            "Không áp dụng (chỉ số theo dõi)",
            id="QD766-2.2-monitor-not-applicable",
        ),
    ],
)
def test_points_label(kwargs: dict[str, Any], label: str) -> None:
    assert _card(**kwargs).points_label == label


@pytest.mark.parametrize(
    ("confidence", "note"),
    [
        pytest.param("✅", "", id="DOMAIN-0.3-confirmed-no-note"),
        pytest.param(
            "◐",
            "Cách tính theo hướng dẫn tạm thời, cần đối chiếu văn bản.",
            id="DOMAIN-0.3-secondary-source-interim-method",
        ),
        pytest.param(
            "❓",
            "Văn bản chưa xác định rõ điểm tối đa và cách tính; số liệu để theo dõi, "
            "cần đối chiếu văn bản.",
            id="DOMAIN-0.3-unknown-not-settled",
        ),
    ],
)
def test_confidence_is_a_plain_note_and_stays_in_the_title(confidence: str, note: str) -> None:
    card = _card(confidence=confidence)
    assert card.confidence_note == note
    assert card.legal_source == (
        "Căn cứ: Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ"
    )
    for mark in ("◐", "❓", "✅", "[S14"):
        assert mark not in card.confidence_note + card.legal_source + card.points_label
    assert card.confidence_title.startswith(confidence)  # the mark is kept, for the title
    assert card.confidence_title.endswith("[S14a][S14b]")


@pytest.mark.parametrize(
    ("threshold", "label"),
    [
        pytest.param(Decimal(90), "90%", id="QD766-5.4-threshold-90"),
        pytest.param(Decimal("87.5"), "87,50%", id="QD766-threshold-decimal-comma"),
        pytest.param(None, "không quy định", id="QD766-no-threshold"),
    ],
)
def test_threshold_label(threshold: Decimal | None, label: str) -> None:
    assert _card(threshold=threshold).threshold_label == label


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(Decimal("72.73"), "72,73", id="decimal-comma"),
        pytest.param(Decimal("20.00"), "20", id="whole-number-no-decimals"),
        pytest.param(Decimal("4.80"), "4,80", id="two-decimals-kept"),
        pytest.param(Decimal("1234.5"), "1.234,50", id="dot-for-thousands"),
    ],
)
def test_vn_number(value: Decimal, text: str) -> None:
    assert vn_number(value) == text


@pytest.mark.django_db
def test_36_online_payment_share(commune: Unit) -> None:
    """QĐ 766 §4.2 id 3.6: dossiers paid online ÷ dossiers of fee-bearing procedures."""
    from motcua.catalogue.models import FeeRule
    from motcua.payments.models import Payment

    paying = ProcedureVersionFactory()
    FeeRule.objects.create(version=paying, order=1, name="Lệ phí", amount=Decimal(8000))
    free = ProcedureVersionFactory()
    paid = finished(commune, EARLY, procedure_version=paying)
    finished(commune, EARLY, procedure_version=paying)
    finished(commune, EARLY, procedure_version=free)  # zero fee: not counted
    Payment.objects.create(
        dossier=paid,
        payer=UserFactory(),
        amount=8000,
        state="paid",
        provider="sandbox",
        provider_ref="SB-TEST-1",
    )
    result = indicators(commune)["3.6"]
    assert (result.numerator, result.denominator) == (1, 2)
    assert result.value == Decimal("50.00")
