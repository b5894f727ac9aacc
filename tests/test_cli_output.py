"""Commands that write a file refuse a missing folder with a clear Vietnamese message."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import UnitFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ("units", "export", "/khong-co-thu-muc/units.json"),
        (
            "stats",
            "--unit",
            "XTS",
            "--from",
            "2023-01-01",
            "--to",
            "2023-06-30",
            "--format",
            "xlsx",
            "--out",
            "/khong-co-thu-muc/b06.xlsx",
            "--source",
            "oracle",
        ),
    ],
    ids=["units-export", "stats-xlsx"],
)
def test_missing_output_folder_is_a_clear_error(args: tuple[str, ...]) -> None:
    UnitFactory(code="XTS")
    with pytest.raises(CommandError, match="thư mục /khong-co-thu-muc không tồn tại"):
        call_command(*args)
