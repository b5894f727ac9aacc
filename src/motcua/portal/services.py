"""Writes of the citizen portal. Dossier state changes go through `motcua.dossiers.services`
(the portal never writes Dossier rows); the portal writes only its own records: submissions
(drafts, idempotency keys), uploads and one-time codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalogue.models import Component, ProcedureVersion
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers import services as dos
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit
from motcua.portal import eform, throttle, uploads
from motcua.portal.constants import (
    OTP_LENGTH,
    OTP_MAX_ATTEMPTS,
    OTP_MAX_SENDS,
    OTP_SEND_WINDOW_SECONDS,
    OTP_TTL_SECONDS,
    OtpPurpose,
    SubmissionState,
    UploadPurpose,
)
from motcua.portal.models import OneTimeCode, Submission, Upload
from motcua.portal.notify import notify
from motcua.portal.storage import get_private_storage

if TYPE_CHECKING:
    from motcua.accounts.models import User as UserT

# ---------------------------------------------------------------------------------------------
# Accounts: one-time codes and sign-up
# ---------------------------------------------------------------------------------------------

_PHONE_RE = re.compile(r"^0\d{9}$")


def normalise_contact(raw: str) -> tuple[str, str]:
    """(channel, destination) of a phone number or an e-mail address typed by a citizen.

    Phones: spaces, dots and dashes removed, `+84`/`84` turned into `0`, 10 digits starting
    with 0. E-mail addresses: lower-cased and checked. Raises `DomainError` otherwise.
    """
    value = (raw or "").strip()
    if "@" in value:
        value = value.lower()
        try:
            validate_email(value)
        except ValidationError as exc:
            raise DomainError(_("Địa chỉ thư điện tử không hợp lệ.")) from exc
        return "email", value
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not _PHONE_RE.match(digits):
        raise DomainError(
            _("Vui lòng nhập số điện thoại di động 10 chữ số (ví dụ 0912345678) hoặc thư điện tử.")
        )
    return "sms", digits


def _code_hash(token: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


def otp_send(*, contact: str, purpose: str = OtpPurpose.SIGNUP, ip: str = "") -> OneTimeCode:
    """Send a 6-digit one-time code (valid 10 minutes) to a phone or an e-mail address.

    At most `OTP_MAX_SENDS` codes per destination and 10 per client IP in 10 minutes. For
    sign-up, an address that already has an account is refused.
    """
    channel, destination = normalise_contact(contact)
    if purpose == OtpPurpose.SIGNUP and User.objects.filter(username__iexact=destination).exists():
        raise DomainError(
            _("Số điện thoại hoặc thư điện tử này đã có tài khoản. Vui lòng đăng nhập.")
        )
    window = OTP_SEND_WINDOW_SECONDS
    if not throttle.hit(f"otp:dest:{destination}", limit=OTP_MAX_SENDS, window=window) or (
        ip and not throttle.hit(f"otp:ip:{ip}", limit=10, window=window)
    ):
        raise DomainError(_("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau 10 phút."))
    code = f"{secrets.randbelow(10**OTP_LENGTH):0{OTP_LENGTH}d}"
    with transaction.atomic():
        otp = OneTimeCode(
            destination=destination,
            channel=channel,
            purpose=purpose,
            expires_at=timezone.now() + dt.timedelta(seconds=OTP_TTL_SECONDS),
        )
        otp.code_hash = _code_hash(str(otp.token), code)
        otp.save()
        text = _(
            "Mã xác thực Một Cửa của bạn là %(code)s (hiệu lực 10 phút). "
            "Không cung cấp mã này cho người khác."
        ) % {"code": code}
        transaction.on_commit(
            partial(
                notify,
                channel=channel,
                destination=destination,
                subject=_("Mã xác thực tài khoản Một Cửa"),
                text=text,
            )
        )
    return otp


def otp_check(*, token: str, code: str) -> OneTimeCode:
    """The unused, unexpired code record if `code` is right; a wrong code uses up one of the
    `OTP_MAX_ATTEMPTS` tries (recorded even though the check fails)."""
    otp = OneTimeCode.objects.filter(token=token).first() if token else None
    if otp is None or otp.used_at is not None:
        raise DomainError(_("Mã xác thực không còn hiệu lực. Vui lòng yêu cầu mã mới."))
    if otp.expires_at < timezone.now() or otp.attempts >= OTP_MAX_ATTEMPTS:
        raise DomainError(_("Mã xác thực đã hết hạn hoặc đã nhập sai quá nhiều lần."))
    if not hmac.compare_digest(otp.code_hash, _code_hash(str(otp.token), (code or "").strip())):
        OneTimeCode.objects.filter(pk=otp.pk).update(attempts=F("attempts") + 1)
        left = OTP_MAX_ATTEMPTS - otp.attempts - 1
        raise DomainError(
            _("Mã xác thực không đúng. Còn %(n)s lần thử.") % {"n": max(left, 0)}, code="otp"
        )
    return otp


def citizen_signup(*, token: str, code: str, full_name: str, password: str) -> UserT:
    """Create a citizen account (`User.kind == "citizen"`) once the one-time code is right.

    The verified phone number or e-mail address becomes the user name. Password rules are
    Django's validators (Vietnamese messages); a refused password keeps the code usable.
    """
    if not full_name.strip():
        raise DomainError(_("Vui lòng nhập họ và tên."))
    otp = otp_check(token=token, code=code)
    from motcua.accounts.services import user_create_citizen

    with transaction.atomic():
        locked = OneTimeCode.objects.select_for_update().get(pk=otp.pk)
        if locked.used_at is not None:
            raise DomainError(_("Mã xác thực không còn hiệu lực. Vui lòng yêu cầu mã mới."))
        try:
            validate_password(password, user=User(username=locked.destination, full_name=full_name))
        except ValidationError as exc:
            raise DomainError(" ".join(str(m) for m in exc.messages)) from exc
        user = user_create_citizen(
            username=locked.destination,
            password=password,
            full_name=full_name,
            email=locked.destination if locked.channel == "email" else "",
            phone=locked.destination if locked.channel == "sms" else "",
        )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
    return user


# ---------------------------------------------------------------------------------------------
# Uploads
# ---------------------------------------------------------------------------------------------


def upload_store(
    *,
    user: UserT,
    file: UploadedFile,
    submission: Submission | None = None,
    dossier: Dossier | None = None,
    component: Component | None = None,
    purpose: str = UploadPurpose.SUBMISSION,
) -> Upload:
    """Store one citizen file privately after checking its size and its type BY CONTENT
    (PDF, JPEG, PNG magic bytes; the name and the browser's declared type are ignored)."""
    checked = uploads.inspect_upload(file)  # size, type by content, SHA-256
    upload = Upload(
        submission=submission,
        dossier=dossier,
        component=component,
        purpose=purpose,
        original_name=(file.name or "")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    upload.file.save("upload", file, save=False)
    upload.save()
    return upload


def _uploads_delete(doomed: Iterable[Upload]) -> None:
    """Delete draft uploads; their stored files go once the transaction commits."""
    doomed = list(doomed)
    if not doomed:
        return
    names = [str(u.file.name) for u in doomed]
    Upload.objects.filter(pk__in=[u.pk for u in doomed]).delete()

    def _delete_files() -> None:
        storage = get_private_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(_delete_files)


def _draft_locked(submission: Submission, user: UserT) -> Submission:
    """The submission row locked (inside a transaction); only its owner's draft."""
    s = Submission.objects.select_for_update().get(pk=submission.pk)
    if s.user_id != user.pk:
        raise PermissionDenied()
    if s.state != SubmissionState.DRAFT or s.dossier_id is not None:
        raise DomainError(_("Hồ sơ đã nộp, không thể thay đổi giấy tờ."))
    return s


def submission_upload_replace(*, submission: Submission, user: UserT, kept: Upload) -> None:
    """`kept` becomes the only file of its component in the draft: the component's other
    files are deleted (one file per component, as the form has one file picker each)."""
    if kept.component_id is None:
        return
    with transaction.atomic():
        s = _draft_locked(submission, user)
        _uploads_delete(
            s.uploads.filter(component_id=kept.component_id, dossier__isnull=True).exclude(
                pk=kept.pk
            )
        )


def submission_upload_put(
    *, user: UserT, file: UploadedFile, submission: Submission, component: Component
) -> Upload:
    """Attach the file the citizen selected for `component` of their draft.

    The form keeps the files already uploaded (a refused submission shows them; they need not
    be selected again), so a file selected for a component REPLACES the one it has: nothing is
    ever stored twice. Selecting the same content again (same SHA-256) stores nothing and
    returns the file already kept. A refused file (type, size) replaces nothing.
    """
    checked = uploads.inspect_upload(file)  # refused here → the kept file stays
    with transaction.atomic():
        s = _draft_locked(submission, user)
        previous = list(s.uploads.filter(component=component, dossier__isnull=True))
        same = next((u for u in previous if u.sha256 == checked.sha256), None)
        upload = same or upload_store(user=user, file=file, submission=s, component=component)
        _uploads_delete(u for u in previous if u.pk != upload.pk)
    return upload


def submission_uploads_dedupe(*, submission: Submission, user: UserT) -> int:
    """Delete the draft's extra copies of a file (same component, same SHA-256), keeping the
    first; drafts saved before `submission_upload_put` replaced files may hold some. Returns
    how many were deleted."""
    with transaction.atomic():
        s = _draft_locked(submission, user)
        seen: set[tuple[int | None, str]] = set()
        doomed = []
        for u in s.uploads.filter(dossier__isnull=True).order_by("uploaded_at", "pk"):
            if (u.component_id, u.sha256) in seen:
                doomed.append(u)
            seen.add((u.component_id, u.sha256))
        _uploads_delete(doomed)
    return len(doomed)


# ---------------------------------------------------------------------------------------------
# Online submission
# ---------------------------------------------------------------------------------------------

APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone",
                    "applicant_email", "applicant_address")  # fmt: skip


def submission_for_key(
    *, user: UserT, idempotency_key: str, version: ProcedureVersion
) -> Submission:
    """The submission of this form key, created on the first POST. Another account's key, or a
    key of another procedure, is refused."""
    key = (idempotency_key or "").strip()
    if not re.fullmatch(r"[0-9a-f]{32}", key):
        raise DomainError(_("Biểu mẫu không hợp lệ. Vui lòng tải lại trang."))
    try:
        with transaction.atomic():
            submission, _created = Submission.objects.get_or_create(
                idempotency_key=key, defaults={"user": user, "procedure_version": version}
            )
    except IntegrityError:
        submission = Submission.objects.get(idempotency_key=key)
    if submission.user_id != user.pk:
        raise PermissionDenied()
    if submission.procedure_version.procedure_id != version.procedure_id:
        raise DomainError(_("Biểu mẫu không thuộc thủ tục này. Vui lòng tải lại trang."))
    return submission


def submission_save_draft(
    *,
    submission: Submission,
    user: UserT,
    unit: Unit | None,
    raw_data: Mapping[str, str],
    applicant: Mapping[str, str],
) -> Submission:
    """Keep what the citizen typed (e-form values as strings, applicant details, chosen unit).
    Nothing is validated: a draft may be incomplete."""
    with transaction.atomic():
        s = Submission.objects.select_for_update().get(pk=submission.pk)
        if s.user_id != user.pk:
            raise PermissionDenied()
        if s.state != SubmissionState.DRAFT:
            return s
        s.unit = unit
        s.data = dict(raw_data)
        s.applicant = {k: str(applicant.get(k, "")).strip() for k in APPLICANT_FIELDS}
        s.save()
    return s


def submission_components_provided(submission: Submission) -> set[int]:
    return set(
        submission.uploads.filter(component__isnull=False).values_list("component_id", flat=True)
    )


@dataclass
class SubmitCheck:
    clean_data: dict[str, Any]
    errors: dict[str, str]  # e-form field -> message
    problems: list[str]  # page-level messages


def submission_check(submission: Submission, *, declaration: bool) -> SubmitCheck:
    """Everything that must hold before submitting: the e-form (server-side JSON Schema
    subset), the applicant's name, a unit, the declaration and, for full online procedures,
    a file for each required component."""
    version = submission.procedure_version
    clean, errors = eform.validate(version.eform_schema or {}, submission.data or {})
    problems: list[str] = []
    if not (submission.applicant or {}).get("applicant_name"):
        problems.append(_("Vui lòng nhập họ tên người nộp hồ sơ."))
    if submission.unit_id is None:
        problems.append(_("Vui lòng chọn nơi nộp hồ sơ (UBND xã, phường)."))
    if version.online_level == "full":
        provided = submission_components_provided(submission)
        for c in version.components.filter(required=True).order_by("order"):
            if c.pk not in provided:
                problems.append(_("Vui lòng tải lên: %(name)s.") % {"name": c.name})
    if not declaration:
        problems.append(_("Vui lòng đánh dấu cam đoan những thông tin đã khai là đúng sự thật."))
    return SubmitCheck(clean, errors, problems)


def submission_submit(*, submission: Submission, user: UserT, declaration: bool) -> Dossier:
    """Submit online (NĐ61 art. 16(3), 17(2)) through `dossiers.services.dossier_submit_online`.

    Idempotent: the submission row is locked and, once it has its dossier, every later call
    with the same key returns that dossier (double tap, retried request → ONE dossier).
    Raises `DomainError` listing what is missing when the checks fail.
    """
    with transaction.atomic():
        s = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("procedure_version__procedure", "unit")
            .get(pk=submission.pk)
        )
        if s.user_id != user.pk:
            raise PermissionDenied()
        if s.dossier_id is not None:
            assert s.dossier is not None
            return s.dossier
        check = submission_check(s, declaration=declaration)
        if check.errors or check.problems:
            raise DomainError(
                " ".join(check.problems + list(check.errors.values())), code="incomplete"
            )
        applicant = s.applicant or {}
        assert s.unit is not None
        dossier = dos.dossier_submit_online(
            user=user,
            unit=s.unit,
            procedure=s.procedure_version.procedure,
            idempotency_key=s.idempotency_key,
            provided_component_ids=submission_components_provided(s),
            applicant_name=applicant.get("applicant_name", ""),
            applicant_id_number=applicant.get("applicant_id_number", ""),
            applicant_phone=applicant.get("applicant_phone", ""),
            applicant_email=applicant.get("applicant_email", ""),
            applicant_address=applicant.get("applicant_address", ""),
            data=check.clean_data,
        )
        s.dossier = dossier
        s.state = SubmissionState.SUBMITTED
        s.submitted_at = timezone.now()
        s.save(update_fields=["dossier", "state", "submitted_at", "updated_at"])
        s.uploads.update(dossier=dossier)
    return dossier


def submission_discard(*, submission: Submission, user: UserT) -> None:
    """Delete a draft and its files."""
    with transaction.atomic():
        s = Submission.objects.select_for_update().get(pk=submission.pk)
        if s.user_id != user.pk:
            raise PermissionDenied()
        if s.dossier_id is not None:
            raise DomainError(_("Hồ sơ đã nộp, không thể xóa bản nháp."))
        files = [str(u.file.name) for u in s.uploads.all()]
        s.delete()
    for name in files:
        get_private_storage().delete(name)


# ---------------------------------------------------------------------------------------------
# After submission: supplement, withdrawal
# ---------------------------------------------------------------------------------------------

SUPPLEMENT_STATES = (State.INTAKE_SUPPLEMENT, State.SUPPLEMENT_AFTER_REVIEW)


def dossier_supplement_respond(
    *,
    dossier: Dossier,
    user: UserT,
    files: Iterable[tuple[Component | None, UploadedFile]],
    expected_version: int | None = None,
) -> Dossier:
    """The citizen answers a supplement request online by uploading the missing papers (the
    e-form is not typed again).

    - Before receipt (`intake_supplement`, NĐ61 art. 17(2)(a)): the dossier is sent back with
      `dossiers.services.dossier_resubmit_online` (→ `submitted`), the uploaded components
      ticked as provided.
    - After review (`supplement_after_review`, art. 19(4)): the files are attached; the
      one-stop officer records the complete dossier with `dossier_supplement_complete` (the
      clock restarts from zero then). No citizen-side service exists yet for this step.
    """
    files = list(files)
    if dossier.applicant_id != user.pk:
        raise PermissionDenied()
    if dossier.state not in SUPPLEMENT_STATES:
        raise DomainError(_("Hồ sơ hiện không có yêu cầu bổ sung."))
    if not files:
        raise DomainError(_("Vui lòng chọn ít nhất một tệp để bổ sung."))
    with transaction.atomic():
        for component, f in files:
            upload_store(
                user=user,
                file=f,
                dossier=dossier,
                component=component,
                purpose=UploadPurpose.SUPPLEMENT,
            )
        if dossier.state == State.INTAKE_SUPPLEMENT:
            provided = set(
                dossier.components.filter(provided=True, component__isnull=False).values_list(
                    "component_id", flat=True
                )
            )
            provided |= {c.pk for c, _f in files if c is not None}
            dossier = dos.dossier_resubmit_online(
                dossier=dossier,
                user=user,
                provided_component_ids=provided,
                expected_version=expected_version,
            )
    return dossier


def citizen_dossier_withdraw(
    *, dossier: Dossier, user: UserT, reason: str, expected_version: int | None = None
) -> Dossier:
    """Withdraw one's own dossier (DOMAIN §1.10) through `dossiers.services.dossier_withdraw`."""
    if dossier.applicant_id != user.pk:
        raise PermissionDenied()
    return dos.dossier_withdraw(
        dossier=dossier,
        user=user,
        reason=reason.strip() or _("Công dân rút hồ sơ trực tuyến."),
        expected_version=expected_version,
    )
