"""`motcua sign-pdf IN.pdf OUT.pdf --pkcs12 FILE.p12 [--passphrase-file F] [--reason …]
[--location …] [--visible|--invisible] [--image PNG] [--seal-pkcs12 SEAL.p12
[--seal-passphrase-file F] [--seal-image PNG]]`

Adds a PAdES signature of the signing officer and, with `--seal-pkcs12`, the agency seal as a
second signature (incremental update: both stay valid). Without `--pkcs12` the signer configured
in `MOTCUA_SIGNER_*` is used (docs/dev/signing.md). Bad arguments: message, exit status 2."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.cli import output_file
from motcua.core.errors import DomainError
from motcua.signing import services
from motcua.signing.management.commands._common import (
    bad_arguments,
    from_domain_error,
    read_input,
)
from motcua.signing.signers import DocumentSigner, Pkcs12Signer, signer_from_settings


class Command(BaseCommand):
    help = "Ký số tệp PDF (PAdES): chữ ký người có thẩm quyền và, tùy chọn, dấu cơ quan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="Tệp PDF cần ký")
        parser.add_argument("output", help="Tệp PDF đã ký (được ghi mới)")
        parser.add_argument("--pkcs12", help="Tệp khóa PKCS#12 (.p12/.pfx) của người ký")
        parser.add_argument("--passphrase-file", default="", help="Tệp chứa mật khẩu PKCS#12")
        parser.add_argument("--reason", default="", help="Lý do ký")
        parser.add_argument("--location", default="", help="Nơi ký")
        parser.add_argument(
            "--name", default="", help="Tên hiển thị (mặc định: tên trong chứng thư)"
        )
        parser.add_argument("--image", default="", help="Ảnh chữ ký (PNG nền trong suốt)")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--visible",
            dest="visible",
            action="store_true",
            default=True,
            help="Hiện hình chữ ký ở trang cuối (mặc định)",
        )
        group.add_argument(
            "--invisible", dest="visible", action="store_false", help="Chữ ký không hiện hình"
        )
        parser.add_argument("--seal-pkcs12", default="", help="Tệp PKCS#12 của dấu cơ quan")
        parser.add_argument("--seal-passphrase-file", default="", help="Mật khẩu PKCS#12 của dấu")
        parser.add_argument("--seal-image", default="", help="Ảnh con dấu (PNG nền trong suốt)")

    def handle(self, *args: Any, **opts: Any) -> None:
        pdf = read_input(opts["input"], _("tệp PDF"))
        try:
            out = output_file(opts["output"])
        except CommandError as exc:  # same message, but the exit status of a bad argument
            raise bad_arguments(str(exc)) from exc
        try:
            signer = self._signer(opts["pkcs12"], opts["passphrase_file"])
            seal = (
                self._signer(opts["seal_pkcs12"], opts["seal_passphrase_file"])
                if opts["seal_pkcs12"]
                else None
            )
            image = read_input(opts["image"], _("ảnh chữ ký")) if opts["image"] else None
            seal_image = (
                read_input(opts["seal_image"], _("ảnh con dấu")) if opts["seal_image"] else None
            )
            signed = services.sign_pdf(
                pdf,
                signer=signer,
                reason=opts["reason"],
                location=opts["location"],
                name=opts["name"],
                field_name="ChuKySo1",
                visible=opts["visible"],
                stamp_image=image,
            )
            if seal is not None:
                signed = services.sign_pdf(
                    signed,
                    signer=seal,
                    reason=opts["reason"],
                    location=opts["location"],
                    field_name="DauCoQuan",
                    visible=opts["visible"],
                    stamp_image=seal_image,
                    box=services.SEAL_BOX,
                    seal=True,
                )
        except DomainError as exc:
            raise from_domain_error(exc) from exc
        out.write_bytes(signed)
        self.stdout.write(
            _("Đã ký %(n)s chữ ký, ghi %(f)s (SHA-256 %(h)s).")
            % {"n": 2 if seal else 1, "f": out, "h": services.pdf_sha256(signed)}
        )

    @staticmethod
    def _signer(pkcs12: str | None, passphrase_file: str) -> DocumentSigner:
        if pkcs12:
            read_input(pkcs12, _("tệp khóa PKCS#12"))
            if passphrase_file:
                read_input(passphrase_file, _("tệp mật khẩu"))
            return Pkcs12Signer.from_file(pkcs12, passphrase_file=passphrase_file)
        if passphrase_file:
            raise bad_arguments(_("--passphrase-file chỉ dùng cùng --pkcs12."))
        return signer_from_settings("SIGNER")
