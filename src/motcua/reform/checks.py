"""Consistency checks of a CCHC report before it is issued (DOMAIN.md §0.2, §3.3, §8.2).

Each check returns a list of `Problem`s in Vietnamese. Blocking problems stop the issue of a
draft (`services.report_draft_issue`); warnings are shown beside the draft.

- `check_figures`: the Biểu 06 identities (§3.2–3.3): received = online + direct/postal +
  carried over; received = resolved + pending + closed without result; resolved = early +
  on time + late; pending = within + overdue.
- `check_narrative`: sentences that contradict the data — a claim of no late dossier
  ("không để xảy ra tình trạng quá hạn", "không có hồ sơ quá hạn", "100% hồ sơ đúng hạn")
  while some are late, a claim of 100% online while some were received at the counter or by
  post. Diacritics are ignored (reports pasted from OCR lose them).
- `check_entered_figures`: both of the above for figures typed by hand — the seed report of
  2023 (DOMAIN.md §0.2) fails both: 412 ≠ 403 + 4 and "không để xảy ra tình trạng quá hạn"
  with 5 late dossiers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.reform.constants import Severity
from motcua.reform.figures import FIGURE_KEYS, Figures


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.BLOCKING


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]


# --- figures ---------------------------------------------------------------------------------


def check_figures(figures: Figures) -> list[Problem]:
    """The identities of Biểu 06 (DOMAIN.md §3.2 columns 3 = 4+5+6, 7 = 8+9+10, 11 = 12+13)
    and the balance of §3.3 (received = resolved + pending + closed without result)."""
    f = figures
    problems: list[Problem] = []
    negative = [key for key, value in f.as_dict().items() if value < 0]
    if negative:
        problems.append(
            Problem(
                "negative",
                Severity.BLOCKING,
                _("Số liệu không được âm: %(keys)s.") % {"keys": ", ".join(negative)},
            )
        )
    intake = f.received_online + f.received_direct_postal + f.carried_over
    if f.received_total != intake:
        problems.append(
            Problem(
                "received_parts",
                Severity.BLOCKING,
                _(
                    "Tổng số hồ sơ tiếp nhận (%(total)d) khác tổng trực tuyến (%(online)d) + "
                    "trực tiếp, bưu chính (%(direct)d) + từ kỳ trước chuyển sang (%(carried)d) "
                    "= %(sum)d."
                )
                % {
                    "total": f.received_total,
                    "online": f.received_online,
                    "direct": f.received_direct_postal,
                    "carried": f.carried_over,
                    "sum": intake,
                },
            )
        )
    outcome = f.resolved_total + f.pending_total + f.closed_other_total
    if f.received_total != outcome:
        problems.append(
            Problem(
                "received_balance",
                Severity.BLOCKING,
                _(
                    "Tổng số hồ sơ tiếp nhận (%(total)d) khác số đã giải quyết (%(resolved)d) + "
                    "đang giải quyết (%(pending)d) + kết thúc không có kết quả (rút, dừng, trả "
                    "lại: %(other)d) = %(sum)d; chênh lệch %(diff)d hồ sơ chưa được giải trình."
                )
                % {
                    "total": f.received_total,
                    "resolved": f.resolved_total,
                    "pending": f.pending_total,
                    "other": f.closed_other_total,
                    "sum": outcome,
                    "diff": f.received_total - outcome,
                },
            )
        )
    timing = f.resolved_early + f.resolved_on_time + f.resolved_late
    if f.resolved_total != timing:
        problems.append(
            Problem(
                "resolved_parts",
                Severity.BLOCKING,
                _(
                    "Số hồ sơ đã giải quyết (%(total)d) khác trước hạn (%(early)d) + đúng hạn "
                    "(%(on_time)d) + quá hạn (%(late)d) = %(sum)d."
                )
                % {
                    "total": f.resolved_total,
                    "early": f.resolved_early,
                    "on_time": f.resolved_on_time,
                    "late": f.resolved_late,
                    "sum": timing,
                },
            )
        )
    pending = f.pending_within + f.pending_overdue
    if f.pending_total != pending:
        problems.append(
            Problem(
                "pending_parts",
                Severity.BLOCKING,
                _(
                    "Số hồ sơ đang giải quyết (%(total)d) khác trong hạn (%(within)d) + quá hạn "
                    "(%(overdue)d) = %(sum)d."
                )
                % {
                    "total": f.pending_total,
                    "within": f.pending_within,
                    "overdue": f.pending_overdue,
                    "sum": pending,
                },
            )
        )
    if f.withdrawn + f.stopped > f.closed_other_total:
        problems.append(
            Problem(
                "closed_other_parts",
                Severity.WARNING,
                _(
                    "Số hồ sơ rút (%(withdrawn)d) và dừng xử lý (%(stopped)d) lớn hơn tổng số hồ "
                    "sơ kết thúc không có kết quả (%(other)d)."
                )
                % {
                    "withdrawn": f.withdrawn,
                    "stopped": f.stopped,
                    "other": f.closed_other_total,
                },
            )
        )
    return problems


# --- narrative -------------------------------------------------------------------------------

#: Folded (lower-case, no diacritics) patterns of a claim that no dossier was late.
NO_LATE_CLAIMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"khong (?:de )?(?:xay ra|co|phat sinh) (?:tinh trang |truong hop |viec )?"
        r"(?:ho so |tthc )?(?:nao )?(?:bi )?(?:giai quyet |tra ket qua )?"
        r"(?:qua han|tre han|cham tre|tre hen)",
        r"khong co (?:ho so|truong hop)(?: nao)?(?: bi)?(?: giai quyet| tra)?"
        r"(?: ket qua)? (?:qua han|tre han|cham tre|tre hen)",
        r"100 ?% (?:so )?(?:ho so|tthc)[^.;]{0,40}?(?:dung han|truoc han|dung hen)",
        r"(?:dung han|truoc han)[^.;]{0,40}?(?:dat|la|:) ?100 ?%",
    )
)

#: Folded patterns of a claim that every dossier was received online.
ALL_ONLINE_CLAIMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"100 ?% (?:so )?(?:ho so|tthc)[^.;]{0,40}?truc tuyen",
        r"truc tuyen[^.;]{0,40}?(?:dat|la|:) ?100 ?%",
        r"(?:toan bo|tat ca) (?:cac )?(?:ho so|tthc)[^.;]{0,40}?truc tuyen",
    )
)

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n\s*\n")


def _sentences(text: str) -> list[str]:
    return [" ".join(s.split()) for s in _SENTENCE_END.split(text) if s.strip()]


def _claims(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[str]:
    """The sentences of `text` (whitespace normalised) that match one of `patterns`."""
    found = []
    for sentence in _sentences(text):
        folded = fold(sentence)
        if any(p.search(folded) for p in patterns):
            found.append(sentence)
    return found


def _quote(sentence: str, limit: int = 160) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def check_narrative(texts: Mapping[str, str], figures: Figures) -> list[Problem]:
    """Sentences of the narrative (section key → text) that the figures contradict."""
    problems: list[Problem] = []
    late = figures.resolved_late + figures.pending_overdue
    not_online = figures.received_direct_postal
    for key, text in texts.items():
        if not text:
            continue
        if late > 0:
            for sentence in _claims(text, NO_LATE_CLAIMS):
                problems.append(
                    Problem(
                        f"claim_no_late:{key}",
                        Severity.BLOCKING,
                        _(
                            "Nội dung “%(sentence)s” khẳng định không có hồ sơ quá hạn, nhưng số "
                            "liệu có %(late)d hồ sơ giải quyết quá hạn và %(overdue)d hồ sơ đang "
                            "giải quyết quá hạn."
                        )
                        % {
                            "sentence": _quote(sentence),
                            "late": figures.resolved_late,
                            "overdue": figures.pending_overdue,
                        },
                    )
                )
        if not_online > 0:
            for sentence in _claims(text, ALL_ONLINE_CLAIMS):
                problems.append(
                    Problem(
                        f"claim_all_online:{key}",
                        Severity.BLOCKING,
                        _(
                            "Nội dung “%(sentence)s” khẳng định 100%% hồ sơ trực tuyến, nhưng số "
                            "liệu có %(direct)d hồ sơ tiếp nhận trực tiếp hoặc qua bưu chính "
                            "(trực tuyến %(online)d/%(received)d)."
                        )
                        % {
                            "sentence": _quote(sentence),
                            "direct": not_online,
                            "online": figures.received_online,
                            "received": figures.received_in_period,
                        },
                    )
                )
    return problems


def check_sections(texts: Mapping[str, str], required: tuple[str, ...]) -> list[Problem]:
    """Required narrative sections (III–V of DOMAIN.md §8.2) that are empty."""
    from motcua.reform.constants import Section

    labels = dict(Section.choices)
    return [
        Problem(
            f"missing:{key}",
            Severity.BLOCKING,
            _("Chưa viết nội dung phần “%(label)s”.") % {"label": labels.get(key, key)},
        )
        for key in required
        if not (texts.get(key) or "").strip()
    ]


def check_entered_figures(data: Mapping[str, Any]) -> list[Problem]:
    """Check figures typed by hand (and optionally the report's text) for a report written
    outside the system.

    `data` holds the Biểu 06 keys (`FIGURE_KEYS`; missing keys count as 0, values may be
    strings of digits) and optionally `text` (the report's text, or a dict of section texts).
    """
    values: dict[str, int] = {}
    for key in FIGURE_KEYS:
        raw = data.get(key, 0)
        try:
            values[key] = int(str(raw).strip() or 0)
        except ValueError as exc:
            raise DomainError(
                _("Số liệu “%(key)s” = “%(raw)s” không phải là số nguyên.")
                % {"key": key, "raw": raw}
            ) from exc
    figures = Figures.from_mapping(values)
    problems = check_figures(figures)
    text = data.get("text") or ""
    texts: Mapping[str, str] = text if isinstance(text, Mapping) else {"text": str(text)}
    problems += check_narrative(texts, figures)
    return problems
