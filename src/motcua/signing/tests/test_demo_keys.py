"""The demo's signing keys: `motcua load-demo` writes them once, the configured signer falls
back to them when no real key is configured, and their root is trusted — outside production."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.demo.services import DemoContext, DemoSummary, step_signing
from motcua.signing.services import sign_pdf, verify_pdf
from motcua.signing.signers import SignerUnavailable, signer_from_settings

pytestmark = pytest.mark.django_db  # the demo step also loads the sample result templates


@pytest.fixture
def demo_dir(settings, tmp_path: Path) -> Path:
    folder = tmp_path / "signing"
    settings.MOTCUA = {**settings.MOTCUA, "DEMO_SIGNING_DIR": str(folder)}
    return folder


def test_without_demo_keys_nothing_is_configured(settings):
    settings.MOTCUA = {**settings.MOTCUA, "DEMO_SIGNING_DIR": ""}
    with pytest.raises(SignerUnavailable):
        signer_from_settings("SIGNER")


def test_demo_step_writes_keys_once_and_a_demo_signature_verifies_as_trusted(
    demo_dir: Path, vietnamese_pdf: bytes
):
    ctx = DemoContext(summary=DemoSummary())
    assert "mới tạo" in step_signing(ctx)
    before = {p.name: p.read_bytes() for p in demo_dir.iterdir()}
    assert "đã có" in step_signing(ctx)  # a second load keeps the keys
    assert {p.name: p.read_bytes() for p in demo_dir.iterdir()} == before

    signed = sign_pdf(vietnamese_pdf, signer=signer_from_settings("SIGNER"), reason="Phê duyệt")
    sealed = sign_pdf(
        signed, signer=signer_from_settings("SEAL_SIGNER"), field_name="DauCoQuan", seal=True
    )
    result = verify_pdf(sealed)
    assert result.valid and result.intact
    assert [s.trusted for s in result.signatures] == [True, True]
    assert "Đỗ Văn Hùng" in result.signatures[0].signer
