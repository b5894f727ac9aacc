"""The demo's recorded history reproduces the seed report's figures (DOMAIN.md §0.2), from
recorded dossiers, through both statistics paths, and for the merged successor commune."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from motcua.demo.services import TAI_SON_2025_CODE, TAI_SON_CODE, demo_load
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.reports.stats import bieu06

SEED_REPORT = {  # shared/docs/seed-report-2023-H1.txt, with the five lost dossiers explicit
    "received_total": 412,
    "received_online": 381,
    "received_direct_postal": 23,
    "carried_over": 8,
    "resolved_total": 403,
    "resolved_early": 381,
    "resolved_on_time": 17,
    "resolved_late": 5,
    "pending_total": 4,
    "pending_within": 4,
    "pending_overdue": 0,
    "closed_other_total": 5,
}


class TestDemoHistory(TestCase):
    """One demo load for the whole class (`setUpTestData`; each test runs in a savepoint that
    is rolled back): the load takes seconds, the checks below only read."""

    @classmethod
    def setUpTestData(cls) -> None:
        demo_load()

    def check_seed_report(self, code: str, source: str) -> None:
        result = bieu06(
            unit=Unit.objects.get(code=code),
            date_from=dt.date(2023, 1, 1),
            date_to=dt.date(2023, 6, 30),
            source=source,
        )
        total = result.total.as_dict() if hasattr(result.total, "as_dict") else vars(result.total)
        for key, expected in SEED_REPORT.items():
            assert total[key] == expected, (code, source, key)
        # 412 = 403 + 4 + 5: nothing vanishes when the figures come from records.
        assert total["received_total"] == (
            total["resolved_total"] + total["pending_total"] + total["closed_other_total"]
        )

    def test_seed_report_h1_2023_is_generated_from_records_rollup(self) -> None:
        self.check_seed_report(TAI_SON_CODE, "rollup")

    def test_seed_report_h1_2023_is_generated_from_records_oracle(self) -> None:
        self.check_seed_report(TAI_SON_CODE, "oracle")

    def test_seed_report_of_the_merged_commune_rollup(self) -> None:
        self.check_seed_report(TAI_SON_2025_CODE, "rollup")

    def test_seed_report_of_the_merged_commune_oracle(self) -> None:
        self.check_seed_report(TAI_SON_2025_CODE, "oracle")

    def test_live_demo_has_dossiers_in_every_state(self) -> None:
        states = set(
            Dossier.objects.filter(unit__code=TAI_SON_2025_CODE).values_list("state", flat=True)
        )
        # Drafts are a citizen's unsent online forms: the portal creates them, the counter
        # never does.
        expected = {s for s in State if s != State.DRAFT}
        assert expected <= states, expected - states
