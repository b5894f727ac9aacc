"""Signing and verifying PDF documents (PAdES, docs/dev/signing.md).

- `sign_pdf()` adds one PAdES baseline signature (SHA-256, ETSI.CAdES.detached) as an
  incremental update, so a second call (the agency seal, "dấu cơ quan") keeps the first one
  valid. The visible stamp follows Nghị định 30/2020/NĐ-CP Phụ lục I (DOMAIN.md §7.2): the
  signature (or seal) image when given, the signer's name and the signing time in Vietnam time.
- `verify_pdf()` checks every signature with pyHanko against the configured trust roots and
  returns a `VerificationResult` whose `to_dict()` is the JSON contract of `motcua verify-pdf`.
- `pdf_sha256()` is the fingerprint shown next to a signed result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from PIL import Image

    from motcua.signing.signers import DocumentSigner

logger = logging.getLogger(__name__)


class _NoPathBuildingNoise(logging.Filter):
    """pyHanko logs a WARNING with a full traceback for every certificate that does not chain to
    a trust root or has expired. On a public page that is every upload of an unknown signer, and
    the result already says so ("trusted": false): "Failed to build path" records are dropped,
    the others keep their one-line message without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Failed to build path"):
            return False
        record.exc_info = None
        record.exc_text = None
        return True


logging.getLogger("pyhanko.sign.validation.generic_cms").addFilter(_NoPathBuildingNoise())

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: A4 is 595 × 842 pt; the stamp sits in the signature block at the bottom right (ô 7), the
#: seal to its left (ô 8). Boxes are (x1, y1, x2, y2) in PDF points from the bottom-left corner.
SIGNATURE_BOX: tuple[int, int, int, int] = (330, 60, 560, 140)
SEAL_BOX: tuple[int, int, int, int] = (90, 60, 320, 140)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
#: Stamp raster resolution (pixels per PDF point): 4 ≈ 288 dpi, above the 200 dpi of §7.2.
STAMP_SCALE = 4
PDF_MAGIC = b"%PDF"
#: A signer's certificate must allow digitalSignature or nonRepudiation: one suffices, as in
#: Adobe Reader (pyHanko's default demands nonRepudiation).
SIGNING_KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})


class InvalidPdf(DomainError):
    """The bytes are not a PDF pyHanko can read."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Tệp không phải là tài liệu PDF hợp lệ."), code="invalid")


class SigningFailed(DomainError):
    """The signature could not be made (signer, layout or PDF problem)."""


def pdf_sha256(pdf_bytes: bytes) -> str:
    """SHA-256 of the file, lower-case hex (what `sha256sum` prints)."""
    return hashlib.sha256(pdf_bytes).hexdigest()


def stamp_font_path() -> str:
    """Liberation Serif (metric-compatible with Times New Roman, full Vietnamese glyphs), else
    DejaVu."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise SigningFailed(_("Không tìm thấy phông chữ tiếng Việt để vẽ hình chữ ký."))


def format_signing_time(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time (the stamp text)."""
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def render_stamp(
    lines: Sequence[str],
    *,
    size: tuple[int, int],
    stamp_image: bytes | None = None,
) -> Image.Image:
    """The stamp as an RGBA picture: the optional signature/seal image on the left and the text
    lines on the right, drawn with a Vietnamese-capable TrueType font.

    A picture rather than PDF text because pyHanko's TrueType text engine needs the optional
    `uharfbuzz` package, which is not installed (see docs/dev/signing.md)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = size[0] * STAMP_SCALE, size[1] * STAMP_SCALE
    canvas = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    text_left = 4 * STAMP_SCALE
    if stamp_image:
        try:
            opened = Image.open(io.BytesIO(stamp_image))
            opened.load()
        except Exception as exc:  # Pillow raises many types for a bad image
            raise SigningFailed(_("Ảnh chữ ký/con dấu không đọc được.")) from exc
        picture = opened.convert("RGBA")
        picture.thumbnail((height, height))
        canvas.alpha_composite(picture, (0, (height - picture.height) // 2))
        text_left = picture.width + 6 * STAMP_SCALE
    draw = ImageDraw.Draw(canvas)
    font_path = stamp_font_path()
    room = width - text_left - 2 * STAMP_SCALE
    font_size = 10 * STAMP_SCALE
    font = ImageFont.truetype(font_path, font_size)
    # shrink the text until the longest line and all lines fit
    while font_size > 5 * STAMP_SCALE:
        font = ImageFont.truetype(font_path, font_size)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if widest <= room and font_size * 1.25 * len(lines) <= height:
            break
        font_size -= STAMP_SCALE // 2 or 1
    line_height = font_size * 1.25
    top = (height - line_height * len(lines)) / 2
    for index, line in enumerate(lines):
        draw.text((text_left, top + index * line_height), line, font=font, fill=(0, 0, 0, 255))
    return canvas


def _certificate_names(cert: asn1_x509.Certificate) -> tuple[str, str]:
    subject = cert.subject.native
    return str(subject.get("common_name") or ""), str(subject.get("organization_name") or "")


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer: DocumentSigner,
    reason: str = "",
    location: str = "",
    name: str = "",
    field_name: str = "ChuKySo1",
    visible: bool = True,
    stamp_image: bytes | None = None,
    page: int = -1,
    box: tuple[int, int, int, int] = SIGNATURE_BOX,
    seal: bool = False,
) -> bytes:
    """`pdf_bytes` with one more PAdES signature, appended as an incremental update.

    `name` defaults to the common name of the certificate. `seal=True` words the stamp for an
    agency seal ("Cơ quan: …") instead of a person ("Người ký: …"). `page` is 0-based, -1 the
    last page; `box` is (x1, y1, x2, y2) in points. Raises `InvalidPdf` / `SigningFailed` /
    `signers.SignerUnavailable` with a Vietnamese message.
    """
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.stamp.static import StaticStampStyle

    if not pdf_bytes.startswith(PDF_MAGIC):
        raise InvalidPdf()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:  # a malformed file can raise anything in the parser
        raise InvalidPdf() from exc
    try:
        page_count = int(writer.root["/Pages"]["/Count"])
    except Exception as exc:  # a malformed page tree
        raise InvalidPdf() from exc
    if visible and not -page_count <= page < page_count:
        raise SigningFailed(
            _("Tài liệu có %(n)s trang, không có trang %(p)s để đặt chữ ký.")
            % {"n": page_count, "p": page + 1 if page >= 0 else page}
        )
    if field_name in {sig.field_name for sig in _embedded_signatures(writer.prev)}:
        raise SigningFailed(_("Tài liệu đã có chữ ký ở ô “%(f)s”.") % {"f": field_name})

    with signer.session() as pyhanko_signer:
        cert = pyhanko_signer.signing_cert
        common_name, organisation = _certificate_names(cert) if cert else ("", "")
        display_name = name or common_name
        now = dt.datetime.now(dt.UTC)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason or None,
            location=location or None,
            name=display_name or None,
        )
        stamp_style = None
        field_spec = fields.SigFieldSpec(sig_field_name=field_name)
        if visible:
            x1, y1, x2, y2 = box
            if x2 <= x1 or y2 <= y1:
                raise SigningFailed(_("Khung hình chữ ký không hợp lệ."))
            if seal:
                lines = [_("Cơ quan: %(n)s") % {"n": display_name}]
            else:
                lines = [_("Người ký: %(n)s") % {"n": display_name}]
                if organisation:
                    lines.append(_("Cơ quan: %(o)s") % {"o": organisation})
            lines.append(_("Thời gian ký: %(t)s") % {"t": format_signing_time(now)})
            picture = render_stamp(lines, size=(x2 - x1, y2 - y1), stamp_image=stamp_image)
            stamp_style = StaticStampStyle(
                background=PdfImage(picture),
                border_width=1,
                background_layout=_full_box_layout(),
            )
            field_spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
        pdf_signer = signers.PdfSigner(
            meta, signer=pyhanko_signer, stamp_style=stamp_style, new_field_spec=field_spec
        )
        output = io.BytesIO()
        try:
            pdf_signer.sign_pdf(writer, output=output)
        except (SigningError, PdfError, IndexError, ValueError) as exc:
            logger.warning("signing failed: %s", exc)
            raise SigningFailed(_("Không ký được tài liệu: %(e)s") % {"e": exc}) from exc
    return output.getvalue()


def _full_box_layout() -> Any:
    from pyhanko.pdf_utils import layout

    return layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID,
        y_align=layout.AxisAlignment.ALIGN_MID,
        margins=layout.Margins.uniform(0),
        inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
    )


def _embedded_signatures(reader: Any) -> list[Any]:
    return list(reader.embedded_signatures)


# ---------------------------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------------------------


@dataclass
class SignatureReport:
    """One signature. `to_dict()` gives the contract keys only; `intact` and `field_name` are
    for the web page."""

    signer: str
    signed_at: dt.datetime | None
    trusted: bool
    problems: list[str] = field(default_factory=list)
    intact: bool = False
    field_name: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "signer": self.signer,
            "signed_at": self.signed_at.astimezone(VN_TZ).isoformat() if self.signed_at else None,
            "trusted": self.trusted,
            "problems": list(self.problems),
        }


@dataclass
class VerificationResult:
    """`valid` = intact, trusted and at least one signature; `intact` = every signature's digest
    matches and the changes after it are allowed ones (another signature, form filling)."""

    valid: bool
    intact: bool
    signatures: list[SignatureReport]
    problems: list[str] = field(default_factory=list)  # about the file as a whole (not in JSON)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "intact": self.intact,
            "signatures": [sig.to_dict() for sig in self.signatures],
        }


def load_trust_roots(sources: Sequence[str | Path | bytes]) -> list[asn1_x509.Certificate]:
    """Certificates from PEM/DER files (paths) or PEM/DER bytes."""
    from pyhanko.keys import load_certs_from_pemder_data

    certs: list[asn1_x509.Certificate] = []
    for source in sources:
        if isinstance(source, bytes):
            data, label = source, _("dữ liệu chứng thư")
        else:
            label = str(source)
            try:
                data = Path(source).read_bytes()
            except OSError as exc:
                raise DomainError(
                    _("Không đọc được chứng thư gốc %(f)s: %(e)s") % {"f": label, "e": exc.strerror}
                ) from exc
        try:
            loaded = list(load_certs_from_pemder_data(data))
        except Exception as exc:  # asn1crypto raises ValueError/TypeError on junk
            raise DomainError(_("Tệp %(f)s không phải chứng thư PEM/DER.") % {"f": label}) from exc
        if not loaded:
            raise DomainError(_("Tệp %(f)s không chứa chứng thư nào.") % {"f": label})
        certs.extend(loaded)
    return certs


def _trust_problem(indic: Any) -> str:
    name = getattr(indic, "name", "") if indic is not None else "NO_CERTIFICATE_CHAIN_FOUND"
    messages = {
        "NO_CERTIFICATE_CHAIN_FOUND": _(
            "Chứng thư số không được cấp bởi tổ chức chứng thực tin cậy đã cấu hình."
        ),
        "REVOKED": _("Chứng thư số đã bị thu hồi."),
        "EXPIRED": _("Chứng thư số đã hết hạn."),
        "OUT_OF_BOUNDS_NO_POE": _("Chứng thư số hết hạn hoặc chưa có hiệu lực lúc kiểm tra."),
        "NOT_YET_VALID": _("Chứng thư số chưa có hiệu lực."),
        "TRY_LATER": _("Chưa kiểm tra được tình trạng thu hồi của chứng thư số."),
        "CHAIN_CONSTRAINTS_FAILURE": _("Chứng thư số không đúng mục đích sử dụng (ký số)."),
        "SIG_CONSTRAINTS_FAILURE": _("Chứng thư số không đúng mục đích sử dụng (ký số)."),
    }
    return messages.get(name, _("Chứng thư số không được tin cậy (%(c)s).") % {"c": name})


def verify_pdf(
    pdf_bytes: bytes, *, trust_roots: Sequence[str | Path | bytes] | None = None
) -> VerificationResult:
    """Check every signature of the PDF. `trust_roots` (paths or PEM/DER bytes) defaults to
    `settings.MOTCUA["SIGNING_TRUST_ROOTS"]`. Raises `InvalidPdf` for something that is not a
    readable PDF and `DomainError` for an unreadable trust root; never anything else."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    if not pdf_bytes.startswith(PDF_MAGIC):
        raise InvalidPdf()
    configured = settings.MOTCUA.get("SIGNING_TRUST_ROOTS")
    sources = (
        list(trust_roots)
        if trust_roots is not None
        else list(configured)
        if isinstance(configured, list | tuple)
        else []
    )
    if trust_roots is None:
        from motcua.signing.signers import demo_signing_dir
        from motcua.signing.testca import DEMO_FILES

        demo = demo_signing_dir()
        if demo is not None:  # the demo CA of `motcua load-demo` (never in production)
            sources.append(str(demo / DEMO_FILES["root"]))
    roots = load_trust_roots(sources)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = _embedded_signatures(reader)
    except Exception as exc:  # a malformed file can raise anything in the parser
        raise InvalidPdf() from exc

    if not embedded:
        return VerificationResult(
            valid=False,
            intact=False,
            signatures=[],
            problems=[_("Tài liệu không có chữ ký số nào.")],
        )
    reports = []
    for sig in embedded:
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=bool(settings.MOTCUA.get("SIGNING_FETCH_REVOCATION")),
            revocation_mode="soft-fail",
        )
        reports.append(_check_signature(sig, context, have_roots=bool(roots)))
    intact = all(report.intact for report in reports)
    trusted = all(report.trusted for report in reports)
    return VerificationResult(valid=intact and trusted, intact=intact, signatures=reports)


def _check_signature(sig: Any, context: Any, *, have_roots: bool) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    problems: list[str] = []
    signer_name = ""
    try:
        cert = sig.signer_cert
        common_name, organisation = _certificate_names(cert)
        signer_name = common_name or cert.subject.human_friendly
        if organisation and organisation != common_name:
            signer_name = f"{signer_name} ({organisation})"
    except Exception:  # a CMS blob without a usable certificate
        problems.append(_("Không đọc được chứng thư của người ký."))
    try:
        status = validate_pdf_signature(
            sig,
            signer_validation_context=context,
            key_usage_settings=KeyUsageConstraints(
                key_usage=set(SIGNING_KEY_USAGES), match_all_key_usages=False
            ),
        )
    except Exception as exc:  # pyHanko raises several error types for a broken signature
        logger.info("signature %s could not be validated: %s", sig.field_name, exc)
        problems.append(_("Không kiểm tra được chữ ký: cấu trúc chữ ký bị hỏng."))
        return SignatureReport(
            signer=signer_name,
            signed_at=None,
            trusted=False,
            problems=problems,
            intact=False,
            field_name=str(sig.field_name or ""),
        )
    intact = bool(status.intact and status.valid and status.docmdp_ok is True)
    if not status.intact:
        problems.append(_("Nội dung tài liệu đã bị thay đổi sau khi ký (mã băm không khớp)."))
    elif not status.valid:
        problems.append(_("Giá trị chữ ký số không đúng với chứng thư của người ký."))
    elif status.docmdp_ok is not True:
        problems.append(_("Tài liệu có thay đổi không được phép sau khi ký."))
    trusted = bool(status.trusted)
    if intact and not trusted:
        if not have_roots:
            problems.append(_("Chưa cấu hình chứng thư gốc tin cậy (MOTCUA_SIGNING_TRUST_ROOTS)."))
        else:
            problems.append(_trust_problem(status.trust_problem_indic))
    signed_at = None
    if status.timestamp_validity is not None:
        signed_at = status.timestamp_validity.timestamp
    elif status.signer_reported_dt is not None:
        signed_at = status.signer_reported_dt
    return SignatureReport(
        signer=signer_name,
        signed_at=signed_at,
        trusted=intact and trusted,
        problems=problems,
        intact=intact,
        field_name=str(sig.field_name or ""),
    )
