"""Classification edge cases (DOMAIN.md §2.5, §2.4, §3.3, §3.4, §1.6), each checked on both
paths (oracle and rollups)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from tests.factories import UnitFactory

from motcua.calendar.constants import LimitUnit
from motcua.dossiers.constants import Channel, State
from motcua.dossiers.models import Transfer
from motcua.reports.constants import FIGURE_KEYS

from .helpers import at, dossier, figures_both, version

JUNE = (dt.date(2023, 6, 1), dt.date(2023, 6, 30))
AFTER = at(2023, 7, 10)
DAYS, HOURS, SAME_DAY = LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS, LimitUnit.SAME_DAY


def motcua(**overrides: Any) -> dict[str, Any]:
    return {**settings.MOTCUA, **overrides}


CASES = [
    # (id, limit, dossier kwargs, settings overrides, now, policy, expected non-zero figures)
    (
        "dom2.5a-finished-on-due-day-before-due-hour-days-limit-on-time",
        DAYS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 8, 17), "finished": at(2023, 6, 8, 10)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_on_time": 1},
    ),
    (
        "dom2.5a-same-case-compared-by-instant-when-setting-off-early",
        DAYS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 8, 17), "finished": at(2023, 6, 8, 10)},
        {"CLASSIFY_DAY_LIMITS_BY_DATE": False},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_early": 1},
    ),
    (
        "dom2.5a-finished-after-hours-on-due-day-days-limit-on-time",
        DAYS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 8, 17), "finished": at(2023, 6, 8, 19)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_on_time": 1},
    ),
    (
        "dom2.5a-finished-after-hours-on-due-day-hours-limit-late",
        HOURS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 8, 17), "finished": at(2023, 6, 8, 19)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_late": 1},
    ),
    (
        "dom2.5a-same-day-limit-one-minute-late-nd61-art18",
        SAME_DAY,
        {
            "received": at(2023, 6, 5, 8),
            "due": at(2023, 6, 5, 17),
            "finished": at(2023, 6, 5, 17, 1),
        },
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_late": 1},
    ),
    (
        "dom2.5-finished-day-before-due-early",
        DAYS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 8, 8), "finished": at(2023, 6, 7, 23)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_early": 1},
    ),
    (
        "dom2.5b-after-extension-original-due-late",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "extended": at(2023, 6, 15, 17),
            "finished": at(2023, 6, 12),
        },
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_late": 1},
    ),
    (
        "dom2.5b-after-extension-extended-setting-early",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "extended": at(2023, 6, 15, 17),
            "finished": at(2023, 6, 12),
        },
        {"LATENESS_AGAINST": "extended"},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_early": 1},
    ),
    (
        # ND61 art. 19(4): the clock restarts on complete resubmission; due_at holds the new date.
        "dom2.4-after-supplement-restart-new-due-early-nd61-art19-4",
        DAYS,
        {"received": at(2023, 6, 5), "due": at(2023, 6, 20, 17), "finished": at(2023, 6, 16)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_early": 1},
    ),
    (
        "dom3.3-rejected-after-review-counts-as-resolved-nd61-art19-8",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "finished": at(2023, 6, 7),
            "state": State.REJECTED_AFTER_REVIEW,
        },
        {},
        AFTER,
        "strict",
        {"received_online": 1, "resolved_early": 1, "resolved_rejected": 1},
    ),
    (
        "dom3.4-withdrawn-strict-closed-other-footnote",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "closed": at(2023, 6, 6),
            "state": State.WITHDRAWN,
            "channel": Channel.COUNTER,
        },
        {},
        AFTER,
        "strict",
        {"received_direct_postal": 1, "closed_other_total": 1, "withdrawn": 1},
    ),
    (
        "dom3.4-withdrawn-folded-into-on-time",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "closed": at(2023, 6, 6),
            "state": State.WITHDRAWN,
            "channel": Channel.POSTAL,
        },
        {},
        AFTER,
        "folded",
        {"received_direct_postal": 1, "resolved_on_time": 1, "withdrawn": 1},
    ),
    (
        "dom3.4-waiting-supplement-overdue-strict",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "state": State.SUPPLEMENT_AFTER_REVIEW,
        },
        {},
        AFTER,
        "strict",
        {"received_online": 1, "pending_overdue": 1},
    ),
    (
        "dom3.4-waiting-supplement-folded-within",
        DAYS,
        {
            "received": at(2023, 6, 5),
            "due": at(2023, 6, 8, 17),
            "state": State.SUPPLEMENT_AFTER_REVIEW,
        },
        {},
        AFTER,
        "folded",
        {"received_online": 1, "pending_within": 1},
    ),
    (
        "dom2.5-pending-across-period-end-within",
        DAYS,
        {"received": at(2023, 6, 28), "due": at(2023, 7, 3, 17), "finished": at(2023, 7, 2)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "pending_within": 1},
    ),
    (
        "dom2.5-pending-across-period-end-overdue-due-on-last-day",
        DAYS,
        {"received": at(2023, 6, 26), "due": at(2023, 6, 30, 17), "finished": at(2023, 7, 3)},
        {},
        AFTER,
        "strict",
        {"received_online": 1, "pending_overdue": 1},
    ),
    (
        "dom2.5-overdue-pending-with-now-before-end",
        DAYS,
        {"received": at(2023, 6, 12), "due": at(2023, 6, 19, 17)},
        {},
        at(2023, 6, 20, 12),
        "strict",
        {"received_online": 1, "pending_overdue": 1},
    ),
    (
        "dom2.5-due-later-than-now-but-before-end-is-within",
        DAYS,
        {"received": at(2023, 6, 12), "due": at(2023, 6, 25, 17)},
        {},
        at(2023, 6, 20, 12),
        "strict",
        {"received_online": 1, "pending_within": 1},
    ),
    (
        "dom2.5a-due-earlier-today-days-limit-still-within",
        DAYS,
        {"received": at(2023, 6, 12), "due": at(2023, 6, 20, 10)},
        {},
        at(2023, 6, 20, 12),
        "strict",
        {"received_online": 1, "pending_within": 1},
    ),
    (
        "dom2.5a-due-earlier-today-hours-limit-overdue",
        HOURS,
        {"received": at(2023, 6, 19), "due": at(2023, 6, 20, 10)},
        {},
        at(2023, 6, 20, 12),
        "strict",
        {"received_online": 1, "pending_overdue": 1},
    ),
    (
        "dom3.3-carried-over-from-may-finished-late-in-june",
        DAYS,
        {"received": at(2023, 5, 29), "due": at(2023, 6, 1, 17), "finished": at(2023, 6, 2)},
        {},
        AFTER,
        "strict",
        {"carried_over": 1, "resolved_late": 1},
    ),
    (
        "dom1.13-refused-at-intake-never-received-nd61-art17-1b",
        DAYS,
        {"received": None, "due": None, "state": State.INTAKE_REFUSED, "closed": at(2023, 6, 5)},
        {},
        AFTER,
        "strict",
        {},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limit", "kwargs", "overrides", "now", "policy", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_classification(
    limit: str,
    kwargs: dict[str, Any],
    overrides: dict[str, Any],
    now: dt.datetime,
    policy: str,
    expected: dict[str, int],
) -> None:
    unit = UnitFactory()
    kwargs = dict(kwargs)
    if "state" not in kwargs:
        done = kwargs.get("finished")
        kwargs["state"] = State.RETURNED if done and done < AFTER else State.IN_PROCESS
        if done and done > now:  # finished after the report's "now": not yet finished
            kwargs["finished"] = None
            kwargs["state"] = State.IN_PROCESS
    dossier(unit, version(unit=limit), **kwargs)
    with override_settings(MOTCUA=motcua(**overrides)):
        t = figures_both(unit, *JUNE, now=now, policy=policy)
    full = dict(expected)
    received = full.get("received_online", 0) + full.get("received_direct_postal", 0)
    received += full.get("carried_over", 0)
    if received:
        full["received_total"] = received
    for group, parts in (
        ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
        ("pending_total", ("pending_within", "pending_overdue")),
    ):
        if any(full.get(p) for p in parts):
            full[group] = sum(full.get(p, 0) for p in parts)
    assert {k: v for k, v in t.as_dict().items() if v} == full
    assert set(full) <= set(FIGURE_KEYS)


@pytest.mark.django_db
def test_transferred_dossier_counted_once_at_receiving_unit_dom1_6() -> None:
    """A dossier received by commune A and sent (liên thông) to B for processing counts at A
    only, and once in a report over their parent (NĐ61 art. 18; DOMAIN.md §1.6)."""
    district = UnitFactory(code="H01", name="Huyện Thử")
    a = UnitFactory(code="XA", parent=district)
    b = UnitFactory(code="XB", parent=district)
    d = dossier(
        a,
        version(),
        received=at(2023, 6, 5),
        due=at(2023, 6, 8, 17),
        current_unit=b,
        state=State.RETURNED,
        finished=at(2023, 6, 7),
    )
    Transfer.objects.create(
        dossier=d, kind=Transfer.Kind.TRANSFER, from_unit=a, to_unit=b, sent_at=at(2023, 6, 5, 10)
    )
    assert figures_both(a, *JUNE, now=AFTER).resolved_early == 1
    assert figures_both(b, *JUNE, now=AFTER).received_total == 0
    assert figures_both(district, *JUNE, now=AFTER).received_total == 1


@pytest.mark.django_db
def test_merged_unit_reports_its_predecessors() -> None:
    """A commune formed by a merger reports the dossiers of the communes merged into it."""
    old = UnitFactory(code="OLD1")
    new = UnitFactory(code="NEW1")
    old.successors.add(new)
    dossier(old, version(), received=at(2023, 6, 5), due=at(2023, 6, 8, 17))
    assert figures_both(new, *JUNE, now=AFTER).pending_overdue == 1
    assert figures_both(old, *JUNE, now=AFTER).pending_overdue == 1
