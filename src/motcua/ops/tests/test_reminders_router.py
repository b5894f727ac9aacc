"""Deadline digests (beat `dossiers.remind_deadlines`) and the reports replica router."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core import mail
from tests.factories import MembershipFactory, UserFactory

from motcua.dossiers import tasks
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_assign, dossier_receive
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, local
from motcua.ops.models import ReminderSent
from motcua.ops.reminders import send_deadline_reminders
from motcua.ops.routers import ReportsReplicaRouter

#: Wednesday 12/03/2025, 07:30 local — a working day.
WEDNESDAY = local(2025, 3, 12, 7, 30)


@pytest.fixture
def due_world(commune, version):
    for user in (commune.receiver, commune.specialist, commune.leader):
        user.email = f"{user.username}@xa.example.vn"
        user.save()

    def received(due: dt.datetime, assign: bool) -> Dossier:
        d = counter_dossier(commune, version)
        d = dossier_receive(dossier=d, user=commune.receiver, at=MONDAY)
        if assign:
            d = dossier_assign(
                dossier=d, user=commune.leader, assignee=commune.specialist, at=MONDAY
            )
        Dossier.objects.filter(pk=d.pk).update(due_at=due)
        return Dossier.objects.get(pk=d.pk)

    overdue = received(local(2025, 3, 11, 17), assign=True)  # yesterday
    soon = received(local(2025, 3, 13, 17), assign=False)  # tomorrow (1 working day)
    later = received(local(2025, 3, 20, 17), assign=True)  # next week: not in the digest
    return commune, overdue, soon, later


def test_digest_goes_to_assignees_and_leaders_once_a_day(due_world):
    commune, overdue, soon, later = due_world
    assert send_deadline_reminders(now=WEDNESDAY) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    leader_mail = by_to[commune.leader.email]
    specialist_mail = by_to[commune.specialist.email]
    assert commune.receiver.email not in by_to
    assert overdue.code in leader_mail.body and soon.code in leader_mail.body
    assert later.code not in leader_mail.body
    assert overdue.code in specialist_mail.body and soon.code not in specialist_mail.body
    assert "11/03/2025" in specialist_mail.body  # dd/mm/yyyy
    assert "Trần Thị Bình" not in leader_mail.body  # no applicant data in e-mails
    assert "1 hồ sơ quá hạn, 1 hồ sơ sắp đến hạn" in leader_mail.subject
    # Idempotent per day: the beat may fire twice, a worker may retry.
    assert tasks.remind_deadlines(now=WEDNESDAY.isoformat()) == 0
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.filter(day=dt.date(2025, 3, 12)).count() == 2
    # The next working day sends again.
    assert send_deadline_reminders(now=WEDNESDAY + dt.timedelta(days=1)) == 2


def test_no_digest_on_a_day_off_or_without_an_address(due_world):
    commune, *_ = due_world
    assert send_deadline_reminders(now=local(2025, 3, 15, 7, 30)) == 0  # Saturday
    commune.leader.email = ""
    commune.leader.save()
    assert send_deadline_reminders(now=WEDNESDAY) == 1
    assert [m.to for m in mail.outbox] == [[commune.specialist.email]]


def test_leaders_of_other_units_get_nothing(due_world, other_commune):
    other_leader = UserFactory(email="lanhdao@xakhac.example.vn")
    MembershipFactory(user=other_leader, unit=other_commune.unit, role="leader")
    send_deadline_reminders(now=WEDNESDAY)
    assert other_leader.email not in {m.to[0] for m in mail.outbox}


# --------------------------------------------------------------------------------------------
# Reports replica router
# --------------------------------------------------------------------------------------------


def test_router_does_nothing_without_the_reports_database(settings):
    from motcua.dossiers.models import Dossier as D
    from motcua.reports.models import RollupMeta

    assert "reports" not in settings.DATABASES
    assert "motcua.ops.routers.ReportsReplicaRouter" in settings.DATABASE_ROUTERS
    router = ReportsReplicaRouter()
    assert router.db_for_read(RollupMeta) is None
    assert router.db_for_read(D) is None
    assert router.db_for_write(RollupMeta) is None
    assert router.allow_migrate("default", "reports") is None
    assert RollupMeta.objects.all().db == "default"


def test_router_sends_rollup_reads_to_the_replica(monkeypatch):
    from django.conf import settings

    from motcua.dossiers.models import Dossier as D
    from motcua.reports.models import RollupMeta

    monkeypatch.setitem(settings.DATABASES, "reports", dict(settings.DATABASES["default"]))
    router = ReportsReplicaRouter()
    assert router.db_for_read(RollupMeta) == "reports"
    assert router.db_for_read(D) is None
    assert router.db_for_write(RollupMeta) is None
    assert router.allow_migrate("reports", "reports") is False


@pytest.mark.parametrize("url", [None, "postgres://reader@replica.example:5432/motcua"])
def test_reports_database_setting_from_the_environment(url):
    env = {k: v for k, v in os.environ.items() if k != "REPORTS_DATABASE_URL"}
    if url:
        env["REPORTS_DATABASE_URL"] = url
    code = (
        "from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASES.get('reports', {}).get('HOST'))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "motcua.config.settings"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.strip()
    if url:
        assert out == "['default', 'reports'] replica.example"
    else:
        assert out == "['default'] None"


class Backend:
    """A mail backend that counts its connections and refuses some addresses or every open."""

    def __init__(self, refused: set[str], down: bool = False) -> None:
        from django.core.mail.backends.locmem import EmailBackend

        self.refused, self.down = refused, down
        self.opened = self.closed = 0
        self.tried: list[str] = []
        self.locmem = EmailBackend()

    def open(self) -> bool:
        if self.down:
            raise ConnectionRefusedError("mail server down")
        self.opened += 1
        return True

    def close(self) -> None:
        self.closed += 1

    def send_messages(self, messages: Any) -> int:
        self.tried.append(messages[0].to[0])
        if messages[0].to[0] in self.refused:
            raise OSError("421 service not available, closing transmission channel")
        return int(self.locmem.send_messages(messages))


def test_one_mail_connection_per_run_and_a_fresh_one_after_a_failed_send(due_world, monkeypatch):
    """The digests share one connection to the mail server; a send that fails is tried once
    more on a reopened connection, then left unmarked (a rerun sends it), and the next digest
    goes out through a fresh connection."""
    from motcua.ops import reminders

    commune, *_ = due_world
    first, second = sorted([commune.specialist, commune.leader], key=lambda u: u.pk)
    backend = Backend(refused={first.email})
    monkeypatch.setattr(reminders, "mail_connection", lambda: backend)
    assert send_deadline_reminders(now=WEDNESDAY) == 1
    assert backend.tried == [first.email, first.email, second.email]
    assert backend.opened == 3  # the run's connection, reopened after each failed try
    assert backend.closed == 3
    assert [m.to[0] for m in mail.outbox] == [second.email]
    assert list(ReminderSent.objects.values_list("user_id", flat=True)) == [second.pk]
    backend.refused.clear()
    assert send_deadline_reminders(now=WEDNESDAY) == 1  # the first digest, on a rerun
    assert {m.to[0] for m in mail.outbox} == {first.email, second.email}


def test_a_mail_server_that_does_not_answer_stops_the_run_and_marks_nothing(due_world, monkeypatch):
    from motcua.ops import reminders

    backend = Backend(refused=set(), down=True)
    monkeypatch.setattr(reminders, "mail_connection", lambda: backend)
    assert send_deadline_reminders(now=WEDNESDAY) == 0
    assert backend.tried == [] and mail.outbox == []
    assert not ReminderSent.objects.exists()
    # Nobody to send to (all sent already): no connection is opened at all.
    backend.down = False
    assert send_deadline_reminders(now=WEDNESDAY) == 2
    opened = backend.opened
    assert send_deadline_reminders(now=WEDNESDAY) == 0
    assert backend.opened == opened


def test_in_debug_without_a_mail_server_the_digests_go_to_the_console(due_world, settings, capsys):
    """The demo (DEBUG, the SMTP default, no server): the reminders use the same connection as
    the citizens' notices (`portal.notify.mail_connection`), the console, not a failing SMTP."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert send_deadline_reminders(now=WEDNESDAY) == 2
    assert capsys.readouterr().out.count("Subject: ") == 2
    assert ReminderSent.objects.count() == 2
