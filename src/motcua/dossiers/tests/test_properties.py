"""Properties of the state machine (DOMAIN.md §1.13) over random action sequences.

Whatever the order of actions, through the services: a refused action changes nothing; an
accepted one lands in the table's target state, bumps the version by one and appends one event
with the next seq; terminal states carry `closed_at`."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory

from motcua.core.errors import DomainError
from motcua.dossiers.constants import TERMINAL_STATES
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import MONDAY, counter_dossier, make_commune
from motcua.dossiers.tests.test_transitions import CALLS
from motcua.dossiers.transitions import TRANSITIONS, Action, allowed_actions
from motcua.organisation.constants import Role


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_domain_1_13_random_action_sequences_keep_the_invariants(data):
    commune = make_commune()
    other = UnitFactory()
    boss = UserFactory()
    for role in (Role.RECEIVER, Role.SPECIALIST, Role.LEADER):
        MembershipFactory(user=boss, unit=commune.unit, role=role)
        MembershipFactory(user=boss, unit=other, role=role)
    version = ProcedureVersionFactory()
    d = counter_dossier(commune, version, at=MONDAY)
    any_action = st.sampled_from([a for a in Action if a != Action.SUBMIT])
    for _step in range(data.draw(st.integers(1, 12))):
        before = Dossier.objects.get(pk=d.pk)
        possible = [a for a in allowed_actions(before.state) if a != Action.SUBMIT]
        # Mostly a possible action (to walk deep into the machine), sometimes any action.
        if possible and data.draw(st.integers(0, 3)):
            action = data.draw(st.sampled_from(possible))
        else:
            action = data.draw(any_action)
        events = before.events.count()
        try:
            CALLS[action](before, boss, other)
        except DomainError:
            after = Dossier.objects.get(pk=d.pk)
            assert (after.version, after.state, after.events.count()) == (
                before.version,
                before.state,
                events,
            )
            continue
        after = Dossier.objects.get(pk=d.pk)
        target = TRANSITIONS[action].target or before.state
        assert after.state == target, action
        assert after.version == before.version + 1
        seqs = list(after.events.order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, events + 2))
        assert after.events.order_by("-seq").first().action == action
        if after.state in TERMINAL_STATES:
            assert after.closed_at is not None
