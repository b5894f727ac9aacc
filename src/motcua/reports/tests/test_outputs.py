"""CLI contract, XLSX layout, missing rollups, back-office pages and visibility."""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook
from tests.factories import FieldFactory, MembershipFactory, UnitFactory, UserFactory

from motcua.dossiers.constants import Channel, State
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.reports.models import DailyFlow
from motcua.reports.services import rollup_rebuild
from motcua.reports.stats import RollupsMissing, bieu06

from .helpers import at, dossier, version

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.reports.tests.urls")]


def small_world() -> Unit:
    district = UnitFactory(code="HTK", name="Huyện Tứ Kỳ")
    unit = UnitFactory(code="XTS", name="Xã Tái Sơn", parent=district)
    ht = version(FieldFactory(code="HT", name="Hộ tịch"))
    ct = version(FieldFactory(code="CT", name="Chứng thực"))
    dossier(
        unit,
        ht,
        received=at(2023, 2, 1),
        due=at(2023, 2, 6, 17),
        state=State.RETURNED,
        finished=at(2023, 2, 3),
    )
    dossier(
        unit,
        ct,
        received=at(2023, 2, 1),
        due=at(2023, 2, 6, 17),
        state=State.WITHDRAWN,
        closed=at(2023, 2, 2),
        channel=Channel.COUNTER,
    )
    dossier(unit, ct, received=at(2023, 6, 29), due=at(2023, 7, 4, 17))
    return unit


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_cli_json_without_by_field_has_empty_list() -> None:
    small_world()
    rollup_rebuild()
    data = json.loads(run("stats", "--unit", "XTS", "--from", "2023-01-01", "--to", "2023-06-30"))
    assert data["by_field"] == []
    assert data["total"]["received_total"] == 3
    assert data["total"]["closed_other_total"] == 1


def test_cli_table_has_vietnamese_headings_and_footnote() -> None:
    small_world()
    rollup_rebuild()
    text = run(
        "stats",
        "--unit=XTS",
        "--from=2023-01-01",
        "--to=2023-06-30",
        "--by=field",
        "--format=table",
    )
    assert "Trước hạn" in text and "Tổng cộng" in text and "Hộ tịch" in text
    assert "Hồ sơ rút, dừng xử lý" in text
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert "Kỳ báo cáo: Từ ngày 01/01/2023 đến ngày 30/06/2023" in lines[1]


def test_cli_xlsx_layout(tmp_path: Path) -> None:
    small_world()
    rollup_rebuild()
    out = tmp_path / "b06.xlsx"
    run(
        "stats",
        "--unit=XTS",
        "--from=2023-01-01",
        "--to=2023-06-30",
        "--by=field",
        "--format=xlsx",
        f"--out={out}",
    )
    ws = load_workbook(out).active
    assert ws is not None
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Biểu số 06/VPCP/KSTT" in texts
    assert any(t.startswith("Đơn vị báo cáo: Xã Tái Sơn") for t in texts)
    assert any(t.startswith("Đơn vị nhận báo cáo: Huyện Tứ Kỳ") for t in texts)
    assert any("Kỳ báo cáo: Từ ngày 01/01/2023 đến ngày 30/06/2023" in t for t in texts)
    for heading in (
        "Số hồ sơ nhận giải quyết",
        "Số hồ sơ đã giải quyết",
        "Số hồ sơ đang giải quyết",
    ):
        assert heading in texts
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C5:F5", "G5:J5", "K5:M5"} <= merged
    assert [ws.cell(7, c).value for c in range(1, 14)] == [f"({c})" for c in range(1, 14)]
    total_row = next(r for r in range(8, 20) if ws.cell(r, 2).value == "Tổng cộng")
    assert [ws.cell(total_row, c).value for c in range(3, 14)] == [3, 2, 1, 0, 1, 1, 0, 0, 1, 1, 0]
    assert any(t.startswith("Ghi chú: Hồ sơ rút, dừng xử lý") for t in texts)
    # Printed like the paper form: A4 landscape, one page wide.
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit=KHONGCO", "--from=2023-01-01", "--to=2023-06-30"], "Không tìm thấy đơn vị"),
        (["--unit=XTS", "--from=2023-06-30", "--to=2023-01-01"], "không trước ngày bắt đầu"),
        (["--unit=XTS", "--from=2023-02-30", "--to=2023-06-30"], "không hợp lệ"),
        (["--unit=XTS", "--from=2023-01-01", "--to=2023-06-30", "--format=xlsx"], "--out"),
    ],
    ids=["unknown-unit", "to-before-from", "bad-date", "xlsx-needs-out"],
)
def test_cli_bad_input_vietnamese_errors(args: list[str], message: str) -> None:
    small_world()
    rollup_rebuild()
    with pytest.raises(CommandError, match=message):
        run("stats", *args)


def test_missing_rollups_are_never_silently_replaced_by_the_oracle() -> None:
    unit = small_world()
    kwargs = {"unit": unit, "date_from": dt.date(2023, 1, 1), "date_to": dt.date(2023, 6, 30)}
    with pytest.raises(RollupsMissing):
        bieu06(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(CommandError, match="stats-rollup rebuild"):
        run("stats", "--unit=XTS", "--from=2023-01-01", "--to=2023-06-30")
    explicit = bieu06(source="oracle", **kwargs)  # type: ignore[arg-type]
    assert explicit.source == "oracle" and explicit.total.received_total == 3


def test_stats_rollup_rebuild_and_check_commands() -> None:
    unit = small_world()
    assert "3 hồ sơ" in run("stats_rollup", "rebuild")
    assert "khớp" in run(
        "stats_rollup", "check", "--unit=XTS", "--from=2023-01-01", "--to=2023-06-30"
    )
    # Corrupt one rollup row: the check reports the difference, a partial rebuild repairs it.
    DailyFlow.objects.filter(unit=unit).update(received_online=7)
    with pytest.raises(CommandError, match="lệch"):
        run("stats_rollup", "check", "--unit=XTS", "--from=2023-01-01", "--to=2023-06-30")
    run("stats_rollup", "rebuild", "--unit=XTS", "--from=2023-01-01", "--to=2023-12-31")
    assert "khớp" in run(
        "stats_rollup", "check", "--unit=XTS", "--from=2023-01-01", "--to=2023-06-30"
    )


def test_stats_rollup_extend_months_command_and_task() -> None:
    from motcua.reports.models import RollupMeta
    from motcua.reports.tasks import extend_monthly_rollups

    small_world()
    with pytest.raises(CommandError, match="rebuild"):
        run("stats_rollup", "extend-months")  # nothing built yet: a clear message
    run("stats_rollup", "rebuild")
    out = run("stats_rollup", "extend-months")
    horizon = RollupMeta.objects.get(key="bieu06").month_horizon
    assert horizon is not None and horizon.strftime("%m/%Y") in out
    assert extend_monthly_rollups.delay().get() == horizon.isoformat()
    assert "khớp" in run(
        "stats_rollup", "check", "--unit=XTS", "--from=2023-01-01", "--to=2023-06-30"
    )


def test_refresh_task_reaggregates_changed_dossier() -> None:
    from motcua.reports.tasks import refresh_rollups

    unit = small_world()
    rollup_rebuild()
    d = unit.dossiers.get(state=State.IN_PROCESS)
    d.state, d.finished_at = State.RESULT_READY, at(2023, 6, 30, 10)
    d.save()
    refresh_rollups.delay([d.pk])
    t = bieu06(unit=unit, date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 6, 30)).total
    assert (t.pending_total, t.resolved_total, t.resolved_early) == (0, 2, 2)


def leader_client(unit: Unit) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.LEADER)
    client = Client()
    client.force_login(user)
    return client


QUERY = "date_from=01/01/2023&date_to=30/06/2023&policy=strict"


def test_page_and_drilldown_for_leader() -> None:
    unit = small_world()
    rollup_rebuild()
    client = leader_client(unit)
    assert client.get("/thong-ke/").status_code == 200
    page = client.get(f"/thong-ke/?unit={unit.pk}&{QUERY}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Số hồ sơ nhận giải quyết" in html and "Hộ tịch" in html
    assert "figure=resolved_early" in html
    drill = client.get(f"/thong-ke/ho-so/?unit={unit.pk}&{QUERY}&figure=resolved_early")
    assert drill.status_code == 200
    assert drill.context["page"].paginator.count == 1
    assert "Trước hạn" in drill.content.decode()
    xlsx = client.get(f"/thong-ke/bieu-06.xlsx?unit={unit.pk}&{QUERY}")
    assert xlsx.status_code == 200
    ws = load_workbook(BytesIO(xlsx.content)).active
    assert ws is not None and ws["A1"].value == "Biểu số 06/VPCP/KSTT"


def test_the_page_opens_on_the_users_unit_and_the_year_to_date() -> None:
    """Before any choice the form holds the leader's unit (in force today) and 01/01 → today,
    so one click gives this year's Biểu 06 (it opened with every field empty)."""
    from django.utils import timezone

    unit = small_world()
    form = leader_client(unit).get("/thong-ke/").context["form"]
    today = timezone.localdate()
    assert form.initial == {
        "unit": unit.pk,
        "date_from": dt.date(today.year, 1, 1),
        "date_to": today,
    }


def test_page_without_rollups_shows_a_notice() -> None:
    unit = small_world()
    page = leader_client(unit).get(f"/thong-ke/?unit={unit.pk}&{QUERY}")
    assert page.status_code == 200
    assert page.context["result"].source == "oracle"
    assert "Chưa có bảng tổng hợp" in page.context["notice"]


def test_other_commune_user_gets_404_and_anonymous_is_redirected() -> None:
    unit = small_world()
    rollup_rebuild()
    other = UnitFactory(code="XKHAC", name="Xã Khác")
    client = leader_client(other)
    assert client.get(f"/thong-ke/?unit={unit.pk}&{QUERY}").status_code == 404
    drill = client.get(f"/thong-ke/ho-so/?unit={unit.pk}&{QUERY}&figure=resolved_early")
    assert drill.status_code == 404
    assert client.get(f"/thong-ke/bieu-06.xlsx?unit={unit.pk}&{QUERY}").status_code == 404
    assert Client().get(f"/thong-ke/?unit={unit.pk}&{QUERY}").status_code == 302


def test_rollups_built_under_other_settings_count_as_missing() -> None:
    """Changing LATENESS_AGAINST / CLASSIFY_DAY_LIMITS_BY_DATE needs a rebuild (DOMAIN §2.5)."""
    from django.conf import settings
    from django.test import override_settings

    unit = small_world()
    rollup_rebuild()
    kwargs = {"unit": unit, "date_from": dt.date(2023, 1, 1), "date_to": dt.date(2023, 6, 30)}
    with override_settings(MOTCUA={**settings.MOTCUA, "LATENESS_AGAINST": "extended"}):
        with pytest.raises(RollupsMissing, match="cấu hình phân loại khác"):
            bieu06(**kwargs)  # type: ignore[arg-type]
        rollup_rebuild()
        assert bieu06(**kwargs).total.received_total == 3  # type: ignore[arg-type]
