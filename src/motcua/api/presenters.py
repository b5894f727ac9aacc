"""Model rows → the plain dicts of `schemas` (no queries beyond what the caller loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalogue.models import Procedure, ProcessStep
from motcua.core.privacy import mask_id_number
from motcua.dossiers.constants import EventKind, State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.transitions import TRANSITIONS, Action
from motcua.portal.selectors import DossierStatus, ProcedurePage


def _state_label(state: str) -> str:
    try:
        return str(State(state).label)
    except ValueError:
        return state


def _action_label(action: str) -> str:
    try:
        label = TRANSITIONS[Action(action)].label
    except ValueError:
        try:  # a fact that does not change the state (signed, digitised, form data)
            return str(EventKind(action).label)
        except ValueError:
            return action
    return label[:1].upper() + label[1:]


def procedure_item(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "field_code": p.field.code,
        "field_name": p.field.name,
        "level": p.level,
    }


def procedure_detail(page: ProcedurePage, steps: list[ProcessStep]) -> dict[str, Any]:
    v = page.version
    return {
        **procedure_item(page.procedure),
        "version": v.number,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "time_limit": {
            "amount": float(v.time_limit_amount),
            "unit": v.time_limit_unit,
            "text": page.time_limit,
        },
        "online_level": page.online_level,
        "online_label": page.online_label,
        "can_submit_online": page.can_submit_online,
        "fee_text": v.fee_text,
        "fee_total": None if page.fee_total is None else int(page.fee_total),
        "fees": [
            {
                "name": f.name,
                "amount": int(f.amount),
                "per": f.per_label,
                "range": f.range_text,
                "max_amount": None if f.max_amount is None else int(f.max_amount),
                "legal_ref": f.legal_ref,
                "exemption": f.exemption,
            }
            for f in page.fee_lines
        ],
        "components": [
            {
                "order": c.order,
                "name": c.name,
                "kind": c.kind,
                "quantity": c.quantity,
                "required": c.required,
                "form_template": c.form_template,
            }
            for c in page.components
        ],
        "steps": [
            {
                "order": s.order,
                "name": s.name,
                "role": s.role,
                "allotted_amount": float(s.allotted_amount),
                "allotted_unit": s.allotted_unit,
            }
            for s in steps
        ],
        "legal_basis": v.legal_basis or page.procedure.legal_basis,
    }


def lookup_status(status: DossierStatus) -> dict[str, Any]:
    return {
        "code": status.code,
        "procedure_name": status.procedure_name,
        "unit_name": status.unit_name,
        "state": status.state,
        "state_label": status.state_label,
        "applicant": status.masked_name,
        "submitted_at": status.submitted_at,
        "received_at": status.received_at,
        "appointment": status.appointment,
        "history": [{"at": h.at, "label": h.label} for h in status.history],
        "notices": [
            {
                "kind": n.kind,
                "title": str(n.title),
                "items": n.items,
                "note": n.note,
                "date": n.date,
            }
            for n in status.notices
        ],
    }


def event(e: DossierEvent, code: str | None = None) -> dict[str, Any]:
    return {
        "id": e.pk,
        "dossier": code if code is not None else (e.dossier.code or ""),
        "seq": e.seq,
        "at": e.at,
        "action": e.action,
        "label": _action_label(e.action),
        "from_state": e.from_state,
        "to_state": e.to_state,
        "actor": e.actor.username if e.actor else None,
        "unit": e.unit.code if e.unit else None,
        "note": e.note,
        "form": e.form,
        "payload": e.payload or {},
    }


def dossier_item(d: Dossier) -> dict[str, Any]:
    version = d.procedure_version
    return {
        "code": d.code or "",
        "state": d.state,
        "state_label": _state_label(d.state),
        "procedure_code": version.procedure.code,
        "procedure_name": version.procedure.name,
        "unit": d.unit.code,
        "current_unit": d.current_unit.code,
        "applicant_name": d.applicant_name,
        "received_at": d.received_at,
        "due_at": d.effective_due_at,
        "assignee": d.assignee.username if d.assignee else None,
        "current_step": d.current_step.name if d.current_step else None,
        "version": d.version,
    }


def dossier_detail(d: Dossier, events: list[DossierEvent], actions: list[str]) -> dict[str, Any]:
    return {
        **dossier_item(d),
        "channel": d.channel,
        "submitted_at": d.submitted_at,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "closed_at": d.closed_at,
        "current_step_due_at": d.current_step_due_at,
        "supplement_count": d.supplement_count,
        "available_actions": actions,
        "events": [event(e, d.code or "") for e in events],
    }


# --- E-form data (tờ khai) --------------------------------------------------------------------

FORM_TYPES = ("string", "integer", "boolean")


def _int_or_none(value: Any) -> int | None:
    # The catalogue's schemas are edited by hand: only whole numbers reach the answer.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def form_field(name: str, spec: Mapping[str, Any], *, required: bool) -> dict[str, Any]:
    """One field of a version's e-form schema (the subset `portal.eform` supports)."""
    from motcua.backoffice.presenters import eform_sensitive

    kind = spec.get("type", "string")
    enum = spec.get("enum")
    fmt, pattern = spec.get("format"), spec.get("pattern")
    return {
        "name": name,
        "label": str(spec.get("title") or name),
        "type": kind if kind in FORM_TYPES else "string",  # anything else is read as text
        "required": required,
        "enum": [str(e) for e in enum] if isinstance(enum, list) and enum else None,
        "format": fmt if isinstance(fmt, str) and fmt else None,
        "pattern": pattern if isinstance(pattern, str) and pattern else None,
        "min_length": _int_or_none(spec.get("minLength")),
        "max_length": _int_or_none(spec.get("maxLength")),
        "minimum": _int_or_none(spec.get("minimum")),
        "maximum": _int_or_none(spec.get("maximum")),
        "description": str(spec.get("description") or ""),
        "sensitive": eform_sensitive(name, dict(spec)),
    }


def form_value_out(value: Any, *, sensitive: bool) -> str | int | bool | None:
    """A stored e-form value as the API shows it: booleans, integers and text as they are
    (dates ISO), an identity number masked (DOMAIN §10.1, as on the dossier page)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if sensitive:
        return mask_id_number(str(value))
    if isinstance(value, int):
        return value
    return str(value)


def form_data(
    d: Dossier,
    fields: list[dict[str, Any]],
    *,
    refusal: str | None,
    readiness: tuple[Any, list[str]] | None,
) -> dict[str, Any]:
    """The dossier's e-form data: the version's fields in order, the values on record (of
    those fields), whether the caller may update them, what the result template lacks."""
    schema = d.procedure_version.eform_schema or {}
    data = d.data or {}
    values: dict[str, Any] = {}
    for f in fields:
        shown = form_value_out(data.get(f["name"]), sensitive=f["sensitive"])
        if shown is not None:
            values[f["name"]] = shown
    return {
        "code": d.code or "",
        "version": d.version,
        "title": str(schema.get("title") or _("Tờ khai")),
        "fields": fields,
        "values": values,
        "editable": refusal is None,
        "not_editable_reason": refusal,
        "result": (
            None
            if readiness is None
            else {"template": readiness[0].name, "missing": list(readiness[1])}
        ),
    }
