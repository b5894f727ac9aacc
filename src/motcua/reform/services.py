"""Writes of the administrative-reform app: one function per change, one transaction each.

Who may write: any staff role of the unit (receiver, specialist, leader, unit_admin). Issuing a
report is for the unit's leader or unit_admin, and is refused while the report has blocking
problems (`checks.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.models import Procedure
from motcua.core.errors import ConcurrentChange, DomainError
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.organisation.selectors import require_role
from motcua.reform.constants import (
    ActivityKind,
    DraftStatus,
    ReformArea,
    ReviewProposal,
    ReviewStatus,
    Section,
    TaskStatus,
)
from motcua.reform.models import (
    ProcedureReview,
    ReformActivity,
    ReformPlan,
    ReformTask,
    ReportDraft,
)
from motcua.reform.periods import parse_period
from motcua.reform.report import build_report, default_agency_lines, default_place
from motcua.reform.selectors import require_reform_unit

ISSUE_ROLES = (Role.LEADER, Role.UNIT_ADMIN)

DEFAULT_RECIPIENTS = "\n".join(
    [
        "- UBND cấp trên (Phòng Nội vụ);",
        "- Thường trực HĐND xã;",
        "- Chủ tịch, các Phó Chủ tịch UBND xã;",
        "- Lưu: VT.",
    ]
)


def _choice(value: str, choices: Any, label: str) -> str:
    if value not in choices.values:
        raise DomainError(
            _("Giá trị “%(value)s” của %(label)s không hợp lệ.")
            % {
                "value": value,
                "label": label,
            }
        )
    return value


# --- plans and tasks -------------------------------------------------------------------------


def reform_plan_create(
    *, actor: Any, unit: Unit, number: str, issued_on: dt.date, title: str, area: str
) -> ReformPlan:
    require_reform_unit(actor, unit)
    number, title = number.strip(), title.strip()
    if not number or not title:
        raise DomainError(_("Kế hoạch cần có số, ký hiệu và trích yếu."))
    _choice(area, ReformArea, _("lĩnh vực CCHC"))
    with transaction.atomic():
        if ReformPlan.objects.filter(unit=unit, number=number).exists():
            raise DomainError(_("Đơn vị đã có kế hoạch số %(number)s.") % {"number": number})
        return ReformPlan.objects.create(
            unit=unit,
            number=number,
            issued_on=issued_on,
            title=title,
            area=area,
            created_by=actor,
        )


def reform_task_create(
    *,
    actor: Any,
    plan: ReformPlan,
    title: str,
    deadline: dt.date,
    owner_text: str = "",
    owner: Any = None,
) -> ReformTask:
    require_reform_unit(actor, plan.unit)
    if not title.strip():
        raise DomainError(_("Nhiệm vụ cần có nội dung."))
    if deadline < plan.issued_on:
        raise DomainError(_("Thời hạn của nhiệm vụ không được trước ngày ban hành kế hoạch."))
    with transaction.atomic():
        return ReformTask.objects.create(
            plan=plan,
            title=title.strip(),
            deadline=deadline,
            owner_text=owner_text.strip(),
            owner=owner,
        )


def reform_task_update(
    *,
    actor: Any,
    task: ReformTask,
    status: str,
    done_on: dt.date | None = None,
    evidence: str = "",
) -> ReformTask:
    """Record the progress of a task; "done" needs the day it was done (not in the future)."""
    require_reform_unit(actor, task.plan.unit)
    _choice(status, TaskStatus, _("tình trạng"))
    if status == TaskStatus.DONE:
        if done_on is None:
            raise DomainError(_("Nhiệm vụ đã hoàn thành cần có ngày hoàn thành."))
        if done_on > timezone.localdate():
            raise DomainError(_("Ngày hoàn thành không được sau ngày hôm nay."))
    else:
        done_on = None
    with transaction.atomic():
        locked = ReformTask.objects.select_for_update().get(pk=task.pk)
        locked.status = status
        locked.done_on = done_on
        locked.evidence = evidence.strip() or locked.evidence
        locked.save(update_fields=["status", "done_on", "evidence", "updated_at"])
        return locked


# --- reviews and activities ------------------------------------------------------------------


def procedure_review_create(
    *,
    actor: Any,
    unit: Unit,
    period: str,
    reviewed_on: dt.date,
    proposal: str,
    procedure: Procedure | None = None,
    procedure_text: str = "",
    findings: str = "",
) -> ProcedureReview:
    require_reform_unit(actor, unit)
    _choice(proposal, ReviewProposal, _("phương án"))
    if procedure is None and not procedure_text.strip():
        raise DomainError(_("Chọn thủ tục trong danh mục hoặc ghi tên thủ tục."))
    with transaction.atomic():
        return ProcedureReview.objects.create(
            unit=unit,
            period=period.strip(),
            reviewed_on=reviewed_on,
            procedure=procedure,
            procedure_text=procedure_text.strip(),
            findings=findings.strip(),
            proposal=proposal,
            created_by=actor,
        )


def procedure_review_update(
    *, actor: Any, review: ProcedureReview, status: str, outcome: str = ""
) -> ProcedureReview:
    require_reform_unit(actor, review.unit)
    _choice(status, ReviewStatus, _("tình trạng"))
    with transaction.atomic():
        locked = ProcedureReview.objects.select_for_update().get(pk=review.pk)
        locked.status = status
        locked.outcome = outcome.strip() or locked.outcome
        locked.save(update_fields=["status", "outcome", "updated_at"])
        return locked


def reform_activity_record(
    *,
    actor: Any,
    unit: Unit,
    kind: str,
    held_on: dt.date,
    title: str,
    count: int = 1,
    participants: int | None = None,
    note: str = "",
) -> ReformActivity:
    require_reform_unit(actor, unit)
    _choice(kind, ActivityKind, _("loại hoạt động"))
    if count < 1:
        raise DomainError(_("Số lượng phải từ 1 trở lên."))
    if not title.strip():
        raise DomainError(_("Hoạt động cần có nội dung."))
    with transaction.atomic():
        return ReformActivity.objects.create(
            unit=unit,
            kind=kind,
            held_on=held_on,
            title=title.strip(),
            count=count,
            participants=participants,
            note=note.strip(),
            created_by=actor,
        )


# --- report drafts ---------------------------------------------------------------------------


def report_draft_create(
    *,
    actor: Any,
    unit: Unit,
    period: str,
    convention: str | None = None,
    signer_name: str = "",
) -> ReportDraft:
    """Open a draft for `period` ("2023-H1", ...) with the defaults of a commune report."""
    require_reform_unit(actor, unit)
    parsed = parse_period(period, convention)
    with transaction.atomic():
        return ReportDraft.objects.create(
            unit=unit,
            period=parsed.label,
            period_kind=parsed.kind,
            convention=parsed.convention,
            date_from=parsed.date_from,
            date_to=parsed.date_to,
            place=default_place(unit),
            agency="\n".join(default_agency_lines(unit)),
            signer_name=signer_name.strip(),
            recipients=DEFAULT_RECIPIENTS,
            narrative={},
            created_by=actor,
        )


#: Header fields the officer may edit on a draft.
EDITABLE_FIELDS = (
    "number",
    "symbol",
    "place",
    "summary",
    "parent_agency",
    "agency",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def report_draft_save(
    *,
    actor: Any,
    draft: ReportDraft,
    version: int,
    narrative: Mapping[str, str] | None = None,
    **header: Any,
) -> ReportDraft:
    """Save the narrative (section key → text) and header fields of a draft.

    `version` is the version the user read; a save over someone else's is refused.
    """
    require_reform_unit(actor, draft.unit)
    unknown = set(header) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Trường không sửa được: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    keys = set(Section.values)
    with transaction.atomic():
        locked = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.status != DraftStatus.DRAFT:
            raise DomainError(_("Báo cáo đã ban hành, không sửa được."))
        if locked.version != version:
            raise ConcurrentChange(_("Báo cáo vừa được người khác sửa. Vui lòng tải lại trang."))
        if narrative is not None:
            locked.narrative = {
                k: str(v).strip() for k, v in narrative.items() if k in keys and str(v).strip()
            }
        for name, value in header.items():
            if name == "number":
                value = int(value) if value not in (None, "") else None
                if value is not None and value < 1:
                    raise DomainError(_("Số văn bản phải là số dương."))
            else:
                value = str(value or "").strip()
            setattr(locked, name, value)
        if not locked.place:
            raise DomainError(_("Chưa ghi địa danh."))
        locked.version += 1
        locked.save()
        return locked


def report_draft_issue(
    *, actor: Any, draft: ReportDraft, version: int, issued_on: dt.date | None = None
) -> ReportDraft:
    """Issue a report: check it, refuse on blocking problems, freeze its figures (snapshot)."""
    require_role(actor, draft.unit, *ISSUE_ROLES)
    with transaction.atomic():
        locked = ReportDraft.objects.select_for_update().select_related("unit").get(pk=draft.pk)
        if locked.status != DraftStatus.DRAFT:
            raise DomainError(_("Báo cáo đã được ban hành."))
        if locked.version != version:
            raise ConcurrentChange(_("Báo cáo vừa được người khác sửa. Vui lòng tải lại trang."))
        locked.issued_on = issued_on or timezone.localdate()
        report = build_report(locked)
        problems = report.blocking_problems
        if problems:
            raise DomainError(
                _("Không thể ban hành báo cáo khi còn %(n)d lỗi:\n%(list)s")
                % {
                    "n": len(problems),
                    "list": "\n".join(f"- {p.message}" for p in problems),
                }
            )
        locked.snapshot = report.data.as_dict()
        locked.status = DraftStatus.ISSUED
        locked.issued_by = actor
        locked.version += 1
        locked.save()
        return locked
