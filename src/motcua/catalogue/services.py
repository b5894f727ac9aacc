"""Writes of the procedure catalogue. Keyword-only, typed, one transaction each.

Every write path keeps `Procedure.name_search` (the folded search key) in sync; there are no
signals. Versions go draft → published; published validity periods of one procedure never
overlap and a published version's internal process fits within its legal time limit
(`rules.py`, DOMAIN §2.1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue import rules
from motcua.catalogue.constants import FeePer, OnlineLevel, ProcedureLevel, VersionStatus
from motcua.catalogue.importing import (
    ComponentData,
    FeeRuleData,
    ProcedureData,
    StepData,
    VersionData,
    export_csv,
    export_json,
    parse_catalogue,
    stored_versions,
)
from motcua.catalogue.models import (
    Component,
    FeeRule,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)
from motcua.catalogue.selectors import fee_rules_for
from motcua.core.errors import DomainError
from motcua.core.text import fold
from motcua.organisation.constants import UnitKind
from motcua.organisation.models import Unit

STARTER_CATALOGUE: Final = Path(__file__).parent / "data" / "starter_catalogue.json"


class _Unset:
    """Marker for "leave unchanged" in `version_update` (None is a meaningful value)."""


UNSET: Final = _Unset()


# ---------------------------------------------------------------------------------------------
# Fields and procedures


def field_upsert(*, code: str, name: str) -> Field:
    with transaction.atomic():
        obj, created = Field.objects.get_or_create(code=code, defaults={"name": name})
        if not created and obj.name != name:
            obj.name = name
            obj.save(update_fields=["name", "updated_at"])
        return obj


def procedure_upsert(
    *,
    code: str,
    name: str,
    field: Field,
    level: str = ProcedureLevel.COMMUNE,
    unit_kinds: list[str] | None = None,
    legal_basis: str = "",
    life_events: list[str] | None = None,
) -> Procedure:
    """Create or update the procedure with this code; `name_search` follows `name`."""
    code = code.strip()
    if not code or not name.strip():
        raise DomainError(_("Mã và tên thủ tục không được để trống."))
    if level not in ProcedureLevel.values:
        raise DomainError(_("Cấp thực hiện không hợp lệ: %(level)s.") % {"level": level})
    values: dict[str, Any] = {
        "name": name.strip(),
        "name_search": fold(name),
        "field": field,
        "level": level,
        "unit_kinds": list(unit_kinds or []),
        "legal_basis": legal_basis,
        "life_events": list(life_events or []),
    }
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().filter(code=code).first()
        if procedure is None:
            return Procedure.objects.create(code=code, **values)
        changed = [k for k, v in values.items() if getattr(procedure, k) != v]
        if changed:
            for key in changed:
                setattr(procedure, key, values[key])
            procedure.save(update_fields=[*changed, "updated_at"])
        return procedure


# ---------------------------------------------------------------------------------------------
# Versions


def _replace_children(
    version: ProcedureVersion,
    *,
    components: list[ComponentData] | None,
    fees: list[FeeRuleData] | None,
    steps: list[StepData] | None,
) -> None:
    """Replace components/fees/steps in place by position (rows keep their ids)."""
    if components is not None:
        existing_c = list(version.components.order_by("order", "pk"))
        for i, c in enumerate(components, start=1):
            values = c.to_dict() | {"order": i}
            if i <= len(existing_c):
                Component.objects.filter(pk=existing_c[i - 1].pk).update(**values)
            else:
                Component.objects.create(version=version, **values)
        Component.objects.filter(pk__in=[c.pk for c in existing_c[len(components) :]]).delete()
    if fees is not None:
        provinces = _provinces_by_code({f.province for f in fees if f.province})
        existing_f = list(version.fee_rules.order_by("order", "pk"))
        for i, f in enumerate(fees, start=1):
            problem = rules.fee_line_problem(
                provincial=bool(f.province), valid_from=f.valid_from, valid_to=f.valid_to
            )
            if problem:
                raise DomainError(problem)
            fee_values: dict[str, Any] = {
                "order": i,
                "name": f.name,
                "amount": f.amount,
                "per": f.per,
                "from_quantity": f.from_quantity,
                "to_quantity": f.to_quantity,
                "max_amount": f.max_amount,
                "legal_ref": f.legal_ref,
                "exemption": f.exemption,
                "province": provinces[f.province] if f.province else None,
                "valid_from": f.valid_from,
                "valid_to": f.valid_to,
            }
            if i <= len(existing_f):
                FeeRule.objects.filter(pk=existing_f[i - 1].pk).update(**fee_values)
            else:
                FeeRule.objects.create(version=version, **fee_values)
        FeeRule.objects.filter(pk__in=[f.pk for f in existing_f[len(fees) :]]).delete()
    if steps is not None:
        existing_s = {s.order: s for s in version.steps.all()}
        for i, s in enumerate(steps, start=1):
            step_values: dict[str, Any] = {
                "name": s.name,
                "role": s.role,
                "allotted_amount": s.allotted_amount,
                "allotted_unit": s.allotted_unit,
            }
            if i in existing_s:
                ProcessStep.objects.filter(pk=existing_s[i].pk).update(**step_values)
            else:
                ProcessStep.objects.create(version=version, order=i, **step_values)
        ProcessStep.objects.filter(version=version, order__gt=len(steps)).delete()


def _provinces_by_code(codes: set[str]) -> dict[str, Unit]:
    """The province units with these codes; an unknown code (or a unit that is not a province)
    is refused."""
    found = {u.code: u for u in Unit.objects.filter(code__in=codes, kind=UnitKind.PROVINCE)}
    missing = sorted(codes - set(found))
    if missing:
        raise DomainError(
            _("Không có tỉnh, thành phố mã “%(code)s” trong danh sách đơn vị hành chính.")
            % {"code": ", ".join(missing)}
        )
    return found


def _check_version(version: ProcedureVersion) -> None:
    """The rules every version must satisfy; published ones also must not overlap."""
    problem = (
        rules.period_problem(version.valid_from, version.valid_to)
        or rules.limit_problem(Decimal(version.time_limit_amount), version.time_limit_unit)
        or rules.steps_problem(
            Decimal(version.time_limit_amount),
            version.time_limit_unit,
            [(Decimal(s.allotted_amount), s.allotted_unit) for s in version.steps.all()],
        )
    )
    if problem:
        raise DomainError(problem)
    if version.online_level not in OnlineLevel.values:
        raise DomainError(_("Mức độ trực tuyến không hợp lệ."))
    if version.status != VersionStatus.PUBLISHED:
        return
    others = ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, status=VersionStatus.PUBLISHED
    ).exclude(pk=version.pk)
    for other in others:
        if rules.periods_overlap(
            version.valid_from, version.valid_to, other.valid_from, other.valid_to
        ):
            raise DomainError(
                _(
                    "Thời gian hiệu lực %(fa)s – %(ta)s trùng với phiên bản %(n)s đã công bố "
                    "(%(fb)s – %(tb)s)."
                )
                % {
                    "fa": rules.format_date(version.valid_from),
                    "ta": rules.format_date(version.valid_to),
                    "n": other.number,
                    "fb": rules.format_date(other.valid_from),
                    "tb": rules.format_date(other.valid_to),
                }
            )


def version_create_draft(
    *,
    procedure: Procedure,
    valid_from: dt.date,
    time_limit_amount: Decimal | None = None,
    time_limit_unit: str | None = None,
) -> ProcedureVersion:
    """A new draft numbered after the last version, copying the latest version's fields,
    components, fee rules and steps (or, for a first version, with the given time limit)."""
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        previous = procedure.versions.order_by("-number").first()
        number = (procedure.versions.aggregate(m=Max("number"))["m"] or 0) + 1
        if previous is None:
            if time_limit_amount is None or time_limit_unit is None:
                raise DomainError(_("Phiên bản đầu tiên cần có thời hạn giải quyết và đơn vị."))
            problem = rules.limit_problem(time_limit_amount, time_limit_unit)
            if problem:
                raise DomainError(problem)
            return ProcedureVersion.objects.create(
                procedure=procedure,
                number=number,
                status=VersionStatus.DRAFT,
                valid_from=valid_from,
                time_limit_amount=time_limit_amount,
                time_limit_unit=time_limit_unit,
            )
        draft = ProcedureVersion.objects.create(
            procedure=procedure,
            number=number,
            status=VersionStatus.DRAFT,
            valid_from=valid_from,
            valid_to=None,
            time_limit_amount=(
                time_limit_amount if time_limit_amount is not None else previous.time_limit_amount
            ),
            time_limit_unit=time_limit_unit or previous.time_limit_unit,
            verification_extra_amount=previous.verification_extra_amount,
            time_limit_text=previous.time_limit_text,
            online_level=previous.online_level,
            legal_basis=previous.legal_basis,
            sources=previous.sources,
            fee_text=previous.fee_text,
            eform_schema=previous.eform_schema,
        )
        for c in previous.components.all():
            Component.objects.create(
                version=draft,
                order=c.order,
                name=c.name,
                kind=c.kind,
                quantity=c.quantity,
                required=c.required,
                form_template=c.form_template,
            )
        for f in previous.fee_rules.all():
            FeeRule.objects.create(
                version=draft,
                order=f.order,
                name=f.name,
                amount=f.amount,
                per=f.per,
                from_quantity=f.from_quantity,
                to_quantity=f.to_quantity,
                max_amount=f.max_amount,
                legal_ref=f.legal_ref,
                exemption=f.exemption,
                province_id=f.province_id,
                valid_from=f.valid_from,
                valid_to=f.valid_to,
            )
        for s in previous.steps.all():
            ProcessStep.objects.create(
                version=draft,
                order=s.order,
                name=s.name,
                role=s.role,
                allotted_amount=s.allotted_amount,
                allotted_unit=s.allotted_unit,
            )
        return draft


def version_update(
    *,
    version: ProcedureVersion,
    valid_from: dt.date | _Unset = UNSET,
    valid_to: dt.date | _Unset | None = UNSET,
    time_limit_amount: Decimal | _Unset = UNSET,
    time_limit_unit: str | _Unset = UNSET,
    verification_extra_amount: Decimal | _Unset | None = UNSET,
    time_limit_text: str | _Unset = UNSET,
    online_level: str | _Unset = UNSET,
    legal_basis: str | _Unset = UNSET,
    sources: str | _Unset = UNSET,
    fee_text: str | _Unset = UNSET,
    eform_schema: dict[str, Any] | _Unset = UNSET,
    components: list[ComponentData] | None = None,
    fees: list[FeeRuleData] | None = None,
    steps: list[StepData] | None = None,
) -> ProcedureVersion:
    """Change a draft. Published versions are frozen: create a new draft instead."""
    changes = {
        k: v
        for k, v in {
            "valid_from": valid_from,
            "valid_to": valid_to,
            "time_limit_amount": time_limit_amount,
            "time_limit_unit": time_limit_unit,
            "verification_extra_amount": verification_extra_amount,
            "time_limit_text": time_limit_text,
            "online_level": online_level,
            "legal_basis": legal_basis,
            "sources": sources,
            "fee_text": fee_text,
            "eform_schema": eform_schema,
        }.items()
        if not isinstance(v, _Unset)
    }
    with transaction.atomic():
        locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.DRAFT:
            raise DomainError(
                _("Phiên bản đã công bố không được sửa; hãy tạo phiên bản dự thảo mới.")
            )
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save()
        _replace_children(locked, components=components, fees=fees, steps=steps)
        _check_version(locked)
        return locked


def version_publish(*, version: ProcedureVersion, close_previous: bool = False) -> ProcedureVersion:
    """Publish a draft after checking its rules.

    With `close_previous`, an open-ended published version that started earlier is ended the
    day before this one starts (the usual way a changed rule takes over).
    """
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
        locked = ProcedureVersion.objects.get(pk=version.pk)
        if locked.status == VersionStatus.PUBLISHED:
            raise DomainError(_("Phiên bản này đã được công bố."))
        if close_previous:
            earlier = ProcedureVersion.objects.filter(
                procedure_id=locked.procedure_id,
                status=VersionStatus.PUBLISHED,
                valid_from__lt=locked.valid_from,
                valid_to__isnull=True,
            )
            for other in earlier:
                other.valid_to = locked.valid_from - dt.timedelta(days=1)
                other.save(update_fields=["valid_to", "updated_at"])
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        _check_version(locked)
        locked.save(update_fields=["status", "published_at", "updated_at"])
        return locked


# ---------------------------------------------------------------------------------------------
# Fees


def fee_compute(
    version: ProcedureVersion,
    *,
    quantity: int = 1,
    pages: int | None = None,
    unit: Unit | None = None,
    on: dt.date | None = None,
) -> Decimal:
    """The fee (đồng) of a request for `quantity` copies/cases of `pages` pages each, to
    `unit` on `on` (default today).

    The lines are those of `selectors.fee_rules_for`: the lines of the unit's province applying
    on `on` when the version has some (the amounts of the province's HĐND resolution), else the
    national lines; without a unit, the national lines.

    Lines counted `per`:
    - `case`: once per dossier (e.g. chứng thực chữ ký 10.000 đ/trường hợp);
    - `copy`: for each copy numbered from_quantity..to_quantity among 1..quantity;
    - `page`: for each page numbered from_quantity..to_quantity among 1..pages, for every copy.
    `max_amount` caps the subtotal of the lines of its kind for one copy (page lines) or for the
    request (case and copy lines); the smallest cap of the kind applies. Example (DOMAIN §9 row
    11, TT 226/2016 art. 4): chứng thực bản sao 2.000 đ/trang pages 1–2, 1.000 đ from page 3,
    at most 200.000 đ per copy.
    """
    if quantity < 1:
        raise DomainError(_("Số bản phải từ 1 trở lên."))
    lines = fee_rules_for(version, unit, on)
    subtotal: dict[str, Decimal] = {kind: Decimal(0) for kind in FeePer.values}
    caps: dict[str, Decimal] = {}
    for line in lines:
        if line.per == FeePer.PAGE:
            if pages is None or pages < 1:
                raise DomainError(_("Cần nhập số trang (từ 1 trở lên) để tính phí."))
            count = _range_count(line.from_quantity, line.to_quantity, pages)
        elif line.per == FeePer.COPY:
            count = _range_count(line.from_quantity, line.to_quantity, quantity)
        else:
            count = 1
        subtotal[line.per] = subtotal.get(line.per, Decimal(0)) + Decimal(line.amount) * count
        if line.max_amount is not None:
            cap = Decimal(line.max_amount)
            caps[line.per] = min(cap, caps.get(line.per, cap))
    for kind, cap in caps.items():
        subtotal[kind] = min(subtotal[kind], cap)
    return (
        subtotal[FeePer.CASE] + subtotal[FeePer.COPY] + subtotal[FeePer.PAGE] * quantity
    ).quantize(Decimal(1))


def _range_count(first: int, last: int | None, available: int) -> int:
    upper = available if last is None else min(last, available)
    return max(0, upper - first + 1)


# ---------------------------------------------------------------------------------------------
# Import, export, starter catalogue


@dataclass
class ImportSummary:
    procedures_created: int = 0
    procedures_updated: int = 0
    versions_created: int = 0
    versions_updated: int = 0
    versions_unchanged: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.procedures_created
            or self.procedures_updated
            or self.versions_created
            or self.versions_updated
        )


def _version_store(
    *,
    procedure: Procedure,
    data: VersionData,
    existing: ProcedureVersion | None,
    summary: ImportSummary,
) -> ProcedureVersion | None:
    """Create or update one version; None when it was already stored as it is."""
    if existing is not None and data.same_as(existing):
        summary.versions_unchanged += 1
        return None
    values: dict[str, Any] = {
        "status": data.status,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "time_limit_amount": data.time_limit_amount,
        "time_limit_unit": data.time_limit_unit,
        "verification_extra_amount": data.verification_extra_amount,
        "time_limit_text": data.time_limit_text,
        "online_level": data.online_level,
        "legal_basis": data.legal_basis,
        "sources": data.sources,
        "fee_text": data.fee_text,
    }
    if data.components is not None:
        values["eform_schema"] = data.eform_schema
    if existing is None:
        version = ProcedureVersion.objects.create(procedure=procedure, number=data.number, **values)
        summary.versions_created += 1
    else:
        version = existing
        for key, value in values.items():
            setattr(version, key, value)
        summary.versions_updated += 1
    if data.status == VersionStatus.PUBLISHED and version.published_at is None:
        version.published_at = timezone.now()
    if data.status == VersionStatus.DRAFT:
        version.published_at = None
    version.save()
    _replace_children(version, components=data.components, fees=data.fees, steps=data.steps)
    return version


def catalogue_store(*, entries: list[ProcedureData]) -> ImportSummary:
    """Write validated entries (upsert by procedure code + version number) in one transaction."""
    summary = ImportSummary()
    changed: list[ProcedureVersion] = []
    with transaction.atomic():
        for entry in entries:
            existed = Procedure.objects.filter(code=entry.code).first()
            before = (
                (
                    existed.name,
                    existed.field_id,
                    existed.level,
                    existed.unit_kinds,
                    existed.legal_basis,
                    existed.life_events,
                )
                if existed
                else None
            )
            field_obj = field_upsert(code=entry.field_code, name=entry.field_name)
            procedure = procedure_upsert(
                code=entry.code,
                name=entry.name,
                field=field_obj,
                level=entry.level,
                unit_kinds=entry.unit_kinds,
                legal_basis=entry.legal_basis,
                life_events=entry.life_events,
            )
            after = (
                procedure.name,
                procedure.field_id,
                procedure.level,
                procedure.unit_kinds,
                procedure.legal_basis,
                procedure.life_events,
            )
            if before is None:
                summary.procedures_created += 1
            elif before != after:
                summary.procedures_updated += 1
            summary.codes.append(procedure.code)
            stored = stored_versions(procedure.code) if existed else {}
            for version_data in entry.versions:
                written = _version_store(
                    procedure=procedure,
                    data=version_data,
                    existing=stored.get(version_data.number),
                    summary=summary,
                )
                if written is not None:
                    changed.append(written)
        # Safety net: the file was validated before writing; re-check what was written.
        for version in changed:
            _check_version(version)
    return summary


def catalogue_import(*, path: Path) -> ImportSummary:
    """Validate the whole file first (`ValidationReport` lists every bad entry with its line),
    then write it in one transaction. Importing the same file twice changes nothing."""
    entries = parse_catalogue(path)
    return catalogue_store(entries=entries)


def catalogue_export(*, path: Path, on: dt.date | None = None) -> int:
    """Write the catalogue to `path` (.json: everything; .csv: the flat part, current version
    on `on`). Returns the number of procedures written."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = export_json()
    elif suffix == ".csv":
        text = export_csv(on=on)
    else:
        raise DomainError(_("Chỉ hỗ trợ tệp .json hoặc .csv."))
    path.write_text(text, encoding="utf-8")
    return Procedure.objects.count()


def catalogue_load_starter() -> ImportSummary:
    """Load the starter catalogue of commune procedures (DOMAIN §9); idempotent."""
    return catalogue_import(path=STARTER_CATALOGUE)
