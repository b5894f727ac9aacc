"""`motcua verify-pdf FILE.pdf [--trust-root ROOT.pem ...]`

Prints `{"valid", "intact", "signatures": [{"signer", "signed_at", "trusted", "problems"}]}`
(docs/dev/signing.md). Exit status 0 when the file has at least one signature and every
signature is intact (trust is reported, not required), 1 otherwise, 2 for bad arguments or a
file that is not a PDF. Without `--trust-root` the roots of `MOTCUA_SIGNING_TRUST_ROOTS` are
used."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.signing import services
from motcua.signing.management.commands._common import from_domain_error, read_input


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số của tệp PDF (toàn vẹn, người ký, thời gian, độ tin cậy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp PDF cần kiểm tra")
        parser.add_argument(
            "--trust-root",
            action="append",
            dest="trust_roots",
            metavar="PEM",
            help="Chứng thư gốc tin cậy (PEM/DER); có thể lặp lại",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        pdf = read_input(opts["file"], _("tệp PDF"))
        roots = opts["trust_roots"]
        for root in roots or []:
            read_input(root, _("chứng thư gốc"))
        try:
            result = services.verify_pdf(pdf, trust_roots=roots)
        except DomainError as exc:
            raise from_domain_error(exc) from exc
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        for problem in result.problems:
            self.stderr.write(problem)
        if not (result.intact and result.signatures):
            sys.exit(1)
