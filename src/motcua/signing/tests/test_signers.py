"""`signer_from_settings()`: the configured signer, or a clear Vietnamese refusal."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from motcua.signing.signers import (
    DocumentSigner,
    Pkcs11Signer,
    Pkcs12Signer,
    SignerUnavailable,
    signer_from_settings,
)
from motcua.signing.tests.conftest import LEADER


def _configure(settings: Any, group: str, **values: str) -> None:
    conf = {key: "" for key in ("BACKEND", "PKCS12_FILE", "PASSPHRASE_FILE", "PKCS11_MODULE")}
    conf.update({"PKCS11_TOKEN_LABEL": "", "PKCS11_KEY_LABEL": "", "PKCS11_CERT_LABEL": ""})
    conf.update(values)
    settings.MOTCUA = {**settings.MOTCUA, group: conf}


def test_settings_dict_has_both_signer_groups() -> None:
    from django.conf import settings

    for group in ("SIGNER", "SEAL_SIGNER"):
        assert set(settings.MOTCUA[group]) >= {"BACKEND", "PKCS12_FILE", "PASSPHRASE_FILE"}
    assert isinstance(settings.MOTCUA["SIGNING_TRUST_ROOTS"], list)


def test_pkcs12_signer_from_settings(settings: Any, key_files: dict[str, Path]) -> None:
    _configure(
        settings,
        "SIGNER",
        BACKEND="pkcs12",
        PKCS12_FILE=str(key_files["leader"]),
        PASSPHRASE_FILE=str(key_files["leader_pass"]),
    )
    signer = signer_from_settings("SIGNER")
    assert isinstance(signer, Pkcs12Signer) and isinstance(signer, DocumentSigner)
    with signer.session() as pyhanko_signer:
        assert pyhanko_signer.signing_cert.subject.native["common_name"] == LEADER
    assert "mat-khau" not in repr(signer)  # the passphrase never shows in logs


def test_seal_signer_without_passphrase(settings: Any, key_files: dict[str, Path]) -> None:
    _configure(settings, "SEAL_SIGNER", BACKEND="pkcs12", PKCS12_FILE=str(key_files["seal"]))
    assert isinstance(signer_from_settings("SEAL_SIGNER"), Pkcs12Signer)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Chưa cấu hình chữ ký số (MOTCUA_SIGNER_BACKEND)."),
        ({"BACKEND": "usb"}, "MOTCUA_SIGNER_BACKEND không hợp lệ"),
        ({"BACKEND": "pkcs12"}, "Thiếu MOTCUA_SIGNER_PKCS12_FILE"),
        ({"BACKEND": "pkcs12", "PKCS12_FILE": "/nonexistent.p12"}, "Không đọc được tệp khóa"),
        ({"BACKEND": "pkcs11"}, "Thiếu MOTCUA_SIGNER_PKCS11_MODULE"),
    ],
)
def test_misconfiguration_is_refused_clearly(
    settings: Any, values: dict[str, str], message: str
) -> None:
    _configure(settings, "SIGNER", **values)
    with pytest.raises(SignerUnavailable, match=message.replace("(", r"\(").replace(")", r"\)")):
        signer_from_settings("SIGNER")


def test_wrong_passphrase_file_is_refused(
    settings: Any, key_files: dict[str, Path], tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.pass"
    wrong.write_text("sai\n")
    _configure(
        settings,
        "SIGNER",
        BACKEND="pkcs12",
        PKCS12_FILE=str(key_files["leader"]),
        PASSPHRASE_FILE=str(wrong),
    )
    with pytest.raises(SignerUnavailable, match="sai mật khẩu"):
        signer_from_settings("SIGNER")


def test_pkcs11_settings_map_onto_pyhanko_config(settings: Any, tmp_path: Path) -> None:
    """Only the mapping is checked: no token (and no python-pkcs11) here."""
    pin = tmp_path / "pin"
    pin.write_text("123456\n")
    _configure(
        settings,
        "SIGNER",
        BACKEND="pkcs11",
        PKCS11_MODULE="/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
        PKCS11_TOKEN_LABEL="VNPT-CA",
        PKCS11_KEY_LABEL="signing-key",
        PASSPHRASE_FILE=str(pin),
    )
    signer = signer_from_settings("SIGNER")
    assert isinstance(signer, Pkcs11Signer)
    assert "123456" not in repr(signer)
    config = signer.config()
    assert config.module_path.endswith("opensc-pkcs11.so")
    assert config.token_criteria.label == "VNPT-CA"
    assert (config.key_label, config.cert_label, config.user_pin) == (
        "signing-key",
        "signing-key",
        "123456",
    )


# python-pkcs11 is not a locked dependency (no token to test against here): this checks the
# message a production install gets when it configures a token without the library. With the
# library installed the message cannot occur, so the test does not apply there.
@pytest.mark.skipif(
    importlib.util.find_spec("pkcs11") is not None, reason="python-pkcs11 is installed"
)
def test_pkcs11_without_the_library_says_what_is_missing() -> None:
    signer = Pkcs11Signer(module_path="/nonexistent.so")
    with pytest.raises(SignerUnavailable, match="python-pkcs11"):
        signer.session().__enter__()
