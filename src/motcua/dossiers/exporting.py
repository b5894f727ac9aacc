"""Export dossiers in the format `motcua import-dossiers` reads (JSON Lines, docs/dev/
import-dossiers.md): `motcua export-dossiers --unit CODE [--from --to] --output FILE`.

One line per dossier received by the unit (receipt date in the period, local time). What the
import format carries is written so that importing the file elsewhere rebuilds the same
dossiers and the same Biểu 06 figures: code, unit, procedure, channel, applicant (name, CCCD,
phone), every instant (`due_at` included, so nothing is recomputed), the outcome, the
supplement requests and the event history.

Not carried by the import format (docs/dev/integrations.md lists them): components, the
applicant's e-mail and address, the form data, event payloads and actors, transfers and
consultations, ledger numbers, and the open states other than "waiting for a supplement"
(`received`, `consulting`, `financial_obligation` come back as `in_process`). Dossiers never
received (draft, submitted, intake supplement) are not exported: the format needs `received_at`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisation.models import Unit

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
IMPORT_ACTION = "import"
REQUEST_SUPPLEMENT = "request_supplement"
SUPPLEMENT_COMPLETE = "supplement_complete"

#: State → the import's `outcome` (states not listed are derived from the instants).
OUTCOMES = {
    State.RETURNED: "returned",
    State.REJECTED_AFTER_REVIEW: "rejected",
    State.WITHDRAWN: "withdrawn",
    State.STOPPED: "stopped",
    State.INTAKE_REFUSED: "refused_at_intake",
}
#: Never received: the import format cannot express them.
NOT_EXPORTED = {State.DRAFT, State.SUBMITTED, State.INTAKE_SUPPLEMENT}


@dataclass
class ExportSummary:
    written: int = 0
    skipped: int = 0  # never received (draft, submitted, intake supplement)

    def __str__(self) -> str:
        return _("Đã ghi %(n)s hồ sơ; bỏ qua %(s)s hồ sơ chưa tiếp nhận.") % {
            "n": self.written,
            "s": self.skipped,
        }


def _iso(value: dt.datetime | None) -> str | None:
    """Local time with its offset and full precision (the import reads it back exactly)."""
    return value.astimezone(VN_TZ).isoformat() if value else None


def dossiers_to_export(
    unit: Unit, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[Dossier]:
    """The unit's dossiers whose receipt (or, never received, submission) falls in the period
    (local dates, inclusive), oldest first, with their events."""
    qs = Dossier.objects.filter(unit=unit)
    if date_from is not None:
        start = _start(date_from)
        qs = qs.filter(
            Q(received_at__gte=start) | Q(received_at__isnull=True, submitted_at__gte=start)
        )
    if date_to is not None:
        end = _start(date_to + dt.timedelta(days=1))
        qs = qs.filter(Q(received_at__lt=end) | Q(received_at__isnull=True, submitted_at__lt=end))
    return (
        qs.select_related("unit", "procedure_version__procedure")
        .prefetch_related(Prefetch("events", queryset=DossierEvent.objects.order_by("seq")))
        .order_by("received_at", "submitted_at", "id")
    )


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=VN_TZ)


def _supplements(events: list[DossierEvent]) -> list[dict[str, str | None]]:
    """The supplement requests after receipt: from an earlier import's record when the
    dossier was imported, else from the request/complete events in order."""
    for event in events:
        if event.action == IMPORT_ACTION and event.payload.get("supplements"):
            return [
                {
                    "requested_at": _iso(dt.datetime.fromisoformat(r)),
                    "completed_at": _iso(dt.datetime.fromisoformat(c)) if c else None,
                }
                for r, c in event.payload["supplements"]
            ]
    result: list[dict[str, str | None]] = []
    for event in events:
        if event.action == REQUEST_SUPPLEMENT:
            result.append({"requested_at": _iso(event.at), "completed_at": None})
        elif event.action == SUPPLEMENT_COMPLETE and result and result[-1]["completed_at"] is None:
            result[-1]["completed_at"] = _iso(event.at)
    return result


def dossier_line(dossier: Dossier) -> dict[str, Any] | None:
    """The import-format object of one dossier, or None when it cannot be expressed."""
    if dossier.state in NOT_EXPORTED:
        return None
    events = list(dossier.events.all())
    refused = dossier.state == State.INTAKE_REFUSED
    received = dossier.received_at
    if refused:  # never received: the format wants an instant, the import drops it again
        received = dossier.closed_at or dossier.submitted_at
    if received is None:
        return None
    applicant: dict[str, str] = {"name": dossier.applicant_name}
    if dossier.applicant_id_number:
        applicant["id_number"] = dossier.applicant_id_number
    if dossier.applicant_phone:
        applicant["phone"] = dossier.applicant_phone
    line: dict[str, Any] = {
        "code": dossier.code,
        "unit": dossier.unit.code,
        "procedure": dossier.procedure_version.procedure.code,
        "channel": dossier.channel,
        "applicant": applicant,
        "submitted_at": _iso(dossier.submitted_at),
        "received_at": _iso(received),
        "due_at": _iso(dossier.due_at),
        "extended_due_at": _iso(dossier.extended_due_at),
        "finished_at": _iso(dossier.finished_at),
        "returned_at": _iso(dossier.returned_at),
        "closed_at": _iso(dossier.closed_at),
        "outcome": OUTCOMES.get(State(dossier.state)),
    }
    if refused:
        line["due_at"] = None
    supplements = [] if refused else _supplements(events)
    if supplements:
        line["supplements"] = supplements
    history = [
        {
            "at": _iso(e.at),
            "action": e.action,
            "note": e.note,
            "from_state": e.from_state,
            "to_state": e.to_state,
        }
        for e in events
    ]
    if history:
        line["events"] = history
    if not line["code"]:
        del line["code"]  # the import generates one (and recognises the line by its hash)
    return {k: v for k, v in line.items() if v is not None}


def iter_lines(dossiers: QuerySet[Dossier], summary: ExportSummary) -> Iterator[str]:
    for dossier in dossiers.iterator(chunk_size=500):
        line = dossier_line(dossier)
        if line is None:
            summary.skipped += 1
            continue
        summary.written += 1
        yield json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_dossiers(
    out: TextIO,
    *,
    unit: Unit,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> ExportSummary:
    """Write the unit's dossiers of the period to `out` as JSON Lines; see the module doc."""
    summary = ExportSummary()
    for text in iter_lines(dossiers_to_export(unit, date_from, date_to), summary):
        out.write(text)
    return summary
