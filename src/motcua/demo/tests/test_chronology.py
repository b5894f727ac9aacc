"""Defects a browser audit found in the demo, checked on the demo data.

- The dossiers' histories are in order and in the past: every event of every demo dossier
  follows the one before it (by `seq`) and none is later than the moment load-demo runs, so the
  timeline of `/ho-so/<id>/` and the control sheet (Mẫu 06) read in order.
- The printed tracking ledger's heading is one translatable sentence, not a Vietnamese title
  with a translated "NĂM" after it ("SỔ THEO DÕI HỒ SƠ YEAR 2026").
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.test import Client, TestCase
from django.utils import timezone, translation
from django.utils.translation.template import templatize

import motcua
from motcua.accounts.models import User
from motcua.calendar.workdays import VN_TZ
from motcua.demo.dossiers import load_live_dossiers
from motcua.demo.services import (
    DEMO_STEPS,
    TAI_SON_2025_CODE,
    DemoContext,
    DemoSummary,
    demo_load,
)
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent

from .helpers import disorder


class TestDemoAudit(TestCase):
    """One load (`setUpTestData`), as `motcua load-demo` runs it; the checks only read."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.started = timezone.now()
        demo_load()
        cls.finished = timezone.now()

    def test_every_demo_dossier_events_in_order_and_not_in_the_future(self) -> None:
        """The 2023 history (its `import` event is the load itself) and the live dossiers."""
        assert Dossier.objects.count() > 400
        assert disorder(latest=self.finished) == []

    def test_live_dossiers_are_dated_before_the_load(self) -> None:
        live = Dossier.objects.filter(unit__code=TAI_SON_2025_CODE, data__demo__isnull=False)
        assert live.count() == 15  # one or more per state
        assert DossierEvent.objects.filter(dossier__in=live).count() > 3 * live.count()
        assert disorder(latest=self.started, dossiers=live) == []

    def test_supplement_after_review_follows_receipt_and_assignment(self) -> None:
        """The audited dossier: submit, receive, assign, then the request for a supplement."""
        d = Dossier.objects.get(unit__code=TAI_SON_2025_CODE, data__demo="supplement_after_review")
        assert d.state == State.SUPPLEMENT_AFTER_REVIEW
        events = list(d.events.order_by("seq").values_list("action", "at"))
        assert [action for action, _ in events] == [
            "submit",
            "receive",
            "assign",
            "request_supplement",
        ]
        times = [at for _, at in events]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[-1] <= self.started

    # -- the tracking ledger (Sổ theo dõi hồ sơ) -------------------------------------------

    def ledger_heading(self, language: str) -> tuple[str, int]:
        """The heading of the demo commune's ledger page in `language`, and the ledger's year."""
        entries = Dossier.objects.filter(unit__code=TAI_SON_2025_CODE, ledger_year__isnull=False)
        entry = entries.order_by("-ledger_year", "ledger_number").first()
        assert entry is not None and entry.ledger_year is not None
        client = Client()
        client.force_login(User.objects.get(username="taison.tiepnhan"))
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(f"/so-theo-doi/{entry.unit_id}/{entry.ledger_year}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert entry.code in html
        match = re.search(r'<h1 class="form-title">(.*?)</h1>', html, re.S)
        assert match is not None
        return match.group(1).strip(), entry.ledger_year

    def test_ledger_heading_in_vietnamese(self) -> None:
        heading, year = self.ledger_heading("vi")
        assert heading == f"SỔ THEO DÕI HỒ SƠ NĂM {year}"

    def test_ledger_heading_is_one_translated_sentence(self) -> None:
        """In another language the whole heading is the translation of one message with the
        year in it: nothing Vietnamese is left around a translated word."""
        msgid = "SỔ THEO DÕI HỒ SƠ NĂM %(year)s"
        english = {msgid: "DOSSIER TRACKING LEDGER %(year)s"}
        gettext = translation.gettext

        def fake(message: str) -> str:
            if translation.get_language() == "en" and message in english:
                return english[message]
            return gettext(message)

        with mock.patch("django.utils.translation.gettext", fake):
            heading, year = self.ledger_heading("en")
        assert heading == f"DOSSIER TRACKING LEDGER {year}"

    def test_ledger_heading_extracted_as_one_message(self) -> None:
        """What `makemessages` extracts from the template: the sentence, not "NĂM" alone."""
        path = Path(motcua.__file__).parent / "templates/backoffice/print/ledger.html"
        extracted = re.findall(r"gettext\(u'([^']*)'\)", templatize(path.read_text("utf-8")))
        assert "SỔ THEO DÕI HỒ SƠ NĂM %(year)s" in extracted
        assert "Sổ theo dõi hồ sơ %(year)s – %(unit)s" in extracted  # the page title
        assert "NĂM" not in extracted


def _prerequisites() -> DemoContext:
    """Units, accounts, calendar and catalogue of the demo, without its dossiers."""
    ctx = DemoContext(summary=DemoSummary())
    for name, step in DEMO_STEPS:
        if name not in ("dossiers", "signing"):
            step(ctx)
    return ctx


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 11, 28, 11, 48),  # the audit: a Saturday, late morning
        dt.datetime(2026, 2, 23, 7, 15),  # first working day after the Tết 2026 break, early
        dt.datetime(2026, 6, 1, 0, 20),  # a Monday just after midnight
    ],
)
def test_live_dossiers_dated_backwards_from_any_load_moment(moment: dt.datetime, settings: Any):
    """Whatever day load-demo runs (after a nine-day Tết break, at night, on a weekend), the
    live dossiers' events are in order and none is after that moment."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    now = moment.replace(tzinfo=VN_TZ)
    ctx = _prerequisites()
    message = load_live_dossiers(
        unit=ctx.unit(TAI_SON_2025_CODE),
        other_unit=ctx.unit("31-HD25"),
        receiver=ctx.users["taison.tiepnhan"],
        specialist=ctx.users["taison.chuyenvien"],
        leader=ctx.users["taison.lanhdao"],
        citizen=ctx.users["congdan"],
        now=now,
    )
    assert message == "hồ sơ đang xử lý: +15"
    states = set(Dossier.objects.values_list("state", flat=True))
    assert {s for s in State if s != State.DRAFT} <= states
    assert disorder(latest=now) == []
    # The counter's work of three working days ago is on a working day before `now`.
    received = Dossier.objects.get(data__demo="received").received_at
    assert received is not None and timezone.localtime(received, VN_TZ).date() < now.date()
