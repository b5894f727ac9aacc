"""The Biểu 06 page's layout (browser audit): a wider page than the other back-office pages, a
compact table whose 13 columns fit from 1366 px, and, on narrower screens, the table scrolling in
its box with the field name (column 2) kept on screen. The widths themselves are measured in a
browser; here: the markup the stylesheet relies on, and the stylesheet's rules for it."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from tests.factories import FieldFactory, MembershipFactory, UnitFactory, UserFactory

from motcua.dossiers.constants import State
from motcua.organisation.constants import Role
from motcua.organisation.models import Unit
from motcua.reports.services import rollup_rebuild

from .helpers import at, dossier, version

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.reports.tests.urls")]

QUERY = "date_from=01/01/2023&date_to=30/06/2023"


def commune_with_one_field() -> Unit:
    unit = UnitFactory(code="XTS", name="Xã Tái Sơn", parent=UnitFactory(code="HTK"))
    pv = version(FieldFactory(code="HT", name="Hộ tịch"))
    dossier(
        unit,
        pv,
        received=at(2023, 2, 1),
        due=at(2023, 2, 6, 17),
        state=State.RETURNED,
        finished=at(2023, 2, 3),
    )
    rollup_rebuild()
    return unit


def page(unit: Unit, query: str | None = QUERY) -> str:
    """The statistics page as a leader of `unit` sees it (`query` None: before any choice)."""
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.LEADER)
    client = Client()
    client.force_login(user)
    response = client.get("/thong-ke/" if query is None else f"/thong-ke/?unit={unit.pk}&{query}")
    assert response.status_code == 200
    return str(response.content.decode())


def body_classes(html: str) -> list[str]:
    match = re.search(r'<body[^>]*\sclass="([^"]*)"', html)
    assert match is not None
    return match.group(1).split()


def stylesheet(name: str = "css/bieu06.css") -> str:
    """A stylesheet as the static files finder serves it, comments removed."""
    path = finders.find(name)
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as fh:
        return re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)


def declarations(css: str, selector: str) -> str:
    """The declarations of every rule whose selector list contains `selector`."""
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            found.append(body)
    assert found, selector
    return ";".join(found)


def test_statistics_page_asks_for_the_wide_layout() -> None:
    unit = commune_with_one_field()
    html = page(unit)
    assert "bieu06-page" in body_classes(html)
    assert '<div class="bieu06-wrap">' in html and '<table class="bieu06 responsive">' in html
    # The form alone (no report yet) is the same page: the same layout.
    before = page(unit, query=None)
    assert "bieu06-form" in before and "<table" not in before
    assert "bieu06-page" in body_classes(before)


def test_the_field_name_column_is_marked_in_every_row_for_the_sticky_column() -> None:
    html = page(commune_with_one_field())
    thead, tbody = html.split("<tbody>", 1)
    # Column (2) of every heading row and the field name of every row, total included.
    assert '<th rowspan="2" class="name">Lĩnh vực</th>' in thead
    assert '<th class="name">(2)</th>' in thead
    assert '<td class="name">Hộ tịch</td>' in tbody
    assert '<td class="name">Tổng cộng</td>' in tbody
    assert thead.count('class="name"') == 2
    # The 13 numbered columns are all there, in order.
    assert re.findall(r"<th[^>]*>\((\d+)\)</th>", thead) == [str(n) for n in range(1, 14)]


def test_other_back_office_pages_keep_the_usual_width() -> None:
    unit = commune_with_one_field()
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=Role.LEADER)
    client = Client()
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and "<body" in html
    assert "bieu06-page" not in body_classes(html)


def test_stylesheet_widens_the_page_and_keeps_the_field_name_on_screen() -> None:
    css = stylesheet()
    wide = declarations(css, ".bieu06-page main.container")
    width = re.search(r"max-width:\s*(\d+)px", wide)
    assert width is not None and int(width.group(1)) >= 1600  # the other pages: 1200 px
    usual = re.search(
        r"max-width:\s*(\d+)px", declarations(stylesheet("css/motcua.css"), ".container")
    )
    assert usual is not None and int(usual.group(1)) < int(width.group(1))
    # Above the phone layout (≤ 760 px): wrapping headings, the field name sticky on an opaque
    # background so the figures scrolled under it do not show through.
    desktop = css.split("@media (min-width:761px)", 1)[1].split("@media", 1)[0]
    assert "white-space:normal" in declarations(desktop, "table.bieu06 thead th")
    sticky = declarations(desktop, "table.bieu06 .name")
    assert "position:sticky" in sticky and "left:0" in sticky and "background:" in sticky
    assert "padding:.3rem .4rem" in declarations(desktop, "table.bieu06 td")
