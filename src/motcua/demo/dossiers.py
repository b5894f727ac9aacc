"""Demo dossiers: the recorded history of xã Tái Sơn (H1 2023, the seed report) and live dossiers
of its 2025 successor in every state of the lifecycle. Every one is written through the same
services (or the `import-dossiers` importer) that production uses; nothing is typed in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_for_unit
from motcua.catalogue.models import Procedure
from motcua.dossiers import services as ds
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.importing import import_dossiers
from motcua.dossiers.models import Dossier
from motcua.organisation.models import Unit

from .history import taison_2023_h1

MARK = "demo"


def load_taison_history(unit: Unit) -> str:
    """Import the H1 2023 history of xã Tái Sơn (idempotent by dossier code)."""
    lines = taison_2023_h1(
        cal=calendar_for_unit(unit), unit_code=unit.code, code_prefix=unit.dossier_code_prefix
    )
    summary = import_dossiers(lines, source="demo: xã Tái Sơn 6 tháng đầu năm 2023")
    return f"lịch sử 2023: +{summary.created} (đọc {summary.lines_read})"


Scenario = Callable[[Dossier], None]


def sign_demo_result(dossier: Dossier, leader: User, *, at: dt.datetime) -> bool:
    """Generate the approved `dossier`'s result from the sample templates and sign it as
    `leader` at `at`, before the result is returned; skipped (False) when the demo signing keys
    are not configured (`MOTCUA_DEMO_SIGNING_DIR` empty) or no result template applies."""
    from django.conf import settings

    from motcua.documents.generation import generate_for_event
    from motcua.documents.models import RESULT_KIND, DocumentFormat, GeneratedDocument
    from motcua.documents.services import result_templates_load_samples
    from motcua.signing.documents import generated_document_sign

    approval = dossier.events.filter(action="approve").order_by("-seq").first()
    if approval is None or not settings.MOTCUA.get("DEMO_SIGNING_DIR"):
        return False
    result_templates_load_samples()
    generate_for_event(approval.pk)
    result = GeneratedDocument.objects.filter(
        dossier=dossier, kind=RESULT_KIND, format=DocumentFormat.PDF, signed_from__isnull=True
    ).first()
    if result is None:
        return False
    generated_document_sign(user=leader, document=result, at=at)
    return True


def load_live_dossiers(
    *,
    unit: Unit,
    other_unit: Unit,
    receiver: User,
    specialist: User,
    leader: User,
    citizen: User,
    now: dt.datetime | None = None,
) -> str:
    """One or more dossiers in every state, for the back-office demo (idempotent by a marker)."""
    now = now or timezone.now()
    cal = calendar_for_unit(unit)
    # The history is dated backwards from `now`, so every event is in the past when load-demo
    # runs and each dossier's events follow one another: receipts (and what the counter does
    # on the spot) three working days ago, an overdue dossier received about a month ago, and
    # the latest steps (`ago`) in the hour or two before the load.
    today = timezone.localtime(now).date()
    three_days_ago = cal.at(cal.add_working_days(today, -3), dt.time(9, 0))
    weeks_ago = cal.at(cal.add_working_days(today - dt.timedelta(days=30), 1), dt.time(9, 30))

    def ago(minutes: int) -> dt.datetime:
        return now - dt.timedelta(minutes=minutes)

    marriage_status = Procedure.objects.get(code="1.004873")  # 3 working days
    copy_cert = Procedure.objects.get(code="2.000815")  # same day
    welfare = Procedure.objects.get(code="LOCAL-BTXH-01")  # 12 / 22 working days

    def counter(
        key: str,
        procedure: Procedure,
        name: str,
        at: dt.datetime,
        complete: bool = True,
        eform: dict[str, str] | None = None,
    ) -> Dossier | None:
        if Dossier.objects.filter(unit=unit, data__demo=key).exists():
            return None
        version = procedure.versions.filter(status="published").order_by("-number").first()
        assert version is not None
        components = [c.pk for c in version.components.all()]
        return ds.dossier_create_at_counter(
            user=receiver,
            unit=unit,
            procedure=procedure,
            applicant_name=name,
            provided_component_ids=components if complete else components[:1],
            channel=Channel.COUNTER,
            applicant_phone="0912345678",
            applicant_address="Thôn Tái Sơn, xã Tái Sơn mới",
            data={MARK: key, **(eform or {})},
            at=at,
        )

    def received(
        key: str,
        procedure: Procedure,
        name: str,
        at: dt.datetime,
        eform: dict[str, str] | None = None,
    ) -> Dossier | None:
        d = counter(key, procedure, name, at, eform=eform)
        if d is None:
            return None
        d = ds.dossier_receive(dossier=d, user=receiver, at=at + dt.timedelta(minutes=5))
        return ds.dossier_assign(
            dossier=d, user=leader, assignee=specialist, at=at + dt.timedelta(minutes=30)
        )

    def marriage_form(name: str) -> dict[str, str]:
        """The e-form of Giấy xác nhận tình trạng hôn nhân: its result template needs it."""
        return {
            "ho_ten": name,
            "ngay_sinh": "1994-05-12",
            "so_dinh_danh": "030194004521",
            "noi_cu_tru": "Thôn Tái Sơn, xã Tái Sơn mới, tỉnh Hải Dương",
            "tinh_trang_hon_nhan": "Chưa đăng ký kết hôn với ai",
            "muc_dich_su_dung": "Làm thủ tục đăng ký kết hôn",
        }

    made: list[str] = []
    # submitted online, waiting for the officer
    if not Dossier.objects.filter(unit=unit, data__demo="submitted").exists():
        ds.dossier_submit_online(
            user=citizen,
            unit=unit,
            procedure=marriage_status,
            idempotency_key="demo-submitted",
            applicant_name=citizen.display_name,
            applicant_phone="0987654321",
            data={MARK: "submitted"},
            at=ago(120),
        )
        made.append(State.SUBMITTED)
    if d := counter("intake_supplement", copy_cert, "Bùi Văn Khánh", three_days_ago):
        ds.dossier_intake_request_supplement(
            dossier=d,
            user=receiver,
            reasons=["Thiếu bản chính để đối chiếu"],
            at=three_days_ago + dt.timedelta(minutes=10),
        )
        made.append(State.INTAKE_SUPPLEMENT)
    if d := counter("intake_refused", copy_cert, "Hoàng Thị Yến", three_days_ago):
        ds.dossier_intake_refuse(
            dossier=d,
            user=receiver,
            reasons=["Bản chính được cấp sai thẩm quyền, không được chứng thực bản sao"],
            at=three_days_ago + dt.timedelta(minutes=10),
        )
        made.append(State.INTAKE_REFUSED)
    if d := counter("received", marriage_status, "Phan Văn Long", three_days_ago):
        ds.dossier_receive(dossier=d, user=receiver, at=three_days_ago + dt.timedelta(minutes=5))
        made.append(State.RECEIVED)
    if received("in_process", welfare, "Đặng Thị Hạnh", three_days_ago):
        made.append(State.IN_PROCESS)
    if d := received("overdue", marriage_status, "Lê Văn Tuấn", weeks_ago):
        made.append("overdue")
    if d := received("consulting", welfare, "Nguyễn Thị Hoa", three_days_ago):
        ds.dossier_consult_send(
            dossier=d,
            user=specialist,
            to_unit=other_unit,
            content="Xác minh nơi cư trú trước đây của người đề nghị",
            at=ago(60),
        )
        made.append(State.CONSULTING)
    if d := received("transferred", welfare, "Trần Văn Dũng", three_days_ago):
        d = ds.dossier_transfer_send(
            dossier=d,
            user=specialist,
            to_unit=other_unit,
            content="Liên thông xác nhận hoàn cảnh gia đình",
            amount=2,
            at=ago(60),
        )
        made.append("transfer")
    if d := received("supplement_after_review", marriage_status, "Vũ Thị Nga", three_days_ago):
        ds.dossier_request_supplement(  # within 03 working days of receipt (NĐ61 art. 19(4))
            dossier=d,
            user=specialist,
            reasons=["Bổ sung bản sao trích lục bản án ly hôn đã có hiệu lực"],
            at=ago(60),
        )
        made.append(State.SUPPLEMENT_AFTER_REVIEW)
    if d := received("financial_obligation", marriage_status, "Phạm Văn Sơn", three_days_ago):
        ds.dossier_financial_obligation(
            dossier=d,
            user=specialist,
            amount=Decimal(5000),
            description="Lệ phí cấp giấy xác nhận",
            at=ago(60),
        )
        made.append(State.FINANCIAL_OBLIGATION)
    if d := received(
        "result_ready", marriage_status, "Đỗ Thị Lan", three_days_ago, marriage_form("Đỗ Thị Lan")
    ):
        ds.dossier_approve(dossier=d, user=leader, at=ago(60))
        made.append(State.RESULT_READY)
    if d := received("rejected", marriage_status, "Hoàng Văn Phúc", three_days_ago):
        ds.dossier_reject(
            dossier=d,
            user=leader,
            reasons=["Người yêu cầu đang có đăng ký kết hôn chưa chấm dứt"],
            at=ago(60),
        )
        made.append(State.REJECTED_AFTER_REVIEW)
    if d := received(
        "returned", marriage_status, "Bùi Thị Thảo", three_days_ago, marriage_form("Bùi Thị Thảo")
    ):
        d = ds.dossier_approve(dossier=d, user=leader, at=ago(90))
        sign_demo_result(d, leader, at=ago(60))
        ds.dossier_return_result(
            dossier=d, user=receiver, recipient_name="Bùi Thị Thảo", at=ago(30)
        )
        made.append(State.RETURNED)
    if d := received("withdrawn", welfare, "Lê Thị Chi", three_days_ago):
        ds.dossier_withdraw(
            dossier=d, user=receiver, reason="Công dân có đơn xin rút hồ sơ", at=ago(60)
        )
        made.append(State.WITHDRAWN)
    if d := received("stopped", welfare, "Nguyễn Văn An", three_days_ago):
        ds.dossier_stop(
            dossier=d,
            user=leader,
            reasons=["Người đề nghị đã chuyển khẩu ra khỏi địa bàn"],
            at=ago(60),
        )
        made.append(State.STOPPED)
    return f"hồ sơ đang xử lý: +{len(made)}"
