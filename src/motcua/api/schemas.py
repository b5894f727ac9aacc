"""Request and response shapes of `/api/v1/` (pydantic, via django-ninja). Times are ISO 8601
in UTC; dates yyyy-mm-dd; money in đồng (integers)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold NUL: refuse it at the door (400), not in the database (500).
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "NUL character")
    return value


#: Every free-text input of the API.
Text = Annotated[str, AfterValidator(_no_nul)]


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None


# --- Catalogue --------------------------------------------------------------------------------


class ProcedureItem(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    level: str


class ProcedurePageOut(Schema):
    items: list[ProcedureItem]
    next_cursor: str | None


class FeeOut(Schema):
    name: str
    amount: int
    per: str
    range: str
    max_amount: int | None
    legal_ref: str
    exemption: str


class ComponentOut(Schema):
    order: int
    name: str
    kind: str
    quantity: int
    required: bool
    form_template: str


class StepOut(Schema):
    order: int
    name: str
    role: str
    allotted_amount: float
    allotted_unit: str


class TimeLimitOut(Schema):
    amount: float
    unit: str
    text: str


class ProcedureOut(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    level: str
    version: int
    valid_from: dt.date
    valid_to: dt.date | None
    time_limit: TimeLimitOut
    online_level: str
    online_label: str
    can_submit_online: bool
    fee_text: str
    fee_total: int | None
    fees: list[FeeOut]
    components: list[ComponentOut]
    steps: list[StepOut]
    legal_basis: str


# --- Public look-up ---------------------------------------------------------------------------


class HistoryOut(Schema):
    at: dt.datetime
    label: str


class NoticeOut(Schema):
    kind: str
    title: str
    items: list[str]
    note: str
    date: dt.datetime | None


class LookupOut(Schema):
    code: str
    procedure_name: str
    unit_name: str
    state: str
    state_label: str
    applicant: str = Field(description="Họ tên người nộp, đã che một phần")
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    appointment: dt.datetime | None
    history: list[HistoryOut]
    notices: list[NoticeOut]


#: Dossier codes (`PREFIX-yymmdd-nnnn`) and receipt secrets: unaccented letters, digits, `.-_`
#: and spaces (pasted codes are normalised).
CODE_PATTERN = r"^[A-Za-z0-9.\-_ ]+$"
SECRET_PATTERN = r"^[A-Za-z0-9 ]+$"


class LookupIn(Schema):
    code: str = Field(max_length=64, pattern=CODE_PATTERN)
    secret: str = Field(max_length=32, pattern=SECRET_PATTERN)


# --- Dossiers ---------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    dossier: str
    seq: int
    at: dt.datetime
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str | None
    unit: str | None
    note: str
    form: str
    payload: dict[str, Any]


class DossierItem(Schema):
    code: str
    state: str
    state_label: str
    procedure_code: str
    procedure_name: str
    unit: str
    current_unit: str
    applicant_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="Ngày hẹn trả có hiệu lực (kể cả hẹn lại)")
    assignee: str | None
    current_step: str | None
    version: int


class DossierOut(DossierItem):
    channel: str
    submitted_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None
    current_step_due_at: dt.datetime | None
    supplement_count: int
    available_actions: list[str]
    events: list[EventOut]


class QueuePageOut(Schema):
    queue: str
    order: str
    items: list[DossierItem]
    next_cursor: str | None


class ApiAction(StrEnum):
    ASSIGN = "assign"
    STEP_COMPLETE = "step_complete"
    APPROVE = "approve"
    RETURN_RESULT = "return_result"
    REQUEST_SUPPLEMENT = "request_supplement"


class ActionIn(Schema):
    expected_version: int = Field(ge=0, description="`version` của hồ sơ khi đọc")
    note: Text = Field("", max_length=2000)
    assignee: Text | None = Field(None, max_length=150, description="assign: tên đăng nhập")
    reasons: list[Text] = Field(default_factory=list, description="request_supplement")
    recipient_name: Text = Field("", max_length=200, description="return_result")
    recipient_id_number: Text = Field("", max_length=12, description="return_result")


class EventPageOut(Schema):
    items: list[EventOut]
    next_cursor: str = Field(description="Gửi lại làm `since` ở lần đọc sau")
    has_more: bool


# --- E-form data of a dossier (tờ khai) -----------------------------------------------------


class FormFieldOut(Schema):
    name: str
    label: str
    type: str = Field(description="string, integer hoặc boolean")
    required: bool = Field(
        description="Bắt buộc để lập văn bản kết quả; được để trống trong khi xử lý"
    )
    enum: list[str] | None = Field(description="Các giá trị được chọn (nếu có)")
    format: str | None = Field(description="date: ngày, gửi yyyy-mm-dd hoặc dd/mm/yyyy")
    pattern: str | None
    min_length: int | None
    max_length: int | None
    minimum: int | None
    maximum: int | None
    description: str
    sensitive: bool = Field(
        description=(
            "Số định danh: giá trị trả về đã che một phần; gửi lại đúng giá trị đã che (hoặc "
            "bỏ trường này) để giữ nguyên"
        )
    )


class FormResultOut(Schema):
    template: str = Field(description="Tên mẫu văn bản kết quả của thủ tục")
    missing: list[str] = Field(description="Những thông tin mẫu kết quả còn thiếu (tên hiển thị)")


class FormDataOut(Schema):
    code: str
    version: int = Field(description="Gửi lại trong `expected_version` khi cập nhật")
    title: str
    fields: list[FormFieldOut] = Field(description="Các trường của tờ khai, theo thứ tự")
    values: dict[str, str | int | bool] = Field(
        description="Giá trị hiện có (ngày dạng yyyy-mm-dd); trường chưa có giá trị không có mặt"
    )
    editable: bool = Field(description="Người gọi (và khóa API) cập nhật được tờ khai lúc này")
    not_editable_reason: str | None
    result: FormResultOut | None = Field(
        description="Mẫu văn bản kết quả và những gì còn thiếu; null: thủ tục chưa có mẫu"
    )


#: A value of the e-form as a client sends it: text, an integer (within what JSON clients read
#: exactly), a boolean, or null to clear the field.
FormValue = (
    Annotated[str, StringConstraints(max_length=2000), AfterValidator(_no_nul)]
    | Annotated[int, Field(ge=-(2**53), le=2**53)]
    | bool
    | None
)


class FormDataIn(Schema):
    expected_version: int = Field(ge=0, description="`version` của hồ sơ khi đọc")
    values: dict[Annotated[str, StringConstraints(max_length=100)], FormValue] = Field(
        description=(
            "Chỉ các trường cần đổi (trường không gửi giữ nguyên); null hoặc chuỗi rỗng: xóa "
            "giá trị"
        )
    )
