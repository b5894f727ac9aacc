"""Evaluation indices computed from dossier data (reads only).

* TT 01/2018/TT-VPCP arts. 12–15 (DOMAIN.md §1.15): per-dossier indices 1, 2, 3, 4, 6, 7, unit
  indices 5, 8, 9, their aggregation (mean rounded to 1 decimal) and the officer and unit
  ratings — `dossier_indices`, `officer_indices`, `unit_indices`.
* QĐ 766/QĐ-TTg (DOMAIN.md §4): the indicators a commune can compute locally for early
  warning, with the point maxima and thresholds of `IndicatorConfig` — `qd766_indicators`.

An index or indicator without data is `None` ("N/A") with a reason, never zero: it is left out
of the totals (TT 01/2018 art. 15) and earns no points (QĐ 766, denominator 0).
Definitions chosen where the texts are silent are explained in docs/domain/evaluation.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.calendar.constants import LimitUnit
from motcua.catalogue.constants import OnlineLevel, ProcedureLevel, VersionStatus
from motcua.catalogue.models import ProcedureVersion
from motcua.core.errors import DomainError
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.dossiers.transitions import Action
from motcua.evaluation.config import IndicatorSpec, indicator_specs
from motcua.evaluation.constants import (
    CONFIDENCE_NOTES,
    DOSSIER_INDICES,
    INDEX_LABELS,
    OFFICER_INDICES,
    OFFICER_THRESHOLDS,
    QD766_LEGAL_SOURCE,
    UNIT_THRESHOLDS,
    WAITS_FOR_APPS,
    WAITS_FOR_LABELS,
    Confidence,
    OfficerRating,
    Status,
    UnitRating,
)
from motcua.evaluation.models import UnitPublication
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit
from motcua.reports.charts import format_number
from motcua.reports.constants import (
    CLOSED_OTHER_STATES,
    DAY_LIMIT_UNITS,
    NOT_RECEIVED_STATES,
    RESOLVED_STATES,
    EndKind,
)
from motcua.reports.stats import (
    ClassifySettings,
    Period,
    classify_finish,
    local_date,
    make_period,
)

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
HUNDRED = Decimal(100)
CHUNK = 1000  # rows per query (and per prefetch) when walking dossiers

#: Points of the three-way comparisons of TT 01/2018 art. 13 (shorter / equal / longer).
TIMING_POINTS: dict[str, int] = {EndKind.EARLY: 2, EndKind.ON_TIME: 1, EndKind.LATE: 0}
_EVENT_ACTIONS = (Action.INTAKE_REQUEST_SUPPLEMENT, Action.RETURN_RESULT, Action.REQUEST_SUPPLEMENT)


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def _no_data() -> str:
    """The reason shown for an index or indicator whose module does not exist yet."""
    return _("chưa có dữ liệu")


def vn_number(value: Decimal) -> str:
    """A figure as the page writes it (`reports.charts.format_number`: Vietnamese decimal
    comma, dot for thousands): 2 decimals, none for a whole number — "72,73", "20"."""
    decimals = 0 if value == value.to_integral_value() else 2
    return format_number(float(value), decimals)


def round1(value: Decimal) -> Decimal:
    """TT 01/2018 art. 15: index scores rounded to 1 decimal (half up)."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    """QĐ 766: ratios rounded to 2 decimals (half up)."""
    return value.quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """Percentage rounded to 2 decimals; denominator 0 → None ("N/A", QĐ 766 §4.1)."""
    if denominator <= 0:
        return None
    return round2(Decimal(numerator) * HUNDRED / Decimal(denominator))


def convert_score(
    value: Decimal | None, pmax: Decimal | None, threshold: Decimal | None
) -> Decimal | None:
    """QĐ 766 (DOMAIN.md §4.1): `Pmax if R ≥ T else R × Pmax / T`; without a threshold
    `R × Pmax / 100`. No ratio or no maximum → None. Points rounded to 2 decimals."""
    if value is None or pmax is None:
        return None
    if threshold is not None and threshold > 0:
        if value >= threshold:
            return round2(pmax)
        return round2(value * pmax / threshold)
    return round2(min(value, HUNDRED) * pmax / HUNDRED)


def warning_status(value: Decimal | None, spec: IndicatorSpec) -> Status:
    """Early warning: đạt at or above the target (default: the threshold, else 100%),
    cảnh báo within `warning_margin` points below it, không đạt further below."""
    if value is None:
        return Status.NA
    if spec.pmax is not None and spec.pmax == 0:
        return Status.MONITOR
    target = spec.warning_target
    if target is None:
        target = spec.threshold if spec.threshold is not None else HUNDRED
    if value >= target:
        return Status.OK
    if value >= target - spec.warning_margin:
        return Status.WARNING
    return Status.FAIL


def officer_rating(total: Decimal | None) -> OfficerRating | None:
    """TT 01/2018 art. 15: ≥5 → 100%; 3.5–<5 → 70–<100%; <3.5 → <70%."""
    if total is None:
        return None
    return next(rating for bound, rating in OFFICER_THRESHOLDS if total >= bound)


def unit_rating(total: Decimal | None) -> UnitRating | None:
    """TT 01/2018 art. 15: ≥15 xuất sắc; 12–<15 tốt; 9–<12 khá; 6–<9 trung bình; <6 yếu."""
    if total is None:
        return None
    return next(rating for bound, rating in UNIT_THRESHOLDS if total >= bound)


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexScore:
    """One TT 01/2018 index: a score (0–2, or a mean rounded to 1 decimal) or None (N/A)."""

    number: int
    score: Decimal | None
    reason: str = ""
    count: int = 1

    @property
    def label(self) -> str:
        return str(INDEX_LABELS[self.number])

    @property
    def available(self) -> bool:
        return self.score is not None


@dataclass
class DossierIndices:
    dossier_id: int
    code: str
    scores: dict[int, IndexScore]


@dataclass
class IndexTable:
    """Aggregated TT 01/2018 indices with their total and rating (officer or unit)."""

    indices: list[IndexScore]
    total: Decimal | None
    rating: str | None
    rating_label: str
    dossier_count: int

    def by_number(self) -> dict[int, IndexScore]:
        return {s.number: s for s in self.indices}


@dataclass
class OfficerIndices(IndexTable):
    user_id: int = 0
    user_name: str = ""


@dataclass
class UnitIndices(IndexTable):
    unit_code: str = ""
    unit_name: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class IndicatorResult:
    """One QĐ 766 indicator for a unit and period."""

    code: str
    name: str
    value: Decimal | None  # a percentage, or for 2.2 an average duration
    unit_of_value: str
    numerator: int | None
    denominator: int | None
    pmax: Decimal | None
    threshold: Decimal | None
    points: Decimal | None
    status: str
    reason: str = ""
    source: str = ""
    confidence: str = ""
    details: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def points_label(self) -> str:
        """The points as leaders read them: "4,80/6"; a monitoring indicator (Pmax 0) is not
        scored; without a maximum (❓) or without a value it is not scored yet."""
        if self.pmax is not None and self.pmax == 0:
            return _("Không áp dụng (chỉ số theo dõi)")
        if self.pmax is None:
            return _("Chưa chấm điểm (văn bản chưa xác định điểm tối đa)")
        if self.points is None:
            return _("Chưa chấm điểm (tối đa %(max)s)") % {"max": vn_number(self.pmax)}
        return f"{vn_number(self.points)}/{vn_number(self.pmax)}"

    @property
    def threshold_label(self) -> str:
        if self.threshold is None:
            return _("không quy định")
        return f"{vn_number(self.threshold)}%"

    @property
    def legal_source(self) -> str:
        return str(QD766_LEGAL_SOURCE)

    @property
    def confidence_note(self) -> str:
        """A plain note instead of the confidence mark (◐ → interim method, ❓ → not settled)."""
        return str(CONFIDENCE_NOTES.get(self.confidence, ""))

    @property
    def confidence_title(self) -> str:
        """The internal confidence mark and source keys (DOMAIN.md §0.3), for the title
        attribute: kept available, not shown as text."""
        label = (
            str(Confidence(self.confidence).label)
            if self.confidence in Confidence.values
            else self.confidence
        )
        return " ".join(part for part in (label, self.source) if part)


# --------------------------------------------------------------------------------------------
# Dossier facts
# --------------------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def done_at(dossier: Dossier) -> dt.datetime | None:
    """When processing finished ("đã xử lý xong", DOMAIN.md §2.5): result approved or refusal
    issued; the return time if absent. None for dossiers without a result."""
    if dossier.state not in RESOLVED_STATES:
        return None
    end = dossier.finished_at or dossier.returned_at
    if end is not None and dossier.received_at is not None and end < dossier.received_at:
        return dossier.received_at
    return end


def _by_date(dossier: Dossier, cs: ClassifySettings) -> bool:
    return cs.by_date and dossier.procedure_version.time_limit_unit in DAY_LIMIT_UNITS


def _classify(end: dt.datetime, due: dt.datetime | None, by_date: bool) -> str:
    return str(classify_finish(end, due, by_date))


def _events(dossier: Dossier) -> list[DossierEvent]:
    cached = getattr(dossier, "_eval_events", None)
    if cached is not None:
        return list(cached)
    return list(dossier.events.filter(action__in=_EVENT_ACTIONS).order_by("seq"))


def _transfers(dossier: Dossier) -> list[Transfer]:
    cached = getattr(dossier, "_eval_transfers", None)
    if cached is not None:
        return list(cached)
    return list(dossier.transfers.all())


def contacts_to_complete(dossier: Dossier) -> int:
    """TT 01/2018 index 3: supplement requests at intake (Mẫu 02 before receipt) plus after
    appraisal (`supplement_count`, NĐ61 art. 19(4))."""
    intake = sum(1 for e in _events(dossier) if e.action == Action.INTAKE_REQUEST_SUPPLEMENT)
    return intake + dossier.supplement_count


def returning_unit_id(dossier: Dossier) -> int | None:
    """The unit that returned the result: the unit of the `return_result` event, else the
    dossier's current unit once returned."""
    for event in reversed(_events(dossier)):
        if event.action == Action.RETURN_RESULT and event.unit_id is not None:
            return event.unit_id
    if dossier.state == State.RETURNED:
        return dossier.current_unit_id
    return None


def agencies_to_contact(dossier: Dossier) -> int:
    """TT 01/2018 index 4, from data: the receiving one-stop desk counts when the applicant came
    in person (counter channel); online and postal dossiers need no visit. A transferred dossier
    (liên thông) whose result was returned by another unit made the applicant go there too —
    one more agency. Transfers answered back to the receiving unit cost the applicant nothing."""
    count = 1 if dossier.channel == Channel.COUNTER else 0
    returned_by = returning_unit_id(dossier)
    if returned_by is not None and returned_by != dossier.unit_id:
        transferred_there = any(
            t.kind == Transfer.Kind.TRANSFER and t.to_unit_id == returned_by
            for t in _transfers(dossier)
        )
        if transferred_there:
            count += 1
    return count


def _points_for_count(count: int) -> Decimal:
    """0 → 2 points, 1 → 1 point, more → 0 (TT 01/2018 art. 13, indices 3 and 4)."""
    return Decimal(2) if count == 0 else Decimal(1) if count == 1 else Decimal(0)


def publication_score(unit: Unit, cache: dict[int, Decimal | None] | None = None) -> Decimal | None:
    """TT 01/2018 index 6 from the unit's configuration (nearest configured ancestor):
    posted and electronic → 2, one of them → 1, neither → 0; not configured → None."""
    if cache is not None and unit.pk in cache:
        return cache[unit.pk]
    codes = [code for code in unit.path.split("/") if code] or [unit.code]
    rows = {
        p.unit.path: p
        for p in UnitPublication.objects.select_related("unit").filter(unit__code__in=codes)
    }
    score: Decimal | None = None
    if rows:
        nearest = rows[max(rows, key=len)]
        score = Decimal(int(nearest.posted) + int(nearest.electronic))
    if cache is not None:
        cache[unit.pk] = score
    return score


def dossier_indices(
    dossier: Dossier,
    *,
    publication_cache: dict[int, Decimal | None] | None = None,
    cs: ClassifySettings | None = None,
) -> DossierIndices:
    """TT 01/2018 art. 13 indices 1, 2, 3, 4, 6, 7 of one dossier (DOMAIN.md §1.15).

    Timing indices (1, 2, 7) need a finished dossier; they are N/A before. Index 1 compares
    with the legal time limit, i.e. the original appointment date (`due_at`; it restarts after
    a supplement, NĐ61 art. 19(4)), by local date for day limits (DOMAIN.md §2.5 (a)).
    """
    cs = cs or ClassifySettings.current()
    scores: dict[int, IndexScore] = {}
    end = done_at(dossier)
    by_date = _by_date(dossier, cs)
    timing: str | None = None
    if end is None:
        reason = _("hồ sơ chưa giải quyết xong")
        for number in (1, 2, 7):
            scores[number] = IndexScore(number, None, reason)
    elif dossier.due_at is None:
        reason = _("hồ sơ không có ngày hẹn trả")
        for number in (1, 2, 7):
            scores[number] = IndexScore(number, None, reason)
    else:
        timing = _classify(end, dossier.due_at, by_date)
        scores[1] = IndexScore(1, Decimal(TIMING_POINTS[timing]), str(EndKind(timing).label))
        scores[2] = _index2(dossier, timing, end, by_date)
        # Index 7: PAKN are not tied to dossiers and no verification of a complaint is
        # recorded, so the attitude follows the timing only; a late dossier is neither
        # "earlier" nor "on time" and earns 0 (docs).
        scores[7] = IndexScore(
            7,
            Decimal(TIMING_POINTS[timing]),
            _(
                "theo thời gian giải quyết; phản ánh về thái độ chưa được ghi nhận, xác minh "
                "theo từng hồ sơ"
            ),
        )
    contacts = contacts_to_complete(dossier)
    scores[3] = IndexScore(
        3, _points_for_count(contacts), _("%(n)s lần yêu cầu bổ sung") % {"n": contacts}
    )
    agencies = agencies_to_contact(dossier)
    scores[4] = IndexScore(
        4, _points_for_count(agencies), _("%(n)s cơ quan phải liên hệ") % {"n": agencies}
    )
    publication = publication_score(dossier.unit, publication_cache)
    scores[6] = IndexScore(
        6,
        publication,
        "" if publication is not None else _("đơn vị chưa khai báo hình thức công khai TTHC"),
    )
    return DossierIndices(
        dossier.pk, dossier.code or f"#{dossier.pk}", dict(sorted(scores.items()))
    )


def _index2(dossier: Dossier, timing: str, end: dt.datetime, by_date: bool) -> IndexScore:
    """Index 2: every agency's time against its allotment; the lowest counts. The receiving unit
    answers for the whole dossier (index 1 timing); each coordinating unit (Transfer with an
    allotted `due_at`) for its answer — still unanswered when the dossier finished: measured
    at the finish. Transfers without an allotment are not scored."""
    points = TIMING_POINTS[timing]
    late_units: list[str] = []
    for transfer in _transfers(dossier):
        if transfer.due_at is None:
            continue
        answered = transfer.answered_at or end
        kind = _classify(answered, transfer.due_at, by_date)
        points = min(points, TIMING_POINTS[kind])
        if kind == EndKind.LATE:
            late_units.append(str(transfer.to_unit_id))
    reason = _("%(n)s đơn vị phối hợp trễ hạn") % {"n": len(late_units)} if late_units else ""
    return IndexScore(2, Decimal(points), reason)


# --------------------------------------------------------------------------------------------
# Dossier sets
# --------------------------------------------------------------------------------------------


def scope_unit_ids(unit: Unit) -> list[int]:
    """The unit and its subtree (materialised path prefix)."""
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _with_prefetch(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related("unit", "procedure_version").prefetch_related(
        Prefetch(
            "events",
            queryset=DossierEvent.objects.filter(action__in=_EVENT_ACTIONS).order_by("seq"),
            to_attr="_eval_events",
        ),
        Prefetch(
            "transfers", queryset=Transfer.objects.order_by("sent_at"), to_attr="_eval_transfers"
        ),
    )


def _finished(unit_ids: Iterable[int], period: Period) -> QuerySet[Dossier]:
    finish = Q(finished_at__gte=period.start, finished_at__lt=period.end) | Q(
        finished_at__isnull=True, returned_at__gte=period.start, returned_at__lt=period.end
    )
    return Dossier.objects.filter(
        finish, unit_id__in=list(unit_ids), state__in=RESOLVED_STATES, received_at__isnull=False
    )


def finished_dossiers(unit_ids: Iterable[int], period: Period) -> QuerySet[Dossier]:
    """Dossiers of the units whose processing finished in the period (TT 01/2018 art. 15:
    the dossiers resolved in the evaluation period), with what the indices read prefetched."""
    return _with_prefetch(_finished(unit_ids, period)).order_by("pk")


def _aggregate(rows: Sequence[DossierIndices], numbers: Iterable[int]) -> list[IndexScore]:
    """TT 01/2018 art. 15: index score = Σ dossier scores / number of scored dossiers, rounded
    to 1 decimal. Dossiers where the index is N/A are not counted."""
    result = []
    for number in numbers:
        values = [v for r in rows if (v := r.scores[number].score) is not None]
        if not values:
            reason = (
                _("không có hồ sơ giải quyết xong trong kỳ")
                if not rows
                else (rows[0].scores[number].reason or _no_data())
            )
            result.append(IndexScore(number, None, reason, 0))
            continue
        mean = sum(values, Decimal(0)) / Decimal(len(values))
        result.append(IndexScore(number, round1(mean), "", len(values)))
    return result


def _total(scores: Iterable[IndexScore]) -> Decimal | None:
    """Sum of the available index scores; None when none has data."""
    values = [s.score for s in scores if s.score is not None]
    return sum(values, Decimal(0)) if values else None


def _parse_period(date_from: dt.date, date_to: dt.date) -> Period:
    return make_period(date_from, date_to)


# --------------------------------------------------------------------------------------------
# Officer and unit
# --------------------------------------------------------------------------------------------


def officer_dossiers(user: User, unit: Unit, period: Period) -> QuerySet[Dossier]:
    """Dossiers of the unit's subtree finished in the period that the officer handled: assigned
    to them, or with an event (receipt, appraisal, approval, return…) they recorded."""
    handled = Dossier.objects.filter(Q(assignee=user) | Q(events__actor=user)).values("pk")
    return finished_dossiers(scope_unit_ids(unit), period).filter(pk__in=handled)


def officer_indices(user: User, unit: Unit, date_from: dt.date, date_to: dt.date) -> OfficerIndices:
    """TT 01/2018 art. 15: the officer's indices 1, 2, 3, 4, 7 and rating; indices without
    data are left out of the total."""
    period = _parse_period(date_from, date_to)
    cs = ClassifySettings.current()
    cache: dict[int, Decimal | None] = {}
    rows = [
        dossier_indices(d, publication_cache=cache, cs=cs)
        for d in officer_dossiers(user, unit, period).iterator(chunk_size=CHUNK)
    ]
    return _officer_result(user, rows)


def officers_indices(
    unit: Unit, users: Iterable[User], date_from: dt.date, date_to: dt.date
) -> list[OfficerIndices]:
    """`officer_indices` for several officers of a unit in one pass over its dossiers (the
    evaluation page): each dossier is scored once and counted for every officer who handled it."""
    period = _parse_period(date_from, date_to)
    cs = ClassifySettings.current()
    wanted = {user.pk: user for user in users}
    unit_ids = scope_unit_ids(unit)
    base = _finished(unit_ids, period)
    handlers: dict[int, set[int]] = defaultdict(set)
    assignees = base.filter(assignee_id__in=list(wanted)).values_list("pk", "assignee_id")
    actors = DossierEvent.objects.filter(
        dossier__in=base.values("pk"), actor_id__in=list(wanted)
    ).values_list("dossier_id", "actor_id")
    for dossier_id, user_id in [*assignees, *actors]:
        handlers[dossier_id].add(user_id)
    cache: dict[int, Decimal | None] = {}
    rows: dict[int, list[DossierIndices]] = defaultdict(list)
    scored = finished_dossiers(unit_ids, period).filter(pk__in=list(handlers))
    for d in scored.iterator(chunk_size=CHUNK):
        row = dossier_indices(d, publication_cache=cache, cs=cs)
        for user_id in handlers[d.pk]:
            rows[user_id].append(row)
    return [_officer_result(user, rows[pk]) for pk, user in wanted.items()]


def _officer_result(user: User, rows: Sequence[DossierIndices]) -> OfficerIndices:
    scores = _aggregate(rows, OFFICER_INDICES)
    total = _total(scores)
    rating = officer_rating(total)
    return OfficerIndices(
        indices=scores,
        total=total,
        rating=rating.value if rating else None,
        rating_label=str(rating.label) if rating else _("Không có dữ liệu"),
        dossier_count=len(rows),
        user_id=user.pk,
        user_name=getattr(user, "display_name", "") or user.get_username(),
    )


def unit_indices(
    unit: Unit, date_from: dt.date, date_to: dt.date, *, now: dt.datetime | None = None
) -> UnitIndices:
    """TT 01/2018 arts. 13–15: indices 1–9 of a unit (with its subtree) and its rating."""
    period = _parse_period(date_from, date_to)
    now = _now(now)
    cs = ClassifySettings.current()
    unit_ids = scope_unit_ids(unit)
    cache: dict[int, Decimal | None] = {}
    rows = [
        dossier_indices(d, publication_cache=cache, cs=cs)
        for d in finished_dossiers(unit_ids, period).iterator(chunk_size=CHUNK)
    ]
    per_dossier = {s.number: s for s in _aggregate(rows, DOSSIER_INDICES)}
    if not rows:
        # Index 6 is also a unit index: the unit's configuration applies without dossiers.
        publication = publication_score(unit, cache)
        if publication is not None:
            per_dossier[6] = IndexScore(6, round1(publication), "", 0)
    unit_scores = {
        5: IndexScore(
            5,
            None,
            _("%(x)s — chưa ghi nhận nơi thẩm định, phê duyệt từng TTHC") % {"x": _no_data()},
            0,
        ),
        8: index8(unit_ids, period, now=now),
        9: index9(unit, unit_ids, period, now=now, cs=cs),
    }
    scores = [per_dossier.get(n) or unit_scores[n] for n in range(1, 10)]
    total = _total(scores)
    rating = unit_rating(total)
    return UnitIndices(
        indices=scores,
        total=total,
        rating=rating.value if rating else None,
        rating_label=str(rating.label) if rating else _("Không có dữ liệu"),
        dossier_count=len(rows),
        unit_code=unit.code,
        unit_name=unit.name,
        date_from=date_from,
        date_to=date_to,
    )


# --------------------------------------------------------------------------------------------
# Catalogue: procedures a unit provides
# --------------------------------------------------------------------------------------------

_LEVEL_OF_KIND = {
    UnitKind.PROVINCE: ProcedureLevel.PROVINCE,
    UnitKind.DISTRICT: ProcedureLevel.DISTRICT,
    UnitKind.COMMUNE: ProcedureLevel.COMMUNE,
    UnitKind.WARD: ProcedureLevel.COMMUNE,
    UnitKind.SPECIAL_ZONE: ProcedureLevel.COMMUNE,
}


def eligible_versions(unit: Unit, on: dt.date) -> list[ProcedureVersion]:
    """The published version valid on `on` of each procedure under the unit's competence
    (procedure level matching the unit kind; `unit_kinds`, when filled, must list it)."""
    qs = (
        ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("procedure")
        .order_by("procedure_id", "-number")
    )
    level = _LEVEL_OF_KIND.get(UnitKind(unit.kind)) if unit.kind in UnitKind.values else None
    if level is not None:
        qs = qs.filter(procedure__level=level)
    versions: dict[int, ProcedureVersion] = {}
    for version in qs:
        kinds = version.procedure.unit_kinds or []
        if kinds and unit.kind not in kinds:
            continue
        versions.setdefault(version.procedure_id, version)
    return list(versions.values())


ONLINE_LEVELS = (OnlineLevel.PARTIAL, OnlineLevel.FULL)


def _received_in(unit_ids: Sequence[int], period: Period) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        unit_id__in=list(unit_ids),
        received_at__gte=period.start,
        received_at__lt=period.end,
    ).exclude(state__in=NOT_RECEIVED_STATES)


def index9(
    unit: Unit,
    unit_ids: Sequence[int],
    period: Period,
    *,
    now: dt.datetime,
    cs: ClassifySettings,
) -> IndexScore:
    """TT 01/2018 art. 14 index 9 (DOMAIN.md §1.15, §5): 2 points when ≥20% of the eligible
    procedures are offered online (level 3/4 = một phần/toàn trình), the online share of the
    dossiers received is ≥30% and no online dossier is late or overdue unresolved; 1 point when
    online service is offered, the share is 15–<30% and none is late; else 0. No dossier
    received in the period → N/A."""
    versions = eligible_versions(unit, period.date_to)
    online_procedures = sum(1 for v in versions if v.online_level in ONLINE_LEVELS)
    level_share = ratio(online_procedures, len(versions)) or Decimal(0)
    received = _received_in(unit_ids, period)
    total = received.count()
    if total == 0:
        return IndexScore(9, None, _("không có hồ sơ tiếp nhận trong kỳ"), 0)
    online = received.filter(channel=Channel.ONLINE).count()
    online_share = ratio(online, total) or Decimal(0)
    late = _online_late_count(unit_ids, period, now=now, cs=cs)
    if late == 0 and level_share >= 20 and online_share >= 30:
        points = 2
    elif late == 0 and online_procedures > 0 and online_share >= 15:
        points = 1
    else:
        points = 0
    reason = _(
        "%(lv)s%% TTHC trực tuyến; %(on)s%% hồ sơ trực tuyến; %(late)s hồ sơ trực tuyến trễ hạn"
    ) % {"lv": vn_number(level_share), "on": vn_number(online_share), "late": late}
    return IndexScore(9, round1(Decimal(points)), reason, total)


def index8(unit_ids: Sequence[int], period: Period, *, now: dt.datetime) -> IndexScore:
    """TT 01/2018 art. 14 index 8 (DOMAIN.md §1.15) from the PAKN first received by the units
    in the period (`feedback.selectors.feedback_summary`, the deadlines of QĐ 766 indicator
    5.2): **2** no PAKN, or all handled on time; **1** at least 90% on time; **0** below.
    "Handled" = closed with every step on time (as 5.2), plus those still open whose current
    deadline had passed by the end of the period (not handled on time). PAKN open within their
    deadlines are not judged yet: all of them → N/A. "Prolonged" PAKN (kéo dài) are not
    recorded: none is assumed, said in the reason."""
    from motcua.feedback.constants import FEEDBACK_CLOSED_STATES
    from motcua.feedback.models import Feedback
    from motcua.feedback.selectors import feedback_summary

    summary = feedback_summary(unit_ids, period.date_from, period.date_to)
    if summary.received == 0:
        return IndexScore(8, round1(Decimal(2)), _("không có phản ánh, kiến nghị trong kỳ"), 0)
    at = min(now, period.end)
    overdue_open = (
        Feedback.objects.filter(
            received_unit_id__in=list(unit_ids),
            received_at__gte=period.start,
            received_at__lt=period.end,
            current_due_at__lt=at,
        )
        .exclude(state__in=FEEDBACK_CLOSED_STATES)
        .count()
    )
    judged = summary.finished + overdue_open
    on_time = summary.finished_on_time
    if judged == 0:
        reason = _("%(n)s PAKN tiếp nhận trong kỳ đang xử lý, chưa đến hạn") % {
            "n": summary.received
        }
        return IndexScore(8, None, reason, summary.received)
    if on_time == judged:
        points = 2
    elif on_time * 100 >= judged * 90:
        points = 1
    else:
        points = 0
    share = ratio(on_time, judged) or Decimal(0)
    reason = _(
        "%(ok)s/%(n)s PAKN xử lý đúng hạn (%(pct)s%%; tính cả %(open)s PAKN quá hạn chưa xử lý "
        "xong); chưa ghi nhận PAKN kéo dài (tính là không có)"
    ) % {"ok": on_time, "n": judged, "pct": vn_number(share), "open": overdue_open}
    return IndexScore(8, round1(Decimal(points)), reason, summary.received)


def _online_late_count(
    unit_ids: Sequence[int], period: Period, *, now: dt.datetime, cs: ClassifySettings
) -> int:
    """Online dossiers finished late in the period, or still open and overdue at its end."""
    late = 0
    online_finished = finished_dossiers(unit_ids, period).filter(channel=Channel.ONLINE)
    for d in online_finished.iterator(chunk_size=CHUNK):
        end = done_at(d)
        if end is not None and _classify(end, d.due_at, _by_date(d, cs)) == EndKind.LATE:
            late += 1
    at = min(now, period.end)
    open_qs = (
        Dossier.objects.filter(
            unit_id__in=list(unit_ids),
            channel=Channel.ONLINE,
            received_at__lt=period.end,
            due_at__isnull=False,
        )
        .exclude(state__in=(*NOT_RECEIVED_STATES, *RESOLVED_STATES, *CLOSED_OTHER_STATES))
        .exclude(state=State.SUPPLEMENT_AFTER_REVIEW)
        .select_related("procedure_version")
    )
    for d in open_qs.iterator(chunk_size=CHUNK):
        if _classify(at, d.due_at, _by_date(d, cs)) == EndKind.LATE:
            late += 1
    return late


# --------------------------------------------------------------------------------------------
# QĐ 766 indicators
# --------------------------------------------------------------------------------------------


def _end_766(
    d: Dossier, period: Period, at: dt.datetime, events: list[DossierEvent]
) -> dt.datetime:
    """QĐ 766 indicator 2.1 `end`: the terminal time if it falls in the period (resolved:
    finished, else returned; withdrawn/stopped: closed), a dossier waiting for its single
    supplement → the time of the request, otherwise (unfinished) the end of the period."""
    terminal: dt.datetime | None = None
    if d.state in RESOLVED_STATES:
        terminal = d.finished_at or d.returned_at
    elif d.state in CLOSED_OTHER_STATES:
        terminal = d.closed_at
    if terminal is not None and terminal < period.end:
        return max(terminal, d.received_at) if d.received_at else terminal
    if d.state == State.SUPPLEMENT_AFTER_REVIEW:
        requests = [e.at for e in events if e.action == Action.REQUEST_SUPPLEMENT]
        if requests and requests[-1] < period.end:
            return requests[-1]
    return at


def _processed_in(unit_ids: Sequence[int], period: Period) -> QuerySet[Dossier]:
    """Dossiers received or processed in the period: received before its end and not ended
    before its start."""
    ended_before = (
        Q(state__in=RESOLVED_STATES, finished_at__lt=period.start)
        | Q(state__in=RESOLVED_STATES, finished_at__isnull=True, returned_at__lt=period.start)
        | Q(state__in=CLOSED_OTHER_STATES, closed_at__lt=period.start)
    )
    qs = (
        Dossier.objects.filter(
            unit_id__in=list(unit_ids), received_at__isnull=False, received_at__lt=period.end
        )
        .exclude(state__in=NOT_RECEIVED_STATES)
        .exclude(ended_before)
    )
    return _with_prefetch(qs).order_by("pk")


@dataclass
class _Timeliness:
    total: int = 0
    on_time: int = 0
    late: int = 0
    #: Of the same dossiers, those rated "not satisfied" by the end of the period (5.4).
    unsatisfied: int = 0


def timeliness_766(
    unit_ids: Sequence[int], period: Period, *, now: dt.datetime, cs: ClassifySettings
) -> _Timeliness:
    """QĐ 766 indicator 2.1 counts: on time if `end ≤ due` (early and on time merged); more
    than one supplement request counts as late. The appointment follows LATENESS_AGAINST
    (DOMAIN.md §2.5 (b)); the supplement time is already out of `due_at`, which restarts on
    the complete dossier (NĐ61 art. 19(4)). No appointment → on time."""
    from motcua.feedback.models import Rating

    result = _Timeliness()
    at = min(now, period.end)
    disliked = Rating.objects.filter(dossier_id=OuterRef("pk"), satisfied=False, created_at__lt=at)
    rows = _processed_in(unit_ids, period).annotate(disliked=Exists(disliked))
    for d in rows.iterator(chunk_size=CHUNK):
        result.total += 1
        result.unsatisfied += bool(d.disliked)
        if d.supplement_count > 1:
            result.late += 1
            continue
        due = d.due_at if cs.against == "original" else (d.extended_due_at or d.due_at)
        end = _end_766(d, period, at, _events(d))
        if _classify(end, due, _by_date(d, cs)) == EndKind.LATE:
            result.late += 1
        else:
            result.on_time += 1
    return result


def _na(spec: IndicatorSpec, reason: str) -> IndicatorResult:
    return IndicatorResult(
        code=spec.code,
        name=spec.name,
        value=None,
        unit_of_value="%",
        numerator=None,
        denominator=None,
        pmax=spec.pmax,
        threshold=spec.threshold,
        points=None,
        status=Status.NA,
        reason=reason,
        source=spec.source,
        confidence=spec.confidence,
    )


def _rate(
    spec: IndicatorSpec,
    numerator: int,
    denominator: int,
    reason: str = "",
    *,
    empty: str | None = None,
) -> IndicatorResult:
    """A share as an indicator; with no denominator N/A saying what was missing (`empty`,
    by default dossiers or procedures)."""
    value = ratio(numerator, denominator)
    if value is None:
        return _na(spec, empty or _("không có hồ sơ, TTHC để tính (mẫu số bằng 0)"))
    return IndicatorResult(
        code=spec.code,
        name=spec.name,
        value=value,
        unit_of_value="%",
        numerator=numerator,
        denominator=denominator,
        pmax=spec.pmax,
        threshold=spec.threshold,
        points=convert_score(value, spec.pmax, spec.threshold),
        status=warning_status(value, spec),
        reason=reason,
        source=spec.source,
        confidence=spec.confidence,
    )


def _duration(d: Dossier, end: dt.datetime, calendars: dict[Any, Any]) -> tuple[Decimal, str]:
    """Processing time of a finished dossier in the procedure's unit: working days (calendar
    of the receiving unit) for working-day limits, days for calendar-day limits, hours
    otherwise. Counted from the clock start (the last complete dossier)."""
    start = d.clock_started_at or d.received_at
    assert start is not None
    limit_unit = d.procedure_version.time_limit_unit
    if limit_unit == LimitUnit.WORKING_DAYS:
        from motcua.calendar.selectors import calendar_for_unit

        years = tuple(range(local_date(start).year, local_date(end).year + 1))
        key = (d.unit_id, years)
        calendar = calendars.get(key)
        if calendar is None:
            calendar = calendars[key] = calendar_for_unit(d.unit, years=years)
        days = calendar.working_days_between(local_date(start), local_date(end))
        return Decimal(max(days, 0)), str(_("ngày làm việc"))
    seconds = Decimal(max((end - start).total_seconds(), 0))
    if limit_unit == LimitUnit.CALENDAR_DAYS:
        return seconds / Decimal(86400), str(_("ngày"))
    return seconds / Decimal(3600), str(_("giờ"))


def average_time_766(
    unit_ids: Sequence[int], period: Period, spec: IndicatorSpec
) -> IndicatorResult:
    """QĐ 766 indicator 2.2: Σ processing time of the dossiers finished in the period ÷ their
    number, per procedure, in the procedure's unit. Monitored, no points (Pmax 0)."""
    groups: dict[int, list[Decimal]] = defaultdict(list)
    labels: dict[int, tuple[str, str]] = {}
    calendars: dict[Any, Any] = {}
    finished = finished_dossiers(unit_ids, period).select_related("procedure_version__procedure")
    for d in finished.iterator(chunk_size=CHUNK):
        end = done_at(d)
        if end is None:
            continue
        value, unit_label = _duration(d, end, calendars)
        procedure = d.procedure_version.procedure
        groups[procedure.pk].append(value)
        labels[procedure.pk] = (f"{procedure.code} – {procedure.name}", unit_label)
    if not groups:
        return _na(spec, _("không có hồ sơ giải quyết xong trong kỳ (mẫu số bằng 0)"))
    details = []
    for pk, values in groups.items():
        name, unit_label = labels[pk]
        mean = round2(sum(values, Decimal(0)) / Decimal(len(values)))
        details.append(
            {"procedure": name, "average": mean, "unit": unit_label, "count": len(values)}
        )
    details.sort(key=lambda row: str(row["procedure"]))
    count = sum(len(v) for v in groups.values())
    return IndicatorResult(
        code=spec.code,
        name=spec.name,
        value=None,
        unit_of_value="",
        numerator=None,
        denominator=count,
        pmax=spec.pmax,
        threshold=spec.threshold,
        points=None,
        status=Status.MONITOR,
        reason=_("chỉ số theo dõi: thời gian trung bình theo từng thủ tục"),
        source=spec.source,
        confidence=spec.confidence,
        details=details,
    )


def qd766_indicators(
    unit: Unit, date_from: dt.date, date_to: dt.date, *, now: dt.datetime | None = None
) -> list[IndicatorResult]:
    """The QĐ 766 indicators of DOMAIN.md §4.2 that a commune can compute locally (early
    warning; the official scores come from the national portal), in configuration order.
    An indicator whose `waits_for` module is not installed is N/A "chờ phân hệ …"; one whose
    data is missing says precisely what is missing."""
    period = _parse_period(date_from, date_to)
    now = _now(now)
    cs = ClassifySettings.current()
    unit_ids = scope_unit_ids(unit)
    specs = indicator_specs()
    results: list[IndicatorResult] = []
    timeliness: _Timeliness | None = None
    synced = national_sync_share(unit_ids, period)
    for spec in sorted(specs.values(), key=lambda s: (s.order, s.code)):
        if spec.waits_for and not module_installed(spec.waits_for):
            module = WAITS_FOR_LABELS.get(spec.waits_for, spec.waits_for)
            results.append(
                _na(spec, _("%(x)s — chờ phân hệ %(m)s") % {"x": _no_data(), "m": module})
            )
        elif spec.code == "1.4":
            results.append(national_sync_14(spec, synced))
        elif spec.code == "4.1":
            results.append(electronic_results_766(spec, unit_ids, period))
        elif spec.code in DIGITISATION_CODES:
            results.append(digitisation_766(spec, _received_in(unit_ids, period)))
        elif spec.code in FEEDBACK_CODES:
            results.append(feedback_766(spec, unit_ids, period))
        elif spec.code == "3.6":
            results.append(online_payment_766(spec, _received_in(unit_ids, period)))
        elif spec.code in ("2.1", "5.4"):
            if timeliness is None:
                timeliness = timeliness_766(unit_ids, period, now=now, cs=cs)
            if spec.code == "2.1":
                results.append(_rate(spec, timeliness.on_time, timeliness.total))
            else:
                results.append(_satisfaction_54(spec, timeliness))
        elif spec.code == "2.2":
            results.append(average_time_766(unit_ids, period, spec))
        elif spec.code in ("3.1", "3.2"):
            versions = eligible_versions(unit, period.date_to)
            online = [v for v in versions if v.online_level in ONLINE_LEVELS]
            if spec.code == "3.1":
                results.append(_rate(spec, len(online), len(versions)))
            else:
                used = set(
                    _received_in(unit_ids, period)
                    .filter(channel=Channel.ONLINE)
                    .values_list("procedure_version__procedure_id", flat=True)
                )
                with_dossiers = sum(1 for v in online if v.procedure_id in used)
                results.append(_rate(spec, with_dossiers, len(online)))
        elif spec.code == "3.3":
            received = _received_in(unit_ids, period)
            online_count = received.filter(channel=Channel.ONLINE).count()
            results.append(_online_share_33(spec, online_count, received.count(), synced))
        else:
            results.append(_na(spec, _("chỉ số chưa được hỗ trợ tính tại đơn vị")))
    return results


def module_installed(waits_for: str) -> bool:
    """Whether the module an indicator's `waits_for` names is installed (`WAITS_FOR_APPS`);
    an unknown key names a module not built yet."""
    app = WAITS_FOR_APPS.get(waits_for)
    return app is not None and apps.is_installed(app)


def national_sync_14(spec: IndicatorSpec, synced: tuple[int, int] | None) -> IndicatorResult:
    """QĐ 766 indicator 1.4 (DOMAIN.md §4.2): dossiers synced to the national portal ÷ dossiers
    received in the period (`national_sync_share`). While sync is not configured and no dossier
    was ever tracked there is no data: N/A, saying so."""
    if synced is None:
        reason = _(
            "%(x)s — chưa cấu hình kết nối đồng bộ với Cổng Dịch vụ công quốc gia, chưa có hồ "
            "sơ nào được theo dõi đồng bộ"
        ) % {"x": _no_data()}
        return _na(spec, reason)
    return _rate(spec, *synced, _("hồ sơ đã đồng bộ ÷ hồ sơ tiếp nhận trong kỳ"))


def electronic_results_766(
    spec: IndicatorSpec, unit_ids: Sequence[int], period: Period
) -> IndicatorResult:
    """QĐ 766 indicator 4.1 (DOMAIN.md §4.2): dossiers with an electronic result ÷ dossiers
    whose result was issued in the period (finished, refusals excluded). An electronic result
    is a result document the system generated and a leader **signed digitally**
    (`documents.GeneratedDocument`, kind result, `signed_from` set; an unsigned PDF is a
    draft) or an electronic result digitised at the counter (`digitisation`, source
    "kết quả điện tử"), recorded by the end of the period. The catalogue does not record which
    procedures return a paper result, so every dossier with a result is in the denominator —
    said in the reason."""
    from motcua.digitisation.constants import Source
    from motcua.digitisation.models import DigitisedComponent
    from motcua.documents.models import RESULT_KIND, GeneratedDocument

    signed = GeneratedDocument.objects.filter(
        dossier_id=OuterRef("pk"),
        kind=RESULT_KIND,
        signed_from__isnull=False,
        created_at__lt=period.end,
    )
    scanned = DigitisedComponent.objects.filter(
        dossier_id=OuterRef("pk"),
        source=Source.ELECTRONIC_RESULT,
        digitised_at__lt=period.end,
    )
    rows = list(
        _finished(unit_ids, period)
        .exclude(state=State.REJECTED_AFTER_REVIEW)
        .annotate(signed=Exists(signed), scanned=Exists(scanned))
        .values_list("signed", "scanned")
    )
    electronic = sum(1 for s, d in rows if s or d)
    reason = _(
        "%(s)s hồ sơ có kết quả ký số, %(d)s hồ sơ có kết quả điện tử số hóa; mẫu số gồm mọi "
        "hồ sơ có kết quả trong kỳ (danh mục TTHC chưa ghi thủ tục trả kết quả bản giấy)"
    ) % {"s": sum(1 for s, _d in rows if s), "d": sum(1 for _s, d in rows if d)}
    return _rate(spec, electronic, len(rows), reason)


#: QĐ 766 group 4 indicators fed by `motcua.digitisation.selectors.digitisation_counts`.
DIGITISATION_CODES = ("4.2", "4.3")


def digitisation_766(spec: IndicatorSpec, received: QuerySet[Dossier]) -> IndicatorResult:
    """QĐ 766 indicators 4.2 (dossiers with digitised components ÷ dossiers received in the
    period) and 4.3 (dossiers with ≥1 component reused from the personal data store ÷ dossiers
    received); definitions in docs/domain/digitisation.md."""
    from motcua.digitisation.selectors import digitisation_counts

    counts = digitisation_counts(received)
    if spec.code == "4.2":
        reason = _(
            "%(c)s thành phần số hóa, %(f)s tệp nộp trực tuyến; chưa xét điều kiện kết quả điện tử"
        ) % {"c": counts.components_digitised, "f": counts.online_files}
        return _rate(spec, counts.dossiers_digitised, counts.dossiers, reason)
    reason = _("%(n)s thành phần lấy từ kho dữ liệu cá nhân") % {"n": counts.components_reused}
    return _rate(spec, counts.dossiers_reusing, counts.dossiers, reason)


def _online_share_33(
    spec: IndicatorSpec, online: int, received: int, synced: tuple[int, int] | None
) -> IndicatorResult:
    """QĐ 766 indicator 3.3: online dossiers ÷ dossiers received in the period, × the share
    synced to the national portal (1.4's ratio) when the sync log has data (DOMAIN.md §4.2);
    without it the plain share, said in the reason."""
    if synced is None or synced[1] <= 0:
        reason = _("chưa nhân tỷ lệ đồng bộ Cổng DVCQG (chưa có dữ liệu đồng bộ)")
        return _rate(spec, online, received, reason)
    result = _rate(spec, online, received)
    if result.value is None:
        return result
    value = round2(Decimal(online * synced[0]) * HUNDRED / Decimal(received * synced[1]))
    return replace(
        result,
        value=value,
        points=convert_score(value, spec.pmax, spec.threshold),
        status=warning_status(value, spec),
        reason=_("× tỷ lệ đồng bộ Cổng DVCQG %(s)s/%(t)s (chỉ số 1.4)")
        % {"s": synced[0], "t": synced[1]},
    )


def national_sync_share(unit_ids: Sequence[int], period: Period) -> tuple[int, int] | None:
    """QĐ 766 indicator 1.4 from the national-portal sync log (`integrations.selectors.
    sync_share`): (synced, received in the period), or None while sync is off and nothing was
    ever tracked (the indicator then stays N/A)."""
    from motcua.integrations.selectors import sync_share

    return sync_share(unit_ids, period.start, period.end)


def online_payment_766(spec: IndicatorSpec, received: QuerySet[Dossier]) -> IndicatorResult:
    """QĐ 766 indicator 3.6: dossiers paid online (`motcua.payments`, state paid) ÷ dossiers
    received in the period whose procedure version has a fee above zero (DOMAIN.md §4.2)."""
    from motcua.payments.constants import PaymentState

    fee_bearing = received.filter(procedure_version__fee_rules__amount__gt=0).distinct()
    paid = fee_bearing.filter(payments__state=PaymentState.PAID).distinct().count()
    return _rate(spec, paid, fee_bearing.count(), _("hồ sơ của TTHC có thu phí, lệ phí"))


#: QĐ 766 group 5 indicators on phản ánh, kiến nghị, fed by `motcua.feedback.selectors`.
FEEDBACK_CODES = ("5.1", "5.2", "5.3")


def feedback_766(spec: IndicatorSpec, unit_ids: Sequence[int], period: Period) -> IndicatorResult:
    """QĐ 766 indicators 5.1 (PAKN about regulations or staff behaviour ÷ all PAKN), 5.2 (PAKN
    whose every step kept its deadline ÷ PAKN finished) and 5.3 ((PAKN − late) ÷ PAKN received;
    dissatisfaction with the answer and repeated PAKN are not recorded yet, so they count 0 —
    said in the reason). DOMAIN.md §4.2; deadlines in docs/domain/feedback.md."""
    from motcua.feedback.selectors import feedback_summary

    summary = feedback_summary(unit_ids, period.date_from, period.date_to)
    none_received = _("không có phản ánh, kiến nghị tiếp nhận trong kỳ (mẫu số bằng 0)")
    if spec.code == "5.1":
        return _rate(spec, summary.regulation_or_behaviour, summary.received, empty=none_received)
    if spec.code == "5.2":
        return _rate(
            spec,
            summary.finished_on_time,
            summary.finished,
            _("PAKN đã xử lý xong trong kỳ"),
            empty=_("không có phản ánh, kiến nghị xử lý xong trong kỳ (mẫu số bằng 0)"),
        )
    late = summary.finished - summary.finished_on_time
    return _rate(
        spec,
        summary.received - late,
        summary.received,
        _("chưa ghi nhận PAKN không hài lòng hoặc lặp lại (tính bằng 0)"),
        empty=none_received,
    )


def _satisfaction_54(spec: IndicatorSpec, timeliness: _Timeliness) -> IndicatorResult:
    """QĐ 766 indicator 5.4: 100% − (late-dossier rate + rate of dossiers rated "not
    satisfied") (threshold 90%), both rates over the same dossiers (those of 2.1): a rating
    counts when its dossier is in the period and it was given by the period's end. PAKN are
    not tied to dossiers, so they do not count here."""
    unsatisfied = timeliness.unsatisfied
    # 100% − late rate − dislike rate = (total − late − unsatisfied) / total, rounded once, so
    # the value is the fraction shown beside it.
    numerator = max(timeliness.total - timeliness.late - unsatisfied, 0)
    value = ratio(numerator, timeliness.total)
    if value is None:
        return _na(spec, _("không có hồ sơ để tính (mẫu số bằng 0)"))
    return IndicatorResult(
        code=spec.code,
        name=spec.name,
        value=value,
        unit_of_value="%",
        numerator=numerator,
        denominator=timeliness.total,
        pmax=spec.pmax,
        threshold=spec.threshold,
        points=convert_score(value, spec.pmax, spec.threshold),
        status=warning_status(value, spec),
        reason=_("%(n)s hồ sơ bị đánh giá chưa hài lòng trong kỳ") % {"n": unsatisfied},
        source=spec.source,
        confidence=spec.confidence,
    )


def parse_day(text: str) -> dt.date:
    """A date typed as dd/mm/yyyy (or ISO yyyy-mm-dd)."""
    value = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise DomainError(_("Ngày không hợp lệ: %(d)s (định dạng dd/mm/yyyy).") % {"d": text})


def stats_settings_note() -> str:
    """The classification settings in force (shown under the tables)."""
    motcua = settings.MOTCUA
    against = str(motcua.get("LATENESS_AGAINST", "original"))
    labels = {
        "original": _("ngày hẹn trả ban đầu"),
        "extended": _("ngày hẹn trả đã gia hạn theo thư xin lỗi"),
    }
    return _("So sánh theo ngày với thời hạn tính bằng ngày: %(d)s; hạn so sánh: %(a)s.") % {
        "d": _("có") if motcua.get("CLASSIFY_DAY_LIMITS_BY_DATE", True) else _("không"),
        "a": labels.get(against, against),
    }
