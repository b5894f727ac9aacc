"""Fixtures of the signing tests: one test CA per session (RSA 2048, made once), its leader
and seal identities, a stranger CA, and a Vietnamese A4 PDF made by the documents renderer."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from motcua.signing.signers import Pkcs12Signer
from motcua.signing.testca import IssuedIdentity, TestCA, create_test_ca

AGENCY = "Ủy ban nhân dân xã Tái Sơn"
LEADER = "Nguyễn Thị Hằng"
PASSPHRASE = b"mat-khau-thu-nghiem"


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return create_test_ca()


@pytest.fixture(scope="session")
def stranger_ca() -> TestCA:
    """Another root nobody configured (EC keys: quicker, and a second key type exercised)."""
    return create_test_ca("CA lạ", key_type="ec")


@pytest.fixture(scope="session")
def leader(test_ca: TestCA) -> IssuedIdentity:
    return test_ca.issue(LEADER, organisation=AGENCY, kind="person")


@pytest.fixture(scope="session")
def seal(test_ca: TestCA) -> IssuedIdentity:
    return test_ca.issue(AGENCY, organisation=AGENCY, kind="seal")


@pytest.fixture(scope="session")
def leader_signer(leader: IssuedIdentity) -> Pkcs12Signer:
    return Pkcs12Signer(data=leader.pkcs12(PASSPHRASE), passphrase=PASSPHRASE)


@pytest.fixture(scope="session")
def seal_signer(seal: IssuedIdentity) -> Pkcs12Signer:
    return Pkcs12Signer(data=seal.pkcs12())


@pytest.fixture(scope="session")
def vietnamese_pdf() -> bytes:
    """An A4 result document with Vietnamese text (WeasyPrint, Liberation Serif)."""
    from motcua.documents.pdf import html_to_pdf

    return html_to_pdf(
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
        "<title>Giấy xác nhận</title><style>@page{size:A4}</style></head><body>"
        "<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p>"
        "<h1>GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN</h1>"
        "<p>Ủy ban nhân dân xã Tái Sơn xác nhận ông Trần Văn Đức chưa đăng ký kết hôn.</p>"
        "</body></html>"
    )


@pytest.fixture(scope="session")
def signed_once(vietnamese_pdf: bytes, leader_signer: Pkcs12Signer) -> bytes:
    from motcua.signing.services import sign_pdf

    return sign_pdf(
        vietnamese_pdf,
        signer=leader_signer,
        reason="Phê duyệt kết quả",
        location="Tái Sơn",
        field_name="ChuKySo1",
    )


@pytest.fixture(scope="session")
def signed_twice(signed_once: bytes, seal_signer: Pkcs12Signer) -> bytes:
    from motcua.signing.services import SEAL_BOX, sign_pdf

    return sign_pdf(
        signed_once, signer=seal_signer, field_name="DauCoQuan", box=SEAL_BOX, seal=True
    )


def tamper(pdf: bytes) -> bytes:
    """Flip one byte inside the data of the first stream (within the signed byte range)."""
    start = pdf.index(b"stream\n") + len(b"stream\n") + 20
    return pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1 :]


@pytest.fixture
def key_files(tmp_path: Path, leader: IssuedIdentity, seal: IssuedIdentity, test_ca: TestCA) -> Any:
    """The leader's PKCS#12 (with a passphrase file), the seal's (no passphrase), the root."""
    files = {
        "leader": tmp_path / "leader.p12",
        "leader_pass": tmp_path / "leader.pass",
        "seal": tmp_path / "seal.p12",
        "root": tmp_path / "root.pem",
    }
    files["leader"].write_bytes(leader.pkcs12(PASSPHRASE))
    files["leader_pass"].write_bytes(PASSPHRASE + b"\n")
    files["seal"].write_bytes(seal.pkcs12())
    files["root"].write_bytes(test_ca.root_pem())
    return files


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
