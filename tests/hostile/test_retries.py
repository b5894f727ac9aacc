"""Retries of write paths (a double click, the back button, a network retry): the second
request must not create or change anything. The paths and how each is protected are listed in
docs/domain/security.md ("Retries and idempotency")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from motcua.backoffice.tests.helpers import act, client_for, intake_data
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organisation.constants import Role
from tests.factories import MembershipFactory, ProcedureVersionFactory, UnitFactory, UserFactory


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    commune = UnitFactory(name="Xã Thử Lại")
    version = ProcedureVersionFactory()

    def member(role, name):
        user = UserFactory(username=name)
        MembershipFactory(user=user, unit=commune, role=role)
        return user

    return {
        "commune": commune,
        "version": version,
        "procedure": version.procedure,
        "receiver": member(Role.RECEIVER, "tl_receiver"),
        "specialist": member(Role.SPECIALIST, "tl_specialist"),
        "leader": member(Role.LEADER, "tl_leader"),
    }


def test_repeated_dossier_action_is_refused_as_a_conflict(world):
    """The page carries `expected_version`: the same POST sent twice finds the version moved
    on and answers 409, so the transition and its event happen once."""
    client_for(world["receiver"]).post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    leader = client_for(world["leader"])
    data = {"expected_version": dossier.version, "assignee": world["specialist"].pk}
    url = f"/ho-so/{dossier.pk}/thao-tac/assign/"
    first = leader.post(url, data)
    assert first.status_code == 302
    events = DossierEvent.objects.filter(dossier=dossier).count()
    again = leader.post(url, data)
    assert again.status_code == 409
    assert "Hồ sơ vừa được người khác thay đổi" in again.content.decode()
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_repeated_reveal_is_logged_each_time_but_changes_nothing(world):
    client_for(world["receiver"]).post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    version = dossier.version
    receiver = client_for(world["receiver"])
    for _ in range(2):
        assert receiver.post(f"/ho-so/{dossier.pk}/dinh-danh/").status_code == 200
    dossier.refresh_from_db()
    assert dossier.version == version


def test_counter_intake_sent_twice_receives_one_dossier(world):
    """The intake form carries a hidden key (one per displayed form): the second POST of the
    same form is sent to the dossier the first one created."""
    receiver = client_for(world["receiver"])
    page = receiver.get("/tiep-nhan/moi/").content.decode()
    key = re.search(r'name="submit_key" value="([0-9a-f]{32})"', page).group(1)
    data = intake_data(world, submit_key=key)
    first = receiver.post("/tiep-nhan/moi/", data)
    second = receiver.post("/tiep-nhan/moi/", data)
    dossier = Dossier.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == f"/ho-so/{dossier.pk}/"
    assert DossierEvent.objects.filter(dossier=dossier).count() == dossier.version
    # A new form (new key) is a new dossier, as before.
    receiver.post("/tiep-nhan/moi/", intake_data(world))
    assert Dossier.objects.count() == 2


def test_refused_intake_can_be_sent_again_with_the_same_form(world):
    receiver = client_for(world["receiver"])
    data = intake_data(world, submit_key="k" * 32, components=[])  # required papers missing
    refused = receiver.post("/tiep-nhan/moi/", data)
    assert refused.status_code == 400 and not Dossier.objects.exists()
    assert 'class="error' in refused.content.decode()
    data["components"] = [c.pk for c in world["version"].components.all()]
    assert receiver.post("/tiep-nhan/moi/", data).status_code == 302
    assert Dossier.objects.count() == 1


def test_totp_code_sent_twice_is_accepted_once(world):
    from motcua.accounts import totp

    user = world["leader"]
    _device, secret = totp.totp_start_enrolment(user)
    import pyotp

    assert totp.totp_confirm_enrolment(user, pyotp.TOTP(secret).now()) is not None
    # The confirming code is spent: the very same code cannot open a second session.
    other = Client()
    other.force_login(user)
    assert other.post("/xac-thuc-hai-buoc/", {"code": pyotp.TOTP(secret).now()}).status_code == 400


def test_act_helper_sends_the_current_version(world):
    """Guard for the helper used above: a fresh page (current version) is accepted."""
    client_for(world["receiver"]).post("/tiep-nhan/moi/", intake_data(world))
    dossier = Dossier.objects.get()
    response = act(client_for(world["leader"]), dossier, "assign", assignee=world["specialist"].pk)
    assert response.status_code == 200
