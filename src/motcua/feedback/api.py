"""`/api/v1/` endpoints of ratings and PAKN (a django-ninja Router registered by
`motcua.api.views`). Same conventions as the rest of the API: RFC 9457 problems, cursor
pagination, public endpoints throttled, staff endpoints by token or staff session.

The sender's personal data never leaves through this router: the staff list shows the
handling data only (the back-office detail page shows the sender, and logs the read).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from motcua.api.auth import STAFF_AUTH, principal
from motcua.api.constants import PAGE_DEFAULT, PAGE_MAX, Scope
from motcua.api.problems import ApiProblem
from motcua.api.schemas import CODE_PATTERN, SECRET_PATTERN, Problem, Text
from motcua.api.selectors import BadCursor, decode_cursor, encode_cursor
from motcua.catalogue.models import Procedure
from motcua.core.errors import DomainError
from motcua.core.text import try_again_in
from motcua.feedback import selectors, services
from motcua.feedback.constants import (
    LOOKUP_MAX_TRIES,
    LOOKUP_WINDOW_SECONDS,
    RATING_REASONS,
    SUBMIT_MAX_TRIES,
    SUBMIT_WINDOW_SECONDS,
    FeedbackChannel,
    FeedbackKind,
    RatingChannel,
)
from motcua.feedback.services import FeedbackInvalid
from motcua.organisation.models import Unit
from motcua.portal import selectors as portal_selectors
from motcua.portal import throttle

router = Router(tags=["Phản ánh, kiến nghị"])

ERRORS_SUBMIT = frozenset({400, 404, 409, 422, 429})
ERRORS_LOOKUP = frozenset({400, 404, 429})
ERRORS_RATE = frozenset({400, 404, 422, 429})
ERRORS_STAFF = frozenset({400, 401, 403, 429})  # 429: token rate limit

RatingReason = StrEnum("RatingReason", {k.upper(): k for k in RATING_REASONS})  # type: ignore[misc]


class FeedbackIn(Schema):
    unit: Text = Field(max_length=32, description="Mã đơn vị (xã, phường) nhận phản ánh")
    kind: FeedbackKind = Field(description="phan_anh hoặc kien_nghi")
    subject: Text = Field(min_length=1, max_length=300)
    content: Text = Field(min_length=1, max_length=5000)
    sender_name: Text = Field(min_length=1, max_length=200)
    sender_phone: Text = Field("", max_length=20)
    sender_email: Text = Field("", max_length=254)
    sender_address: Text = Field("", max_length=300)
    procedure: Text | None = Field(None, max_length=32, description="Mã thủ tục liên quan")
    idempotency_key: Text | None = Field(
        None, max_length=64, description="Gửi lại cùng khóa và cùng nội dung: không tạo bản mới"
    )


class FeedbackCreatedOut(Schema):
    code: str
    secret: str = Field(description="Mã tra cứu: cần cùng mã phản ánh để xem kết quả")
    state: str
    received_at: dt.datetime
    answer_due_at: dt.datetime


class FeedbackLookupIn(Schema):
    code: str = Field(max_length=32, pattern=CODE_PATTERN)
    secret: str = Field(max_length=16, pattern=SECRET_PATTERN)


class HistoryLineOut(Schema):
    at: dt.datetime
    label: str
    note: str


class FeedbackStatusOut(Schema):
    code: str
    subject: str
    kind_label: str
    unit_name: str
    state: str
    state_label: str
    received_at: dt.datetime
    answer_due_at: dt.datetime | None
    refusal_reason: str
    answer: str
    answered_at: dt.datetime | None
    history: list[HistoryLineOut]


class RatingIn(Schema):
    code: str = Field(max_length=64, pattern=CODE_PATTERN, description="Mã hồ sơ")
    secret: str = Field(max_length=32, pattern=SECRET_PATTERN, description="Mã tra cứu")
    satisfied: bool
    reasons: list[RatingReason] = Field(default_factory=list, max_length=len(RATING_REASONS))
    comment: Text = Field("", max_length=2000)


class RatingOut(Schema):
    dossier: str
    satisfied: bool
    reasons: list[str]
    created_at: dt.datetime


class FeedbackItemOut(Schema):
    code: str
    unit: str
    kind: str
    topic: str
    subject: str
    state: str
    state_label: str
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(description="Hạn của bước hiện tại")
    deadline_status: str = Field(description="overdue, due_soon, on_track, done")
    assignee: str | None
    version: int


class FeedbackPageOut(Schema):
    items: list[FeedbackItemOut]
    next_cursor: str | None


def _throttle(key: str, limit: int, window: int) -> None:
    if not throttle.hit(f"feedback:{key}", limit=limit, window=window):
        raise ApiProblem(
            429,
            _("Quá nhiều yêu cầu.") + " " + try_again_in(window),
            headers={"Retry-After": str(window)},
        )


def _field_errors(exc: FeedbackInvalid) -> list[dict[str, str]]:
    return [{"in": "body", "name": name, "detail": message} for name, message in exc.errors]


@router.post(
    "/feedback",
    response={201: FeedbackCreatedOut, ERRORS_SUBMIT: Problem},
    summary="Gửi phản ánh, kiến nghị (không cần tài khoản)",
    description=(
        "Cần họ tên và số điện thoại hoặc thư điện tử. `idempotency_key`: gửi lại cùng khóa "
        "và cùng nội dung trả về phản ánh đã ghi; cùng khóa khác nội dung: 409."
    ),
)
def feedback_submit(request: HttpRequest, payload: FeedbackIn) -> Status[dict[str, Any]]:
    unit = Unit.objects.filter(code=payload.unit).first()
    if unit is None:
        raise ApiProblem(404, _("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": payload.unit})
    procedure = None
    if payload.procedure:
        procedure = Procedure.objects.filter(code=payload.procedure).first()
        if procedure is None:
            raise ApiProblem(404, _("Không có thủ tục mã “%(c)s”.") % {"c": payload.procedure})
    _throttle(f"submit:ip:{throttle.client_ip(request)}", SUBMIT_MAX_TRIES, SUBMIT_WINDOW_SECONDS)
    try:
        f = services.feedback_submit(
            unit=unit,
            kind=payload.kind,
            subject=payload.subject,
            content=payload.content,
            sender_name=payload.sender_name,
            sender_phone=payload.sender_phone,
            sender_email=payload.sender_email,
            sender_address=payload.sender_address,
            procedure=procedure,
            channel=FeedbackChannel.API,
            idempotency_key=payload.idempotency_key,
        )
    except FeedbackInvalid as exc:
        raise ApiProblem(422, exc.message, errors=_field_errors(exc)) from exc
    except DomainError as exc:
        raise ApiProblem(409 if exc.code == "idempotency_conflict" else 422, exc.message) from exc
    return Status(
        201,
        {
            "code": f.code,
            "secret": f.lookup_secret,
            "state": f.state,
            "received_at": f.received_at,
            "answer_due_at": f.answer_due_at,
        },
    )


@router.post(
    "/feedback/status",
    response={200: FeedbackStatusOut, ERRORS_LOOKUP: Problem},
    summary="Tình trạng xử lý phản ánh (mã phản ánh và mã tra cứu)",
)
def feedback_status(request: HttpRequest, payload: FeedbackLookupIn) -> dict[str, Any]:
    code = selectors.normalise(payload.code)
    ip = throttle.client_ip(request)
    _throttle(f"lookup:ip:{ip}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS)
    _throttle(f"lookup:code:{code}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS)
    found = selectors.feedback_lookup(code=code, secret=payload.secret)
    if found is None:
        raise ApiProblem(404, _("Mã phản ánh hoặc mã tra cứu không đúng."))
    status = selectors.feedback_status(found)
    return {**status.__dict__, "history": [h.__dict__ for h in status.history]}


@router.post(
    "/ratings",
    response={201: RatingOut, ERRORS_RATE: Problem},
    summary="Đánh giá mức độ hài lòng với hồ sơ đã trả kết quả (một lần)",
    description="Cần mã hồ sơ và mã tra cứu in trên giấy tiếp nhận.",
)
def rating_submit(request: HttpRequest, payload: RatingIn) -> Status[dict[str, Any]]:
    ip = throttle.client_ip(request)
    _throttle(f"rate:ip:{ip}", LOOKUP_MAX_TRIES, LOOKUP_WINDOW_SECONDS)
    dossier = portal_selectors.dossier_lookup(code=payload.code, secret=payload.secret)
    if dossier is None:
        raise ApiProblem(
            404, _("Mã hồ sơ hoặc mã tra cứu không đúng. Vui lòng kiểm tra lại giấy tiếp nhận.")
        )
    try:
        rating = services.rating_submit(
            dossier=dossier,
            satisfied=payload.satisfied,
            reasons=[str(r.value) for r in payload.reasons],
            comment=payload.comment,
            channel=RatingChannel.LOOKUP,
        )
    except DomainError as exc:
        raise ApiProblem(422, exc.message) from exc
    return Status(
        201,
        {
            "dossier": dossier.code or "",
            "satisfied": rating.satisfied,
            "reasons": rating.reasons,
            "created_at": rating.created_at,
        },
    )


@router.get(
    "/feedback",
    auth=STAFF_AUTH,
    response={200: FeedbackPageOut, ERRORS_STAFF: Problem},
    summary="Phản ánh của các đơn vị (hạn sớm nhất trước; phân trang bằng con trỏ)",
)
def feedback_list(
    request: HttpRequest,
    state: Annotated[str, Query(pattern="^(open|all)$", description="open hoặc all")] = "open",
    cursor: Annotated[Text | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE_DEFAULT,
) -> dict[str, Any]:
    who = principal(request, Scope.DOSSIERS_READ)
    after = None
    if cursor:
        try:
            due_iso, pk = decode_cursor(cursor, "feedback", 2)
            if not isinstance(pk, int) or not (due_iso is None or isinstance(due_iso, str)):
                raise BadCursor(cursor)
            if due_iso is not None:
                dt.datetime.fromisoformat(due_iso)
        except (BadCursor, ValueError) as exc:
            raise ApiProblem(
                400,
                _("Tham số không hợp lệ, xem danh sách lỗi."),
                errors=[
                    {
                        "in": "query",
                        "name": "cursor",
                        "detail": _("Con trỏ phân trang không hợp lệ hoặc đã hết hạn."),
                    }
                ],
            ) from exc
        after = (due_iso, pk)
    rows = selectors.feedback_queue(
        who.user,
        only_open=state == "open",
        after=after,
        limit=limit + 1,
        unit_ids=who.unit_ids(),
    )
    more, rows = len(rows) > limit, rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        key = last.current_due_at.isoformat() if last.current_due_at else None
        next_cursor = encode_cursor("feedback", key, last.pk)
    now = timezone.now()
    return {
        "items": [
            {
                "code": row.feedback.code or "",
                "unit": row.feedback.unit.code,
                "kind": row.feedback.kind,
                "topic": row.feedback.topic,
                "subject": row.feedback.subject,
                "state": row.feedback.state,
                "state_label": str(row.feedback.get_state_display()),
                "received_at": row.feedback.received_at,
                "due_at": row.due_at,
                "deadline_status": str(row.status),
                "assignee": row.feedback.assignee.get_username() if row.feedback.assignee else None,
                "version": row.feedback.version,
            }
            for row in selectors.with_status(rows, now)
        ],
        "next_cursor": next_cursor,
    }
