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
    assert result["5.3"].value == Decimal("100.00")  # nothing late among those received


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


# --- N/A until the modules exist ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        pytest.param("1.4", id="QD766-1.4-NA-until-sync"),
        pytest.param("4.1", id="QD766-4.1-NA-until-e-results"),
    ],
)
def test_indicators_waiting_for_modules_are_na(commune: Unit, code: str) -> None:
    finished(commune, EARLY)
    result = indicators(commune)[code]
    assert result.value is None
    assert result.points is None
    assert result.status == Status.NA
    assert "chưa có dữ liệu" in result.reason


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
