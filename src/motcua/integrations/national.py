"""The national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG): status push and
online-submission pull, behind an adapter.

- `NationalPortal` is the adapter protocol: `push_status(dossier, event)` tells the portal
  where a dossier stands (returns the portal's id of the dossier), `pull_submissions(since)`
  returns the online submissions made on the portal.
- `HttpNationalPortal` speaks the JSON documented in docs/dev/integrations.md to
  `MOTCUA["NATIONAL_PORTAL_URL"]` with `Authorization: Bearer MOTCUA["NATIONAL_PORTAL_TOKEN"]`.
  The real DVCQG interface (through the provincial LGSP) is not public: a deployment writes
  an adapter class with these two methods and names it in `NATIONAL_PORTAL_ADAPTER`.
- `InMemoryNationalPortal` is the in-process fake of the tests; `/tich-hop/dvcqg-gia-lap/`
  (views `fake_national_*`) is an HTTP fake for development.

Sync is on when an adapter is configured (`sync_enabled`). Every committed dossier event marks
its dossier pending (`national_mark_pending`, an after-commit hook) and queues
`integrations.national_push`; failures wait `next_attempt_at` (back-off) and are retried by
the beat task `integrations.national_sync_due`. `NationalSync` feeds QĐ 766 indicator 1.4.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.models import NationalSync, SyncState

SYSTEM_USERNAME = "dvcqg"
IDEMPOTENCY_PREFIX = "dvcqg:"
BACKOFF_BASE_SECONDS = 60
IMPORT_ACTION = "import"


class NationalPortalError(Exception):
    """The portal could not be reached or refused the request (message for the log)."""


@dataclass(frozen=True)
class NationalSubmission:
    """An online submission made on the national portal."""

    national_id: str
    unit: str  # Unit.code of the receiving unit
    procedure: str  # Procedure.code
    submitted_at: dt.datetime
    applicant: dict[str, str] = field(default_factory=dict)  # name, id_number, phone, email…
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> NationalSubmission:
        try:
            submitted = dt.datetime.fromisoformat(str(item["submitted_at"]))
            if submitted.tzinfo is None:
                submitted = submitted.replace(tzinfo=dt.UTC)
            return cls(
                national_id=str(item["national_id"])[:64],
                unit=str(item["unit"]),
                procedure=str(item["procedure"]),
                submitted_at=submitted,
                applicant={str(k): str(v) for k, v in dict(item.get("applicant") or {}).items()},
                data=dict(item.get("data") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise NationalPortalError(f"bad submission: {exc!r}") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "national_id": self.national_id,
            "unit": self.unit,
            "procedure": self.procedure,
            "submitted_at": self.submitted_at.isoformat(),
            "applicant": self.applicant,
            "data": self.data,
        }


class NationalPortal(Protocol):
    def push_status(self, dossier: Dossier, event: DossierEvent | None) -> str:
        """Tell the portal the dossier's current status; return the portal's dossier id."""
        ...

    def pull_submissions(self, since: dt.datetime | None) -> list[NationalSubmission]:
        """Online submissions made on the portal after `since` (all when None)."""
        ...


def status_payload(dossier: Dossier, event: DossierEvent | None) -> dict[str, Any]:
    """What is pushed: the dossier's status and dates. No identity number, phone, address."""
    known = getattr(dossier, "national_sync", None)

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(dt.UTC).isoformat() if value else None

    return {
        "national_id": known.national_id if known is not None and known.national_id else None,
        "code": dossier.code,
        "unit": dossier.unit.code,
        "procedure": dossier.procedure_version.procedure.code,
        "channel": dossier.channel,
        "state": dossier.state,
        "submitted_at": iso(dossier.submitted_at),
        "received_at": iso(dossier.received_at),
        "due_at": iso(dossier.effective_due_at),
        "finished_at": iso(dossier.finished_at),
        "returned_at": iso(dossier.returned_at),
        "event": None
        if event is None
        else {"id": event.pk, "seq": event.seq, "action": event.action, "at": iso(event.at)},
    }


class HttpNationalPortal:
    """JSON over HTTPS: `POST {base}/trang-thai/` and `GET {base}/ho-so/?since=…`."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base_url, path),
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8") or "null")
        except urllib.error.HTTPError as exc:
            raise NationalPortalError(f"HTTP {exc.code} on {method} {path}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise NationalPortalError(f"{method} {path}: {exc}") from exc

    def push_status(self, dossier: Dossier, event: DossierEvent | None) -> str:
        answer = self._call("POST", "trang-thai/", status_payload(dossier, event))
        if not isinstance(answer, dict) or not answer.get("national_id"):
            raise NationalPortalError("answer without national_id")
        return str(answer["national_id"])[:64]

    def pull_submissions(self, since: dt.datetime | None) -> list[NationalSubmission]:
        query = "?" + urllib.parse.urlencode({"since": since.isoformat()}) if since else ""
        answer = self._call("GET", "ho-so/" + query)
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list):
            raise NationalPortalError("answer without items")
        return [NationalSubmission.from_json(i) for i in items if isinstance(i, dict)]


class InMemoryNationalPortal:
    """The in-process fake of the tests: a shared store (class attributes), `fail_next` makes
    the next pushes raise."""

    lock = threading.Lock()
    statuses: dict[str, dict[str, Any]] = {}
    submissions: list[NationalSubmission] = []
    fail_next = 0
    pushes = 0

    @classmethod
    def reset(cls) -> None:
        with cls.lock:
            cls.statuses = {}
            cls.submissions = []
            cls.fail_next = 0
            cls.pushes = 0

    def push_status(self, dossier: Dossier, event: DossierEvent | None) -> str:
        cls = type(self)
        with cls.lock:
            cls.pushes += 1
            if cls.fail_next > 0:
                cls.fail_next -= 1
                raise NationalPortalError("simulated outage")
            payload = status_payload(dossier, event)
            national_id = payload["national_id"] or f"GL-{dossier.code}"
            cls.statuses[national_id] = payload
            return national_id

    def pull_submissions(self, since: dt.datetime | None) -> list[NationalSubmission]:
        with type(self).lock:
            return [s for s in type(self).submissions if since is None or s.submitted_at > since]


def get_adapter() -> NationalPortal | None:
    """The configured adapter, or None when sync is off."""
    conf = settings.MOTCUA
    dotted = str(conf.get("NATIONAL_PORTAL_ADAPTER") or "")
    if dotted:
        adapter: NationalPortal = import_string(dotted)()
        return adapter
    url = str(conf.get("NATIONAL_PORTAL_URL") or "")
    if url:
        return HttpNationalPortal(url, str(conf.get("NATIONAL_PORTAL_TOKEN") or ""))
    return None


def sync_enabled() -> bool:
    conf = settings.MOTCUA
    return bool(conf.get("NATIONAL_PORTAL_ADAPTER") or conf.get("NATIONAL_PORTAL_URL"))


def max_attempts() -> int:
    return int(str(settings.MOTCUA.get("NATIONAL_PORTAL_MAX_ATTEMPTS", 10)))


def backoff_seconds(attempts: int) -> int:
    return int(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), 12 * 3600))


def _syncable(dossier: Dossier) -> bool:
    """Dossiers the portal hears about: submitted or received ones with a code (no drafts)."""
    return bool(dossier.code) and dossier.state != State.DRAFT


# ---------------------------------------------------------------------------------------------
# Push
# ---------------------------------------------------------------------------------------------


def national_mark_pending(event_id: int) -> bool:
    """After-commit hook: the dossier of the event has news for the portal. Idempotent: an
    event already pushed (id ≤ `last_event_id`) changes nothing."""
    if not sync_enabled():
        return False
    event = DossierEvent.objects.select_related("dossier").filter(pk=event_id).first()
    if event is None or not _syncable(event.dossier):
        return False
    dossier_id = event.dossier_id
    with transaction.atomic():
        try:
            with transaction.atomic():
                sync, _created = NationalSync.objects.get_or_create(dossier_id=dossier_id)
        except IntegrityError:
            sync = NationalSync.objects.get(dossier_id=dossier_id)
        if sync.last_event_id is not None and sync.last_event_id >= event_id:
            return False
        NationalSync.objects.filter(pk=sync.pk).update(
            state=SyncState.PENDING, next_attempt_at=None, attempts=0, updated_at=timezone.now()
        )
    from motcua.integrations.tasks import national_push

    national_push.delay(dossier_id)
    return True


def on_dossier_event(event_id: int) -> None:
    """The registered after-commit hook (`IntegrationsConfig.ready`)."""
    national_mark_pending(event_id)


def _claim(dossier_id: int, now: dt.datetime, force: bool) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    states = [SyncState.PENDING, SyncState.FAILED] if force else [SyncState.PENDING]
    query = NationalSync.objects.filter(dossier_id=dossier_id, state__in=states)
    if not force:
        query = query.filter(due)
    lease = now + dt.timedelta(seconds=120)
    return query.update(next_attempt_at=lease) == 1


def national_push_dossier(
    dossier_id: int, *, now: dt.datetime | None = None, force: bool = False
) -> str:
    """Push the dossier's current status if its sync is pending and due. Returns "synced",
    "retry", "failed", "skipped" (nothing due) or "off" (no adapter)."""
    adapter = get_adapter()
    if adapter is None:
        return "off"
    now = now or timezone.now()
    if not _claim(dossier_id, now, force):
        return "skipped"
    sync = NationalSync.objects.get(dossier_id=dossier_id)
    dossier = Dossier.objects.select_related(
        "unit", "procedure_version__procedure", "national_sync"
    ).get(pk=dossier_id)
    event = dossier.events.order_by("-seq").first()
    try:
        national_id = adapter.push_status(dossier, event)
    except NationalPortalError as exc:
        attempts = sync.attempts + 1
        failed = attempts >= max_attempts()
        NationalSync.objects.filter(pk=sync.pk).update(
            attempts=attempts,
            last_error=str(exc)[:500],
            state=SyncState.FAILED if failed else SyncState.PENDING,
            next_attempt_at=None
            if failed
            else now + dt.timedelta(seconds=backoff_seconds(attempts)),
            updated_at=timezone.now(),
        )
        return "failed" if failed else "retry"
    pushed = event.pk if event is not None else None
    latest = dossier.events.order_by("-seq").values_list("pk", flat=True).first()
    newer = latest is not None and pushed is not None and latest > pushed
    NationalSync.objects.filter(pk=sync.pk).update(
        national_id=national_id,
        last_event_id=pushed,
        attempts=0,
        last_error="",
        state=SyncState.PENDING if newer else SyncState.SYNCED,
        next_attempt_at=now if newer else None,
        synced_at=now,
        updated_at=timezone.now(),
    )
    return "retry" if newer else "synced"


def national_sync_due_ids(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        NationalSync.objects.filter(state=SyncState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("updated_at", "id")
        .values_list("dossier_id", flat=True)[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Pull
# ---------------------------------------------------------------------------------------------


@dataclass
class PullSummary:
    read: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = _("Đã đọc %(read)s hồ sơ từ Cổng DVCQG: tạo mới %(created)s, đã có %(same)s.") % {
            "read": self.read,
            "created": self.created,
            "same": self.unchanged,
        }
        if self.problems:
            text += " " + _("Lỗi: %(p)s") % {"p": "; ".join(self.problems)}
        return text


def system_account() -> Any:
    """The citizen account that stands for the national portal as submitter: inactive (it
    cannot log in), unusable password."""
    from motcua.accounts.models import User, UserKind

    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={
            "kind": UserKind.CITIZEN,
            "is_active": False,
            "full_name": "Cổng Dịch vụ công quốc gia",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def national_pull(
    *, since: dt.datetime | None = None, adapter: NationalPortal | None = None
) -> PullSummary:
    """Create the dossiers of the portal's online submissions through the online-submission
    service (`dossiers.services.dossier_submit_online`). Idempotent by national id: a
    submission whose id is already linked (`NationalSync.national_id`) is left alone."""
    from motcua.catalogue.models import Procedure
    from motcua.dossiers import services as dossier_services
    from motcua.organisation.models import Unit

    adapter = adapter or get_adapter()
    if adapter is None:
        raise DomainError(_("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia."))
    try:
        submissions = adapter.pull_submissions(since)
    except NationalPortalError as exc:
        raise DomainError(
            _("Không lấy được hồ sơ từ Cổng DVCQG: %(e)s") % {"e": str(exc)[:200]}
        ) from exc
    summary = PullSummary()
    user = system_account()
    for item in submissions:
        summary.read += 1
        if NationalSync.objects.filter(national_id=item.national_id).exists():
            summary.unchanged += 1
            continue
        unit = Unit.objects.filter(code=item.unit).first()
        procedure = Procedure.objects.filter(code=item.procedure).first()
        if unit is None or procedure is None:
            summary.problems.append(
                _("%(id)s: không có đơn vị “%(u)s” hoặc thủ tục “%(p)s”")
                % {"id": item.national_id, "u": item.unit, "p": item.procedure}
            )
            continue
        applicant = item.applicant
        try:
            with transaction.atomic():
                dossier = dossier_services.dossier_submit_online(
                    user=user,
                    unit=unit,
                    procedure=procedure,
                    idempotency_key=IDEMPOTENCY_PREFIX + item.national_id,
                    applicant_name=applicant.get("name", ""),
                    applicant_id_number=applicant.get("id_number", ""),
                    applicant_phone=applicant.get("phone", ""),
                    applicant_email=applicant.get("email", ""),
                    applicant_address=applicant.get("address", ""),
                    data=item.data,
                    at=item.submitted_at,
                )
                last = dossier.events.order_by("-seq").values_list("pk", flat=True).first()
                # Known to the portal from the start: the submit event needs no push back.
                NationalSync.objects.update_or_create(
                    dossier=dossier,
                    defaults={
                        "national_id": item.national_id,
                        "state": SyncState.SYNCED,
                        "last_event_id": last,
                        "synced_at": timezone.now(),
                    },
                )
        except DomainError as exc:
            summary.problems.append(f"{item.national_id}: {exc.message}")
            continue
        summary.created += 1
    return summary
