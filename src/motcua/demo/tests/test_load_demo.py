"""`motcua load-demo`: idempotent, seeded from the 2023 H1 CCHC report of xã Tái Sơn."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from motcua.accounts.models import User
from motcua.demo.services import DEMO_ACCOUNTS, DEMO_STEPS, TAI_SON_CODE
from motcua.organisation.constants import Role, StaffCategory
from motcua.organisation.models import Unit
from motcua.organisation.selectors import staffing_summary, user_has_role

from .helpers import disorder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """Password hashing is not under test here; keep the suite fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


APPS = ("accounts", "organisation", "calendar", "catalogue", "dossiers")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_load_demo_twice_same_rows_and_prints_logins() -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _row_counts()
    out2 = StringIO()
    call_command("load_demo", stdout=out2)
    assert _row_counts() == first
    assert first["organisation.Unit"] == 10
    text = out2.getvalue()
    for spec in DEMO_ACCOUNTS:
        assert spec.username in text
        assert spec.password in text
    assert "Tên đăng nhập" in text and "Mật khẩu" in text
    assert [name for name, _ in DEMO_STEPS] == [
        "units",
        "staff",
        "staffing",
        "calendar",
        "catalogue",
        "signing",
        "dossiers",
    ]


def test_demo_matches_seed_report_and_roles() -> None:
    call_command("load_demo", stdout=StringIO())
    ts = Unit.objects.get(code=TAI_SON_CODE)
    # Seed report II.3: biên chế 18 (cán bộ 10, công chức 8); có mặt 17 (9 + 8); 32 KCT.
    summary = staffing_summary(ts, dt.date(2023, 6, 30))
    cb = summary.category(StaffCategory.CAN_BO)
    cc = summary.category(StaffCategory.CONG_CHUC)
    kct = summary.category(StaffCategory.KHONG_CHUYEN_TRACH)
    assert (summary.quota_total, summary.actual_total) == (18, 17)
    assert (cb.quota, cb.actual, cb.party_members) == (10, 9, 9)
    assert cb.political_theory == {"Sơ cấp": 1, "Trung cấp": 8}
    assert cb.professional == {"Chưa qua đào tạo": 1, "Đại học": 8}
    assert (cc.quota, cc.actual, cc.party_members) == (8, 8, 8)
    assert cc.political_theory == {"Sơ cấp": 3, "Trung cấp": 5}
    assert cc.professional == {"Đại học": 8}
    assert kct.actual == 32
    users = {u.username: u for u in User.objects.all()}
    assert user_has_role(users["taison.tiepnhan"], ts, Role.RECEIVER)
    assert user_has_role(users["taison.lanhdao"], ts, Role.LEADER)
    assert user_has_role(users["tinh.giamsat"], ts, Role.SUPERVISOR)
    assert not user_has_role(users["congdan"], ts, Role.RECEIVER)
    assert users["admin"].is_superuser and users["admin"].check_password("Quan-Tri-Demo-2023!")


def test_demo_result_is_signed_and_verifies_here_and_in_pdfsig(settings: Any, tmp_path) -> None:
    """Issue 6: a result signed in the demo verifies as valid in our verifier and in Debian's
    `pdfsig`; one changed byte makes both report it invalid."""
    import shutil
    import subprocess

    from motcua.demo.services import demo_load
    from motcua.documents.models import RESULT_KIND, GeneratedDocument
    from motcua.signing.services import verify_pdf

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MOTCUA = {**settings.MOTCUA, "DEMO_SIGNING_DIR": str(tmp_path / "signing")}
    demo_load()
    loaded = timezone.now()
    signed = GeneratedDocument.objects.get(kind=RESULT_KIND, signed_from__isnull=False)
    assert signed.dossier.state == "returned" and signed.signed_by.username == "taison.lanhdao"
    # The leader signs between the approval and the return, as in real life, and in order.
    actions = list(signed.dossier.events.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == ["approve", "document_signed", "return_result"], actions
    assert disorder(latest=loaded) == []
    with signed.file.open("rb") as fh:
        pdf = fh.read()
    result = verify_pdf(pdf)
    assert result.valid and result.intact and len(result.signatures) == 2  # leader + seal
    start = pdf.index(b"stream\n") + len(b"stream\n") + 20
    tampered = pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]
    assert not verify_pdf(tampered).intact
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        pytest.skip("pdfsig (Debian poppler-utils) is not installed: independent check skipped")
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(tampered)
    good_out = subprocess.run([pdfsig, str(good)], capture_output=True, text=True).stdout
    bad_out = subprocess.run([pdfsig, str(bad)], capture_output=True, text=True).stdout
    assert good_out.count("Signature Validation: Signature is Valid.") == 2, good_out
    assert "Signature is Valid." not in bad_out.split("Signature #1")[1].split("Signature #2")[0]
