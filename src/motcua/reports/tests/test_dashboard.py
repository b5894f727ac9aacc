"""The statistics dashboard: monthly series and commune comparison equal Biểu 06 (DOMAIN.md
§3), the SVG charts are well-formed and accessible, the page respects visibility (§1.1)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import FieldFactory, MembershipFactory, UnitFactory, UserFactory

from motcua.dossiers.constants import Channel, State
from motcua.organisation.constants import Role, UnitKind
from motcua.organisation.models import Unit
from motcua.reports import charts
from motcua.reports.dashboard import (
    commune_comparison,
    comparison_units,
    month_starts,
    monthly_series,
)
from motcua.reports.services import rollup_rebuild
from motcua.reports.stats import bieu06, local_date

from .helpers import VN, at, dossier, version

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.reports.tests.urls")]

SVG = "{http://www.w3.org/2000/svg}"
NOW = at(2023, 7, 10, 10)  # the series below end on 30/06/2023: every month is over


def district_world() -> tuple[Unit, Unit, Unit]:
    """A district with two communes and dossiers spread over Jan–Jun 2023 (both channels,
    early / on time / late / still open / withdrawn)."""
    district = UnitFactory(code="HTK", name="Huyện Tứ Kỳ", kind=UnitKind.DISTRICT)
    a = UnitFactory(code="XTS", name="Xã Tái Sơn", parent=district)
    b = UnitFactory(code="XHK", name="Xã Hà Kỳ", parent=district)
    pv = version(FieldFactory(code="HT", name="Hộ tịch"))
    # Commune A: 4 dossiers, all resolved on time or early → 100%.
    for month in (1, 2, 3, 3):
        dossier(
            a,
            pv,
            received=at(2023, month, 2),
            due=at(2023, month, 7, 17),
            state=State.RETURNED,
            finished=at(2023, month, 6),
            channel=Channel.ONLINE if month != 2 else Channel.COUNTER,
        )
    # Commune B: one late, one on time, one open and overdue at the end of June, one withdrawn.
    dossier(
        b,
        pv,
        received=at(2023, 2, 1),
        due=at(2023, 2, 6, 17),
        state=State.RETURNED,
        finished=at(2023, 3, 1),
        channel=Channel.POSTAL,
    )
    dossier(
        b,
        pv,
        received=at(2023, 4, 3),
        due=at(2023, 4, 6, 17),
        state=State.RESULT_READY,
        finished=at(2023, 4, 6, 16),
    )
    dossier(b, pv, received=at(2023, 5, 29), due=at(2023, 6, 1, 17))
    dossier(
        b,
        pv,
        received=at(2023, 6, 5),
        due=at(2023, 6, 8, 17),
        state=State.WITHDRAWN,
        closed=at(2023, 6, 6),
        channel=Channel.COUNTER,
    )
    return district, a, b


# --------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------


def test_month_starts_cross_the_year() -> None:
    assert month_starts(months=3, end=dt.date(2024, 2, 10)) == [
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]


@pytest.mark.parametrize("policy", ["strict", "folded"], ids=["DOMAIN-3.4-strict", "folded"])
def test_monthly_series_equals_bieu06_for_each_month(policy: str) -> None:
    district, _a, _b = district_world()
    rollup_rebuild()
    series = monthly_series(
        unit=district, months=6, end=dt.date(2023, 6, 30), policy=policy, now=NOW
    )
    assert series.source == "rollup" and series.warning == ""
    assert series.labels == ["01/2023", "02/2023", "03/2023", "04/2023", "05/2023", "06/2023"]
    for point in series.points:
        expected = bieu06(
            unit=district,
            date_from=point.month,
            date_to=point.date_to,
            policy=policy,
            now=NOW,
            source="oracle",
        ).total
        assert point.figures == expected, point.label
        assert point.received_new == expected.received_online + expected.received_direct_postal
        assert point.pending == expected.pending_total
        assert point.late == expected.resolved_late
    # Flows add up over the months: the received of the whole half-year.
    half = bieu06(
        unit=district,
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 6, 30),
        policy=policy,
        now=NOW,
    ).total
    assert sum(p.received_online for p in series.points) == half.received_online
    assert sum(p.resolved for p in series.points) == half.resolved_total
    assert series.points[-1].pending == half.pending_total


def test_monthly_series_rates() -> None:
    district, _a, _b = district_world()
    rollup_rebuild()
    by_label = {
        p.label: p
        for p in monthly_series(unit=district, months=6, end=dt.date(2023, 6, 30), now=NOW).points
    }
    # February: A counter (resolved 06/02 early), B postal (resolved late on 01/03).
    feb = by_label["02/2023"]
    assert (feb.received_online, feb.received_direct_postal, feb.online_share) == (0, 2, 0.0)
    assert (feb.resolved, feb.on_time_rate) == (1, 100.0)
    # March: two online dossiers of A early, B's February dossier late → 2 of 3 on time.
    mar = by_label["03/2023"]
    assert (mar.resolved, mar.late, mar.on_time_rate) == (3, 1, 66.7)
    # May: nothing resolved → no rate (never 0%); the open dossier is pending at the end.
    may = by_label["05/2023"]
    assert may.on_time_rate is None and may.pending == 1


def test_monthly_series_last_month_is_cut_at_end() -> None:
    district, _a, _b = district_world()
    rollup_rebuild()
    series = monthly_series(unit=district, months=2, end=dt.date(2023, 6, 5), now=NOW)
    last = series.points[-1]
    assert last.date_to == dt.date(2023, 6, 5) and last.partial
    expected = bieu06(
        unit=district, date_from=dt.date(2023, 6, 1), date_to=dt.date(2023, 6, 5), now=NOW
    )
    assert last.figures == expected.total


def test_monthly_series_without_rollups_falls_back_to_oracle_visibly() -> None:
    district, _a, _b = district_world()
    series = monthly_series(unit=district, months=6, end=dt.date(2023, 6, 30), now=NOW)
    assert series.source == "oracle"
    assert "Chưa có bảng tổng hợp" in series.warning
    assert "trực tiếp từ hồ sơ" in series.warning
    march = series.points[2]
    assert (
        march.figures
        == bieu06(
            unit=district,
            date_from=dt.date(2023, 3, 1),
            date_to=dt.date(2023, 3, 31),
            now=NOW,
            source="oracle",
        ).total
    )


def test_commune_comparison_sorted_and_complete() -> None:
    district, a, b = district_world()
    rollup_rebuild()
    period: dict[str, Any] = {
        "date_from": dt.date(2023, 1, 1),
        "date_to": dt.date(2023, 6, 30),
        "now": NOW,
    }
    result = commune_comparison(parent_unit=district, **period)
    assert result.source == "rollup" and result.basis == "children"
    assert [r.unit for r in result.rows] == [a, b]  # 100% on time before 50%
    assert [r.on_time_rate for r in result.rows] == [100.0, 50.0]
    for row in result.rows:
        assert row.figures == bieu06(unit=row.unit, **period).total
    # Complete: the communes' rows add up to the district (no dossier at the district itself).
    total = bieu06(unit=district, **period).total
    assert sum(r.received for r in result.rows) == (
        total.received_online + total.received_direct_postal
    )
    assert sum(r.pending_overdue for r in result.rows) == total.pending_overdue == 1
    by_overdue = commune_comparison(parent_unit=district, sort="pending_overdue", **period)
    assert [r.unit for r in by_overdue.rows] == [b, a]
    by_online = commune_comparison(parent_unit=district, sort="online_share", **period)
    assert [r.online_share for r in by_online.rows] == [75.0, 50.0]  # 3 of 4; 2 of 4


def test_comparison_of_merged_units() -> None:
    """NQ 202/2025/QH15 style merge: a child merged into another child is counted inside its
    successor, not twice; a merged commune without children compares its predecessors."""
    district, a, b = district_world()
    c = UnitFactory(code="XCU", name="Xã Cũ", parent=district)
    c.successors.add(b)
    assert comparison_units(district)[0] == [b, a]  # by path; XCU left out
    new = UnitFactory(code="XMOI", name="Xã Mới", parent=None)
    a.successors.add(new)
    b.successors.add(new)
    units, basis = comparison_units(new)
    assert (units, basis) == ([b, a], "predecessors")
    assert comparison_units(new, visible_ids={a.pk})[0] == [a]


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234, 0, "1.234"), (1234.56, 1, "1.234,6"), (87.5, 1, "87,5"), (0, 0, "0"), (None, 0, "–")],
)
def test_vietnamese_number_format(value: float | None, decimals: int, text: str) -> None:
    assert charts.format_number(value, decimals) == text


@pytest.mark.parametrize(
    ("top", "axis"),
    [(0, 4), (3, 4), (5, 8), (9, 12), (401, 600), (1000, 1000), (2600, 3200)],
)
def test_count_axis_has_whole_gridlines(top: int, axis: int) -> None:
    assert charts.nice_ceiling(top) == axis
    assert (axis / 4).is_integer()


def _check_svg(svg: str, title: str) -> ET.Element:
    assert "style=" not in svg and "<script" not in svg
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == title
    assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 ")
    title_el = root.find(f"{SVG}title")
    assert title_el is not None and title_el.text == title
    assert root.find(f"{SVG}desc") is not None
    return root


def _texts(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("title"))


def test_charts_are_well_formed_accessible_svg() -> None:
    district, _a, _b = district_world()
    rollup_rebuild()
    series = monthly_series(unit=district, months=6, end=dt.date(2023, 6, 30), now=NOW)
    points = series.points
    bars = charts.stacked_bar_chart(
        chart_id="t-bars",
        title="Hồ sơ <tiếp nhận> & “mới”",
        labels=series.labels,
        series=[
            charts.Series("Trực tuyến", [p.received_online for p in points]),
            charts.Series("Trực tiếp, bưu chính", [p.received_direct_postal for p in points]),
        ],
        y_title="Số hồ sơ",
        x_title="Tháng",
    )
    root = _check_svg(str(bars.svg), "Hồ sơ <tiếp nhận> & “mới”")
    for label in series.labels:
        assert label in _texts(root)
    lines = charts.line_chart(
        chart_id="t-lines",
        title="Tỷ lệ",
        labels=series.labels,
        series=[
            charts.Series("Tỷ lệ trực tuyến", [p.online_share for p in points]),
            charts.Series("Tỷ lệ đúng hạn", [p.on_time_rate for p in points]),
        ],
        y_title="Tỷ lệ (%)",
        x_title="Tháng",
    )
    root = _check_svg(str(lines.svg), "Tỷ lệ")
    assert all(label in _texts(root) for label in series.labels)
    assert "66,7%" in _texts(root)  # March on-time rate, Vietnamese decimal comma
    # The fallback table holds every value, also parseable.
    table = ET.fromstring(str(lines.table))
    cells = ["".join(td.itertext()) for td in table.iter("td")]
    assert "66,7%" in cells and "–" in cells
    hbar = charts.horizontal_bar_chart(
        chart_id="t-hbar",
        title="So sánh",
        bars=[charts.Bar("Xã A", 90.0, href="/thong-ke/?unit=1&a=b"), charts.Bar("Xã B", None)],
        value_title="Tỷ lệ đúng hạn",
        label_title="Đơn vị",
        percent=True,
    )
    root = _check_svg(str(hbar.svg), "So sánh")
    links = [el.get("href") for el in root.iter(f"{SVG}a")]
    assert links == ["/thong-ke/?unit=1&a=b"]
    assert 'href="/thong-ke/?unit=1&amp;a=b"' in str(hbar.table)


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------


def recent_world() -> tuple[Unit, Unit, Unit]:
    """The district world shifted to the last weeks (the page always ends today)."""
    district = UnitFactory(code="HTK", name="Huyện Tứ Kỳ", kind=UnitKind.DISTRICT)
    a = UnitFactory(code="XTS", name="Xã Tái Sơn", parent=district)
    b = UnitFactory(code="XHK", name="Xã Hà Kỳ", parent=district)
    pv = version(FieldFactory(code="HT", name="Hộ tịch"))
    today = local_date(timezone.now())
    start = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(9), tzinfo=VN)
    dossier(
        a,
        pv,
        received=start,
        due=start + dt.timedelta(days=5),
        state=State.RETURNED,
        finished=start + dt.timedelta(days=2),
    )
    dossier(b, pv, received=start, due=start + dt.timedelta(days=3), channel=Channel.COUNTER)
    rollup_rebuild()
    return district, a, b


def client_for(unit: Unit, role: str) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=role)
    client = Client()
    client.force_login(user)
    return client


URL = "/thong-ke/bang-dieu-khien/"


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_page_for_commune_leader() -> None:
    _district, a, _b = recent_world()
    response = client_for(a, Role.LEADER).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    main = _main(html)
    assert "style=" not in main and "<script" not in main
    assert "css/charts.css" in html
    assert response.context["unit"] == a
    labels = response.context["series"].labels
    assert len(labels) == 12 and labels[-1] == local_date(timezone.now()).strftime("%m/%Y")
    svgs = re.findall(r"<svg .*?</svg>", main, flags=re.S)
    assert len(svgs) == 2  # a commune without children: no comparison
    for svg in svgs:
        ET.fromstring(svg)
    assert labels[-1] in svgs[0]
    assert "comparison_chart" not in response.context


def test_page_for_province_supervisor_compares_communes(django_assert_max_num_queries: Any) -> None:
    district, a, b = recent_world()
    province = UnitFactory(code="THD", name="Tỉnh Hải Dương", kind=UnitKind.PROVINCE)
    Unit.objects.filter(pk=district.pk).update(parent=province, path="/THD/HTK/")
    for commune in (a, b):
        Unit.objects.filter(pk=commune.pk).update(path=f"/THD/HTK/{commune.code}/")
    client = client_for(province, Role.SUPERVISOR)
    # One Biểu 06 call per month and per commune, each a handful of small rollup queries
    # (65 measured on 27/11/2026) — nothing grows with the number of dossiers.
    calls = 6 + 2
    with django_assert_max_num_queries(calls * 8 + 15):
        response = client.get(f"{URL}?unit={district.pk}&months=6&sort=on_time_rate")
    assert response.status_code == 200
    html = _main(response.content.decode())
    comparison = response.context["comparison"]
    assert [r.unit for r in comparison.rows] == [a, b]
    assert len(re.findall(r"<svg .*?</svg>", html, flags=re.S)) == 3
    assert f"/thong-ke/?unit={a.pk}&amp;date_from=" in html  # link to the commune's Biểu 06
    assert "Xã Hà Kỳ" in html and "style=" not in html
    # The province itself (default: the top unit) compares its district.
    default = client.get(URL)
    assert default.status_code == 200 and default.context["unit"] == province
    assert [r.unit for r in default.context["comparison"].rows] == [district]


def test_other_commune_gets_404_anonymous_redirected() -> None:
    _district, a, _b = recent_world()
    other = UnitFactory(code="XKHAC", name="Xã Khác")
    client = client_for(other, Role.LEADER)
    assert client.get(f"{URL}?unit={a.pk}").status_code == 404
    assert client.get(f"{URL}?unit=abc").status_code == 404
    assert client.get(URL).status_code == 200
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "next=" in anonymous["Location"]


def test_page_without_rollups_shows_warning() -> None:
    _district, a, _b = recent_world()
    from motcua.reports.models import RollupMeta

    RollupMeta.objects.all().delete()
    response = client_for(a, Role.LEADER).get(f"{URL}?months=24")
    assert response.status_code == 200
    assert response.context["series"].source == "oracle"
    assert len(response.context["series"].points) == 24
    assert "trực tiếp từ hồ sơ" in response.content.decode()


def test_bieu06_page_links_to_dashboard() -> None:
    _district, a, _b = recent_world()
    html = client_for(a, Role.LEADER).get("/thong-ke/").content.decode()
    assert URL in html


def test_long_comparison_draws_best_and_worst_but_lists_all() -> None:
    """A province has ~250 communes: the SVG keeps a phone-sized height, the table is complete."""
    bars = [charts.Bar(f"Xã {i}", float(100 - i), href=f"/x/{i}") for i in range(40)]
    chart = charts.horizontal_bar_chart(
        chart_id="t-long",
        title="So sánh",
        bars=bars,
        value_title="Tỷ lệ đúng hạn",
        label_title="Đơn vị",
        percent=True,
        limit=30,
    )
    root = _check_svg(str(chart.svg), "So sánh")
    assert len(list(root.iter(f"{SVG}rect"))) == 30
    gap = [el.text for el in root.iter(f"{SVG}text") if el.get("class") == "chart-gap"]
    assert gap == ["… 10 đơn vị khác: xem bảng số liệu"]
    drawn = [el.get("href") for el in root.iter(f"{SVG}a")]
    assert drawn[0] == "/x/0" and drawn[-1] == "/x/39" and "/x/20" not in drawn
    table = ET.fromstring(str(chart.table))
    assert len(list(table.iter("tr"))) == 41  # heading + 40 units
    assert "".join(next(iter(table.iter("tbody"))).itertext()).count("Xã ") == 40
