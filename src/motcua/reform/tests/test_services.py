"""Services and selectors of the reform app: plans completion per area, issuing a report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from motcua.core.errors import ConcurrentChange, DomainError, PermissionDenied
from motcua.organisation.models import Unit
from motcua.reform.constants import DraftStatus, ReformArea, TaskStatus
from motcua.reform.report import build_report
from motcua.reform.selectors import plan_completion
from motcua.reform.services import (
    reform_activity_record,
    reform_plan_create,
    reform_task_create,
    reform_task_update,
    report_draft_create,
    report_draft_issue,
    report_draft_save,
)
from motcua.reform.tests.factories import ReformPlanFactory, ReformTaskFactory

pytestmark = pytest.mark.django_db
D = dt.date

NARRATIVE = {
    "assessment": "Công tác CCHC được quan tâm chỉ đạo.",
    "next_tasks": "Tiếp tục nâng cao chất lượng giải quyết TTHC.",
    "proposals": "Đề nghị cấp trên hỗ trợ trang thiết bị.",
}


def test_plan_completion_on_time_per_area_DOMAIN_8_2(commune: Unit) -> None:
    direction = ReformPlanFactory(unit=commune, area=ReformArea.DIRECTION)
    procedures = ReformPlanFactory(unit=commune, area=ReformArea.PROCEDURES)
    ReformTaskFactory(plan=direction, on_time=True)
    ReformTaskFactory(plan=direction, late=True)
    ReformTaskFactory(plan=direction, deadline=D(2023, 5, 31))  # open, overdue by 30/06
    ReformTaskFactory(plan=procedures, on_time=True)
    ReformTaskFactory(plan=procedures, deadline=D(2023, 6, 30), status=TaskStatus.IN_PROGRESS)
    ReformTaskFactory(plan=procedures, deadline=D(2023, 9, 30))  # next period: ignored
    ReformTaskFactory(plan=ReformPlanFactory(), on_time=True)  # another unit: ignored

    result = plan_completion(
        unit=commune, date_from=D(2023, 1, 1), date_to=D(2023, 6, 30), today=D(2023, 7, 15)
    )
    by_area = {a.area: a for a in result.areas}
    assert set(by_area) == {ReformArea.DIRECTION, ReformArea.PROCEDURES}
    d, p = by_area[ReformArea.DIRECTION], by_area[ReformArea.PROCEDURES]
    assert (d.total, d.done_on_time, d.done_late, d.open_overdue, d.open_within) == (3, 1, 1, 1, 0)
    assert (p.total, p.done_on_time, p.open_within, p.open_overdue) == (2, 1, 1, 0)
    assert result.total.total == 5 and result.total.done_on_time == 2
    assert p.on_time_rate == 50.0


def test_task_services_check_dates_and_roles(
    commune: Unit, clerk: Any, other_commune: Unit
) -> None:
    plan = reform_plan_create(
        actor=clerk,
        unit=commune,
        number="15/KH-UBND",
        issued_on=D(2023, 1, 10),
        title="Kế hoạch CCHC năm 2023",
        area=ReformArea.DIRECTION,
    )
    with pytest.raises(DomainError):
        reform_plan_create(
            actor=clerk,
            unit=commune,
            number="15/KH-UBND",
            issued_on=D(2023, 1, 10),
            title="Trùng số",
            area=ReformArea.DIRECTION,
        )
    with pytest.raises(PermissionDenied):
        reform_plan_create(
            actor=clerk,
            unit=other_commune,
            number="1/KH-UBND",
            issued_on=D(2023, 1, 10),
            title="Kế hoạch",
            area=ReformArea.DIRECTION,
        )
    with pytest.raises(DomainError):
        reform_task_create(actor=clerk, plan=plan, title="Trước kế hoạch", deadline=D(2022, 1, 1))
    task = reform_task_create(actor=clerk, plan=plan, title="Niêm yết TTHC", deadline=D(2023, 3, 1))
    with pytest.raises(DomainError):
        reform_task_update(actor=clerk, task=task, status=TaskStatus.DONE)
    done = reform_task_update(
        actor=clerk, task=task, status=TaskStatus.DONE, done_on=D(2023, 2, 20), evidence="Ảnh"
    )
    assert done.done_on_time and done.evidence == "Ảnh"


def test_issue_refused_while_blocking_problems(
    commune: Unit, leader: Any, dossiers_h1_2023: Any
) -> None:
    draft = report_draft_create(actor=leader, unit=commune, period="2023-H1", convention="calendar")
    with pytest.raises(DomainError) as refused:
        report_draft_issue(actor=leader, draft=draft, version=draft.version)
    assert "Chưa viết nội dung phần" in str(refused.value)
    assert "họ tên người ký" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT and draft.snapshot == {}

    # A narrative contradicting the data (1 dossier resolved late) is refused as well.
    draft = report_draft_save(
        actor=leader,
        draft=draft,
        version=draft.version,
        signer_name="Nguyễn Thế Thọ",
        narrative={**NARRATIVE, "procedures": "UBND xã không để xảy ra tình trạng quá hạn."},
    )
    with pytest.raises(DomainError) as refused:
        report_draft_issue(actor=leader, draft=draft, version=draft.version)
    assert "khẳng định không có hồ sơ quá hạn" in str(refused.value)

    # Fixed: issued, figures frozen, no more edits.
    draft = report_draft_save(
        actor=leader, draft=draft, version=draft.version, narrative=NARRATIVE, number=5
    )
    issued = report_draft_issue(
        actor=leader, draft=draft, version=draft.version, issued_on=D(2023, 6, 20)
    )
    assert issued.status == DraftStatus.ISSUED
    assert issued.snapshot["bieu06"]["total"]["resolved_late"] == 1
    report = build_report(issued)
    assert report.number_symbol == "Số: 05/BC-UBND"
    assert report.place_date == "Tái Sơn, ngày 20 tháng 6 năm 2023"
    with pytest.raises(DomainError):
        report_draft_save(actor=leader, draft=issued, version=issued.version, narrative={})


def test_issue_needs_leader_and_fresh_version(commune: Unit, leader: Any, clerk: Any) -> None:
    draft = report_draft_create(actor=clerk, unit=commune, period="2023-Q1", convention="calendar")
    with pytest.raises(PermissionDenied):
        report_draft_issue(actor=clerk, draft=draft, version=draft.version)
    report_draft_save(actor=clerk, draft=draft, version=draft.version, narrative=NARRATIVE)
    with pytest.raises(ConcurrentChange):
        report_draft_save(actor=leader, draft=draft, version=draft.version, narrative={})


def test_snapshot_keeps_issued_figures_and_activities_are_cited(commune: Unit, leader: Any) -> None:
    reform_activity_record(
        actor=leader,
        unit=commune,
        kind="propaganda",
        held_on=D(2023, 2, 1),
        title="Tuyên truyền trên loa truyền thanh",
        count=4,
        participants=120,
    )
    draft = report_draft_create(
        actor=leader, unit=commune, period="2023-Q1", convention="calendar", signer_name="A"
    )
    draft = report_draft_save(actor=leader, draft=draft, version=draft.version, narrative=NARRATIVE)
    issued = report_draft_issue(actor=leader, draft=draft, version=draft.version)
    reform_activity_record(
        actor=leader,
        unit=commune,
        kind="propaganda",
        held_on=D(2023, 3, 1),
        title="Tuyên truyền thêm sau khi ban hành",
        count=10,
    )
    direction = next(p for p in build_report(issued).parts if p.section == "direction")
    assert direction.generated == [
        "Trong kỳ: 4 lượt tuyên truyền về CCHC (120 lượt người tham gia)."
    ]
