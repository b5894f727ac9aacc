"""Assembly of the periodic CCHC report of a commune (DOMAIN.md §8.2, modelled on the seed report
`seed-report-2023-H1.txt`).

Every quantitative sentence is generated from data (`collect_data`: Biểu 06 of
`motcua.reports`, plans and tasks, activities, reviews of procedures, apology letters,
staffing from `motcua.organisation`); the narrative comes from the draft
(`ReportDraft.narrative`, section key → text). An issued draft is rebuilt from its snapshot,
so the document never changes after issue.

Outline: I. công tác chỉ đạo, điều hành; II. kết quả thực hiện nhiệm vụ CCHC (1 thể chế,
2 TTHC with the Biểu 06 figures as sentences, 3 tổ chức bộ máy, 4 công vụ, 5 tài chính công,
6 chính quyền số); III. đánh giá chung; IV. phương hướng, nhiệm vụ kỳ tới; V. đề xuất, kiến nghị.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import DossierEvent
from motcua.organisation.constants import StaffCategory
from motcua.organisation.models import Unit
from motcua.organisation.selectors import staffing_summary, unit_with_history
from motcua.reform.checks import (
    Problem,
    check_figures,
    check_narrative,
    check_sections,
)
from motcua.reform.constants import (
    REQUIRED_SECTIONS,
    ActivityKind,
    DraftStatus,
    ReformArea,
    ReviewProposal,
    Section,
    Severity,
)
from motcua.reform.figures import Bieu06, Figures, bieu06_figures
from motcua.reform.models import ReportDraft
from motcua.reform.periods import Period, parse_period
from motcua.reform.selectors import (
    activity_totals,
    plan_completion,
    plans_issued,
    review_totals,
)

APOLOGY_ACTION = "apology"


# --- data ------------------------------------------------------------------------------------


@dataclass
class ReportData:
    """Everything quantitative the report prints; JSON-serialisable (the issue snapshot)."""

    bieu06: Bieu06
    plans: list[dict[str, Any]]
    tasks: dict[str, Any]
    activities: dict[str, dict[str, int]]
    reviews: dict[str, Any]
    apology_letters: int
    staffing: dict[str, Any]
    computed_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "bieu06": self.bieu06.as_dict(),
            "plans": self.plans,
            "tasks": self.tasks,
            "activities": self.activities,
            "reviews": self.reviews,
            "apology_letters": self.apology_letters,
            "staffing": self.staffing,
            "computed_at": self.computed_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportData:
        return cls(
            bieu06=Bieu06.from_dict(data.get("bieu06", {})),
            plans=list(data.get("plans", [])),
            tasks=dict(data.get("tasks", {})),
            activities=dict(data.get("activities", {})),
            reviews=dict(data.get("reviews", {})),
            apology_letters=int(data.get("apology_letters", 0)),
            staffing=dict(data.get("staffing", {})),
            computed_at=str(data.get("computed_at", "")),
        )


def _aware_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def apology_letters(*, unit: Unit, date_from: dt.date, date_to: dt.date) -> int:
    """Apology letters (Phiếu xin lỗi và hẹn lại ngày trả kết quả, Mẫu 04 of TT 01/2018; NĐ61
    art. 19(9)) issued in the period: dossier events with action "apology"."""
    start, end = _aware_bounds(date_from, date_to)
    unit_ids = [u.pk for u in unit_with_history(unit)]
    return DossierEvent.objects.filter(
        action=APOLOGY_ACTION, at__gte=start, at__lt=end, dossier__unit_id__in=unit_ids
    ).count()


def _staffing(unit: Unit, on: dt.date) -> dict[str, Any]:
    summary = staffing_summary(unit, on)
    return {
        "on": on.isoformat(),
        "quota_total": summary.quota_total,
        "actual_total": summary.actual_total,
        "categories": [
            {
                "category": c.category,
                "label": c.label,
                "quota": c.quota,
                "actual": c.actual,
                "party_members": c.party_members,
                "political_theory": c.political_theory,
                "professional": c.professional,
            }
            for c in summary.categories
        ],
    }


def collect_data(*, unit: Unit, period: Period, policy: str | None = None) -> ReportData:
    """Compute every figure of the report of `unit` for `period` from the database."""
    date_from, date_to = period.bounds
    completion = plan_completion(unit=unit, date_from=date_from, date_to=date_to)
    tasks = {
        "areas": [
            {
                "area": a.area,
                "label": a.label,
                "total": a.total,
                "done_on_time": a.done_on_time,
                "done_late": a.done_late,
                "open_within": a.open_within,
                "open_overdue": a.open_overdue,
            }
            for a in completion.areas
        ],
        "total": completion.total.total,
        "done_on_time": completion.total.done_on_time,
        "done_late": completion.total.done_late,
        "open_within": completion.total.open_within,
        "open_overdue": completion.total.open_overdue,
    }
    return ReportData(
        bieu06=bieu06_figures(unit=unit, date_from=date_from, date_to=date_to, policy=policy),
        plans=plans_issued(unit=unit, date_from=date_from, date_to=date_to),
        tasks=tasks,
        activities=activity_totals(unit=unit, date_from=date_from, date_to=date_to),
        reviews=review_totals(unit=unit, date_from=date_from, date_to=date_to),
        apology_letters=apology_letters(unit=unit, date_from=date_from, date_to=date_to),
        staffing=_staffing(unit, date_to),
        computed_at=timezone.now().isoformat(),
    )


# --- sentences -------------------------------------------------------------------------------


def percent(numerator: int, denominator: int) -> str:
    """A share such as "94,3%" (Vietnamese decimal comma); "—" when nothing to divide."""
    if denominator <= 0:
        return "—"
    return f"{100.0 * numerator / denominator:.1f}".replace(".", ",") + "%"


def _d(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def figures_sentences(f: Figures, *, apology: int | None = None) -> list[str]:
    """The Biểu 06 figures as the sentences of the seed report (section II.2)."""
    lines = [
        _(
            "Tổng số hồ sơ tiếp nhận: %(total)d hồ sơ (trong đó: tiếp nhận trong kỳ "
            "%(in_period)d, trực tuyến %(online)d, trực tiếp và bưu chính %(direct)d; từ kỳ "
            "trước chuyển sang %(carried)d)."
        )
        % {
            "total": f.received_total,
            "in_period": f.received_in_period,
            "online": f.received_online,
            "direct": f.received_direct_postal,
            "carried": f.carried_over,
        },
        _(
            "Đã giải quyết %(total)d hồ sơ (trước hạn %(early)d, đúng hạn %(on_time)d, quá hạn "
            "%(late)d)%(rejected)s."
        )
        % {
            "total": f.resolved_total,
            "early": f.resolved_early,
            "on_time": f.resolved_on_time,
            "late": f.resolved_late,
            "rejected": (
                _("; trong đó từ chối giải quyết %(n)d hồ sơ") % {"n": f.resolved_rejected}
                if f.resolved_rejected
                else ""
            ),
        },
        _("Đang giải quyết %(total)d hồ sơ (trong hạn %(within)d, quá hạn %(overdue)d).")
        % {"total": f.pending_total, "within": f.pending_within, "overdue": f.pending_overdue},
    ]
    if f.closed_other_total:
        lines.append(
            _(
                "Hồ sơ kết thúc không có kết quả giải quyết (rút, dừng, trả lại): %(total)d hồ sơ "
                "(công dân rút %(withdrawn)d, dừng xử lý %(stopped)d, khác %(other)d)."
            )
            % {
                "total": f.closed_other_total,
                "withdrawn": f.withdrawn,
                "stopped": f.stopped,
                "other": f.closed_other_total - f.withdrawn - f.stopped,
            }
        )
    lines.append(
        _(
            "Tỷ lệ hồ sơ tiếp nhận trực tuyến: %(online)s; tỷ lệ hồ sơ giải quyết trước hạn và "
            "đúng hạn: %(in_time)s."
        )
        % {
            "online": percent(f.received_online, f.received_in_period),
            "in_time": percent(f.resolved_early_or_on_time, f.resolved_total),
        }
    )
    if apology is not None:
        lines.append(
            _("Số phiếu xin lỗi và hẹn lại ngày trả kết quả đã ban hành: %(n)d.") % {"n": apology}
        )
    return lines


def _plans_sentences(data: ReportData) -> list[str]:
    if not data.plans:
        return [_("Trong kỳ, chưa có kế hoạch về cải cách hành chính được cập nhật trên hệ thống.")]
    items = "; ".join(
        _("Kế hoạch số %(number)s ngày %(date)s %(title)s")
        % {"number": p["number"], "date": _d(p["issued_on"]), "title": p["title"]}
        for p in data.plans
    )
    return [
        _("Trong kỳ, đã ban hành %(n)d kế hoạch về cải cách hành chính: %(items)s.")
        % {"n": len(data.plans), "items": items}
    ]


def _tasks_sentences(data: ReportData) -> list[str]:
    t = data.tasks
    total = int(t.get("total", 0))
    if not total:
        return [_("Không có nhiệm vụ CCHC nào đến hạn trong kỳ.")]
    lines = [
        _(
            "Tổng số nhiệm vụ CCHC đến hạn trong kỳ: %(total)d; đã hoàn thành %(done)d (đúng hạn "
            "%(on_time)d, quá hạn %(late)d); chưa hoàn thành %(open)d (trong đó quá hạn "
            "%(overdue)d). Tỷ lệ hoàn thành đúng hạn: %(rate)s."
        )
        % {
            "total": total,
            "done": t["done_on_time"] + t["done_late"],
            "on_time": t["done_on_time"],
            "late": t["done_late"],
            "open": t["open_within"] + t["open_overdue"],
            "overdue": t["open_overdue"],
            "rate": percent(t["done_on_time"], total),
        }
    ]
    for area in t.get("areas", []):
        lines.append(
            _("%(label)s: hoàn thành đúng hạn %(on_time)d/%(total)d nhiệm vụ (%(rate)s).")
            % {
                "label": area["label"],
                "on_time": area["done_on_time"],
                "total": area["total"],
                "rate": percent(area["done_on_time"], area["total"]),
            }
        )
    return lines


def _activity_sentence(data: ReportData, kinds: list[ActivityKind]) -> list[str]:
    labels = {
        ActivityKind.PROPAGANDA: _("%(n)d lượt tuyên truyền về CCHC"),
        ActivityKind.SELF_INSPECTION: _("%(n)d cuộc tự kiểm tra công tác CCHC"),
        ActivityKind.DOCUMENT: _("%(n)d văn bản chỉ đạo, điều hành về CCHC"),
        ActivityKind.LEGAL_DOCUMENT: _("%(n)d văn bản quy phạm pháp luật"),
        ActivityKind.MEETING: _("%(n)d hội nghị, cuộc họp về CCHC"),
        ActivityKind.TRAINING: _("%(n)d lớp, đợt đào tạo, bồi dưỡng"),
        ActivityKind.DISCIPLINE: _("%(n)d trường hợp cán bộ, công chức bị xử lý kỷ luật"),
        ActivityKind.OTHER: _("%(n)d hoạt động khác"),
    }
    parts = []
    for kind in kinds:
        row = data.activities.get(kind.value, {})
        count = int(row.get("count", 0))
        if count:
            text = labels[kind] % {"n": count}
            if row.get("participants"):
                text += _(" (%(p)d lượt người tham gia)") % {"p": row["participants"]}
            parts.append(text)
    if not parts:
        return []
    return [_("Trong kỳ: %(items)s.") % {"items": "; ".join(parts)}]


def _reviews_sentences(data: ReportData) -> list[str]:
    r = data.reviews
    total = int(r.get("total", 0))
    if not total:
        return [_("Trong kỳ, chưa có kết quả rà soát, đánh giá thủ tục hành chính được cập nhật.")]
    by = r.get("by_proposal", {})
    return [
        _(
            "Rà soát, đánh giá %(total)d thủ tục hành chính; phương án: đơn giản hóa "
            "%(simplify)d, sửa đổi, bổ sung %(amend)d, bãi bỏ %(abolish)d, giữ nguyên %(keep)d."
        )
        % {
            "total": total,
            "simplify": by.get(ReviewProposal.SIMPLIFY, 0),
            "amend": by.get(ReviewProposal.AMEND, 0),
            "abolish": by.get(ReviewProposal.ABOLISH, 0),
            "keep": by.get(ReviewProposal.KEEP, 0),
        }
    ]


def _levels(counts: dict[str, int], of: int) -> str:
    return ", ".join(f"{level} {n:02d}/{of:02d}" for level, n in counts.items()) or "—"


def _staffing_sentences(data: ReportData) -> list[str]:
    s = data.staffing
    cats = {c["category"]: c for c in s.get("categories", [])}
    can_bo = cats.get(StaffCategory.CAN_BO, {})
    cong_chuc = cats.get(StaffCategory.CONG_CHUC, {})
    kct = cats.get(StaffCategory.KHONG_CHUYEN_TRACH, {})

    def q(cat: dict[str, Any]) -> str:
        return _("chưa cập nhật") if cat.get("quota") is None else str(cat["quota"])

    return [
        _(
            "Số lượng biên chế được giao: %(quota)d (cán bộ %(q_cb)s, công chức %(q_cc)s); số "
            "có mặt đến ngày %(on)s: %(actual)d (cán bộ %(a_cb)d, công chức %(a_cc)d)."
        )
        % {
            "quota": s.get("quota_total", 0),
            "q_cb": q(can_bo),
            "q_cc": q(cong_chuc),
            "on": _d(s["on"]) if s.get("on") else "",
            "actual": s.get("actual_total", 0),
            "a_cb": can_bo.get("actual", 0),
            "a_cc": cong_chuc.get("actual", 0),
        },
        _("Người hoạt động không chuyên trách: %(n)d người.") % {"n": kct.get("actual", 0)},
    ]


def _qualification_sentences(data: ReportData) -> list[str]:
    lines = []
    for cat in data.staffing.get("categories", []):
        if cat["category"] == StaffCategory.KHONG_CHUYEN_TRACH or not cat["actual"]:
            continue
        n = cat["actual"]
        lines.append(
            _(
                "%(label)s: đảng viên %(party)02d/%(n)02d; trình độ lý luận chính trị: %(theory)s;"
                " trình độ chuyên môn: %(prof)s."
            )
            % {
                "label": cat["label"],
                "party": cat["party_members"],
                "n": n,
                "theory": _levels(cat["political_theory"], n),
                "prof": _levels(cat["professional"], n),
            }
        )
    return lines


# --- the report ------------------------------------------------------------------------------


@dataclass
class ReportPart:
    """A heading of the report with its generated sentences and the officer's narrative."""

    heading: str
    level: int  # 1: "I. …" (upper case), 2: "1. …"
    generated: list[str] = field(default_factory=list)
    section: str | None = None  # narrative key (constants.Section)
    narrative: str = ""


@dataclass
class CchcReport:
    unit: Unit
    period: Period
    parent_agency: str
    agency_lines: list[str]
    number_symbol: str
    place_date: str
    summary: str
    intro: str
    cutoff_note: str
    parts: list[ReportPart]
    closing: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    data: ReportData
    problems: list[Problem]
    issued: bool

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.BLOCKING]


def place_date(place: str, on: dt.date | None, *, year: int | None = None) -> str:
    """Place and date, e.g. "Tái Sơn, ngày 05 tháng 01 năm 2024" (NĐ 30/2020 Phụ lục I: day
    < 10 and months 1–2 padded); without a date (a draft), blanks for the clerk to fill."""
    if on is None:
        return _("%(place)s, ngày     tháng     năm %(year)d") % {
            "place": place,
            "year": year or timezone.localdate().year,
        }
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return _("%(place)s, ngày %(day)02d tháng %(month)s năm %(year)d") % {
        "place": place,
        "day": on.day,
        "month": month,
        "year": on.year,
    }


def default_agency_lines(unit: Unit) -> list[str]:
    """The issuing agency in upper case: "ỦY BAN NHÂN DÂN" / "XÃ TÁI SƠN"."""
    return ["ỦY BAN NHÂN DÂN", unit.name.upper()]


def default_place(unit: Unit) -> str:
    """The place name of a unit: its name without the administrative prefix."""
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


def check_report(*, draft: ReportDraft, data: ReportData) -> list[Problem]:
    """All problems of a draft: figures, narrative vs data, missing sections, header fields."""
    figures = data.bieu06.total
    narrative = {k: str(v) for k, v in (draft.narrative or {}).items()}
    problems = check_figures(figures)
    problems += check_narrative(narrative, figures)
    problems += check_sections(narrative, tuple(s.value for s in REQUIRED_SECTIONS))
    if not draft.signer_name.strip():
        problems.append(
            Problem("signer", Severity.BLOCKING, _("Chưa ghi họ tên người ký báo cáo."))
        )
    if not draft.recipient_lines:
        problems.append(Problem("recipients", Severity.BLOCKING, _("Chưa ghi nơi nhận.")))
    if draft.number is None:
        problems.append(
            Problem("number", Severity.WARNING, _("Chưa có số văn bản (văn thư sẽ cấp số)."))
        )
    previous = (
        ReportDraft.objects.filter(
            unit_id=draft.unit_id,
            status=DraftStatus.ISSUED,
            date_to=draft.date_from - dt.timedelta(days=1),
        )
        .exclude(pk=draft.pk)
        .order_by("-issued_on")
        .first()
    )
    if previous is not None and previous.snapshot:
        before = ReportData.from_dict(previous.snapshot).bieu06.total.pending_total
        if before != figures.carried_over:
            problems.append(
                Problem(
                    "carry_over",
                    Severity.WARNING,
                    _(
                        "Số hồ sơ từ kỳ trước chuyển sang (%(now)d) khác số hồ sơ đang giải quyết "
                        "trong báo cáo kỳ trước (%(before)d, %(period)s)."
                    )
                    % {"now": figures.carried_over, "before": before, "period": previous.period},
                )
            )
    return problems


def build_report(draft: ReportDraft, *, data: ReportData | None = None) -> CchcReport:
    """The report of a draft: live figures while a draft, the snapshot once issued."""
    period = parse_period(draft.period, draft.convention)
    issued = draft.status == DraftStatus.ISSUED
    if data is None:
        if issued and draft.snapshot:
            data = ReportData.from_dict(draft.snapshot)
        else:
            data = collect_data(unit=draft.unit, period=period)
    narrative = {k: str(v) for k, v in (draft.narrative or {}).items()}
    f = data.bieu06.total
    name = draft.unit.name
    unit_title = _("UBND %(name)s") % {"name": name[:1].lower() + name[1:]}

    def part(heading: str, level: int, generated: list[str], section: Section | None) -> ReportPart:
        key = section.value if section else None
        return ReportPart(
            heading=heading,
            level=level,
            generated=generated,
            section=key,
            narrative=narrative.get(key, "") if key else "",
        )

    areas = dict(ReformArea.choices)
    parts = [
        part(_("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CẢI CÁCH HÀNH CHÍNH"), 1, [], None),
        part(_("1. Về kế hoạch CCHC"), 2, _plans_sentences(data) + _tasks_sentences(data), None),
        part(
            _("2. Về tổ chức chỉ đạo, điều hành, tuyên truyền CCHC"),
            2,
            _activity_sentence(
                data,
                [
                    ActivityKind.DOCUMENT,
                    ActivityKind.MEETING,
                    ActivityKind.SELF_INSPECTION,
                    ActivityKind.PROPAGANDA,
                ],
            ),
            Section.DIRECTION,
        ),
        part(_("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH"), 1, [], None),
        part(
            "1. " + str(areas[ReformArea.INSTITUTIONS]),
            2,
            _activity_sentence(data, [ActivityKind.LEGAL_DOCUMENT]),
            Section.INSTITUTIONS,
        ),
        part(
            "2. " + str(areas[ReformArea.PROCEDURES]),
            2,
            [
                *_reviews_sentences(data),
                _("Kết quả giải quyết thủ tục hành chính %(title)s:") % {"title": period.title},
                *figures_sentences(f, apology=data.apology_letters),
            ],
            Section.PROCEDURES,
        ),
        part(
            "3. " + str(areas[ReformArea.ORGANISATION]),
            2,
            _staffing_sentences(data),
            Section.ORGANISATION,
        ),
        part(
            "4. " + str(areas[ReformArea.CIVIL_SERVICE]),
            2,
            _qualification_sentences(data)
            + _activity_sentence(data, [ActivityKind.TRAINING, ActivityKind.DISCIPLINE]),
            Section.CIVIL_SERVICE,
        ),
        part("5. " + str(areas[ReformArea.PUBLIC_FINANCE]), 2, [], Section.PUBLIC_FINANCE),
        part(
            _("6. Xây dựng và phát triển chính quyền điện tử, chính quyền số"),
            2,
            [
                _("Hồ sơ tiếp nhận trực tuyến trong kỳ: %(online)d/%(received)d hồ sơ (%(rate)s).")
                % {
                    "online": f.received_online,
                    "received": f.received_in_period,
                    "rate": percent(f.received_online, f.received_in_period),
                }
            ],
            Section.DIGITAL,
        ),
        part(_("III. ĐÁNH GIÁ CHUNG"), 1, [], Section.ASSESSMENT),
        part(_("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"), 1, [], Section.NEXT_TASKS),
        part(_("V. ĐỀ XUẤT, KIẾN NGHỊ"), 1, [], Section.PROPOSALS),
    ]
    summary = draft.summary or _("Kết quả công tác cải cách hành chính %(title)s") % {
        "title": period.title
    }
    intro = narrative.get(Section.INTRO.value) or _(
        "%(unit)s báo cáo kết quả triển khai, thực hiện nhiệm vụ cải cách hành chính %(title)s, "
        "như sau:"
    ) % {"unit": unit_title, "title": period.title}
    closing = _(
        "Trên đây là báo cáo kết quả công tác cải cách hành chính %(title)s của %(unit)s./."
    ) % {"title": period.title, "unit": unit_title}
    agency_lines = (
        [line for line in draft.agency.splitlines() if line.strip()]
        if draft.agency.strip()
        else default_agency_lines(draft.unit)
    )
    return CchcReport(
        unit=draft.unit,
        period=period,
        parent_agency=draft.parent_agency,
        agency_lines=agency_lines,
        number_symbol=draft.number_symbol,
        place_date=place_date(draft.place, draft.issued_on, year=draft.date_to.year),
        summary=summary,
        intro=intro,
        cutoff_note=period.cutoff_note,
        parts=parts,
        closing=closing,
        signer_authority=draft.signer_authority,
        signer_title=draft.signer_title,
        signer_name=draft.signer_name,
        recipients=draft.recipient_lines,
        data=data,
        problems=check_report(draft=draft, data=data),
        issued=issued,
    )
