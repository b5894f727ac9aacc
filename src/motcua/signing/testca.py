"""A throw-away certificate authority for tests and the demo (never for production documents).

`create_test_ca()` makes a self-signed root; `TestCA.issue()` makes a leaf certificate for a
person (the leader who signs, "người ký") or for the agency seal ("dấu cơ quan"), both with the
key usages a document signature needs (digitalSignature + nonRepudiation, critical);
`IssuedIdentity.pkcs12()` exports the key, the certificate and the root as PKCS#12 bytes
(what `motcua sign-pdf --pkcs12` and `Pkcs12Signer` load).

Keys are RSA 2048 by default (understood by every PDF reader, poppler's `pdfsig` included);
`key_type="ec"` gives P-256 keys, faster to make.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

KeyType = Literal["rsa", "ec"]
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
IdentityKind = Literal["person", "seal"]


def _new_key(key_type: KeyType) -> PrivateKey:
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


@dataclass(frozen=True)
class IssuedIdentity:
    """A leaf certificate, its private key and the chain up to the test root."""

    kind: IdentityKind
    certificate: x509.Certificate
    private_key: PrivateKey
    chain: tuple[x509.Certificate, ...]

    @property
    def common_name(self) -> str:
        attrs = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(attrs[0].value) if attrs else ""

    def pkcs12(self, passphrase: bytes | None = None) -> bytes:
        """PKCS#12 bytes (key + certificate + chain), encrypted when a passphrase is given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            name=self.common_name.encode(),
            key=self.private_key,
            cert=self.certificate,
            cas=list(self.chain),
            encryption_algorithm=encryption,
        )

    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class TestCA:
    """A self-signed root that issues signing certificates."""

    __test__ = False  # not a pytest test class despite the name

    certificate: x509.Certificate
    private_key: PrivateKey
    key_type: KeyType = "rsa"

    def root_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(
        self,
        common_name: str,
        *,
        organisation: str = "",
        kind: IdentityKind = "person",
        days: int = 365,
        not_before: dt.datetime | None = None,
        signing_usages: bool = True,
    ) -> IssuedIdentity:
        """A leaf certificate for a person or an agency seal, signed by this root.
        `signing_usages=False` gives a key-encipherment-only certificate (negative tests)."""
        key = _new_key(self.key_type)
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=signing_usages,
                    content_commitment=signing_usages,  # nonRepudiation
                    key_encipherment=not signing_usages,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.private_key.public_key()),
                critical=False,
            )
        )
        certificate = builder.sign(self.private_key, hashes.SHA256())
        return IssuedIdentity(
            kind=kind, certificate=certificate, private_key=key, chain=(self.certificate,)
        )


def create_test_ca(
    common_name: str = "Một Cửa – CA thử nghiệm (không dùng thật)",
    *,
    key_type: KeyType = "rsa",
    days: int = 3650,
) -> TestCA:
    """A new self-signed root CA (basicConstraints CA, keyCertSign + cRLSign)."""
    key = _new_key(key_type)
    name = _name(common_name, "Một Cửa – thử nghiệm")
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return TestCA(certificate=certificate, private_key=key, key_type=key_type)


# ---------------------------------------------------------------------------------------------
# Demo key files (`motcua signing-demo-keys`)
# ---------------------------------------------------------------------------------------------

DEMO_FILES = {
    "root": "ca-goc-demo.pem",
    "leader": "lanh-dao-demo.p12",
    "leader_pass": "lanh-dao-demo.pass",
    "seal": "dau-co-quan-demo.p12",
    "seal_pass": "dau-co-quan-demo.pass",
}


@dataclass(frozen=True)
class DemoKeys:
    """Paths of the demo key files and whether this call created them."""

    folder: Path
    created: bool

    def path(self, key: str) -> Path:
        return self.folder / DEMO_FILES[key]

    def settings_env(self) -> dict[str, str]:
        """The environment variables that make the project sign with the demo keys."""
        return {
            "MOTCUA_SIGNER_BACKEND": "pkcs12",
            "MOTCUA_SIGNER_PKCS12_FILE": str(self.path("leader")),
            "MOTCUA_SIGNER_PASSPHRASE_FILE": str(self.path("leader_pass")),
            "MOTCUA_SEAL_SIGNER_BACKEND": "pkcs12",
            "MOTCUA_SEAL_SIGNER_PKCS12_FILE": str(self.path("seal")),
            "MOTCUA_SEAL_SIGNER_PASSPHRASE_FILE": str(self.path("seal_pass")),
            "MOTCUA_SIGNING_TRUST_ROOTS": str(self.path("root")),
        }


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (created 0600, never world-readable)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def write_demo_keys(
    folder: str | Path,
    *,
    leader: str = "Đỗ Văn Hùng",
    agency: str = "Ủy ban nhân dân xã Tái Sơn",
    force: bool = False,
) -> DemoKeys:
    """A demo CA, the leader's and the agency seal's PKCS#12 files, each with a random
    passphrase in a `.pass` file beside it. Existing files are kept unless `force` (so the demo
    loader can call this on every run). Never commit these files (`var/` is git-ignored)."""
    out = Path(folder).resolve()
    keys = DemoKeys(folder=out, created=False)
    if not force and all(keys.path(key).is_file() for key in DEMO_FILES):
        return keys
    out.mkdir(parents=True, exist_ok=True)
    ca = create_test_ca("Một Cửa – CA demo (không có giá trị pháp lý)")
    identities = {
        "leader": ca.issue(leader, organisation=agency, kind="person"),
        "seal": ca.issue(agency, organisation=agency, kind="seal"),
    }
    (out / DEMO_FILES["root"]).write_bytes(ca.root_pem())
    for key, identity in identities.items():
        passphrase = secrets.token_urlsafe(24).encode()
        _write_private(keys.path(f"{key}_pass"), passphrase + b"\n")
        _write_private(keys.path(key), identity.pkcs12(passphrase))
    return DemoKeys(folder=out, created=True)
