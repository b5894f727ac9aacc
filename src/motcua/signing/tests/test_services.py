"""Signing and verifying PDFs (PAdES): person + agency seal, tampering, trust, bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from motcua.signing import services
from motcua.signing.services import InvalidPdf, SigningFailed, sign_pdf, verify_pdf
from motcua.signing.signers import Pkcs12Signer, SignerUnavailable
from motcua.signing.testca import IssuedIdentity, TestCA
from motcua.signing.tests.conftest import AGENCY, LEADER, blank_pdf, tamper

PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"
# The independent verifier is Debian's poppler-utils; `.ci/run` installs it, so CI always runs
# these checks. Only a developer machine without the package skips them, and says so.
needs_pdfsig = pytest.mark.skipif(
    not Path(PDFSIG).is_file(),
    reason="pdfsig (Debian poppler-utils) is not installed: independent check skipped",
)


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return run.stdout + run.stderr


# --- signing and verifying ------------------------------------------------------------------


def test_signed_vietnamese_pdf_is_valid_pades(signed_once: bytes, test_ca: TestCA) -> None:
    result = verify_pdf(signed_once, trust_roots=[test_ca.root_pem()])
    assert result.valid and result.intact
    [sig] = result.signatures
    assert sig.signer == f"{LEADER} ({AGENCY})"
    assert sig.trusted and sig.intact and sig.problems == []
    assert sig.signed_at is not None
    assert abs(dt.datetime.now(dt.UTC) - sig.signed_at) < dt.timedelta(minutes=10)
    # PAdES baseline: ETSI.CAdES.detached with SHA-256
    assert b"/ETSI.CAdES.detached" in signed_once


def test_json_contract_has_exactly_the_documented_keys(
    signed_twice: bytes, test_ca: TestCA
) -> None:
    data = verify_pdf(signed_twice, trust_roots=[test_ca.root_pem()]).to_dict()
    json.dumps(data)  # serialisable
    assert set(data) == {"valid", "intact", "signatures"}
    for sig in data["signatures"]:
        assert set(sig) == {"signer", "signed_at", "trusted", "problems"}
        # ISO 8601 in Vietnam time (Nghị định 30/2020 Phụ lục I: "múi giờ Việt Nam")
        assert sig["signed_at"].endswith("+07:00")
        dt.datetime.fromisoformat(sig["signed_at"])


def test_person_and_seal_signatures_both_stay_valid(signed_twice: bytes, test_ca: TestCA) -> None:
    result = verify_pdf(signed_twice, trust_roots=[test_ca.root_pem()])
    assert result.valid and result.intact
    assert [s.field_name for s in result.signatures] == ["ChuKySo1", "DauCoQuan"]
    assert [s.signer for s in result.signatures] == [f"{LEADER} ({AGENCY})", AGENCY]
    assert all(s.trusted and not s.problems for s in result.signatures)


def test_seal_is_an_incremental_update(signed_once: bytes, signed_twice: bytes) -> None:
    assert signed_twice.startswith(signed_once)
    assert len(signed_twice) > len(signed_once)


def test_flipped_byte_breaks_integrity(signed_twice: bytes, test_ca: TestCA) -> None:
    result = verify_pdf(tamper(signed_twice), trust_roots=[test_ca.root_pem()])
    assert not result.intact and not result.valid
    for sig in result.signatures:
        assert not sig.intact and not sig.trusted
        assert "Nội dung tài liệu đã bị thay đổi sau khi ký (mã băm không khớp)." in sig.problems


def test_untrusted_root_is_intact_but_not_trusted(signed_once: bytes, stranger_ca: TestCA) -> None:
    result = verify_pdf(signed_once, trust_roots=[stranger_ca.root_pem()])
    assert result.intact and not result.valid
    [sig] = result.signatures
    assert not sig.trusted
    assert sig.problems == [
        "Chứng thư số không được cấp bởi tổ chức chứng thực tin cậy đã cấu hình."
    ]


def test_no_configured_root_trusts_nothing(signed_once: bytes, settings: Any) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING_TRUST_ROOTS": []}
    result = verify_pdf(signed_once)
    assert result.intact and not result.valid
    assert result.signatures[0].problems == [
        "Chưa cấu hình chứng thư gốc tin cậy (MOTCUA_SIGNING_TRUST_ROOTS)."
    ]


def test_trust_roots_default_to_the_setting(
    signed_once: bytes, settings: Any, tmp_path: Path, test_ca: TestCA
) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(test_ca.root_pem())
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING_TRUST_ROOTS": [str(root)]}
    assert verify_pdf(signed_once).valid


def test_der_trust_root_file_is_accepted(
    signed_once: bytes, tmp_path: Path, test_ca: TestCA
) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    root = tmp_path / "root.cer"
    root.write_bytes(test_ca.certificate.public_bytes(Encoding.DER))
    assert verify_pdf(signed_once, trust_roots=[root]).valid


def test_unreadable_trust_root_is_a_clear_error(signed_once: bytes, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"not a certificate")
    with pytest.raises(services.DomainError, match="không phải chứng thư PEM/DER"):
        verify_pdf(signed_once, trust_roots=[junk])
    with pytest.raises(services.DomainError, match="Không đọc được chứng thư gốc"):
        verify_pdf(signed_once, trust_roots=[tmp_path / "missing.pem"])


def test_unsigned_pdf_is_neither_valid_nor_intact(vietnamese_pdf: bytes) -> None:
    result = verify_pdf(vietnamese_pdf, trust_roots=[])
    assert (result.valid, result.intact, result.signatures) == (False, False, [])
    assert result.problems == ["Tài liệu không có chữ ký số nào."]
    assert result.to_dict() == {"valid": False, "intact": False, "signatures": []}


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"PK\x03\x04 a zip", b"%PDF-1.7\n garbage without xref", b"%PDF-" + bytes(300)],
)
def test_malformed_input_raises_invalid_pdf_only(data: bytes) -> None:
    with pytest.raises(InvalidPdf, match="không phải là tài liệu PDF hợp lệ"):
        verify_pdf(data, trust_roots=[])


def test_signing_a_non_pdf_is_refused(leader_signer: Pkcs12Signer) -> None:
    with pytest.raises(InvalidPdf):
        sign_pdf(b"hello", signer=leader_signer)


def test_the_same_field_cannot_be_signed_twice(
    signed_once: bytes, leader_signer: Pkcs12Signer
) -> None:
    with pytest.raises(SigningFailed, match="ChuKySo1"):
        sign_pdf(signed_once, signer=leader_signer, field_name="ChuKySo1")


def test_invisible_signature_is_valid_and_has_no_stamp(
    leader_signer: Pkcs12Signer, test_ca: TestCA
) -> None:
    signed = sign_pdf(blank_pdf(), signer=leader_signer, visible=False)
    assert verify_pdf(signed, trust_roots=[test_ca.root_pem()]).valid
    assert b"/Subtype /Image" not in signed


def test_visible_stamp_carries_the_signature_image(
    leader_signer: Pkcs12Signer, test_ca: TestCA
) -> None:
    picture = io.BytesIO()
    Image.new("RGBA", (120, 60), (0, 0, 200, 255)).save(picture, format="PNG")
    signed = sign_pdf(blank_pdf(), signer=leader_signer, stamp_image=picture.getvalue())
    assert verify_pdf(signed, trust_roots=[test_ca.root_pem()]).valid
    assert b"/Subtype /Image" in signed


def test_bad_stamp_image_is_refused(leader_signer: Pkcs12Signer) -> None:
    with pytest.raises(SigningFailed, match="Ảnh chữ ký"):
        sign_pdf(blank_pdf(), signer=leader_signer, stamp_image=b"not an image")


def test_stamp_text_is_vietnamese_with_local_time() -> None:
    moment = dt.datetime(2026, 1, 2, 1, 5, tzinfo=dt.UTC)
    assert services.format_signing_time(moment) == "02/01/2026 08:05"
    picture = services.render_stamp(
        ["Người ký: Nguyễn Thị Hằng", "Thời gian ký: 02/01/2026 08:05"], size=(230, 80)
    )
    assert picture.size == (230 * services.STAMP_SCALE, 80 * services.STAMP_SCALE)
    assert picture.getbbox() is not None  # something was drawn
    assert Path(services.stamp_font_path()).is_file()


def test_pdf_sha256_is_the_plain_file_hash(signed_once: bytes) -> None:
    assert services.pdf_sha256(signed_once) == hashlib.sha256(signed_once).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", services.pdf_sha256(b""))


# --- test CA ----------------------------------------------------------------------------------


def test_leaf_certificates_have_signing_key_usages(
    leader: IssuedIdentity, seal: IssuedIdentity, test_ca: TestCA
) -> None:
    for identity in (leader, seal):
        usage = identity.certificate.extensions.get_extension_for_class(x509.KeyUsage)
        assert usage.critical
        assert usage.value.digital_signature and usage.value.content_commitment
        assert not usage.value.key_cert_sign
        basic = identity.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        assert basic.value.ca is False
        assert identity.certificate.issuer == test_ca.certificate.subject
    root = test_ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert root.value.ca is True


def test_pkcs12_round_trip_and_wrong_passphrase(leader: IssuedIdentity) -> None:
    data = leader.pkcs12(b"secret")
    assert Pkcs12Signer(data=data, passphrase=b"secret").load().signing_cert is not None
    with pytest.raises(SignerUnavailable, match="sai mật khẩu"):
        Pkcs12Signer(data=data, passphrase=b"wrong").load()
    with pytest.raises(SignerUnavailable):
        Pkcs12Signer(data=b"junk").load()


# --- independent check with poppler's pdfsig ---------------------------------------------------


@needs_pdfsig
def test_pdfsig_accepts_both_signatures(signed_twice: bytes, tmp_path: Path) -> None:
    out = _pdfsig(signed_twice, tmp_path)
    # pdfsig does not know our CA: only the signature (digest) line is checked, not the
    # "Certificate Validation" line.
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Signature Type: ETSI.CAdES.detached" in out
    assert "Signing Hash Algorithm: SHA-256" in out


@needs_pdfsig
def test_pdfsig_rejects_the_tampered_file(signed_twice: bytes, tmp_path: Path) -> None:
    out = _pdfsig(tamper(signed_twice), tmp_path)
    assert "Signature is Valid." not in out, out
    assert "Digest Mismatch" in out, out


def test_certificate_without_signing_usage_is_not_trusted(test_ca: TestCA) -> None:
    wrong = test_ca.issue("Máy chủ web", signing_usages=False)
    signed = sign_pdf(blank_pdf(), signer=Pkcs12Signer(data=wrong.pkcs12()), visible=False)
    result = verify_pdf(signed, trust_roots=[test_ca.root_pem()])
    assert result.intact and not result.valid
    assert result.signatures[0].problems == ["Chứng thư số không đúng mục đích sử dụng (ký số)."]


def test_digital_signature_usage_alone_is_enough(test_ca: TestCA) -> None:
    """Adobe Reader accepts digitalSignature without nonRepudiation; so does the verifier."""
    import datetime as _dt

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    now = _dt.datetime.now(_dt.UTC) - _dt.timedelta(minutes=1)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(cx509.Name([cx509.NameAttribute(cx509.NameOID.COMMON_NAME, "Chỉ ký")]))
        .issuer_name(test_ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + _dt.timedelta(days=1))
        .add_extension(
            cx509.KeyUsage(True, False, False, False, False, False, False, False, False), True
        )
        .sign(test_ca.private_key, hashes.SHA256())
    )
    identity = IssuedIdentity(kind="person", certificate=cert, private_key=key, chain=())
    signed = sign_pdf(blank_pdf(), signer=Pkcs12Signer(data=identity.pkcs12()), visible=False)
    assert verify_pdf(signed, trust_roots=[test_ca.root_pem()]).valid


@hypothesis_settings(max_examples=40, deadline=None)
@given(junk=st.binary(max_size=400))
def test_any_bytes_give_a_result_or_invalid_pdf(junk: bytes) -> None:
    """Property: whatever is uploaded, the verifier answers or refuses; it never crashes."""
    for data in (junk, b"%PDF-1.7\n" + junk):
        try:
            result = verify_pdf(data, trust_roots=[])
        except InvalidPdf:
            continue
        assert not result.valid


def test_expired_certificate_is_not_trusted(test_ca: TestCA, caplog: Any) -> None:
    old = test_ca.issue(
        "Chứng thư cũ", not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400), days=30
    )
    signed = sign_pdf(blank_pdf(), signer=Pkcs12Signer(data=old.pkcs12()), visible=False)
    result = verify_pdf(signed, trust_roots=[test_ca.root_pem()])
    assert result.intact and not result.valid
    assert result.signatures[0].problems == [
        "Chứng thư số hết hạn hoặc chưa có hiệu lực lúc kiểm tra."
    ]
    assert not any(record.exc_info for record in caplog.records)  # no traceback in the logs


def test_stamp_on_a_missing_page_is_refused(leader_signer: Pkcs12Signer) -> None:
    with pytest.raises(SigningFailed, match="Tài liệu có 1 trang, không có trang 8"):
        sign_pdf(blank_pdf(), signer=leader_signer, page=7)
