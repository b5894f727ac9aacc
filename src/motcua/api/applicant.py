"""`/api/v1/me/…`: the applicant's own dossiers, drafts, submission, supplements, withdrawal.

The same services as the portal pages (`motcua.portal.services`): a submission is a draft keyed
by a client-chosen idempotency key (32 hex digits), filled with `PUT`, given files with `POST
…/files`, then submitted; submitting twice with one key returns the one dossier. Callers are a
logged-in citizen session (CSRF checked on writes) or a citizen's API token with the
`applicant` scope. A staff account is refused (403): staff work through `/dossiers`.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile as NinjaFile
from ninja.security import SessionAuth

from motcua.accounts.models import User, UserKind
from motcua.api import presenters
from motcua.api.auth import Principal, TokenAuth, principal
from motcua.api.constants import APPLICANT_SCOPE, PAGE_DEFAULT, PAGE_MAX
from motcua.api.problems import ApiProblem
from motcua.api.schemas import LookupOut, Problem, Text
from motcua.api.selectors import BadCursor, decode_cursor, encode_cursor
from motcua.catalogue.models import Component
from motcua.core.errors import PermissionDenied
from motcua.dossiers.models import Dossier
from motcua.dossiers.transitions import TRANSITIONS, Action
from motcua.organisation.models import Unit
from motcua.portal import eform
from motcua.portal import selectors as portal_selectors
from motcua.portal import services as portal_services
from motcua.portal.models import Submission, SubmissionState

ERRORS_READ = frozenset({400, 401, 403, 404})
ERRORS_WRITE = frozenset({400, 401, 403, 404, 409, 422})


class ApplicantSessionAuth(SessionAuth):
    """Django session of a logged-in, active citizen account; CSRF checked on writes."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user: Any = request.user
        if user.is_authenticated and user.is_active and user.kind == UserKind.CITIZEN:
            return Principal(user=user, scopes=frozenset({APPLICANT_SCOPE}))
        return None


APPLICANT_AUTH = [TokenAuth(), ApplicantSessionAuth()]

router = Router(auth=APPLICANT_AUTH, tags=["Người nộp hồ sơ"])


def _applicant(request: HttpRequest) -> User:
    who = principal(request, APPLICANT_SCOPE)
    if who.user.kind != UserKind.CITIZEN:
        raise ApiProblem(403, _("Chỉ tài khoản công dân dùng được các thao tác này."))
    return who.user


# --- Shapes -----------------------------------------------------------------------------------


class MyDossierItem(Schema):
    id: int
    code: str
    procedure_code: str
    procedure_name: str
    unit_name: str
    state: str
    state_label: str
    submitted_at: Any = Field(None, description="ISO 8601, UTC")
    received_at: Any = None
    appointment: Any = None


class MyDossierPageOut(Schema):
    items: list[MyDossierItem]
    next_cursor: str | None


class UploadOut(Schema):
    id: int
    component_id: int | None
    component_name: str
    file_name: str
    size: int
    content_type: str
    purpose: str


class MyDossierOut(LookupOut):
    id: int
    version: int = Field(description="Gửi lại trong `expected_version` khi rút hồ sơ")
    can_withdraw: bool
    can_supplement: bool
    uploads: list[UploadOut]


class DraftIn(Schema):
    procedure_code: Text = Field(max_length=64)
    unit_code: Text | None = Field(None, max_length=32, description="Nơi nộp (mã đơn vị)")
    data: dict[str, Text] = Field(default_factory=dict, description="Giá trị tờ khai điện tử")
    applicant_name: Text = Field("", max_length=200)
    applicant_id_number: Text = Field("", max_length=32)
    applicant_phone: Text = Field("", max_length=32)
    applicant_email: Text = Field("", max_length=254)
    applicant_address: Text = Field("", max_length=500)


class DraftOut(Schema):
    key: str
    state: str
    procedure_code: str
    unit_code: str | None
    data: dict[str, Any]
    applicant: dict[str, str]
    uploads: list[UploadOut]
    dossier_id: int | None
    errors: dict[str, str] = Field(description="Lỗi từng trường tờ khai nếu nộp lúc này")
    problems: list[str] = Field(description="Những gì còn thiếu để nộp")


class SubmitIn(Schema):
    declaration: bool = Field(description="Cam đoan thông tin khai là đúng sự thật")


class WithdrawIn(Schema):
    reason: Text = Field("", max_length=1000)
    expected_version: int | None = None


# --- Helpers ----------------------------------------------------------------------------------


def _upload(u: Any) -> dict[str, Any]:
    return {
        "id": u.pk,
        "component_id": u.component_id,
        "component_name": u.component.name if u.component_id else "",
        "file_name": u.original_name,
        "size": u.size,
        "content_type": u.content_type,
        "purpose": u.purpose,
    }


def _own_dossier(user: User, dossier_id: int) -> Dossier:
    try:
        return portal_selectors.citizen_dossier_get(user, dossier_id)
    except Dossier.DoesNotExist as exc:
        raise ApiProblem(404, _("Không tìm thấy hồ sơ.")) from exc


def _my_dossier(d: Dossier) -> dict[str, Any]:
    status = portal_selectors.dossier_status(d)
    return {
        **presenters.lookup_status(status),
        "applicant": d.applicant_name,  # one's own dossier: the full name
        "id": d.pk,
        "version": d.version,
        "can_withdraw": d.state in TRANSITIONS[Action.WITHDRAW].sources,
        "can_supplement": d.state in portal_services.SUPPLEMENT_STATES,
        "uploads": [
            _upload(u) for u in portal_selectors.dossier_uploads(d).select_related("component")
        ],
    }


def _own_draft(user: User, key: str) -> Submission:
    found = (
        Submission.objects.select_related("procedure_version__procedure", "unit")
        .filter(idempotency_key=key, user=user)
        .first()
    )
    if found is None:
        raise ApiProblem(404, _("Không tìm thấy bản nháp."))
    return found


def _draft(s: Submission) -> dict[str, Any]:
    check = portal_services.submission_check(s, declaration=True)
    return {
        "key": s.idempotency_key,
        "state": s.state,
        "procedure_code": s.procedure_version.procedure.code,
        "unit_code": s.unit.code if s.unit else None,
        "data": s.data or {},
        "applicant": s.applicant or {},
        "uploads": [_upload(u) for u in s.uploads.select_related("component")],
        "dossier_id": s.dossier_id,
        "errors": {k: str(v) for k, v in check.errors.items()},
        "problems": [str(p) for p in check.problems],
    }


KEY_PATTERN = r"^[0-9a-f]{32}$"


# --- Endpoints --------------------------------------------------------------------------------


@router.get(
    "/me/dossiers",
    response={200: MyDossierPageOut, ERRORS_READ: Problem},
    summary="Hồ sơ của tôi (mới nhất trước, phân trang bằng con trỏ)",
    url_name="my_dossiers",
)
def my_dossiers(
    request: HttpRequest, cursor: Text | None = None, limit: int = PAGE_DEFAULT
) -> dict[str, Any]:
    user = _applicant(request)
    if not 1 <= limit <= PAGE_MAX:
        raise ApiProblem(400, _("limit phải từ 1 đến %(max)s.") % {"max": PAGE_MAX})
    rows = portal_selectors.citizen_dossiers(user).order_by("-pk")
    if cursor:
        try:
            (after,) = decode_cursor(cursor, "me", 1)
            rows = rows.filter(pk__lt=int(after))
        except (BadCursor, TypeError, ValueError) as exc:
            raise ApiProblem(400, _("Con trỏ phân trang không hợp lệ hoặc đã hết hạn.")) from exc
    page = list(rows.select_related("procedure_version__procedure", "unit")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    items = []
    for d in page:
        status = portal_selectors.dossier_status(d, with_events=False)
        items.append(
            {
                "id": d.pk,
                "code": d.code or "",
                "procedure_code": d.procedure_version.procedure.code,
                "procedure_name": status.procedure_name,
                "unit_name": status.unit_name,
                "state": d.state,
                "state_label": status.state_label,
                "submitted_at": d.submitted_at,
                "received_at": d.received_at,
                "appointment": status.appointment,
            }
        )
    return {"items": items, "next_cursor": encode_cursor("me", page[-1].pk) if more else None}


@router.get(
    "/me/dossiers/{dossier_id}",
    response={200: MyDossierOut, ERRORS_READ: Problem},
    summary="Một hồ sơ của tôi: tình trạng, lịch sử, thông báo, tệp đã nộp",
    url_name="my_dossier",
)
def my_dossier(request: HttpRequest, dossier_id: int) -> dict[str, Any]:
    return _my_dossier(_own_dossier(_applicant(request), dossier_id))


@router.put(
    "/me/submissions/{key}",
    response={200: DraftOut, ERRORS_WRITE: Problem},
    summary="Tạo hoặc lưu bản nháp hồ sơ trực tuyến (khóa do ứng dụng chọn: 32 chữ số hex)",
    url_name="my_draft",
)
def draft_save(
    request: HttpRequest, key: Annotated[str, Field(pattern=KEY_PATTERN)], payload: DraftIn
) -> dict[str, Any]:
    user = _applicant(request)
    page = portal_selectors.procedure_page(payload.procedure_code)
    if page is None:
        raise ApiProblem(404, _("Không có thủ tục mã “%(c)s”.") % {"c": payload.procedure_code})
    if not page.can_submit_online:
        raise ApiProblem(422, _("Thủ tục này chưa nộp trực tuyến được."))
    unit: Unit | None = None
    if payload.unit_code:
        unit = next((u for u in page.units if u.code == payload.unit_code), None)
        if unit is None:
            raise ApiProblem(
                422, _("Đơn vị “%(u)s” không giải quyết thủ tục này.") % {"u": payload.unit_code}
            )
    try:
        submission = portal_services.submission_for_key(
            user=user, idempotency_key=key, version=page.version
        )
    except PermissionDenied as exc:  # another account's key: as if it did not exist (404)
        raise ApiProblem(404, _("Không tìm thấy bản nháp.")) from exc
    schema = page.version.eform_schema or {}
    known = set(eform.field_order(schema))
    unknown = sorted(set(payload.data) - known)
    if unknown:
        raise ApiProblem(
            422, _("Tờ khai không có trường: %(f)s.") % {"f": ", ".join(unknown)[:300]}
        )
    submission = portal_services.submission_save_draft(
        submission=submission,
        user=user,
        unit=unit,
        raw_data=payload.data,
        applicant={k: getattr(payload, k) for k in portal_services.APPLICANT_FIELDS},
    )
    return _draft(_own_draft(user, submission.idempotency_key))


@router.get(
    "/me/submissions/{key}",
    response={200: DraftOut, ERRORS_READ: Problem},
    summary="Bản nháp hồ sơ trực tuyến và những gì còn thiếu",
    url_name="my_draft_get",
)
def draft_get(
    request: HttpRequest, key: Annotated[str, Field(pattern=KEY_PATTERN)]
) -> dict[str, Any]:
    return _draft(_own_draft(_applicant(request), key))


@router.post(
    "/me/submissions/{key}/files",
    response={200: DraftOut, ERRORS_WRITE: Problem},
    summary="Đính kèm tệp thành phần hồ sơ vào bản nháp (PDF, JPEG, PNG)",
    url_name="my_draft_file",
)
def draft_file(
    request: HttpRequest,
    key: Annotated[str, Field(pattern=KEY_PATTERN)],
    component_id: Form[int],
    file: File[NinjaFile],
) -> dict[str, Any]:
    user = _applicant(request)
    submission = _own_draft(user, key)
    if submission.state != SubmissionState.DRAFT:
        raise ApiProblem(409, _("Hồ sơ đã nộp; không thể sửa bản nháp."))
    component = submission.procedure_version.components.filter(pk=component_id).first()
    if component is None:
        raise ApiProblem(422, _("Thủ tục không có thành phần hồ sơ này."))
    portal_services.upload_store(user=user, file=file, submission=submission, component=component)
    return _draft(_own_draft(user, key))


@router.post(
    "/me/submissions/{key}/submit",
    response={200: MyDossierOut, ERRORS_WRITE: Problem},
    summary="Nộp hồ sơ (gửi lại cùng khóa trả về đúng hồ sơ đã tạo)",
    url_name="my_draft_submit",
)
def draft_submit(
    request: HttpRequest, key: Annotated[str, Field(pattern=KEY_PATTERN)], payload: SubmitIn
) -> dict[str, Any]:
    user = _applicant(request)
    submission = _own_draft(user, key)
    dossier = portal_services.submission_submit(
        submission=submission, user=user, declaration=payload.declaration
    )
    return _my_dossier(_own_dossier(user, dossier.pk))


@router.post(
    "/me/dossiers/{dossier_id}/supplement",
    response={200: MyDossierOut, ERRORS_WRITE: Problem},
    summary="Bổ sung hồ sơ theo yêu cầu: tải lên các tệp còn thiếu",
    description=(
        "`files`: các tệp; `component_ids`: mã thành phần tương ứng từng tệp, cách nhau bằng "
        "dấu phẩy (để trống nếu không gắn với thành phần nào)."
    ),
    url_name="my_dossier_supplement",
)
def supplement(
    request: HttpRequest,
    dossier_id: int,
    files: File[list[NinjaFile]],
    component_ids: Form[str] = "",
) -> dict[str, Any]:
    user = _applicant(request)
    dossier = _own_dossier(user, dossier_id)
    wanted = [part.strip() for part in component_ids.split(",")] if component_ids else []
    components = {c.pk: c for c in dossier.procedure_version.components.all()}
    pairs: list[tuple[Component | None, UploadedFile]] = []
    for i, f in enumerate(files):
        raw = wanted[i] if i < len(wanted) else ""
        component = None
        if raw:
            if not raw.isdigit() or int(raw) not in components:
                raise ApiProblem(422, _("Thủ tục không có thành phần hồ sơ “%(c)s”.") % {"c": raw})
            component = components[int(raw)]
        pairs.append((component, f))
    portal_services.dossier_supplement_respond(dossier=dossier, user=user, files=pairs)
    return _my_dossier(_own_dossier(user, dossier_id))


@router.post(
    "/me/dossiers/{dossier_id}/withdraw",
    response={200: MyDossierOut, ERRORS_WRITE: Problem},
    summary="Rút hồ sơ (trước khi có kết quả)",
    url_name="my_dossier_withdraw",
)
def withdraw(request: HttpRequest, dossier_id: int, payload: WithdrawIn) -> dict[str, Any]:
    user = _applicant(request)
    dossier = _own_dossier(user, dossier_id)
    portal_services.citizen_dossier_withdraw(
        dossier=dossier,
        user=user,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return _my_dossier(_own_dossier(user, dossier_id))
