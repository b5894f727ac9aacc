"""Permission-aware dossier reads: visibility, queues, keyset pagination, bounded counts,
the timeline and the actions offered (DOMAIN.md §1.4–§1.13; ANCHORS.md §D)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from tests.factories import (
    DossierFactory,
    FieldFactory,
    MembershipFactory,
    ProcedureVersionFactory,
    UnitFactory,
    UserFactory,
)

from motcua.dossiers import selectors
from motcua.dossiers.constants import State
from motcua.dossiers.models import Dossier, DossierEvent, Transfer
from motcua.dossiers.transitions import Action
from motcua.organisation.constants import Role

NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)  # Wednesday 10:00 in Hà Nội


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The factories hash a password per user; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff(unit, *roles):
    user = UserFactory()
    for role in roles or (Role.SPECIALIST,):
        MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def commune():
    return UnitFactory()


@pytest.fixture
def version():
    return ProcedureVersionFactory()


def all_pages(user, name, **kwargs):
    rows, after, pages = [], None, 0
    while True:
        page = selectors.queue(user, name, after=after, now=NOW, **kwargs)
        rows.extend(page.rows)
        pages += 1
        if page.next_cursor is None:
            return rows, pages
        after = page.next_cursor


# --- visibility --------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_commune_sees_nothing_nd61_art_3(commune, version):
    mine = DossierFactory(unit=commune, procedure_version=version)
    other = UnitFactory()
    stranger = staff(other, Role.RECEIVER, Role.SPECIALIST, Role.LEADER)
    with pytest.raises(Dossier.DoesNotExist):
        selectors.dossier_get_for_user(stranger, mine.pk)
    assert not selectors.dossiers_for_user(stranger).exists()
    for name in selectors.QUEUES:
        assert selectors.queue(stranger, name, now=NOW).rows == []
    assert all(c.count == 0 for c in selectors.queue_counts(stranger, now=NOW))


@pytest.mark.django_db
def test_visible_via_current_unit_receiving_unit_or_transfer(commune, version):
    district = UnitFactory()
    d = DossierFactory(unit=commune, current_unit=district, procedure_version=version)
    assert selectors.dossier_get_for_user(staff(commune), d.pk) == d  # receiving unit
    assert selectors.dossier_get_for_user(staff(district), d.pk) == d  # current unit
    consulted = UnitFactory()
    Transfer.objects.create(
        dossier=d, kind="consult", from_unit=district, to_unit=consulted, sent_at=NOW
    )
    assert selectors.dossier_get_for_user(staff(consulted), d.pk) == d  # NĐ61 art. 19(5)


@pytest.mark.django_db
def test_anonymous_and_citizen_see_nothing(commune, version):
    d = DossierFactory(unit=commune, procedure_version=version)
    citizen = UserFactory(kind="citizen")
    MembershipFactory(user=citizen, unit=commune, role=Role.RECEIVER)
    assert not selectors.dossiers_for_user(AnonymousUser()).exists()
    with pytest.raises(Dossier.DoesNotExist):
        selectors.dossier_get_for_user(citizen, d.pk)


# --- queues ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_membership_by_state_and_deadline_dom_1_13(commune, version):
    receiver = staff(commune, Role.RECEIVER)
    specialist = staff(commune, Role.SPECIALIST)

    def make(state, due, **kw):
        return DossierFactory(
            unit=commune, procedure_version=version, state=state, due_at=due, **kw
        )

    submitted = make(State.SUBMITTED, None, received_at=None)
    intake_sup = make(State.INTAKE_SUPPLEMENT, None, received_at=None)
    late = make(State.IN_PROCESS, NOW - dt.timedelta(hours=1))
    apologised = make(
        State.IN_PROCESS, NOW - dt.timedelta(days=2), extended_due_at=NOW + dt.timedelta(days=20)
    )
    soon = make(State.IN_PROCESS, NOW + dt.timedelta(hours=5), assignee=specialist)
    far = make(State.IN_PROCESS, NOW + dt.timedelta(days=20))
    waiting = make(State.SUPPLEMENT_AFTER_REVIEW, NOW - dt.timedelta(days=1))
    ready = make(State.RESULT_READY, NOW + dt.timedelta(days=1))
    done = make(State.RETURNED, NOW - dt.timedelta(days=9))
    other = UnitFactory()
    sent = make(State.CONSULTING, NOW + dt.timedelta(days=3))
    Transfer.objects.create(
        dossier=sent, kind="transfer", from_unit=commune, to_unit=other, sent_at=NOW
    )

    def names(user, queue):
        return {d.pk for d in selectors.queue(user, queue, now=NOW).rows}

    assert names(receiver, "to_receive") == {submitted.pk, intake_sup.pk}
    assert names(specialist, "to_receive") == set()  # receiver role only (art. 17)
    assert names(specialist, "assigned_to_me") == {soon.pk}
    assert names(specialist, "overdue") == {late.pk}  # the apology moved the other one
    assert names(specialist, "due_soon") == {soon.pk}
    assert names(specialist, "waiting_supplement") == {waiting.pk}
    assert names(specialist, "transferred_out") == {sent.pk}
    assert names(receiver, "result_ready") == {ready.pk}
    assert done.pk not in names(specialist, "overdue") and far.pk not in names(
        specialist, "due_soon"
    )
    assert apologised.pk not in names(specialist, "due_soon")


@pytest.mark.django_db
def test_due_soon_counts_working_days_over_the_weekend(commune, version):
    """Friday afternoon: a dossier due Monday is within 01 working day (DOMAIN §2.1)."""
    friday = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    monday = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    tuesday = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    user = staff(commune)
    a = DossierFactory(unit=commune, procedure_version=version, due_at=monday)
    DossierFactory(unit=commune, procedure_version=version, due_at=tuesday)
    rows = selectors.queue(user, "due_soon", now=friday).rows
    assert [d.pk for d in rows] == [a.pk]


@pytest.mark.django_db
def test_queue_filters_by_field_and_procedure(commune):
    user = staff(commune)
    v1 = ProcedureVersionFactory()
    v2 = ProcedureVersionFactory(procedure__field=FieldFactory(code="DD", name="Đất đai"))
    late = NOW - dt.timedelta(hours=2)
    a = DossierFactory(unit=commune, procedure_version=v1, due_at=late)
    b = DossierFactory(unit=commune, procedure_version=v2, due_at=late)
    by_field = selectors.queue(user, "overdue", field=v2.procedure.field_id, now=NOW).rows
    assert [d.pk for d in by_field] == [b.pk]
    by_proc = selectors.queue(user, "overdue", procedure=v1.procedure_id, now=NOW).rows
    assert [d.pk for d in by_proc] == [a.pk]


# --- keyset pagination -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["due", "-due", "received", "-received"])
def test_keyset_pages_have_no_duplicates_or_gaps_with_ties(commune, version, order):
    """Ties on due_at (several dossiers due at the same instant) and NULL keys are split by
    id; every row appears exactly once across pages, in the requested order."""
    user = staff(commune)
    base = NOW - dt.timedelta(days=10)
    for i in range(23):
        DossierFactory(
            unit=commune,
            procedure_version=version,
            due_at=base + dt.timedelta(hours=i % 4),  # many ties
            received_at=None if i % 7 == 0 else base - dt.timedelta(days=i % 3),
        )
    rows, pages = all_pages(user, "overdue", order=order, limit=5)
    assert pages == 5
    ids = [d.pk for d in rows]
    assert len(ids) == len(set(ids)) == 23
    column, desc = selectors.ORDERS[order]

    def key(d):
        value = getattr(d, column)
        return (value is None, value if value is not None else base, d.pk)

    expected = sorted(rows, key=key)
    if desc:
        nulls = [d for d in rows if getattr(d, column) is None]
        rest = [d for d in rows if getattr(d, column) is not None]
        expected = sorted(rest, key=key, reverse=True) + sorted(nulls, key=lambda d: -d.pk)
    assert ids == [d.pk for d in expected]


@pytest.mark.django_db
@hsettings(max_examples=15)
@given(
    offsets=st.lists(st.integers(min_value=-5, max_value=5), min_size=0, max_size=14),
    limit=st.integers(min_value=1, max_value=6),
)
def test_keyset_pagination_property(offsets, limit):
    """Whatever the keys and the page size: pages concatenate to the full ordered list."""
    unit = UnitFactory()
    user = staff(unit)
    version = ProcedureVersionFactory()
    base = NOW - dt.timedelta(days=30)
    for off in offsets:
        DossierFactory(unit=unit, procedure_version=version, due_at=base + dt.timedelta(days=off))
    rows, _pages = all_pages(user, "overdue", limit=limit)
    expected = sorted(Dossier.objects.filter(current_unit=unit), key=lambda d: (d.due_at, d.pk))
    assert [d.pk for d in rows] == [d.pk for d in expected]


@pytest.mark.django_db
def test_keyset_query_uses_no_offset_and_a_bounded_limit(commune, version):
    user = staff(commune)
    for _ in range(4):
        DossierFactory(unit=commune, procedure_version=version, due_at=NOW - dt.timedelta(days=1))
    first = selectors.queue(user, "overdue", limit=2, now=NOW)
    with CaptureQueriesContext(connection) as ctx:
        selectors.queue(user, "overdue", limit=2, after=first.next_cursor, now=NOW)
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert "OFFSET" not in sql and "LIMIT 3" in sql


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["garbage!!", "eyJ4IjoxfQ", ""])
def test_bad_cursor_is_refused_or_ignored(commune, token):
    user = staff(commune)
    if token:
        with pytest.raises(selectors.BadCursor):
            selectors.queue(user, "overdue", after=token, now=NOW)
    else:
        assert selectors.queue(user, "overdue", after=token, now=NOW).rows == []


def test_cursor_is_bound_to_its_sort_order():
    token = selectors.encode_cursor("due", NOW, 7)
    assert selectors.decode_cursor(token, "due") == (NOW, 7)
    with pytest.raises(selectors.BadCursor):
        selectors.decode_cursor(token, "-received")


# --- counts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_queue_counts_are_bounded(commune, version, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    receiver = staff(commune, Role.RECEIVER)
    for _ in range(5):
        DossierFactory(unit=commune, procedure_version=version, due_at=NOW - dt.timedelta(days=1))
    DossierFactory(unit=commune, procedure_version=version, state=State.RESULT_READY)
    with CaptureQueriesContext(connection) as ctx:
        counts = {c.name: c for c in selectors.queue_counts(receiver, now=NOW)}
    assert counts["overdue"].capped and counts["overdue"].display == "2+"
    assert counts["result_ready"].count == 1 and counts["result_ready"].display == "1"
    # one bounded COUNT per queue + the role/unit look-ups + the (cached) calendar
    assert len(ctx.captured_queries) <= len(selectors.QUEUES) + 12
    dossier_counts = [q["sql"] for q in ctx.captured_queries if "dossiers_dossier" in q["sql"]]
    assert dossier_counts and all("LIMIT 3" in sql.upper() for sql in dossier_counts)


COMMON_QUEUES = {"due_soon", "overdue", "waiting_supplement", "transferred_out"}
# (roles held, the queues offered): receiver queues for receivers (NĐ61 art. 17, 20), "assigned
# to me" for those who can be assigned (specialists, leaders), the rest for every role.
QUEUE_CASES = [
    ((Role.RECEIVER,), COMMON_QUEUES | {"to_receive", "result_ready"}),
    ((Role.SPECIALIST,), COMMON_QUEUES | {"assigned_to_me"}),
    ((Role.LEADER,), COMMON_QUEUES | {"assigned_to_me"}),
    ((Role.SUPERVISOR,), COMMON_QUEUES),
    ((Role.RECEIVER, Role.LEADER), set(selectors.QUEUES)),
]


@pytest.mark.parametrize(
    ("roles", "queues"), QUEUE_CASES, ids=["+".join(c[0]) for c in QUEUE_CASES]
)
@pytest.mark.django_db
def test_queues_offered_by_role(commune, roles, queues):
    assert {q.name for q in selectors.available_queues(staff(commune, *roles))} == queues


# --- timeline and actions ----------------------------------------------------------------


@pytest.mark.django_db
def test_timeline_in_sequence_with_vietnamese_labels(commune, version):
    d = DossierFactory(unit=commune, procedure_version=version)
    at = timezone.now()
    DossierEvent.objects.create(
        dossier=d, seq=2, at=at, action="assign", from_state="received", to_state="in_process"
    )
    DossierEvent.objects.create(
        dossier=d, seq=1, at=at, action="receive", from_state="submitted", to_state="received"
    )
    entries = selectors.dossier_timeline(d)
    assert [e.event.seq for e in entries] == [1, 2]
    assert entries[0].label == "Tiếp nhận hồ sơ"
    assert entries[1].to_label == "Đang xử lý"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "role", "expected", "absent"),
    [
        (State.SUBMITTED, Role.RECEIVER, Action.RECEIVE, Action.APPROVE),  # NĐ61 art. 17
        (State.IN_PROCESS, Role.LEADER, Action.APPROVE, Action.RECEIVE),  # art. 19(1)
        (State.IN_PROCESS, Role.SPECIALIST, Action.REQUEST_SUPPLEMENT, Action.APPROVE),  # 19(4)
        (State.RESULT_READY, Role.RECEIVER, Action.RETURN_RESULT, Action.ASSIGN),  # art. 20
    ],
    ids=["nd61-art17-receive", "nd61-art19-approve", "nd61-art19-4-supplement", "nd61-art20"],
)
def test_available_actions_follow_table_and_roles(commune, version, state, role, expected, absent):
    d = DossierFactory(unit=commune, procedure_version=version, state=state)
    actions = {t.action for t in selectors.available_actions(d, staff(commune, role))}
    assert expected in actions and absent not in actions
    stranger = staff(UnitFactory(), role)
    assert selectors.available_actions(d, stranger) == []


# (current step's order, the user's role, offered?) — the factory's process: 1 Thẩm định
# (specialist), 2 Phê duyệt (leader), 3 Trả kết quả (receiver). NĐ61 art. 19(1)–(3): each step
# is finished by its own role and hands over to the next; the last ends by approval or return.
STEP_COMPLETE_CASES = [
    (1, Role.SPECIALIST, True),
    (1, Role.LEADER, False),
    (2, Role.SPECIALIST, False),  # seen in the demo: offered, then refused with a 409
    (2, Role.LEADER, True),
    (3, Role.RECEIVER, False),  # the last step: approval or return, not "complete"
]


@pytest.mark.django_db
@pytest.mark.parametrize(("order", "role", "offered"), STEP_COMPLETE_CASES)
def test_step_complete_is_offered_only_to_whom_the_service_allows(
    commune, version, order, role, offered
):
    d = DossierFactory(
        unit=commune,
        procedure_version=version,
        state=State.IN_PROCESS,
        current_step=version.steps.get(order=order),
    )
    user = staff(commune, role)
    actions = {t.action for t in selectors.available_actions(d, user)}
    assert (Action.STEP_COMPLETE in actions) is offered
    if not offered:  # the service refuses with the reason the page no longer has to show
        from motcua.core.errors import DomainError
        from motcua.dossiers import services

        with pytest.raises(DomainError):
            services.dossier_step_complete(dossier=d, user=user)


T0 = dt.datetime(2025, 3, 14, 10, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
# (case, due_at, extended_due_at, inclusive, before T0?) — the extended date of an apology
# (Mẫu 04, NĐ61 art. 19(9)) replaces the appointment; no date at all is never overdue.
DUE_CASES = [
    ("appointment passed", T0 - H, None, False, True),
    ("appointment later", T0 + H, None, False, False),
    ("appointment at the instant, strict", T0, None, False, False),
    ("appointment at the instant, inclusive", T0, None, True, True),
    ("extended later than a passed appointment", T0 - H, T0 + H, False, False),
    ("extended passed", T0 - 2 * H, T0 - H, False, True),
    ("no appointment", None, None, True, False),
]


@pytest.mark.parametrize(
    ("due_at", "extended", "inclusive", "before"),
    [c[1:] for c in DUE_CASES],
    ids=[c[0] for c in DUE_CASES],
)
def test_due_before_q(due_at, extended, inclusive, before, db):
    dossier = DossierFactory(due_at=due_at, extended_due_at=extended)
    found = Dossier.objects.filter(selectors.due_before_q(T0, inclusive=inclusive))
    assert found.filter(pk=dossier.pk).exists() is before
