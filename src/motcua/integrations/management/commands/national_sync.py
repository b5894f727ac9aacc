"""`motcua national-sync report|pull|push`: synchronisation with the national portal (DVCQG).

    motcua national-sync report [--unit CODE]     # dossiers not synced, per unit
    motcua national-sync pull [--since 2025-03-01T00:00]   # create the portal's submissions
    motcua national-sync push [--failed]          # push what is due now (and the failed ones)

Configuration and formats: docs/dev/integrations.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.integrations import national, selectors
from motcua.integrations.models import NationalSync, SyncState
from motcua.organisation.models import Unit


class Command(BaseCommand):
    help = "Đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia: báo cáo, lấy hồ sơ, đẩy trạng thái."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        report = sub.add_parser("report", help="Hồ sơ chưa đồng bộ theo đơn vị")
        report.add_argument("--unit", action="append", default=[], help="Mã đơn vị (lặp lại được)")
        pull = sub.add_parser("pull", help="Tạo hồ sơ từ các hồ sơ nộp trên Cổng DVCQG")
        pull.add_argument("--since", help="Chỉ lấy hồ sơ nộp sau thời điểm ISO 8601 này")
        push = sub.add_parser("push", help="Đẩy trạng thái các hồ sơ đến hạn đồng bộ")
        push.add_argument("--failed", action="store_true", help="Thử lại cả hồ sơ đồng bộ lỗi")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["verb"])(opts)

    def _report(self, opts: dict[str, Any]) -> None:
        if opts["unit"]:
            units = list(Unit.objects.filter(code__in=opts["unit"]))
            missing = set(opts["unit"]) - {u.code for u in units}
            if missing:
                raise CommandError(
                    _("Không tìm thấy đơn vị có mã “%(c)s”.") % {"c": ", ".join(sorted(missing))}
                )
            ids = {u.pk for u in units}
        else:
            ids = set(Unit.objects.values_list("pk", flat=True))
        header = _("Đơn vị\tTổng\tĐã đồng bộ\tChờ\tLỗi\tChưa theo dõi")
        self.stdout.write(header)
        for row in selectors.unsynced_report(ids):
            if not row.total:
                continue
            self.stdout.write(
                f"{row.unit.code}\t{row.total}\t{row.synced}\t{row.pending}\t{row.failed}\t"
                f"{row.untracked}"
            )
            for dossier in row.unsynced:
                sync = getattr(dossier, "national_sync", None)
                why = f"{sync.get_state_display()} {sync.last_error}".strip() if sync else "—"
                self.stdout.write(f"  {dossier.code}\t{dossier.state}\t{why}")

    def _pull(self, opts: dict[str, Any]) -> None:
        since = None
        if opts.get("since"):
            try:
                since = dt.datetime.fromisoformat(opts["since"])
            except ValueError as exc:
                raise CommandError(_("--since phải là thời điểm ISO 8601.")) from exc
            if since.tzinfo is None:
                from zoneinfo import ZoneInfo

                since = since.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        try:
            summary = national.national_pull(since=since)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(summary))

    def _push(self, opts: dict[str, Any]) -> None:
        if not national.sync_enabled():
            raise CommandError(_("Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia."))
        ids = national.national_sync_due_ids()
        if opts["failed"]:
            ids += list(
                NationalSync.objects.filter(state=SyncState.FAILED).values_list(
                    "dossier_id", flat=True
                )
            )
        outcomes: dict[str, int] = {}
        for pk in ids:
            outcome = national.national_push_dossier(pk, force=opts["failed"])
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        self.stdout.write(
            _("Đã xử lý %(n)s hồ sơ: %(o)s.")
            % {"n": len(ids), "o": ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))}
        )
