"""Printable forms by rule set (TT 01/2018/TT-VPCP art. 9 vs TT 03/2025/TT-VPCP), the apology
letter (Mẫu 04, NĐ61 art. 19(9)), consultation (art. 19(5)) and the ledger (TT01/2018 art. 10)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from motcua.backoffice.tests.helpers import act, client_for, intake_data
from motcua.dossiers import services
from motcua.dossiers.constants import RuleSet, State
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import work_calendar

OLD = dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in Hà Nội, under NĐ 61/2018


def received_at(world, at):
    d = services.dossier_create_at_counter(
        user=world["receiver"],
        unit=world["commune"],
        procedure=world["procedure"],
        applicant_name="Lê Văn Cường",
        provided_component_ids=[c.pk for c in world["version"].components.all()],
        at=at,
    )
    return services.dossier_receive(dossier=d, user=world["receiver"], at=at)


@pytest.mark.parametrize(
    ("when", "rule_set", "number", "circular"),
    [
        (OLD, RuleSet.ND61_2018, "05", "01/2018/TT-VPCP"),
        (None, RuleSet.ND118_2025, "06", "03/2025/TT-VPCP"),
    ],
    ids=["tt01-2018-mau05", "tt03-2025-mau06"],
)
def test_control_sheet_number_follows_the_rule_set(world, when, rule_set, number, circular):
    dossier = received_at(world, when or timezone.now())
    assert dossier.rule_set == rule_set
    client = client_for(world["receiver"])
    page = client.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert f"In Mẫu {number}: Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    sheet = client.get(f"/ho-so/{dossier.pk}/in/phieu-kiem-soat/").content.decode()
    assert f"Mẫu số {number}" in sheet and circular in sheet
    assert "css/print-a5.css" in sheet  # @page A5 from a file (CSP: no inline style)


def test_apology_letter_sets_the_new_date_and_prints_mau04_nd61_art19_9(world):
    receiver = client_for(world["receiver"])
    receiver.post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    leader = client_for(world["leader"])
    cal = work_calendar(dossier.unit)
    new_day = cal.add_working_days(timezone.localtime(dossier.due_at).date(), 2)
    bad = act(leader, dossier, "apology", reason="Chờ xác minh", new_due_date="31/02/2026")
    assert "Ngày không hợp lệ" in bad.content.decode()
    response = act(
        leader, dossier, "apology", reason="Chờ xác minh", new_due_date=f"{new_day:%d/%m/%Y}"
    )
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.extended_due_at).date() == new_day
    assert "Hẹn lại:" in response.content.decode()
    letter = leader.get(f"/ho-so/{dossier.pk}/in/phieu-xin-loi/").content.decode()
    assert "Mẫu số 04" in letter and "Chờ xác minh" in letter
    assert f"{new_day:%d/%m/%Y}" in letter
    again = act(leader, dossier, "apology", reason="Lần hai", new_due_date=f"{new_day:%d/%m/%Y}")
    assert "một lần" in again.content.decode()  # only once (art. 19(9))


def test_consultation_is_answered_by_the_consulted_unit_nd61_art19_5(world):
    receiver = client_for(world["receiver"])
    receiver.post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    act(client_for(world["leader"]), dossier, "assign", assignee=world["specialist"].pk)
    specialist = client_for(world["specialist"])
    act(
        specialist,
        dossier,
        "consult_send",
        to_unit=world["district"].pk,
        content="Xin ý kiến về hộ khẩu",
        amount="2",
    )
    dossier.refresh_from_db()
    assert dossier.state == State.CONSULTING and dossier.current_unit == world["commune"]
    district = client_for(world["district_staff"])
    page = district.get(f"/ho-so/{dossier.pk}/").content.decode()
    assert "Trả lời ý kiến" in page and "Xin ý kiến về hộ khẩu" in page
    act(district, dossier, "consult_answer", answer="Thống nhất")
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    assert "Thống nhất" in specialist.get(f"/ho-so/{dossier.pk}/").content.decode()


def test_ledger_lists_entries_in_number_order_and_pages_by_number(world):
    first = received_at(world, OLD)
    second = received_at(world, OLD + dt.timedelta(hours=1))
    client = client_for(world["receiver"])
    html = client.get(f"/so-theo-doi/{world['commune'].pk}/2024/").content.decode()
    assert html.index(first.code) < html.index(second.code)
    assert "Mẫu số 06" in html and "css/print-a4-landscape.css" in html  # TT 01/2018: Mẫu 06, A4
    rest = client.get(f"/so-theo-doi/{world['commune'].pk}/2024/", {"tu": 2}).content.decode()
    assert second.code in rest and first.code not in rest


def test_the_checklist_ticks_only_required_components_at_first(world):
    """NĐ61 art. 17(1): the officer checks what was handed in. A component the procedure asks
    for only in some cases ("nếu có", "nếu nộp thay") starts unticked, so Mẫu 01 does not
    certify a paper the citizen did not bring; the required ones start ticked."""
    from motcua.catalogue.models import Component

    version = world["version"]
    optional = Component.objects.create(
        version=version, order=3, name="Văn bản ủy quyền (nếu nộp thay)", required=False
    )
    page = (
        client_for(world["receiver"])
        .get("/tiep-nhan/thanh-phan/", {"procedure": world["procedure"].pk})
        .content.decode()
    )
    boxes = dict(re.findall(r'value="(\d+)" id="comp-\d+"( checked)?', page))
    required = [str(c.pk) for c in version.components.filter(required=True)]
    assert required and all(boxes[pk] == " checked" for pk in required)
    assert boxes[str(optional.pk)] == ""


def test_an_optional_component_not_handed_in_is_not_shown_as_missing(world):
    """The dossier page marks a required component not handed in "✘ thiếu"; an optional one
    ("nếu có") not handed in is simply not submitted."""
    from motcua.catalogue.models import Component

    version = world["version"]
    optional = Component.objects.create(
        version=version, order=3, name="Văn bản ủy quyền (nếu nộp thay)", required=False
    )
    required = [c.pk for c in version.components.filter(required=True)]
    d = services.dossier_create_at_counter(
        user=world["receiver"],
        unit=world["commune"],
        procedure=version.procedure,
        applicant_name="Trần Thị Bình",
        provided_component_ids=required,
    )
    page = client_for(world["receiver"]).get(f"/ho-so/{d.pk}/").content.decode()
    row = page.split(optional.name, 1)[1].split("</tr>", 1)[0]
    assert "không nộp (không bắt buộc)" in row and "thiếu" not in row
