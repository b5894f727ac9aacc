"""Where the private key lives: the `DocumentSigner` interface and its implementations.

A `DocumentSigner` opens a session (`with signer.session() as pyhanko_signer:`) that yields a
pyHanko `Signer`; `motcua.signing.services.sign_pdf` uses it for exactly one signature. The
session form lets a hardware token (PKCS#11) be logged in to and out of around each signature.

- `Pkcs12Signer`: a PKCS#12 (.p12/.pfx) file and its passphrase (tests, the demo, small
  deployments whose key is held as a file).
- `Pkcs11Signer`: a USB token or HSM through its PKCS#11 module (the usual form of a Vietnamese
  personal or agency signing certificate). A thin wrapper around pyHanko's
  `PKCS11SigningContext`; it needs the optional `python-pkcs11` package (pyHanko's `pkcs11`
  extra), which is not installed here, and it is NOT exercised by the test suite (no token).
- A remote signing service (signing server / "ký số từ xa") is an extension point: implement
  `DocumentSigner.session()` returning any pyHanko `Signer` (e.g. pyHanko's `CSCSigner` for a
  Cloud Signature Consortium API, or a subclass of `pyhanko.sign.signers.ExternalSigner` whose
  `async_sign_raw` calls the provider). See docs/dev/signing.md.

`signer_from_settings("SIGNER")` / `signer_from_settings("SEAL_SIGNER")` build the configured
signer from `settings.MOTCUA[...]`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from pyhanko.sign.signers import Signer


class SignerUnavailable(DomainError):
    """The signer cannot be used: missing file, wrong passphrase, no token, not configured."""


@runtime_checkable
class DocumentSigner(Protocol):
    """Anything that can lend a pyHanko `Signer` for one signature."""

    def describe(self) -> str:
        """A short human description (never a secret), for logs and error messages."""
        ...

    def session(self) -> AbstractContextManager[Signer]:
        """Open the key for one signature; closed (token logged out) on exit."""
        ...


def read_secret_file(path: str | Path) -> bytes:
    """The passphrase or PIN in a file, without the trailing newline."""
    try:
        return Path(path).read_bytes().rstrip(b"\r\n")
    except OSError as exc:
        raise SignerUnavailable(
            _("Không đọc được tệp mật khẩu %(f)s: %(e)s") % {"f": path, "e": exc.strerror}
        ) from exc


@dataclass(frozen=True)
class Pkcs12Signer:
    """A key and certificate (with its chain) in PKCS#12 bytes."""

    data: bytes = field(repr=False)
    passphrase: bytes | None = field(default=None, repr=False)
    source: str = "PKCS#12"

    @classmethod
    def from_file(
        cls, path: str | Path, *, passphrase: bytes | None = None, passphrase_file: str = ""
    ) -> Pkcs12Signer:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SignerUnavailable(
                _("Không đọc được tệp khóa PKCS#12 %(f)s: %(e)s") % {"f": path, "e": exc.strerror}
            ) from exc
        if passphrase_file:
            passphrase = read_secret_file(passphrase_file)
        signer = cls(data=data, passphrase=passphrase, source=str(path))
        signer.load()  # fail now, with a clear message, rather than in the middle of signing
        return signer

    def describe(self) -> str:
        return f"PKCS#12 {self.source}"

    def load(self) -> Signer:
        from pyhanko.sign.signers import SimpleSigner

        try:
            return SimpleSigner.load_pkcs12_data(
                self.data, other_certs=[], passphrase=self.passphrase
            )
        except (ValueError, TypeError) as exc:
            raise SignerUnavailable(
                _("Không mở được khóa PKCS#12 %(f)s: sai mật khẩu hoặc tệp không phải PKCS#12.")
                % {"f": self.source}
            ) from exc

    @contextmanager
    def session(self) -> Iterator[Signer]:
        yield self.load()


@dataclass(frozen=True)
class Pkcs11Signer:
    """A key on a PKCS#11 token or HSM (USB token of a CA such as Viettel-CA, VNPT-CA, …).

    Not tested here (no token and no `python-pkcs11`); it only maps our settings onto
    pyHanko's `PKCS11SignatureConfig` and opens pyHanko's `PKCS11SigningContext`, which logs
    in with the PIN, finds the key and certificate by label and logs out on exit.
    """

    module_path: str
    token_label: str = ""
    key_label: str = ""
    cert_label: str = ""
    pin: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        return f"PKCS#11 {self.module_path} token={self.token_label or '?'}"

    def config(self) -> Any:
        from pyhanko.config.pkcs11 import PKCS11SignatureConfig, TokenCriteria

        return PKCS11SignatureConfig(
            module_path=self.module_path,
            token_criteria=TokenCriteria(label=self.token_label) if self.token_label else None,
            key_label=self.key_label or None,
            cert_label=self.cert_label or self.key_label or None,
            user_pin=self.pin,
        )

    @contextmanager
    def session(self) -> Iterator[Signer]:
        try:
            from pyhanko.sign.pkcs11 import PKCS11SigningContext
        except ImportError as exc:
            raise SignerUnavailable(
                _(
                    "Ký bằng thiết bị PKCS#11 cần gói python-pkcs11 (pyHanko[pkcs11]), "
                    "chưa được cài đặt."
                )
            ) from exc
        from pyhanko.sign.general import SigningError

        try:
            with PKCS11SigningContext(self.config()) as signer:
                yield signer
        except SigningError as exc:
            raise SignerUnavailable(
                _("Không dùng được thiết bị ký số %(d)s: %(e)s") % {"d": self.describe(), "e": exc}
            ) from exc


def demo_signing_dir() -> Path | None:
    """`settings.MOTCUA["DEMO_SIGNING_DIR"]` when it holds the demo keys (never in production)."""
    from motcua.signing.testca import DEMO_FILES

    raw = str(settings.MOTCUA.get("DEMO_SIGNING_DIR") or "")
    folder = Path(raw) if raw else None
    if folder is None or not all((folder / name).is_file() for name in DEMO_FILES.values()):
        return None
    return folder


def _demo_signer(group: str) -> DocumentSigner | None:
    from motcua.signing.testca import DEMO_FILES

    folder = demo_signing_dir()
    if folder is None:
        return None
    key = "leader" if group == "SIGNER" else "seal"
    return Pkcs12Signer.from_file(
        str(folder / DEMO_FILES[key]), passphrase_file=str(folder / DEMO_FILES[f"{key}_pass"])
    )


def signer_from_settings(group: str = "SIGNER") -> DocumentSigner:
    """The signer configured in `settings.MOTCUA[group]` ("SIGNER" or "SEAL_SIGNER")."""
    raw = settings.MOTCUA.get(group)
    conf: dict[str, str] = dict(raw) if isinstance(raw, dict) else {}
    backend = (conf.get("BACKEND") or "").strip().lower()
    passphrase_file = conf.get("PASSPHRASE_FILE") or ""
    if backend == "pkcs12":
        if not conf.get("PKCS12_FILE"):
            raise SignerUnavailable(
                _("Thiếu MOTCUA_%(g)s_PKCS12_FILE (tệp khóa PKCS#12).") % {"g": group}
            )
        return Pkcs12Signer.from_file(conf["PKCS12_FILE"], passphrase_file=passphrase_file)
    if backend == "pkcs11":
        if not conf.get("PKCS11_MODULE"):
            raise SignerUnavailable(
                _("Thiếu MOTCUA_%(g)s_PKCS11_MODULE (thư viện PKCS#11 của thiết bị ký).")
                % {"g": group}
            )
        pin = read_secret_file(passphrase_file).decode() if passphrase_file else None
        return Pkcs11Signer(
            module_path=conf["PKCS11_MODULE"],
            token_label=conf.get("PKCS11_TOKEN_LABEL", ""),
            key_label=conf.get("PKCS11_KEY_LABEL", ""),
            cert_label=conf.get("PKCS11_CERT_LABEL", ""),
            pin=pin,
        )
    if not backend:
        demo = _demo_signer(group)
        if demo is not None:
            return demo
        raise SignerUnavailable(_("Chưa cấu hình chữ ký số (MOTCUA_%(g)s_BACKEND).") % {"g": group})
    raise SignerUnavailable(
        _("MOTCUA_%(g)s_BACKEND không hợp lệ: “%(b)s” (dùng pkcs12 hoặc pkcs11).")
        % {"g": group, "b": backend}
    )
