"""Writes of the personal-data workflows (NĐ 13/2023/NĐ-CP; DOMAIN.md §10.1).

- `subject_export`: the data subject's copy of their data (art. 9, 14(3): within 72 h);
- `retention_apply`: the retention schedule, which *anonymises* closed dossiers (the rows and
  their append-only, hash-chained events stay) and reports other classes;
- `breach_record` / `breach_mark_notified`: breach records with the 72-hour notice (art. 23).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.core.models import AccessLogAction
from motcua.core.privacy import mask_id_number
from motcua.core.services import access_log_record
from motcua.dossiers.models import Dossier
from motcua.privacy import selectors
from motcua.privacy.constants import ANONYMISED_NAME, DOSSIER_CLASS_STATES, RecordClass
from motcua.privacy.models import BreachRecord, DossierAnonymisation, RetentionRule

EXPORT_FORMAT = "motcua.subject-export/1"


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dossier_dict(dossier: Dossier) -> dict[str, Any]:
    procedure = dossier.procedure_version.procedure
    return {
        "code": dossier.code,
        "procedure": {
            "code": procedure.code,
            "name": procedure.name,
            "version": dossier.procedure_version.number,
        },
        "unit": {"code": dossier.unit.code, "name": dossier.unit.name},
        "channel": dossier.channel,
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "applicant": {
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "account": dossier.applicant.get_username() if dossier.applicant else None,
        },
        "copies": dossier.copies,
        "data": dossier.data,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(dossier.received_at),
        "due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "finished_at": _iso(dossier.finished_at),
        "returned_at": _iso(dossier.returned_at),
        "closed_at": _iso(dossier.closed_at),
        "components": [
            {
                "name": c.name,
                "kind": c.kind,
                "quantity": c.quantity,
                "provided": c.provided,
            }
            for c in dossier.components.all()
        ],
        "events": [
            {
                "seq": e.seq,
                "at": _iso(e.at),
                "action": e.action,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "form": e.form,
            }
            for e in dossier.events.all()
            if e.visible_to_applicant
        ],
    }


def subject_export(
    *,
    id_number: str | None = None,
    user: User | None = None,
    operator: User | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything Một Cửa holds about one person's dossiers, as a JSON-ready dict: the copy the
    data subject may ask for (NĐ 13/2023 art. 9(2), 14(3): within 72 hours).

    The person is found by applicant account and/or identity number (either matches). Only
    events visible to the applicant are included (internal notes stay internal). The export is
    written to the access log as "xuất dữ liệu" (art. 38).
    """
    id_number = (id_number or "").strip()
    if not id_number and user is None:
        raise DomainError(_("Cần số định danh cá nhân hoặc tài khoản của chủ thể dữ liệu."))
    now = now or timezone.now()
    dossiers = list(selectors.subject_dossiers(id_number=id_number, user=user))
    subject = (
        mask_id_number(id_number)
        if id_number
        else _("tài khoản %(u)s") % {"u": user.get_username() if user else ""}
    )
    with transaction.atomic():
        access_log_record(
            user=operator,
            action=AccessLogAction.EXPORT,
            subject=subject,
            purpose=_("Cung cấp dữ liệu cho chủ thể (NĐ 13/2023 Điều 14): %(n)d hồ sơ")
            % {"n": len(dossiers)},
            at=now,
        )
    return {
        "format": EXPORT_FORMAT,
        "generated_at": now.isoformat(),
        "legal_basis": "Nghị định 13/2023/NĐ-CP, Điều 9 khoản 2, Điều 14 khoản 3",
        "subject": {
            "id_number": id_number or None,
            "account": user.get_username() if user else None,
            "full_name": user.full_name if user else None,
        },
        "dossier_count": len(dossiers),
        "dossiers": [_dossier_dict(d) for d in dossiers],
    }


@dataclass
class RetentionLine:
    """What retention found (and did) for one record class."""

    record_class: str
    keep_years: int
    cutoff: dt.datetime
    enabled: bool
    found: int
    anonymised: int = 0
    codes: list[str] = field(default_factory=list)
    note: str = ""


def _anonymise_batch(ids: list[int], *, rule: RetentionRule, now: dt.datetime) -> list[str]:
    """One transaction: blank the applicant fields of these dossiers and record each one.
    Rows already anonymised (by a concurrent run) are skipped, so the batch is idempotent."""
    with transaction.atomic():
        dossiers = list(
            Dossier.objects.select_for_update()
            .filter(pk__in=ids)
            .exclude(pk__in=DossierAnonymisation.objects.values("dossier_id"))
            .order_by("pk")
            .only("pk", "code", "closed_at")
        )
        if not dossiers:
            return []
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(
            applicant_name=ANONYMISED_NAME,
            applicant_id_number="",
            applicant_phone="",
            applicant_email="",
            applicant_address="",
            applicant=None,
            data={},
            version=F("version") + 1,
            updated_at=now,
        )
        DossierAnonymisation.objects.bulk_create(
            [
                DossierAnonymisation(
                    dossier_id=d.pk,
                    dossier_code=d.code or "",
                    at=now,
                    record_class=rule.record_class,
                    keep_years=rule.keep_years,
                    closed_at=d.closed_at,
                )
                for d in dossiers
            ]
        )
        return [d.code or f"#{d.pk}" for d in dossiers]


def retention_apply(
    *, dry_run: bool = False, now: dt.datetime | None = None, batch_size: int = 500
) -> list[RetentionLine]:
    """Apply the retention schedule (NĐ 13/2023 art. 3(7); DOMAIN.md §10.1, §1.11).

    Dossier classes: closed dossiers (terminal state) whose closing is older than
    `keep_years` get their applicant fields blanked — name → "Đã ẩn danh", identity number,
    phone, e-mail, address, account link and the declaration data emptied — one transaction
    per batch, each dossier recorded in `DossierAnonymisation`. No row is deleted: dossier
    events are append-only by law and by database trigger. Already anonymised dossiers are
    skipped, so a second run changes nothing.

    Access log and portal uploads are only counted (the log is append-only by trigger; uploads
    belong to the portal app). Disabled rules (periods not yet verified) are counted, not
    applied. `dry_run` counts everything and writes nothing.
    """
    now = now or timezone.now()
    lines: list[RetentionLine] = []
    for rule in RetentionRule.objects.order_by("record_class"):
        cutoff = selectors.retention_cutoff(now=now, keep_years=rule.keep_years)
        if rule.record_class in DOSSIER_CLASS_STATES:
            ids = list(
                selectors.dossiers_past_retention(
                    states=DOSSIER_CLASS_STATES[rule.record_class], cutoff=cutoff
                ).values_list("pk", flat=True)
            )
            line = RetentionLine(rule.record_class, rule.keep_years, cutoff, rule.enabled, len(ids))
            if not rule.enabled:
                line.note = _("chưa xác nhận thời hạn: không áp dụng")
            elif not dry_run:
                for start in range(0, len(ids), batch_size):
                    done = _anonymise_batch(ids[start : start + batch_size], rule=rule, now=now)
                    line.anonymised += len(done)
                    line.codes.extend(done)
        else:
            found = selectors.other_records_past_retention(
                record_class=rule.record_class, cutoff=cutoff
            )
            line = RetentionLine(rule.record_class, rule.keep_years, cutoff, rule.enabled, found)
            if rule.record_class == RecordClass.ACCESS_LOG:
                line.note = _("chỉ báo cáo: nhật ký chỉ được ghi thêm (trigger CSDL)")
            else:
                line.note = _("chỉ báo cáo: tệp do ứng dụng cổng quản lý")
        lines.append(line)
    return lines


@transaction.atomic
def breach_record(
    *,
    discovered_at: dt.datetime,
    description: str,
    data_types: str,
    subjects_estimate: int = 0,
    measures: str = "",
    created_by: User | None = None,
) -> BreachRecord:
    """Record a personal-data breach; the 72-hour notice clock runs from `discovered_at`
    (NĐ 13/2023 art. 23(1))."""
    if not description.strip():
        raise DomainError(_("Cần mô tả vi phạm."))
    if discovered_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(_("Thời điểm phát hiện không thể ở tương lai."))
    return BreachRecord.objects.create(
        discovered_at=discovered_at,
        description=description,
        data_types=data_types,
        subjects_estimate=subjects_estimate,
        measures=measures,
        created_by=created_by,
    )


@transaction.atomic
def breach_mark_notified(
    *, breach: BreachRecord, notified_at: dt.datetime, notification_ref: str, late_reason: str = ""
) -> BreachRecord:
    """Record the notice to A05 (Mẫu 03). A notice after the 72 hours needs its reason
    (art. 23(1): "trường hợp thông báo sau 72 giờ thì phải kèm theo lý do")."""
    breach = BreachRecord.objects.select_for_update().get(pk=breach.pk)
    if breach.notified_at is not None:
        raise DomainError(_("Vi phạm này đã được thông báo."))
    if notified_at < breach.discovered_at:
        raise DomainError(_("Thời điểm thông báo phải sau thời điểm phát hiện."))
    if notified_at > breach.deadline and not late_reason.strip():
        raise DomainError(_("Thông báo sau 72 giờ phải kèm theo lý do."))
    breach.notified_at = notified_at
    breach.notification_ref = notification_ref
    breach.late_reason = late_reason
    breach.save(update_fields=["notified_at", "notification_ref", "late_reason"])
    return breach
