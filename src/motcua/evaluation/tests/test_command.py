"""`motcua indices --unit CODE --from D --to D [--format json|table]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.dossiers.constants import Channel
from motcua.evaluation.tests.helpers import EARLY, LATE, finished
from motcua.organisation.models import Unit

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("indices", *args, stdout=out)
    return out.getvalue()


def test_json_output(commune: Unit) -> None:
    finished(commune, EARLY)
    finished(commune, LATE, channel=Channel.COUNTER)
    data = json.loads(
        run(
            "--unit", commune.code, "--from", "01/01/2023", "--to", "30/06/2023", "--format", "json"
        )
    )
    assert data["unit"]["code"] == commune.code
    assert (data["date_from"], data["date_to"]) == ("01/01/2023", "30/06/2023")
    tt01 = {row["number"]: row for row in data["tt01"]["indices"]}
    assert sorted(tt01) == list(range(1, 10))
    assert tt01[1]["score"] == 1.0  # (2 + 0) / 2
    assert tt01[5]["score"] is None  # no data on where each procedure is appraised
    assert tt01[8]["score"] == 2.0  # TT 01/2018 art. 14 index 8: no PAKN in the period → 2
    qd = {row["code"]: row for row in data["qd766"]}
    assert qd["2.1"]["value"] == 50.0
    assert qd["2.1"]["points"] == 10.0
    assert qd["3.6"]["value"] is None
    assert qd["3.6"]["status"] == "na"


def test_table_output(commune: Unit) -> None:
    finished(commune, EARLY)
    text = run("--unit", commune.code, "--from", "01/01/2023", "--to", "30/06/2023")
    assert "Thông tư 01/2018/TT-VPCP" in text
    assert "Tổng:" in text
    assert "5.4" in text


def test_unknown_unit_and_bad_dates(commune: Unit) -> None:
    with pytest.raises(CommandError):
        run("--unit", "NOPE", "--from", "01/01/2023", "--to", "30/06/2023")
    with pytest.raises(CommandError):
        run("--unit", commune.code, "--from", "31/02/2023", "--to", "30/06/2023")
    with pytest.raises(CommandError):
        run("--unit", commune.code, "--from", "30/06/2023", "--to", "01/01/2023")
