"""TT 01/2018/TT-VPCP arts. 13–15 (DOMAIN.md §1.15): per-dossier indices, aggregation, ratings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.factories import DossierFactory, ProcedureVersionFactory, UnitFactory

from motcua.catalogue.constants import OnlineLevel
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Transfer
from motcua.dossiers.transitions import Action
from motcua.evaluation.constants import OfficerRating, UnitRating
from motcua.evaluation.indices import (
    dossier_indices,
    officer_indices,
    officer_rating,
    round1,
    unit_indices,
    unit_rating,
)
from motcua.evaluation.models import UnitPublication
from motcua.evaluation.tests.conftest import at
from motcua.evaluation.tests.helpers import (
    DUE,
    EARLY,
    EQUAL,
    LATE,
    RECEIVED,
    event,
    finished,
    transfer,
)
from motcua.organisation.models import Unit

pytestmark = pytest.mark.django_db

H1_2023 = (dt.date(2023, 1, 1), dt.date(2023, 6, 30))


def score(dossier: Any, number: int) -> Decimal | None:
    return dossier_indices(dossier).scores[number].score


# --- index 1: total time vs legal time ------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "points"),
    [
        pytest.param(EARLY, 2, id="TT01-2018-art13-index1-shorter-2"),
        pytest.param(EQUAL, 1, id="TT01-2018-art13-index1-equal-1"),
        pytest.param(LATE, 0, id="TT01-2018-art13-index1-longer-0"),
    ],
)
def test_index1_total_time(commune: Unit, done: dt.datetime, points: int) -> None:
    assert score(finished(commune, done), 1) == points


def test_index1_hour_limits_compare_instants(commune: Unit) -> None:
    """DOMAIN §2.5 (a): for hour limits the instant counts, not the date."""
    version = ProcedureVersionFactory(working_hours=True)
    d = finished(commune, DUE + dt.timedelta(hours=1), procedure_version=version)
    assert score(d, 1) == 0


def test_unfinished_dossier_has_no_timing_indices(commune: Unit) -> None:
    d = DossierFactory(unit=commune, state=State.IN_PROCESS, received_at=RECEIVED, due_at=DUE)
    result = dossier_indices(d)
    assert [result.scores[n].score for n in (1, 2, 7)] == [None, None, None]
    assert result.scores[3].score == 2  # contacts are known already


# --- index 2: each agency's time ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "t_due", "t_answered", "points"),
    [
        pytest.param(EARLY, None, None, 2, id="TT01-2018-art13-index2-no-transfer-as-index1"),
        pytest.param(
            EARLY, at(2023, 3, 3, 17), at(2023, 3, 2), 2, id="TT01-2018-art13-index2-all-shorter"
        ),
        pytest.param(
            EARLY,
            at(2023, 3, 3, 17),
            at(2023, 3, 3, 10),
            1,
            id="TT01-2018-art13-index2-coordinator-equal",
        ),
        pytest.param(
            EARLY,
            at(2023, 3, 2, 17),
            at(2023, 3, 3),
            0,
            id="TT01-2018-art13-index2-coordinator-late-0",
        ),
        pytest.param(
            LATE,
            at(2023, 3, 3, 17),
            at(2023, 3, 2),
            0,
            id="TT01-2018-art13-index2-receiving-unit-late-0",
        ),
        pytest.param(
            EARLY,
            at(2023, 3, 2, 17),
            None,
            0,
            id="TT01-2018-art13-index2-unanswered-past-allotment-0",
        ),
    ],
)
def test_index2_each_agency(
    commune: Unit,
    district: Unit,
    done: dt.datetime,
    t_due: dt.datetime | None,
    t_answered: dt.datetime | None,
    points: int,
) -> None:
    d = finished(commune, done)
    if t_due is not None:
        transfer(d, district, due=t_due, answered=t_answered)
    assert score(d, 2) == points


def test_index2_transfer_without_allotment_is_not_scored(commune: Unit, district: Unit) -> None:
    d = finished(commune, EARLY)
    transfer(d, district, due=None, answered=LATE)
    assert score(d, 2) == 2


# --- index 3: contacts to complete the dossier --------------------------------------------------


@pytest.mark.parametrize(
    ("supplements", "points"),
    [
        pytest.param(0, 2, id="TT01-2018-art13-index3-0-contacts-2"),
        pytest.param(1, 1, id="TT01-2018-art13-index3-1-contact-1"),
        pytest.param(2, 0, id="TT01-2018-art13-index3-2-contacts-0"),
    ],
)
def test_index3_supplements(commune: Unit, supplements: int, points: int) -> None:
    assert score(finished(commune, supplement_count=supplements), 3) == points


def test_index3_counts_intake_supplement_requests(commune: Unit) -> None:
    """TT 01/2018 art. 13: contacts include guidance to complete before receipt (Mẫu 02)."""
    d = finished(commune, supplement_count=1)
    event(d, Action.INTAKE_REQUEST_SUPPLEMENT, RECEIVED - dt.timedelta(days=1))
    assert score(d, 3) == 0


# --- index 4: agencies to contact ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "returned_elsewhere", "kind", "points"),
    [
        pytest.param(
            Channel.ONLINE, False, None, 2, id="TT01-2018-art13-index4-online-0-agencies-2"
        ),
        pytest.param(
            Channel.POSTAL, False, None, 2, id="TT01-2018-art13-index4-postal-0-agencies-2"
        ),
        pytest.param(Channel.COUNTER, False, None, 1, id="TT01-2018-art13-index4-one-stop-desk-1"),
        pytest.param(
            Channel.COUNTER,
            False,
            Transfer.Kind.TRANSFER,
            1,
            id="TT01-2018-art13-index4-lien-thong-answered-back-1",
        ),
        pytest.param(
            Channel.COUNTER,
            True,
            Transfer.Kind.TRANSFER,
            0,
            id="TT01-2018-art13-index4-result-at-other-agency-0",
        ),
        pytest.param(
            Channel.ONLINE,
            True,
            Transfer.Kind.TRANSFER,
            1,
            id="TT01-2018-art13-index4-online-result-elsewhere-1",
        ),
    ],
)
def test_index4_agencies(
    commune: Unit,
    district: Unit,
    channel: str,
    returned_elsewhere: bool,
    kind: str | None,
    points: int,
) -> None:
    d = finished(commune, channel=channel)
    if kind is not None:
        transfer(d, district, due=None, answered=at(2023, 3, 2), kind=kind)
    event(d, Action.RETURN_RESULT, EARLY, unit=district if returned_elsewhere else commune)
    assert score(d, 4) == points


# --- index 6: publication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "electronic", "points"),
    [
        pytest.param(True, True, 2, id="TT01-2018-art13-index6-posted-and-electronic-2"),
        pytest.param(True, False, 1, id="TT01-2018-art13-index6-posted-only-1"),
        pytest.param(False, True, 1, id="TT01-2018-art13-index6-electronic-only-1"),
        pytest.param(False, False, 0, id="TT01-2018-art13-index6-neither-0"),
    ],
)
def test_index6_publication(commune: Unit, posted: bool, electronic: bool, points: int) -> None:
    UnitPublication.objects.create(unit=commune, posted=posted, electronic=electronic)
    assert score(finished(commune), 6) == points


def test_index6_not_configured_is_na_and_ancestor_applies(commune: Unit, district: Unit) -> None:
    d = finished(commune)
    assert score(d, 6) is None
    UnitPublication.objects.create(unit=district, posted=True, electronic=True)
    assert score(d, 6) == 2
    UnitPublication.objects.create(unit=commune, posted=True, electronic=False)
    assert score(d, 6) == 1  # the nearest configuration wins


# --- index 7: attitude (timing only until complaints exist) ------------------------------------


@pytest.mark.parametrize(
    ("done", "points"),
    [
        pytest.param(EARLY, 2, id="TT01-2018-art13-index7-early-no-complaint-2"),
        pytest.param(EQUAL, 1, id="TT01-2018-art13-index7-on-time-no-complaint-1"),
        pytest.param(LATE, 0, id="TT01-2018-art13-index7-late-0"),
    ],
)
def test_index7_attitude(commune: Unit, done: dt.datetime, points: int) -> None:
    assert score(finished(commune, done), 7) == points


# --- aggregation (art. 15) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        pytest.param(Decimal(5) / 4, Decimal("1.3"), id="TT01-2018-art15-1.25-half-up-1.3"),
        pytest.param(Decimal(4) / 3, Decimal("1.3"), id="TT01-2018-art15-1.333-1.3"),
        pytest.param(Decimal(5) / 3, Decimal("1.7"), id="TT01-2018-art15-1.667-1.7"),
        pytest.param(Decimal(2), Decimal("2.0"), id="TT01-2018-art15-2-2.0"),
    ],
)
def test_round1(value: Decimal, rounded: Decimal) -> None:
    assert round1(value) == rounded


def test_unit_index_is_mean_rounded_to_one_decimal(commune: Unit) -> None:
    """TT 01/2018 art. 15: scores 2, 2, 1, 0 → 5/4 = 1.25 → 1.3."""
    for done in (EARLY, EARLY, EQUAL, LATE):
        finished(commune, done)
    result = unit_indices(commune, *H1_2023).by_number()
    assert result[1].score == Decimal("1.3")
    assert result[1].count == 4


def test_unit_includes_subtree_and_excludes_other_periods(district: Unit, commune: Unit) -> None:
    finished(commune, EARLY)
    finished(commune, LATE, finished_at=at(2023, 7, 3), returned_at=at(2023, 7, 3))
    finished(UnitFactory(code="EVZ"), LATE)  # another tree
    result = unit_indices(district, *H1_2023)
    assert result.dossier_count == 1
    assert result.by_number()[1].score == 2


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        pytest.param(Decimal(10), OfficerRating.FULL, id="TT01-2018-art15-officer-10-full"),
        pytest.param(Decimal(5), OfficerRating.FULL, id="TT01-2018-art15-officer-5-full"),
        pytest.param(Decimal("4.9"), OfficerRating.PARTIAL, id="TT01-2018-art15-officer-4.9-70pct"),
        pytest.param(Decimal("3.5"), OfficerRating.PARTIAL, id="TT01-2018-art15-officer-3.5-70pct"),
        pytest.param(
            Decimal("3.4"), OfficerRating.LOW, id="TT01-2018-art15-officer-3.4-below-70pct"
        ),
        pytest.param(Decimal(0), OfficerRating.LOW, id="TT01-2018-art15-officer-0-below-70pct"),
    ],
)
def test_officer_rating_thresholds(total: Decimal, rating: OfficerRating) -> None:
    assert officer_rating(total) == rating


@pytest.mark.parametrize(
    ("total", "rating"),
    [
        pytest.param(Decimal(15), UnitRating.EXCELLENT, id="TT01-2018-art15-unit-15-xuat-sac"),
        pytest.param(Decimal("14.9"), UnitRating.GOOD, id="TT01-2018-art15-unit-14.9-tot"),
        pytest.param(Decimal(12), UnitRating.GOOD, id="TT01-2018-art15-unit-12-tot"),
        pytest.param(Decimal("11.9"), UnitRating.FAIR, id="TT01-2018-art15-unit-11.9-kha"),
        pytest.param(Decimal(9), UnitRating.FAIR, id="TT01-2018-art15-unit-9-kha"),
        pytest.param(Decimal("8.9"), UnitRating.AVERAGE, id="TT01-2018-art15-unit-8.9-trung-binh"),
        pytest.param(Decimal(6), UnitRating.AVERAGE, id="TT01-2018-art15-unit-6-trung-binh"),
        pytest.param(Decimal("5.9"), UnitRating.WEAK, id="TT01-2018-art15-unit-5.9-yeu"),
    ],
)
def test_unit_rating_thresholds(total: Decimal, rating: UnitRating) -> None:
    assert unit_rating(total) == rating


def test_no_data_means_no_rating() -> None:
    assert officer_rating(None) is None
    assert unit_rating(None) is None


def test_unit_total_excludes_indices_without_data(commune: Unit) -> None:
    """TT 01/2018 art. 15: indices without data (5, 6 unconfigured) are left out; index 8
    with no PAKN in the period is 2 (art. 14), not "no data"."""
    ProcedureVersionFactory(online_level=OnlineLevel.NONE)
    finished(commune, EARLY, channel=Channel.COUNTER)
    result = unit_indices(commune, *H1_2023)
    by_number = result.by_number()
    assert [by_number[n].score for n in (5, 6)] == [None, None]
    assert "chưa có dữ liệu" in by_number[5].reason
    assert by_number[8].score == Decimal(2)
    assert by_number[8].reason == "không có phản ánh, kiến nghị trong kỳ"
    available = [s.score for s in result.indices if s.score is not None]
    assert result.total == sum(available, Decimal(0))
    # indices 1,2,3,7,8 = 2 each, 4 = 1 (counter), 9 = 0 (no online dossier) → 11 → khá
    assert result.total == Decimal(11)
    assert result.rating == UnitRating.FAIR


# --- index 8: handling of phản ánh, kiến nghị (unit) ------------------------------------------

#: A PAKN received Wed 01/03/2023 09:00 must be classified by Fri 03/03/2023 (2 working days,
#: docs/domain/feedback.md §3): classified on Thu 02/03 is on time, on Fri 10/03 late.
PAKN_ON_TIME = at(2023, 3, 2)
PAKN_LATE = at(2023, 3, 10)


def _pakn(unit: Unit, received: dt.datetime = RECEIVED) -> Any:
    from motcua.feedback.services import feedback_submit

    return feedback_submit(
        unit=unit,
        kind="phan_anh",
        subject="Niêm yết thủ tục",
        content="Đề nghị niêm yết đầy đủ thủ tục chứng thực.",
        sender_name="Trần Văn Phản",
        sender_phone="0912345678",
        at=received,
    )


def _refused(unit: Unit, receiver: Any, when: dt.datetime) -> Any:
    from motcua.feedback.services import feedback_refuse

    return feedback_refuse(
        feedback=_pakn(unit), user=receiver, reason="Không thuộc phạm vi của xã.", at=when
    )


@pytest.fixture
def receiver(commune: Unit) -> Any:
    from tests.factories import MembershipFactory, UserFactory

    from motcua.organisation.constants import Role

    user = UserFactory(username="eva-receiver")
    MembershipFactory(user=user, unit=commune, role=Role.RECEIVER)
    return user


@pytest.mark.parametrize(
    ("on_time", "late", "open_overdue", "open_pending", "points", "in_reason"),
    [
        pytest.param(0, 0, 0, 0, 2, "không có phản ánh", id="TT01-2018-art14-index8-none-2"),
        pytest.param(3, 0, 0, 0, 2, "3/3 PAKN", id="TT01-2018-art14-index8-100pct-on-time-2"),
        pytest.param(9, 1, 0, 0, 1, "(90%", id="TT01-2018-art14-index8-90pct-on-time-1"),
        pytest.param(4, 1, 0, 0, 0, "(80%", id="TT01-2018-art14-index8-below-90pct-0"),
        pytest.param(
            9, 0, 1, 0, 1, "1 PAKN quá hạn", id="TT01-2018-art14-index8-open-overdue-is-late-1"
        ),
        pytest.param(4, 0, 1, 0, 0, "(80%", id="TT01-2018-art14-index8-open-overdue-below-90pct-0"),
        pytest.param(
            1, 0, 0, 1, 2, "1/1 PAKN", id="TT01-2018-art14-index8-open-in-time-not-judged-2"
        ),
        pytest.param(
            0, 0, 0, 1, None, "chưa đến hạn", id="TT01-2018-art14-index8-all-open-in-time-NA"
        ),
    ],
)
def test_index8_feedback_handling(
    commune: Unit,
    receiver: Any,
    on_time: int,
    late: int,
    open_overdue: int,
    open_pending: int,
    points: int | None,
    in_reason: str,
) -> None:
    """TT 01/2018 art. 14 index 8: 2 — no PAKN, or 100% handled on time; 1 — ≥90%; 0 — below.
    A PAKN still open after its deadline (at the end of the period) was not handled on time;
    one open within its deadline is not judged yet."""
    for _ in range(on_time):
        _refused(commune, receiver, PAKN_ON_TIME)
    for _ in range(late):
        _refused(commune, receiver, PAKN_LATE)
    for _ in range(open_overdue):
        _pakn(commune)  # never classified: its deadline (03/03) passed before 30/06
    for _ in range(open_pending):
        _pakn(commune, at(2023, 6, 29))  # classification due Mon 03/07, after the period
    result = unit_indices(commune, *H1_2023).by_number()[8]
    assert result.score == (Decimal(points) if points is not None else None)
    assert in_reason in result.reason
    assert "chờ phân hệ" not in result.reason
    if points is not None and on_time + late + open_overdue:
        assert "chưa ghi nhận PAKN kéo dài" in result.reason  # what is missing, said


def test_index8_counts_only_the_units_pakn_of_the_period(
    commune: Unit, receiver: Any, other_commune: Unit
) -> None:
    """TT 01/2018 art. 15: the evaluation period — PAKN received before it or by another
    commune do not lower the unit's index 8."""
    _refused(commune, receiver, PAKN_ON_TIME)
    _pakn(commune, at(2022, 12, 1))  # received (and overdue) in the previous period
    _pakn(other_commune)  # another commune's, overdue
    result = unit_indices(commune, *H1_2023).by_number()[8]
    assert result.score == Decimal(2)
    assert "1/1 PAKN" in result.reason


def test_index9_note_uses_the_vietnamese_decimal_comma(commune: Unit) -> None:
    """TT 01/2018 art. 14 index 9 note: shares written "66,67%" like the rest of the page."""
    online = ProcedureVersionFactory(online_level=OnlineLevel.FULL)
    ProcedureVersionFactory(online_level=OnlineLevel.PARTIAL)
    offline = ProcedureVersionFactory(online_level=OnlineLevel.NONE)
    _received(commune, Channel.ONLINE, online)
    _received(commune, Channel.COUNTER, offline)
    _received(commune, Channel.COUNTER, offline)
    reason = unit_indices(commune, *H1_2023).by_number()[9].reason
    assert reason.startswith("66,67% TTHC trực tuyến; 33,33% hồ sơ trực tuyến")
    assert "66.67" not in reason


def test_index7_says_what_is_missing_not_a_missing_module(commune: Unit) -> None:
    """TT 01/2018 art. 13 index 7: PAKN exist but are not tied to dossiers, nor verified."""
    reason = dossier_indices(finished(commune, EARLY)).scores[7].reason
    assert reason == (
        "theo thời gian giải quyết; phản ánh về thái độ chưa được ghi nhận, xác minh "
        "theo từng hồ sơ"
    )


def test_officer_indices_cover_dossiers_they_handled(commune: Unit, officer: Any) -> None:
    mine_early = finished(commune, EARLY, assignee=officer)
    mine_late = finished(commune, LATE, channel=Channel.COUNTER)
    event(mine_late, Action.APPROVE, LATE, actor=officer, unit=commune)
    finished(commune, LATE, supplement_count=2)  # someone else's
    result = officer_indices(officer, commune, *H1_2023)
    by_number = result.by_number()
    assert result.dossier_count == 2
    assert by_number[1].score == Decimal("1.0")  # (2 + 0) / 2
    assert by_number[4].score == Decimal("1.5")  # online 2, counter 1
    assert [s.number for s in result.indices] == [1, 2, 3, 4, 7]
    # 1.0 + 1.0 + 2.0 + 1.5 + 1.0 = 6.5 → 100%
    assert result.total == Decimal("6.5")
    assert result.rating == OfficerRating.FULL
    assert mine_early.pk != mine_late.pk


def test_officer_without_dossiers_has_no_rating(commune: Unit, officer: Any) -> None:
    result = officer_indices(officer, commune, *H1_2023)
    assert result.total is None
    assert result.rating is None
    assert all(s.score is None for s in result.indices)


# --- index 9: online service (unit) -----------------------------------------------------------


def _received(unit: Unit, channel: str, version: Any = None, **kwargs: Any) -> Any:
    values: dict[str, Any] = {"channel": channel, **kwargs}
    if version is not None:
        values["procedure_version"] = version
    return finished(unit, EARLY, **values)


@pytest.mark.parametrize(
    ("online", "counter", "late_online", "points"),
    [
        pytest.param(3, 7, 0, 2, id="TT01-2018-art14-index9-30pct-online-2"),
        pytest.param(2, 8, 0, 1, id="TT01-2018-art14-index9-20pct-online-1"),
        pytest.param(3, 17, 0, 1, id="TT01-2018-art14-index9-15pct-online-1"),
        pytest.param(1, 9, 0, 0, id="TT01-2018-art14-index9-10pct-online-0"),
        pytest.param(3, 6, 1, 0, id="TT01-2018-art14-index9-online-late-0"),
    ],
)
def test_index9_online_service(
    commune: Unit, online: int, counter: int, late_online: int, points: int
) -> None:
    version = ProcedureVersionFactory(online_level=OnlineLevel.PARTIAL)
    for _ in range(online):
        _received(commune, Channel.ONLINE, version)
    for _ in range(counter):
        _received(commune, Channel.COUNTER, version)
    for _ in range(late_online):
        finished(commune, LATE, channel=Channel.ONLINE, procedure_version=version)
    assert unit_indices(commune, *H1_2023).by_number()[9].score == points


def test_index9_without_online_procedures_is_0(commune: Unit) -> None:
    version = ProcedureVersionFactory(online_level=OnlineLevel.NONE)
    for _ in range(5):
        _received(commune, Channel.COUNTER, version)
    # other factory-made versions are online: make every version offline for this case
    from motcua.catalogue.models import ProcedureVersion

    ProcedureVersion.objects.update(online_level=OnlineLevel.NONE)
    assert unit_indices(commune, *H1_2023).by_number()[9].score == 0


def test_index9_open_overdue_online_dossier_is_0(commune: Unit) -> None:
    version = ProcedureVersionFactory(online_level=OnlineLevel.FULL)
    for _ in range(5):
        _received(commune, Channel.ONLINE, version)
    DossierFactory(
        unit=commune,
        channel=Channel.ONLINE,
        state=State.IN_PROCESS,
        received_at=at(2023, 6, 1),
        due_at=at(2023, 6, 6, 17),
        procedure_version=version,
    )
    assert unit_indices(commune, *H1_2023).by_number()[9].score == 0


def test_index9_no_dossier_received_is_na(commune: Unit) -> None:
    result = unit_indices(commune, *H1_2023).by_number()[9]
    assert result.score is None
    assert result.reason


def test_officers_in_one_pass_match_one_by_one(commune: Unit, officer: Any) -> None:
    """The page's one-pass computation gives the same figures as `officer_indices`."""
    from tests.factories import MembershipFactory, UserFactory

    from motcua.evaluation.indices import officers_indices
    from motcua.organisation.constants import Role

    colleague = UserFactory(username="eva-colleague")
    MembershipFactory(user=colleague, unit=commune, role=Role.RECEIVER)
    idle = UserFactory(username="eva-idle")
    shared = finished(commune, EQUAL, assignee=officer, supplement_count=1)
    event(shared, Action.RECEIVE, RECEIVED, actor=colleague, unit=commune)
    finished(commune, EARLY, assignee=colleague)
    finished(commune, LATE, assignee=officer, channel=Channel.COUNTER)
    together = officers_indices(commune, [officer, colleague, idle], *H1_2023)
    alone = [officer_indices(u, commune, *H1_2023) for u in (officer, colleague, idle)]
    assert [(o.total, o.dossier_count, o.rating) for o in together] == [
        (o.total, o.dossier_count, o.rating) for o in alone
    ]
    assert [o.dossier_count for o in together] == [2, 2, 0]


def test_unit_indices_query_count_does_not_grow_with_dossiers(commune: Unit, officer: Any) -> None:
    """Prefetching keeps the page's cost flat: 3 or 12 dossiers, the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from motcua.evaluation.indices import officers_indices, qd766_indicators

    version = ProcedureVersionFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            unit_indices(commune, *H1_2023)
            qd766_indicators(commune, *H1_2023)
            officers_indices(commune, [officer], *H1_2023)
        return len(ctx.captured_queries)

    for _ in range(3):
        finished(commune, EARLY, procedure_version=version, assignee=officer)
    count()  # warm the working-calendar cache (built once per process)
    few = count()
    for _ in range(9):
        finished(commune, LATE, procedure_version=version, assignee=officer)
    assert count() == few
