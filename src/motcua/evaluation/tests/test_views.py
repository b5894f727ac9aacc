"""The evaluation page: own unit only (another commune answers 404), and the admin
configuration of QĐ 766 thresholds (DOMAIN.md §4.1: maxima and thresholds are data)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.factories import MembershipFactory, UserFactory

from motcua.dossiers.constants import Channel
from motcua.evaluation.indices import qd766_indicators
from motcua.evaluation.models import IndicatorConfig
from motcua.evaluation.tests.helpers import EARLY, LATE, finished
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.evaluation.tests.urls")]

PERIOD = {"tu_ngay": "01/01/2023", "den_ngay": "30/06/2023"}


@pytest.fixture
def client(officer: Any) -> Client:
    c = Client()
    c.force_login(officer)
    return c


def test_page_of_own_unit(client: Client, commune: Unit, officer: Any) -> None:
    finished(commune, EARLY, assignee=officer)
    finished(commune, LATE, channel=Channel.COUNTER)
    response = client.get(f"/danh-gia/{commune.code}/", PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert commune.name in body
    assert "Thông tư 01/2018/TT-VPCP" in body
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in body
    assert "chưa có dữ liệu" in body
    assert officer.full_name in body
    assert response.context["tt01"].dossier_count == 2
    assert 'name="viewport"' in body  # readable on a phone (base layout)


def test_page_shows_leaders_no_internal_marks(client: Client, commune: Unit) -> None:
    """QĐ 766 cards: the legal source in Vietnamese and plain notes, not the confidence marks
    and source keys of DOMAIN.md §0.3 (kept in the title attribute); points never "—/?" or
    "—/0"; no module that exists is reported missing."""
    finished(commune, EARLY)
    finished(commune, LATE, channel=Channel.COUNTER)
    html = client.get(f"/danh-gia/{commune.code}/", PERIOD).content.decode()
    section = html[html.index('id="qd766"') :]
    text = re.sub(r"<[^>]+>", " ", section)  # what is read, without the tags' attributes
    for internal in ("◐", "❓", "✅", "[S14", "[S13", "—/?", "—/0", "chờ phân hệ"):
        assert internal not in text, internal
    assert "chờ phân hệ" not in html
    assert "Căn cứ: Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ" in text
    assert "Cách tính theo hướng dẫn tạm thời, cần đối chiếu văn bản." in text
    assert "Chưa chấm điểm (văn bản chưa xác định điểm tối đa)" in text  # 3.1–3.3 (❓)
    assert "Không áp dụng (chỉ số theo dõi)" in text  # 2.2
    assert 'title="◐ Nguồn thứ cấp [S14a][S14b]"' in section  # kept, out of the text
    assert "Điểm: 10/20" in " ".join(text.split())  # 2.1: 50% × 20 / 100


def test_page_of_another_commune_is_hidden(client: Client, other_commune: Unit) -> None:
    response = client.get(f"/danh-gia/{other_commune.code}/", PERIOD)
    assert response.status_code == 404


def test_supervisor_of_the_district_sees_the_commune(commune: Unit, district: Unit) -> None:
    supervisor = UserFactory(username="eva-supervisor")
    MembershipFactory(user=supervisor, unit=district, role=Role.SUPERVISOR)
    c = Client()
    c.force_login(supervisor)
    assert c.get(f"/danh-gia/{commune.code}/", PERIOD).status_code == 200


def test_login_required(commune: Unit) -> None:
    response = Client().get(f"/danh-gia/{commune.code}/")
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_index_redirects_to_the_only_unit(client: Client, commune: Unit) -> None:
    response = client.get("/danh-gia/")
    assert response.status_code == 302
    assert response["Location"] == f"/danh-gia/{commune.code}/"


def test_invalid_period_shows_the_form_error(client: Client, commune: Unit) -> None:
    response = client.get(
        f"/danh-gia/{commune.code}/", {"tu_ngay": "30/06/2023", "den_ngay": "01/01/2023"}
    )
    assert response.status_code == 200
    assert "tt01" not in response.context
    assert "Ngày kết thúc phải không trước ngày bắt đầu." in response.content.decode()


@pytest.mark.parametrize("query", ["", "?date_from=2023-01-01", "?utm_source=zalo"])
def test_default_period_renders(client: Client, commune: Unit, query: str) -> None:
    """No period in the address (other parameters ignored): the year to date, no error."""
    response = client.get(f"/danh-gia/{commune.code}/{query}")
    assert response.status_code == 200
    assert response.context["tt01"].dossier_count == 0
    assert "Trường này là bắt buộc" not in response.content.decode()


def test_admin_change_of_threshold_changes_the_score(commune: Unit) -> None:
    """QĐ 766 §4.1 id 5.4: threshold 90% → 75 × 6 / 90 = 5.00; an administrator sets 75% in
    the admin → full 6 points, without code."""
    for done in (EARLY, EARLY, EARLY, LATE):
        finished(commune, done)

    def points_54() -> Decimal | None:
        rows = {r.code: r for r in qd766_indicators(commune, *_dates())}
        return rows["5.4"].points

    assert points_54() == Decimal("5.00")
    admin = UserFactory(username="eva-admin", is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(admin)
    config = IndicatorConfig.objects.get(code="5.4")
    url = f"/quan-tri/evaluation/indicatorconfig/{config.pk}/change/"
    assert c.get(url).status_code == 200
    response = c.post(
        url,
        {
            "code": config.code,
            "order": config.order,
            "name": config.name,
            "pmax": "6",
            "threshold": "75",
            "warning_target": "",
            "warning_margin": "10",
            "source": config.source,
            "confidence": config.confidence,
            "waits_for": "",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert points_54() == Decimal("6.00")


def _dates() -> tuple[Any, Any]:
    import datetime as dt

    return dt.date(2023, 1, 1), dt.date(2023, 6, 30)


def test_index_lists_units_in_force_first_and_dates_the_merged_ones(officer: Any) -> None:
    """After the merger of 01/07/2025 a leader of the new commune also reads the old ones'
    history: the new commune comes first, the old ones say until when they operated."""
    import datetime as dt

    from motcua.organisation.services import unit_create, unit_merge

    old = unit_create(code="OLD1", name="Xã Cũ", kind="commune")
    new = unit_create(code="NEW1", name="Xã A Mới", kind="commune")
    unit_merge(predecessors=[old], successor=new, on=dt.date(2025, 7, 1))
    MembershipFactory(user=officer, unit=new, role=Role.LEADER)
    MembershipFactory(user=officer, unit=old, role=Role.LEADER)
    client = Client()
    client.force_login(officer)
    html = client.get("/danh-gia/").content.decode()
    assert html.index("Xã A Mới") < html.index("Xã Cũ")
    assert "hoạt động đến 30/06/2025" in html


@pytest.mark.parametrize(
    ("against", "shown"),
    [
        ("original", "hạn so sánh: ngày hẹn trả ban đầu."),  # DOMAIN §2.5 (b), the default
        ("extended", "hạn so sánh: ngày hẹn trả đã gia hạn theo thư xin lỗi."),
    ],
)
def test_settings_note_names_the_appointment_in_words(settings: Any, against: str, shown: str):
    """Leaders read which appointment lateness is judged against, not the setting's code."""
    from motcua.evaluation.indices import stats_settings_note

    settings.MOTCUA = {**settings.MOTCUA, "LATENESS_AGAINST": against}
    note = stats_settings_note()
    assert note.endswith(shown) and against not in note
