"""Back-office pages of the CCHC work: own unit only (another commune answers 404)."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.test import Client

from motcua.organisation.models import Unit
from motcua.reform.constants import DraftStatus
from motcua.reform.models import ReformPlan, ReportDraft
from motcua.reform.services import report_draft_create
from motcua.reform.tests.factories import ReformPlanFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.reform.tests.urls")]


@pytest.fixture
def client_for(leader: Any) -> Client:
    client = Client()
    client.force_login(leader)
    return client


PAGES = ["ke-hoach/", "ra-soat-tthc/", "hoat-dong/", "bao-cao/"]


@pytest.mark.parametrize("page", PAGES)
def test_pages_of_own_unit(client_for: Client, commune: Unit, page: str) -> None:
    response = client_for.get(f"/cai-cach/{commune.code}/{page}")
    assert response.status_code == 200
    assert commune.name in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_pages_of_another_commune_are_hidden(
    client_for: Client, other_commune: Unit, page: str
) -> None:
    assert client_for.get(f"/cai-cach/{other_commune.code}/{page}").status_code == 404


def test_login_required(commune: Unit) -> None:
    response = Client().get(f"/cai-cach/{commune.code}/ke-hoach/")
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_objects_of_another_commune_are_hidden(
    client_for: Client, commune: Unit, other_commune: Unit
) -> None:
    foreign_plan = ReformPlanFactory(unit=other_commune)
    foreign_draft = ReportDraft.objects.create(
        unit=other_commune,
        period="2023-H1",
        period_kind="half_year",
        convention="calendar",
        date_from="2023-01-01",
        date_to="2023-06-30",
        place="Khác",
    )
    for url in (
        f"/cai-cach/{commune.code}/ke-hoach/{foreign_plan.pk}/",
        f"/cai-cach/{commune.code}/bao-cao/{foreign_draft.pk}/",
        f"/cai-cach/{commune.code}/bao-cao/{foreign_draft.pk}/docx/",
        f"/cai-cach/{other_commune.code}/bao-cao/{foreign_draft.pk}/",
    ):
        assert client_for.get(url).status_code == 404, url


def test_create_plan_and_task(client_for: Client, commune: Unit) -> None:
    response = client_for.post(
        f"/cai-cach/{commune.code}/ke-hoach/",
        {
            "number": "15/KH-UBND",
            "issued_on": "10/01/2023",
            "title": "Kế hoạch CCHC 2023",
            "area": "direction",
        },
    )
    assert response.status_code == 302
    plan = ReformPlan.objects.get(unit=commune, number="15/KH-UBND")
    response = client_for.post(
        f"/cai-cach/{commune.code}/ke-hoach/{plan.pk}/",
        {"form": "task", "title": "Niêm yết TTHC", "deadline": "31/03/2023", "owner_text": "VP"},
    )
    assert response.status_code == 302
    task = plan.tasks.get()
    response = client_for.post(
        f"/cai-cach/{commune.code}/ke-hoach/{plan.pk}/",
        {"form": "status", "task": task.pk, "status": "done", "done_on": "30/03/2023"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on_time


def test_draft_editor_save_issue_and_download(
    client_for: Client, commune: Unit, leader: Any, dossiers_h1_2023: Any
) -> None:
    response = client_for.post(
        f"/cai-cach/{commune.code}/bao-cao/", {"period": "2023-H1", "convention": "calendar"}
    )
    assert response.status_code == 302
    draft = ReportDraft.objects.get(unit=commune)
    page = client_for.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tổng số hồ sơ tiếp nhận: 8 hồ sơ" in html
    assert "Chưa viết nội dung phần" in html
    form = {
        "version": draft.version,
        "symbol": "BC-UBND",
        "place": "Tái Sơn",
        "agency": draft.agency,
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Thế Thọ",
        "recipients": "- Phòng Nội vụ huyện;\n- Lưu: VT.",
        "section_assessment": "Không để xảy ra tình trạng quá hạn.",
        "section_next_tasks": "Tiếp tục.",
        "section_proposals": "Không.",
        "action": "issue",
    }
    refused = client_for.post(f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/", form)
    assert refused.status_code == 200
    assert "Không thể ban hành báo cáo" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT  # saved, not issued
    assert draft.narrative["next_tasks"] == "Tiếp tục."
    assert f'name="version" value="{draft.version}"' in refused.content.decode()
    form.update(version=draft.version, section_assessment="Còn 1 hồ sơ quá hạn, đã xin lỗi.")
    issued = client_for.post(f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/", form)
    assert issued.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.ISSUED
    download = client_for.get(f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/docx/")
    assert download.status_code == 200
    document = docx.Document(io.BytesIO(download.content))
    assert any(p.text == "BÁO CÁO" for p in document.paragraphs)


def test_clerk_cannot_issue(commune: Unit, clerk: Any) -> None:
    client = Client()
    client.force_login(clerk)
    draft = report_draft_create(actor=clerk, unit=commune, period="2023-Q1", convention="calendar")
    response = client.post(
        f"/cai-cach/{commune.code}/bao-cao/{draft.pk}/",
        {
            "version": draft.version,
            "symbol": "BC-UBND",
            "place": "Tái Sơn",
            "agency": "UBND",
            "signer_authority": "TM",
            "signer_title": "CT",
            "signer_name": "A",
            "recipients": "- X",
            "section_assessment": "a",
            "section_next_tasks": "b",
            "section_proposals": "c",
            "action": "issue",
        },
    )
    assert response.status_code == 200
    assert "không có quyền" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DraftStatus.DRAFT


def test_check_page_catches_the_seed_report(client_for: Client, commune: Unit) -> None:
    from motcua.reform.tests.test_checks import SEED_FIGURES, SEED_SENTENCE

    response = client_for.post(
        f"/cai-cach/{commune.code}/kiem-tra-so-lieu/", {**SEED_FIGURES, "text": SEED_SENTENCE}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "chênh lệch 5 hồ sơ" in html
    assert "khẳng định không có hồ sơ quá hạn" in html


def test_index_lists_units_in_force_first_and_dates_the_merged_ones(leader: Any) -> None:
    """After the merger of 01/07/2025 a leader of the new commune also keeps the old one's
    plans and reports: the new commune comes first, the old one says until when it operated."""
    import datetime as dt

    from tests.factories import MembershipFactory

    from motcua.organisation.constants import Role
    from motcua.organisation.services import unit_create, unit_merge

    old = unit_create(code="OLD1", name="Xã Cũ", kind="commune")
    new = unit_create(code="NEW1", name="Xã A Mới", kind="commune")
    unit_merge(predecessors=[old], successor=new, on=dt.date(2025, 7, 1))
    for unit in (old, new):
        MembershipFactory(user=leader, unit=unit, role=Role.LEADER)
    client = Client()
    client.force_login(leader)
    html = client.get("/cai-cach/").content.decode()
    assert "<title>Cải cách hành chính" in html
    assert html.index("Xã A Mới") < html.index("Xã Cũ")
    assert "hoạt động đến 30/06/2025" in html
