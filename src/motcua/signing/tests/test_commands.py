"""`motcua sign-pdf`, `motcua verify-pdf` and `motcua signing-demo-keys`: exit codes and the
JSON contract."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.signing.services import verify_pdf
from motcua.signing.signers import signer_from_settings
from motcua.signing.tests.conftest import AGENCY, LEADER, tamper


def _verify(*args: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_pdf", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue()), err.getvalue()


def _bad_arguments(command: str, *args: str) -> str:
    with pytest.raises(CommandError) as info:
        call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert info.value.returncode == 2
    return str(info.value)


@pytest.fixture
def input_pdf(tmp_path: Path, vietnamese_pdf: bytes) -> Path:
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(vietnamese_pdf)
    return path


def test_sign_with_seal_then_verify(
    tmp_path: Path, input_pdf: Path, key_files: dict[str, Path]
) -> None:
    out_pdf = tmp_path / "da-ky.pdf"
    stdout = io.StringIO()
    call_command(
        "sign_pdf",
        str(input_pdf),
        str(out_pdf),
        "--pkcs12", str(key_files["leader"]),
        "--passphrase-file", str(key_files["leader_pass"]),
        "--seal-pkcs12", str(key_files["seal"]),
        "--reason", "Phê duyệt",
        "--location", "Tái Sơn",
        stdout=stdout,
    )  # fmt: skip
    assert "Đã ký 2 chữ ký" in stdout.getvalue()
    code, data, _ = _verify(str(out_pdf), "--trust-root", str(key_files["root"]))
    assert code == 0
    assert data["valid"] is True and data["intact"] is True
    assert [s["signer"] for s in data["signatures"]] == [f"{LEADER} ({AGENCY})", AGENCY]
    assert all(s["trusted"] and s["problems"] == [] for s in data["signatures"])


def test_invisible_signature_and_untrusted_still_exit_0(
    tmp_path: Path, input_pdf: Path, key_files: dict[str, Path], settings: Any
) -> None:
    settings.MOTCUA = {**settings.MOTCUA, "SIGNING_TRUST_ROOTS": []}
    out_pdf = tmp_path / "an.pdf"
    call_command(
        "sign_pdf", str(input_pdf), str(out_pdf), "--invisible",
        "--pkcs12", str(key_files["seal"]), stdout=io.StringIO(),
    )  # fmt: skip
    code, data, _ = _verify(str(out_pdf))
    # intact but nobody trusted: exit 0 (integrity), "valid" false (trust)
    assert code == 0
    assert (data["valid"], data["intact"], data["signatures"][0]["trusted"]) == (
        False,
        True,
        False,
    )


def test_verify_tampered_exits_1(tmp_path: Path, signed_twice: bytes) -> None:
    path = tmp_path / "sua.pdf"
    path.write_bytes(tamper(signed_twice))
    code, data, _ = _verify(str(path))
    assert code == 1
    assert data["intact"] is False and data["valid"] is False
    assert all(s["problems"] for s in data["signatures"])


def test_verify_unsigned_exits_1_with_message(input_pdf: Path) -> None:
    code, data, err = _verify(str(input_pdf))
    assert code == 1
    assert data == {"valid": False, "intact": False, "signatures": []}
    assert "không có chữ ký số" in err


def test_verify_bad_arguments_exit_2(tmp_path: Path) -> None:
    assert "Không tìm thấy tệp PDF" in _bad_arguments("verify_pdf", str(tmp_path / "none.pdf"))
    text = tmp_path / "a.pdf"
    text.write_text("không phải PDF")
    assert "không phải là tài liệu PDF" in _bad_arguments("verify_pdf", str(text))
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    assert "chứng thư gốc" in _bad_arguments(
        "verify_pdf", str(pdf), "--trust-root", str(tmp_path / "no-root.pem")
    )


def test_sign_bad_arguments_exit_2(
    tmp_path: Path, input_pdf: Path, key_files: dict[str, Path], settings: Any
) -> None:
    out_pdf = str(tmp_path / "o.pdf")
    assert "sai mật khẩu" in _bad_arguments(
        "sign_pdf", str(input_pdf), out_pdf, "--pkcs12", str(key_files["leader"])
    )
    assert "Không tìm thấy tệp khóa PKCS#12" in _bad_arguments(
        "sign_pdf", str(input_pdf), out_pdf, "--pkcs12", str(tmp_path / "none.p12")
    )
    assert "Không tìm thấy tệp PDF" in _bad_arguments(
        "sign_pdf", str(tmp_path / "none.pdf"), out_pdf, "--pkcs12", str(key_files["seal"])
    )
    assert "thư mục /khong-co-thu-muc không tồn tại" in _bad_arguments(
        "sign_pdf", str(input_pdf), "/khong-co-thu-muc/o.pdf", "--pkcs12", str(key_files["seal"])
    )
    settings.MOTCUA = {**settings.MOTCUA, "SIGNER": {"BACKEND": ""}}
    assert "Chưa cấu hình chữ ký số" in _bad_arguments("sign_pdf", str(input_pdf), out_pdf)
    assert not Path(out_pdf).exists()  # nothing written on error


def test_demo_keys_are_private_reused_and_usable(
    tmp_path: Path, input_pdf: Path, settings: Any
) -> None:
    folder = tmp_path / "signing"
    out = io.StringIO()
    call_command("signing_demo_keys", "--out", str(folder), stdout=out)
    printed = dict(
        line.split("=", 1) for line in out.getvalue().splitlines() if line.startswith("MOTCUA_")
    )
    assert "Đã tạo khóa ký số demo" in out.getvalue()
    for name in ("lanh-dao-demo.p12", "lanh-dao-demo.pass", "dau-co-quan-demo.p12"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    first = (folder / "lanh-dao-demo.p12").read_bytes()

    again = io.StringIO()
    call_command("signing_demo_keys", "--out", str(folder), stdout=again)
    assert "đã có" in again.getvalue()
    assert (folder / "lanh-dao-demo.p12").read_bytes() == first  # safe to repeat

    # the printed settings sign and verify
    group = {
        g: {
            key: printed.get(f"MOTCUA_{g}_{key}", "")
            for key in ("BACKEND", "PKCS12_FILE", "PASSPHRASE_FILE")
        }
        for g in ("SIGNER", "SEAL_SIGNER")
    }
    settings.MOTCUA = {
        **settings.MOTCUA,
        **group,
        "SIGNING_TRUST_ROOTS": printed["MOTCUA_SIGNING_TRUST_ROOTS"].split(","),
    }
    from motcua.signing.services import SEAL_BOX, sign_pdf

    signed = sign_pdf(input_pdf.read_bytes(), signer=signer_from_settings("SIGNER"))
    signed = sign_pdf(
        signed,
        signer=signer_from_settings("SEAL_SIGNER"),
        field_name="DauCoQuan",
        box=SEAL_BOX,
        seal=True,
    )
    result = verify_pdf(signed)
    assert result.valid and len(result.signatures) == 2


def test_demo_keys_refuse_a_file_as_folder(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    assert "không phải là thư mục" in _bad_arguments("signing_demo_keys", "--out", str(path))
